from django.core.management.base import BaseCommand

from gaoxin.guidance.services import sessions_remind


class Command(BaseCommand):
    help = "提醒即将开始的已确认导办（每个预约只提醒一次；可每十分钟运行）"

    def handle(self, *args, **options):
        self.stdout.write(f"已发送导办提醒 {sessions_remind()} 条")
