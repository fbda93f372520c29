"""`gaoxin sweep_competitions`: remind the awarded firm and the organising department of each follow-up of investor
contacts and financing (6 and 12 months after the award, on a working day) that is due and not recorded, once each.
Idempotent (run daily by `gaoxin run_scheduled`)."""

from django.core.management.base import BaseCommand

from gaoxin.competitions.services import follow_ups_remind


class Command(BaseCommand):
    help = "Remind awarded firms and the science bureau of follow-ups that are due."

    def handle(self, *args, **options):
        self.stdout.write(f"提醒获奖后跟踪 {follow_ups_remind()} 条")
