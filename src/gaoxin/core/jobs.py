"""Background jobs that survive a crash (CONVENTIONS §7).

- `job_task` wraps every task that takes a `Job` id: it loads the job (a succeeded job is not run again), keeps a
  heartbeat while the task runs, and whatever goes wrong ends as a failed job with a Chinese reason — the bad
  cells of a file, a service's refusal, an unreadable upload, or, for anything unexpected, a message with the job
  number while the traceback goes to the log. Never a Python repr on the user's screen.
- A worker killed mid-job cannot say so: the reaper (`jobs_reap`) fails every running job whose heartbeat is older
  than GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS ("任务中断（处理进程已停止），请重新提交"). It runs from
  `gaoxin reap_jobs`, from the worker before each job, from the job's page, and from a room before it refuses new
  work because old work is still running (a scoring run).
- A room whose own records follow a job (a scoring run is RUNNING while its job runs) registers a failure handler
  for the job's kind (`on_failure`): it runs in the transaction that fails the job, whichever way it failed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, connections
from django.db.models.functions import Coalesce
from django.utils import timezone

from .context import current_request_info, request_context
from .excel import SheetError
from .models import Job, JobStatus

log = logging.getLogger(__name__)

INTERRUPTED = "任务中断（处理进程已停止），请重新提交"
UNEXPECTED = "任务执行出错，未能完成，请重新提交；如再次出错，请联系管理员并告知任务编号 {pk}"
# For an import written in one transaction: whatever failed, nothing of it was written.
NOTHING_IMPORTED = "导入出错，未导入任何数据，请重新提交；如再次出错，请联系管理员并告知任务编号 {pk}"
UNREADABLE = "无法读取上传的文件（文件可能已损坏或已被删除），请检查后重新上传"
MAX_ERRORS_SHOWN = 500


class JobFailed(Exception):
    """The task cannot go on, for a reason the user is told in Chinese (with bad rows, if any)."""

    def __init__(self, message: str, *, errors: list | None = None, result: dict | None = None):
        super().__init__(message)
        self.message, self.errors, self.result = message, errors, result


class JobAbandoned(Exception):
    """The job was failed while its task still ran (the reaper heard nothing for too long): the task stops
    at its next progress step, so work the user was told to submit again is not finished behind their back."""


# --- what a room does when one of its jobs fails -------------------------------------------------------

FailureHandler = Callable[[Job, str], dict | None]
_handlers: dict[str, list[FailureHandler]] = {}


def on_failure(kind: str, handler: FailureHandler) -> None:
    """handler(job, message) runs inside the transaction that fails a job of this kind (its task raised, or the
    reaper found it silent); it may return entries for the job's result (e.g. the cycle, for the page's link)."""
    if handler not in _handlers.setdefault(kind, []):
        _handlers[kind].append(handler)


def failure_effects(job: Job, message: str) -> dict:
    result: dict = {}
    for handler in _handlers.get(job.kind, []):
        result.update(handler(job, message) or {})
    return result


# --- the task wrapper ------------------------------------------------------------------------------------

def job_task(func: Callable[..., object] | None = None, *, failed: str = UNEXPECTED):
    """For a task whose first argument is a job id: the function receives the `Job` instead. Put it under
    `@task()`. A succeeded job is not run again (a re-delivered task does nothing); any failure ends as a
    failed job with a Chinese reason; `failed` is the one for an unexpected error ({pk}: the job's number)."""
    if func is None:
        return functools.partial(job_task, failed=failed)

    @functools.wraps(func)
    def run(job_id: int, *args, **kwargs) -> None:
        job = Job.objects.select_related("created_by").filter(pk=job_id).first()
        if job is None:
            log.warning("job %s no longer exists: %s skipped", job_id, func.__name__)
            return
        if job.status == JobStatus.SUCCEEDED:
            return
        # Run inline inside a caller's transaction (the immediate backend), the task has no worker of its own to
        # watch over: its progress writes are its heartbeat, and it leaves other jobs alone.
        inline = connection.in_atomic_block
        if not inline:
            _reap_quietly()
        with _submitting_request(job), _heartbeat(job.pk, enabled=not inline):
            try:
                func(job, *args, **kwargs)
            except JobAbandoned:
                log.warning("job %s (%s) was failed while it ran; its task stopped", job.pk, job.kind)
            except JobFailed as exc:
                _fail(job, message=exc.message, errors=exc.errors, result=exc.result)
            except SheetError as exc:  # nothing is written: every bad cell is listed
                _fail(job, **exc.job_report(MAX_ERRORS_SHOWN))
            except (ValidationError, PermissionDenied) as exc:  # a service refused, in Chinese
                _fail(job, message="；".join(getattr(exc, "messages", None) or [str(exc)]))
            except (KeyboardInterrupt, SystemExit):  # the worker was told to stop at once
                _fail(job, message=INTERRUPTED)
                raise
            except Exception:
                log.exception("job %s (%s) failed", job.pk, job.kind)
                _fail(job, message=failed.format(pk=job.pk))

    return run


@contextlib.contextmanager
def _submitting_request(job: Job) -> Iterator[None]:
    """In a worker, the job's audit events and log lines carry the id of the request that submitted it (inline, in
    that request, they already do)."""
    if current_request_info().get("request_id") or not job.request_id:
        yield
        return
    token = request_context.set({"request_id": job.request_id, "ip": job.ip_address})
    try:
        yield
    finally:
        request_context.reset(token)


def _fail(job: Job, **report) -> None:
    from .services import job_fail

    try:
        job_fail(job, **report)
    except Exception:  # the database itself failed: the reaper fails the job once its heartbeat is old
        log.exception("job %s could not be marked failed", job.pk)


def _reap_quietly() -> None:
    try:
        jobs_reap()
    except Exception:  # reaping others' jobs never stops this one
        log.exception("reaping silent jobs failed")


@contextlib.contextmanager
def beating(write: Callable[[], None], seconds: float, name: str) -> Iterator[None]:
    """While the block runs, call `write` every `seconds` from a thread with its own database connection; a
    busy database (SQLite: another write holds it) only skips a beat. The job heartbeat and the worker's use it."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(seconds):
                try:
                    write()
                except DatabaseError as exc:
                    log.debug("%s not written: %s", name, exc)
        finally:
            connections.close_all()  # this thread's connections only

    thread = threading.Thread(target=beat, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


@contextlib.contextmanager
def _heartbeat(job_id: int, *, enabled: bool = True) -> Iterator[None]:
    """The running job's heartbeat every GAOXIN_JOB_HEARTBEAT_SECONDS, also while the task is inside one long step
    (the engine, a big write)."""
    interval = float(settings.GAOXIN_JOB_HEARTBEAT_SECONDS)
    if not enabled or interval <= 0:
        yield
        return
    with beating(lambda: Job.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now()),
                 interval, f"job-{job_id}-heartbeat"):
        yield


# --- the uploaded file ---------------------------------------------------------------------------------

def job_input_bytes(job: Job) -> bytes:
    """The job's upload; a missing or unreadable file fails the job with a Chinese reason."""
    try:
        with job.input_file.open("rb") as fh:
            return fh.read()
    except (OSError, ValueError) as exc:  # ValueError: no file attached
        log.warning("job %s: input file %r unreadable: %s", job.pk, job.input_file.name, exc)
        raise JobFailed(UNREADABLE) from exc


@contextlib.contextmanager
def job_input_path(job: Job) -> Iterator[str]:
    """The job's upload as a local temporary file with its suffix (the storage may not be a local disk)."""
    data = job_input_bytes(job)
    with tempfile.NamedTemporaryFile(suffix=Path(job.input_file.name).suffix) as tmp:
        tmp.write(data)
        tmp.flush()
        yield tmp.name


# --- the reaper --------------------------------------------------------------------------------------------

def _cutoff(timeout: float | None) -> dt.datetime:
    seconds = settings.GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS if timeout is None else timeout
    return timezone.now() - dt.timedelta(seconds=float(seconds))


def jobs_reap(*, kinds: Iterable[str] | None = None, timeout: float | None = None) -> list[Job]:
    """Fail every running job (of these kinds) not heard of for `timeout` seconds (default
    GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS): its worker is gone. Returns the jobs failed."""
    from .services import job_interrupt

    cutoff = _cutoff(timeout)
    silent = (Job.objects.filter(status=JobStatus.RUNNING)
              .alias(seen=Coalesce("heartbeat_at", "started_at", "created_at")).filter(seen__lt=cutoff))
    if kinds is not None:
        silent = silent.filter(kind__in=list(kinds))
    reaped = []
    for pk in silent.order_by("pk").values_list("pk", flat=True):
        job = job_interrupt(job_id=pk, silent_since=cutoff)
        if job is not None:
            log.warning("job %s (%s) had no heartbeat since %s: marked failed", job.pk, job.kind, cutoff)
            reaped.append(job)
    return reaped


def job_reap_if_silent(job: Job) -> Job:
    """The job's page: a running job not heard of for too long is failed now, so whoever watches it sees why."""
    if job.status != JobStatus.RUNNING or job.last_sign_of_life >= _cutoff(None):
        return job
    from .services import job_interrupt

    return job_interrupt(job_id=job.pk, silent_since=_cutoff(None)) or Job.objects.get(pk=job.pk)
