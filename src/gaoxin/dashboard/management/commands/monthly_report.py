"""`gaoxin monthly_report [--month 2026-10]`: on the first working day of a month, generate last month's report as a
draft (the administrators are told to check and publish it); with --month, that month's report now. Does nothing on
other days, or when the month's report exists already (a second run the same day)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from gaoxin.dashboard import periods as P
from gaoxin.dashboard.models import MonthlyReport
from gaoxin.dashboard.services import figures_refresh, monthly_report_due, report_generate


class Command(BaseCommand):
    help = "Generate the monthly report (月度报告) on the first working day of the month."

    def add_arguments(self, parser):
        parser.add_argument("--month", default="", help="YYYY-MM: generate this month's report now")

    def handle(self, *args, month: str, **options):
        today = timezone.localdate()
        if month:
            try:
                due = P.parse(month, today=today).start
            except P.PeriodError as exc:
                raise CommandError(str(exc)) from exc
        else:
            due = monthly_report_due(today)
            if due is None:
                self.stdout.write("今天不是本月第一个工作日，无需生成月度报告")
                return
            if MonthlyReport.objects.filter(month=due).exists():
                self.stdout.write(f"{due:%Y年%m月}的报告已存在")
                return
        figures_refresh()
        report = report_generate(month=due, actor=None)
        self.stdout.write(f"{report}已生成（草稿）")
