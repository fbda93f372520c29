"""The processes of the kill-the-worker test (test_worker_crash.py), each run as
`python -m gaoxin.evaluation.tests.crash_worker <mode>` against the database named by DATABASE_URL:

    stuck                      the real `gaoxin db_worker`, whose engine never returns: the scoring run stays at
                               "计算基准值、得分和等级" (RUNNING, its job beating) until the test kills the process
    rescore <cycle> <actor>    start a new scoring run as the bureau does, and work the queue until it is empty

Only the engine is held up, so the kill lands mid-scoring without a race; everything else is the worker, the task
and the database as they run in a zone."""

from __future__ import annotations

import os
import sys
import threading


def main(argv: list[str]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    import django

    django.setup()
    from django.core.management import call_command

    mode = argv[0]
    if mode == "stuck":
        from gaoxin.evaluation import engine

        def evaluate(*args, **kwargs):
            threading.Event().wait()  # until the test kills this process

        engine.evaluate = evaluate
        call_command("db_worker", queue_name="*", interval=0.05, startup_delay=False, reload=False)
    elif mode == "rescore":
        from gaoxin.accounts.models import User
        from gaoxin.evaluation import scoring
        from gaoxin.evaluation.models import Cycle

        cycle, actor = Cycle.objects.get(pk=int(argv[1])), User.objects.get(pk=int(argv[2]))
        run = scoring.score_start(actor=actor, cycle=cycle, note="进程中断后重新测算")
        print(f"run {run.pk}", flush=True)
        call_command("db_worker", queue_name="*", batch=True, interval=0, startup_delay=False, reload=False)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
