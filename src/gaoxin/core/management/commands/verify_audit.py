from django.core.management.base import BaseCommand, CommandError

from gaoxin.core import audit_chain


class Command(BaseCommand):
    help = "Verify the audit log's hash chain (审计日志完整性校验); --seal first seals events not yet chained."

    def add_arguments(self, parser):
        parser.add_argument("--seal", action="store_true", help="seal unsealed events before verifying")

    def handle(self, *args, seal, **options):
        if seal:
            self.stdout.write(f"已封存 {audit_chain.seal()} 条新事件。")
        report = audit_chain.verify()
        if not report.ok:
            raise CommandError(f"审计日志链在第 {report.broken_at} 条处断开：该条或其前后的记录被修改或删除。"
                               f"（已校验 {report.sealed} 条）")
        self.stdout.write(self.style.SUCCESS(
            f"审计日志完整：{report.sealed} 条已封存记录的哈希链一致；另有 {report.unsealed} 条尚未封存。"))
