"""Several background workers on one PostgreSQL database (issue 16 §1): each claims its next task with SELECT … FOR
UPDATE SKIP LOCKED, so 60 tasks run by two `gaoxin worker` processes at once each run exactly once (the task's row
can exist once: a second run would fail). Real processes on the test database; runs when DATABASE_URL is
PostgreSQL (CI's second run)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from gaoxin.core.models import DocumentCounter

SRC = Path(__file__).resolve().parents[3]
TASKS = 60

pytestmark = [pytest.mark.skipif(connection.vendor != "postgresql", reason="several workers need PostgreSQL"),
              pytest.mark.real_clock]


def _env(tmp_path: Path) -> dict[str, str]:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GAOXIN_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "gaoxin.settings", "GAOXIN_VAR_DIR": str(tmp_path),
                "DATABASE_URL": f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
                "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))})
    return env


@pytest.mark.django_db(transaction=True)
def test_two_workers_run_every_task_exactly_once(tmp_path):
    from django_tasks_db.models import DBTaskResult

    env = _env(tmp_path)
    gaoxin = [sys.executable, "-m", "gaoxin.cli"]
    enqueue = ("from gaoxin.core.tests.worker_tasks import count_once\n"
               f"for n in range({TASKS}): count_once.enqueue(n)")
    done = subprocess.run([*gaoxin, "shell", "--no-imports", "-c", enqueue], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert DBTaskResult.objects.count() == TASKS

    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    workers = []
    for name, log in zip("ab", logs, strict=True):
        with log.open("w") as out:
            workers.append(subprocess.Popen(
                [*gaoxin, "worker", "--batch", "--no-startup-delay", "--interval", "0.1", "--worker-id", f"w-{name}"],
                env=env, stdout=out, stderr=subprocess.STDOUT))
    deadline = time.monotonic() + 120
    for worker in workers:
        try:
            worker.wait(timeout=max(1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for w in workers:
                w.kill()
            pytest.fail("the workers did not finish:\n" + "\n".join(log.read_text()[-2000:] for log in logs))

    statuses = list(DBTaskResult.objects.values_list("status", flat=True))
    assert statuses == ["SUCCESSFUL"] * TASKS, "\n".join(log.read_text()[-2000:] for log in logs)
    assert DocumentCounter.objects.filter(prefix="WRK").count() == TASKS
    claims = list(DBTaskResult.objects.values_list("worker_ids", flat=True))
    assert all(len(ids) == 1 for ids in claims)  # each task claimed by one worker, once
