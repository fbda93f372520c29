"""`gaoxin sweep_green`: flag green labels of firms the evaluation recorded an accident or a penalty for (each record
once), and remind firms holding live labels of the yearly self-declaration within its window on the working-day
calendar (once per firm and year), and remind partner banks of needs they have not answered past the deadline (once
per response). Idempotent (run daily by `gaoxin run_scheduled`)."""

from django.core.management.base import BaseCommand

from gaoxin.green.services import declarations_remind, labels_flag_from_evaluation, responses_remind_overdue


class Command(BaseCommand):
    help = "Flag green labels after accidents or penalties; remind firms of the yearly self-declaration."

    def handle(self, *args, **options):
        self.stdout.write(f"标记待复核的称号 {labels_flag_from_evaluation()} 项")
        self.stdout.write(f"提醒自评价申报的企业 {declarations_remind()} 家")
        self.stdout.write(f"超期未响应的银行响应 {responses_remind_overdue()} 条")
