"""`gaoxin restore <backup>`: onto an empty database and an empty upload directory, then compared with the
manifest (core/backup.py). `--verify-only` checks a backup's hashes without restoring."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gaoxin.core.backup import BackupError, backup_restore, backup_verify


class Command(BaseCommand):
    help = ("Restore a backup made by `gaoxin backup` onto an empty database (数据恢复); the restored row counts and "
            "file hashes are compared with the backup's manifest.")
    requires_system_checks = []  # the database is empty until restored

    def add_arguments(self, parser):
        parser.add_argument("source", help="a backup directory (gaoxin-backup-YYYYmmdd-HHMMSS)")
        parser.add_argument("--verify-only", action="store_true", help="check the backup's hashes, change nothing")

    def handle(self, *args, source, verify_only, **options):
        try:
            if verify_only:
                manifest = backup_verify(Path(source))
                self.stdout.write(f"备份完整：{len(manifest['tables'])} 张表 {manifest['rows']} 行，"
                                  f"{len(manifest['files'])} 个上传文件，哈希值全部一致。")
                return
            manifest = backup_restore(Path(source))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"恢复完成，已与备份清单核对一致：{len(manifest['tables'])} 张表 {manifest['rows']} 行，"
                          f"{len(manifest['files'])} 个上传文件。")
