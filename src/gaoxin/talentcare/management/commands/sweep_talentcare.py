"""`gaoxin sweep_talentcare`: the daily sweep of 人才服务保障 — remind the talent office and the talent of leases
about to end (on the working-day calendar) and leaders of paired talents not contacted for too long. Idempotent (run
by `gaoxin run_scheduled`)."""

from django.core.management.base import BaseCommand

from gaoxin.talentcare.services import sweep


class Command(BaseCommand):
    help = "Daily sweep of talent apartments and pairing (lease expiry and overdue-contact reminders)."

    def handle(self, *args, **options):
        done = sweep()
        self.stdout.write(f"租约到期提醒 {done['leases_expiring']} 项，结对联系逾期提醒 {done['contacts_overdue']} 项")
