"""`gaoxin sweep_kiosk`: the hall's closing time and the kiosk coverage of the day. Voids the tickets still waiting
or called but unfinished once the hall has closed (GAOXIN_QUEUE_CLOSING_TIME; any earlier day's at once), and
records which published 即办 items the kiosk offers today (the coverage figure). Idempotent; run every 15 minutes
before the dashboard's figures (`gaoxin run_scheduled sweep_kiosk refresh_figures remind_guidance`)."""

from django.core.management.base import BaseCommand

from gaoxin.kiosk import queue, services


class Command(BaseCommand):
    help = "闭厅后作废未办理的号码，并记录当日即办事项的自助办理覆盖"

    def handle(self, *args, **options):
        voided = queue.tickets_void_stale()
        items = services.kiosk_coverage_record()
        self.stdout.write(f"作废号码 {voided} 个；即办事项 {items} 项已记录自助办理覆盖。")
