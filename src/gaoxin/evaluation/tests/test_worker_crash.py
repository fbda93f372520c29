"""A worker killed mid-scoring (issue 15 §4): before the fix its run stayed RUNNING for ever and every re-score was
refused ("已有一次测算正在进行"). Now the job beats while it works; once it has been silent for
GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS the reaper (`gaoxin reap_jobs`) fails the job and its run with the Chinese
reason, and the cycle is scored again.

Real processes on a real file: the worker is `gaoxin db_worker` in a process of its own (crash_worker.py holds its
engine so the kill lands mid-scoring), killed with SIGKILL; the reaper and the re-score are processes of their own
too. On SQLite they share a copy of the test database in a file; on PostgreSQL (DATABASE_URL) the test database
itself. Nothing waits a fixed time: every step polls the database for the state it needs, with a deadline."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connections
from django.db.utils import load_backend
from django.utils import timezone

from gaoxin.core.jobs import INTERRUPTED
from gaoxin.core.models import AuditEvent, Job, JobStatus
from gaoxin.evaluation import scoring
from gaoxin.evaluation.models import Cycle, CycleStatus, RunStatus, ScoreResult, ScoreRun

SRC = Path(__file__).resolve().parents[3]
DEADLINE = 90  # seconds for any one state to arrive (process start-up on a busy 2-core machine included)
SILENCE = 1.0  # the reaper's heartbeat timeout in this test


@contextlib.contextmanager
def shared_database(tmp_path: Path):
    """(alias for the test's reads, DATABASE_URL for the processes): the database the processes work on."""
    default = connections["default"]
    if default.vendor == "postgresql":
        s = default.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        yield "default", f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    path = tmp_path / "crash.sqlite3"
    default.ensure_connection()
    target = sqlite3.connect(path)
    default.connection.backup(target)  # the in-memory test database, committed rows and all
    target.close()
    # A connection of the test's own to the copy (not a configured database: the test suite knows nothing of it).
    copy = load_backend(default.settings_dict["ENGINE"]).DatabaseWrapper(
        {**default.settings_dict, "NAME": str(path)}, "crash")
    connections["crash"] = copy
    try:
        yield "crash", f"sqlite:///{path}"
    finally:
        copy.close()
        del connections["crash"]


def gaoxin_env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GAOXIN_"))}
    env.update({"DJANGO_SETTINGS_MODULE": "gaoxin.settings", "DATABASE_URL": url, "GAOXIN_VAR_DIR": str(tmp_path),
                "PYTHONUNBUFFERED": "1", "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")])),
                **extra})
    return env


def until(what: str, condition, log: Path, process: subprocess.Popen | None = None):
    deadline = time.monotonic() + DEADLINE
    while True:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            pytest.fail(f"the worker exited ({process.returncode}) before {what}:\n{log.read_text()[-4000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {DEADLINE} s:\n{log.read_text()[-4000:]}")
        time.sleep(0.05)


def run_command(args: list[str], env: dict, log: Path) -> str:
    done = subprocess.run([sys.executable, *args], env=env, cwd=SRC.parent, capture_output=True, text=True,
                          timeout=DEADLINE)
    log.write_text(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    return done.stdout


@pytest.mark.django_db(transaction=True)
@pytest.mark.real_clock
def test_a_worker_killed_mid_scoring_is_reaped_and_the_cycle_scored_again(admin_user, confirming, tmp_path,
                                                                             settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # queued as in a zone
    first = scoring.score_start(actor=admin_user, cycle=confirming)
    log = tmp_path / "worker.log"

    with shared_database(tmp_path) as (db, db_url), log.open("w") as out:
        worker = subprocess.Popen([sys.executable, "-m", "gaoxin.evaluation.tests.crash_worker", "stuck"],
                                  env=gaoxin_env(tmp_path, db_url, GAOXIN_JOB_HEARTBEAT_SECONDS="0.2"),
                                  cwd=SRC.parent, stdout=out, stderr=subprocess.STDOUT)
        try:
            def job():
                return Job.objects.using(db).get(pk=first.job_id)

            mid = until("scoring under way", lambda: (j := job()).status == JobStatus.RUNNING and j.done == 2 and j,
                        log, worker)
            assert mid.message == "计算基准值、得分和等级"
            # The engine holds the task in one step; the worker's heartbeat goes on meanwhile.
            until("a heartbeat during the step", lambda: job().heartbeat_at > mid.heartbeat_at, log, worker)
            worker.send_signal(signal.SIGKILL)
            worker.wait(timeout=DEADLINE)
        finally:
            if worker.poll() is None:
                worker.kill()
                worker.wait()

        # Left as a killed worker leaves it: the run RUNNING, its job "running".
        assert ScoreRun.objects.using(db).get(pk=first.pk).status == RunStatus.RUNNING
        assert job().status == JobStatus.RUNNING
        until("the heartbeat to fall silent", lambda: timezone.now() - job().heartbeat_at > dt.timedelta(
            seconds=SILENCE), log)

        reaper = run_command(["-m", "gaoxin.cli", "reap_jobs"], gaoxin_env(
            tmp_path, db_url, GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS=str(SILENCE)), tmp_path / "reaper.log")
        assert f"任务 #{first.job_id}（亩产评价测算）" in reaper and "共清理 1 个中断的后台任务。" in reaper
        failed_job, failed_run = job(), ScoreRun.objects.using(db).select_related("job").get(pk=first.pk)
        assert (failed_job.status, failed_job.message) == (JobStatus.FAILED, INTERRUPTED)
        assert failed_job.message == "任务中断（处理进程已停止），请重新提交"
        assert failed_run.status == RunStatus.FAILED and failed_run.failure_reason == INTERRUPTED
        assert failed_job.result == {"cycle": confirming.pk}  # the job's page links back to the cycle
        events = AuditEvent.objects.using(db)
        assert events.filter(event_type="job.interrupted", subject_id=str(failed_job.pk)).count() == 1
        assert events.get(event_type="evaluation.score.fail", subject_id=str(first.pk)).after["message"] == INTERRUPTED

        run_command(["-m", "gaoxin.evaluation.tests.crash_worker", "rescore", str(confirming.pk), str(admin_user.pk)],
                    gaoxin_env(tmp_path, db_url), tmp_path / "rescore.log")
        again = ScoreRun.objects.using(db).get(cycle_id=confirming.pk, number=2)
        assert again.status == RunStatus.DONE and Job.objects.using(db).get(pk=again.job_id).status == JobStatus.SUCCEEDED
        cycle = Cycle.objects.using(db).get(pk=confirming.pk)
        assert cycle.status == CycleStatus.SCORED and cycle.current_run_id == again.pk
        assert ScoreResult.objects.using(db).filter(run=again).count() == 10
        assert not ScoreResult.objects.using(db).filter(run_id=first.pk).exists()  # nothing half-written

