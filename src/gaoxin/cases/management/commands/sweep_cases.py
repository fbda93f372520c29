from django.core.management.base import BaseCommand

from gaoxin.cases.tasks import sweep


class Command(BaseCommand):
    help = ("Daily case sweep: deemed acceptance after the correction-notice limit, 容缺 termination, reminders, "
            "unconfirmed decision uploads removed.")

    def handle(self, *args, **options):
        counts = sweep()
        self.stdout.write("办件巡检完成：视为受理 {deemed_accepted} 件，容缺终止 {terminated} 件，"
                          "到期提醒 {due_soon} 件，容缺补齐提醒 {tolerance_reminders} 件，"
                          "清理未确认的决定附件 {pending_files_removed} 个".format(**counts))
