"""`gaoxin refresh_figures [--full]`: recompute the dashboard's stored figures (the last
GAOXIN_FIGURES_LOOKBACK_DAYS days, or every day with --full). Run by `gaoxin run_scheduled` from the timer."""

from django.core.management.base import BaseCommand

from gaoxin.dashboard.services import figures_refresh


class Command(BaseCommand):
    help = "Recompute the dashboard's stored figures (驾驶舱指标)."

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="recompute every day, not only the recent ones")

    def handle(self, *args, full: bool, **options):
        state = figures_refresh(full=full)
        self.stdout.write(f"指标已更新：{state.rows} 行，用时 {state.seconds} 秒")
