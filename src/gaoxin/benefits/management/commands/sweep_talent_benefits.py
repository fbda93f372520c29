"""`gaoxin sweep_talent_benefits`: the daily sweep of the talent benefit ledger — a claim being paid to a person who no
longer works for the employer they claimed with (the registry's employer changed, or a hire there recorded as left)
is stopped and, within the item's service period, a clawback is raised to the talent office. Saving a talent or a
hire does the same at once; the sweep catches changes made around the services (an import). Then each talent with a
log-in who now qualifies for an item they have not claimed is told once. Idempotent (run by `gaoxin run_scheduled`).
"""

from django.core.management.base import BaseCommand

from gaoxin.benefits.services import talent_departures_check, talent_items_push


class Command(BaseCommand):
    help = "Daily sweep of talent benefits (departures stop payments and raise clawbacks)."

    def handle(self, *args, **options):
        self.stdout.write(f"人才离开、停发并核算追回 {talent_departures_check()} 项，"
                          f"推送“您可能符合”人才待遇 {talent_items_push()} 条")
