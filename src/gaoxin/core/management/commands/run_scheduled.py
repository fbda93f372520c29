"""`gaoxin run_scheduled`: the daily sweeps, run by a systemd timer or cron (deploy/systemd/gaoxin-daily.timer).

Runs each command of GAOXIN_SCHEDULED_COMMANDS (default: `sweep_cases`, `reap_jobs`) in turn and records its start,
end, outcome and output (core.models.ScheduledRun, shown in the administration as 计划任务运行记录). A command that
fails does not stop the others; the run then exits non-zero so the timer's unit shows the failure too."""

from __future__ import annotations

import io
import logging

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from gaoxin.core.ops import scheduled_run

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run the scheduled daily commands (GAOXIN_SCHEDULED_COMMANDS) and record each run (计划任务)."

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", help="only these commands (default: GAOXIN_SCHEDULED_COMMANDS)")

    def handle(self, *args, names, **options):
        failed = []
        for name in names or settings.GAOXIN_SCHEDULED_COMMANDS:
            out = io.StringIO()
            try:
                with scheduled_run(name) as output:
                    try:
                        call_command(name, stdout=out, stderr=out)
                    finally:
                        output.extend(out.getvalue().splitlines())
            except Exception as exc:  # recorded by scheduled_run; the next command still runs
                log.exception("scheduled command %s failed", name)
                failed.append(f"{name}: {exc}")
                self.stderr.write(f"{name} 运行失败：{exc}")
            else:
                self.stdout.write(f"{name} 完成。{out.getvalue().strip()}")
        if failed:
            raise CommandError("计划任务运行失败：" + "；".join(failed))
