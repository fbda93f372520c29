"""`gaoxin refresh_chains`: keep every chain's member suggestions current from the registry (new firms, changed
industries, closed firms) and tell the owners and the chain chief of meeting actions past their deadline (once per
item and deadline). Idempotent (run daily by `gaoxin run_scheduled`)."""

from django.core.management.base import BaseCommand

from gaoxin.chains.services import actions_sweep, chains_refresh_all


class Command(BaseCommand):
    help = "Refresh the industry chains' member suggestions from the registry; remind owners of overdue actions."

    def handle(self, *args, **options):
        done = chains_refresh_all()
        self.stdout.write(f"产业链 {done['chains']} 条：新增建议 {done['suggested']} 家，撤回不再符合的建议 {done['withdrawn']} 家")
        self.stdout.write(f"逾期会议任务提醒 {actions_sweep()} 项")
