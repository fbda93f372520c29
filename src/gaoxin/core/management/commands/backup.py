"""`gaoxin backup`: database dump + uploaded files + manifest (core/backup.py), then old backups pruned."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gaoxin.core.backup import BackupError, backup_create, backups_prune, default_destination


class Command(BaseCommand):
    help = ("Back up the database and the uploaded files into a new directory with a manifest of row counts and file "
            "hashes (数据备份); then remove backups beyond GAOXIN_BACKUP_KEEP_DAILY / _MONTHLY.")

    def add_arguments(self, parser):
        parser.add_argument("--dest", default=None, help="directory for backups (default GAOXIN_BACKUP_DIR)")
        parser.add_argument("--no-prune", action="store_true", help="keep every older backup")

    def handle(self, *args, dest, no_prune, **options):
        destination = Path(dest) if dest else default_destination()
        try:
            path, manifest = backup_create(destination)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"备份完成：{path}（{len(manifest['tables'])} 张表 {manifest['rows']} 行，"
                          f"{len(manifest['files'])} 个上传文件 {manifest['file_bytes']} 字节）")
        if not no_prune:
            for old in backups_prune(destination, keep_daily=settings.GAOXIN_BACKUP_KEEP_DAILY,
                                     keep_monthly=settings.GAOXIN_BACKUP_KEEP_MONTHLY):
                self.stdout.write(f"已删除过期备份：{old.name}")
