"""`gaoxin sweep_talent`: the talent room's daily sweep — ask firms to confirm people still on the job at the
retention dates, remind of school agreements about to expire, end those past their date, expire recognitions
past their validity. Idempotent (run by
`gaoxin run_scheduled`)."""

from django.core.management.base import BaseCommand

from gaoxin.talent.services import sweep


class Command(BaseCommand):
    help = "Daily sweep of the talent room (retention checks, agreement reminders and expiry, recognitions expiry)."

    def handle(self, *args, **options):
        done = sweep()
        self.stdout.write(f"在岗回访提醒 {done['retention_asked']} 条，协议到期提醒 {done['agreements_expiring']} 项，"
                          f"到期协议 {done['agreements_ended']} 项，到期人才认定 {done['recognitions_expired']} 项")
