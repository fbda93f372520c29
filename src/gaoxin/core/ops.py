"""Operations: the background worker's heartbeat, readiness, and the record of scheduled commands.

- `worker_heartbeat(worker_id)` keeps a `WorkerHeartbeat` row fresh from a thread of `gaoxin worker`, also while
  the worker is idle (a job's own heartbeat, core.jobs, exists only while a job runs).
- `readiness()` is what `/readyz` answers: the database reachable and, unless turned off, a worker heard of within
  GAOXIN_READY_WORKER_SECONDS.
- `scheduled_run(name)` records the start, end, outcome and output of a scheduled command (`gaoxin run_scheduled`),
  shown to the administrator in /django-admin/ (计划任务运行记录).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import socket
from collections.abc import Iterator

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .jobs import beating
from .models import ScheduledRun, WorkerHeartbeat

log = logging.getLogger(__name__)
STALE_WORKER_ROWS = dt.timedelta(days=1)


def _beat(worker_id: str, started: dt.datetime) -> None:
    now = timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={
            "host": socket.gethostname()[:255], "pid": os.getpid(), "started_at": started, "seen_at": now})


@contextlib.contextmanager
def worker_heartbeat(worker_id: str, *, interval: float | None = None) -> Iterator[None]:
    """While the block runs, write this worker's heartbeat every GAOXIN_WORKER_HEARTBEAT_SECONDS from a thread with
    its own database connection; remove the row when the worker stops cleanly."""
    seconds = float(settings.GAOXIN_WORKER_HEARTBEAT_SECONDS if interval is None else interval)
    started = timezone.now()
    WorkerHeartbeat.objects.filter(seen_at__lt=started - STALE_WORKER_ROWS).delete()
    _beat(worker_id, started)
    try:
        with beating(lambda: _beat(worker_id, started), seconds, "worker-heartbeat"):
            yield
    finally:
        with contextlib.suppress(DatabaseError):
            WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def readiness() -> tuple[bool, dict]:
    """(ready, checks): the database answers a query; a worker beat within GAOXIN_READY_WORKER_SECONDS (0: not
    checked, e.g. a web-only node whose workers are watched elsewhere)."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        checks["database"] = "ok"
    except DatabaseError as exc:
        log.warning("readiness: database unreachable: %s", exc)
        return False, {"database": "unreachable"}
    window = float(settings.GAOXIN_READY_WORKER_SECONDS)
    if window <= 0:
        checks["worker"] = "not checked"
    else:
        since = timezone.now() - dt.timedelta(seconds=window)
        alive = WorkerHeartbeat.objects.filter(seen_at__gte=since).count()
        checks["worker"] = f"ok ({alive})" if alive else f"no heartbeat within {window:g} s"
    ready = all(v == "ok" or v.startswith("ok ") or v == "not checked" for v in checks.values())
    return ready, checks


@contextlib.contextmanager
def scheduled_run(name: str) -> Iterator[list[str]]:
    """Record a scheduled command's run: the block appends its output lines to the yielded list; an exception is
    recorded as a failure (and raised again)."""
    started = timezone.now()
    ScheduledRun.objects.update_or_create(name=name, defaults={"started_at": started})
    output: list[str] = []
    ok = False
    try:
        yield output
        ok = True
    except Exception as exc:
        output.append(f"失败：{type(exc).__name__}: {exc}")
        raise
    finally:
        finished = timezone.now()
        row = ScheduledRun.objects.get(name=name)
        row.finished_at, row.succeeded, row.runs = finished, ok, row.runs + 1
        row.output = "\n".join(output)[-4000:]
        if ok:
            row.last_success_at = finished
        row.save()
