"""Writes of the shared kernel: the audit log, calendar edits, job progress."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Model
from django.utils import timezone

from .audit_chain import schedule_seal
from .context import current_request_info
from .models import AuditEvent, CalendarDay, CalendarYear, DayKind, Job, JobStatus


def audit_record(
    *,
    event_type: str,
    actor,
    subject: Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    subject_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event. Call inside the transaction of the change it records."""
    if subject is not None:
        subject_type = subject_type or subject._meta.label_lower
        subject_id = subject_id or subject.pk
        subject_repr = subject_repr or str(subject)[:255]
    info = current_request_info()
    event = AuditEvent.objects.create(
        event_type=event_type,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_repr=(actor.get_full_name() or actor.get_username()) if getattr(actor, "pk", None) else "系统",
        subject_type=subject_type,
        subject_id=str(subject_id),
        subject_repr=subject_repr,
        before=before,
        after=after,
        request_id=info.get("request_id", ""),
        ip_address=info.get("ip"),
    )
    schedule_seal()
    return event


def lock_for_transition(obj, *, transitions: dict, name: str, actor, roles, noun: str, queryset=None):
    """The shared opening of a table-driven transition (name -> (sources, target, who, label, ...)):
    find it, lock the row, refuse a stale read, an actor without the transition's role and a state
    it does not start from. Returns (the locked object, the table's entry). Call inside the transaction."""
    if name not in transitions:
        raise ValidationError("未知操作")
    entry = transitions[name]
    sources, _target, who, label = entry[:4]
    expected = obj.status
    locked = (queryset if queryset is not None else type(obj).objects).select_for_update().get(pk=obj.pk)
    if locked.status != expected:
        raise ValidationError(f"{noun}状态已变为“{locked.get_status_display()}”，请刷新后再操作")
    if who not in roles(actor, locked):
        raise PermissionDenied("您无权执行此操作")
    if locked.status not in sources:
        raise ValidationError(f"“{locked.get_status_display()}”状态下不能“{label}”")
    return locked, entry


# --- working-day calendar --------------------------------------------------------

def _day_snapshot(day: CalendarDay | None) -> dict | None:
    if day is None:
        return None
    return {"is_workday": day.is_workday, "kind": day.kind, "name": day.name}


@transaction.atomic
def calendar_year_add(*, year: int, actor) -> CalendarYear:
    """Open a new (unconfirmed) year with Monday–Friday as working days, ready for the
    administrator to enter the State Council notice."""
    if not 2000 <= year <= 2100:
        raise ValidationError({"year": "年份应在2000至2100之间"})
    if CalendarYear.objects.filter(year=year).exists():
        raise ValidationError({"year": f"{year}年已存在"})
    cal_year = CalendarYear.objects.create(year=year)
    first = dt.date(year, 1, 1)
    days = [first + dt.timedelta(i) for i in range((dt.date(year, 12, 31) - first).days + 1)]
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=d.weekday() < 5, kind=DayKind.NORMAL, source="按周一至周五生成") for d in days]
    )
    audit_record(event_type="calendar.year_added", actor=actor, subject=cal_year, after={"year": year})
    return cal_year


@transaction.atomic
def calendar_day_set(*, date: dt.date, kind: str, name: str = "", source: str = "", actor) -> CalendarDay:
    """Set one day's kind. Holiday and in-lieu days are off; make-up days are worked;
    a normal day follows the weekday."""
    if kind not in DayKind.values:
        raise ValidationError({"kind": "类型无效"})
    if kind == DayKind.MAKE_UP_WORKDAY and date.weekday() < 5:
        raise ValidationError({"kind": "调休上班日只能是周六或周日"})
    if not CalendarYear.objects.filter(year=date.year).exists():
        raise ValidationError({"date": f"{date.year}年尚未建立，请先新增年度"})
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    before = _day_snapshot(day)
    is_workday = {
        DayKind.NORMAL: date.weekday() < 5,
        DayKind.HOLIDAY: False,
        DayKind.IN_LIEU: False,
        DayKind.MAKE_UP_WORKDAY: True,
    }[DayKind(kind)]
    day, _ = CalendarDay.objects.update_or_create(
        date=date,
        defaults={
            "is_workday": is_workday, "kind": kind, "name": name.strip(), "source": source.strip(),
            "edited_by": actor, "edited_at": timezone.now(),
        },
    )
    CalendarYear.objects.filter(year=date.year).update(updated_at=timezone.now(), revision=F("revision") + 1)
    audit_record(event_type="calendar.day_set", actor=actor, subject=day, before=before, after=_day_snapshot(day))
    return day


@transaction.atomic
def calendar_year_confirm(*, year: int, source_document: str, actor) -> CalendarYear:
    """Mark a year authoritative once the State Council notice has been entered."""
    cal_year = CalendarYear.objects.select_for_update().filter(year=year).first()
    if cal_year is None:
        raise ValidationError({"year": f"{year}年尚未建立"})
    if cal_year.confirmed:
        raise ValidationError({"year": f"{year}年已确认"})
    if not source_document.strip():
        raise ValidationError({"source_document": "请填写依据文件（如国务院办公厅通知文号）"})
    cal_year.confirmed = True
    cal_year.source_document = source_document.strip()
    cal_year.confirmed_by = actor
    cal_year.confirmed_at = timezone.now()
    cal_year.revision += 1
    cal_year.save()
    audit_record(
        event_type="calendar.year_confirmed", actor=actor, subject=cal_year,
        before={"confirmed": False}, after={"confirmed": True, "source_document": cal_year.source_document},
    )
    return cal_year


# --- background jobs ---------------------------------------------------------------

def job_create(*, kind: str, actor, total: int = 0, input_file=None) -> Job:
    info = current_request_info()
    # The submitting request's id and address: the task's audit events and log lines carry them (core.jobs).
    job = Job(kind=kind, created_by=actor, total=total, request_id=info.get("request_id", ""),
              ip_address=info.get("ip"))
    if input_file is not None:
        job.input_file.save(input_file.name, input_file, save=False)
    job.save()
    return job


def job_enqueue(*, kind: str, actor, task, args: tuple = (), input_file=None) -> Job:
    """Create a job and hand it to the task backend once the job row is committed."""
    with transaction.atomic():
        job = job_create(kind=kind, actor=actor, input_file=input_file)
        transaction.on_commit(lambda: task.enqueue(job.pk, *args))
    return job


def job_start(job: Job, *, total: int | None = None) -> None:
    job.status = JobStatus.RUNNING
    job.started_at = job.heartbeat_at = timezone.now()
    job.errors = []
    job.done = 0
    if total is not None:
        job.total = total
    job.save(update_fields=["status", "started_at", "heartbeat_at", "errors", "done", "total"])


def job_progress(job: Job, *, done: int, message: str = "", total: int | None = None) -> None:
    """Record progress (and a heartbeat). A job failed meanwhile — the reaper heard nothing for too long — is
    not written: `JobAbandoned` stops its task, so work the user was told to submit again does not go on."""
    from .jobs import JobAbandoned

    job.done = done
    job.message = message[:255]
    job.heartbeat_at = timezone.now()
    fields = {"done": job.done, "message": job.message, "heartbeat_at": job.heartbeat_at}
    if total is not None:
        job.total = fields["total"] = total
    if not Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(**fields):
        raise JobAbandoned(job.pk)


def job_finish(job: Job, *, ok: bool, message: str = "", errors: list | None = None, result: dict | None = None) -> None:
    job.status = JobStatus.SUCCEEDED if ok else JobStatus.FAILED
    job.message = message[:255]
    job.errors = errors or []
    job.result = result or {}
    job.finished_at = timezone.now()
    if ok:
        job.done = job.total
    job.save()


@transaction.atomic
def job_fail(job: Job, *, message: str, errors: list | None = None, result: dict | None = None) -> None:
    """A task failed: the job ends failed with the reason, and the room's records that follow the job (a scoring
    run) fail with it (core.jobs.on_failure), in one transaction."""
    from .jobs import failure_effects

    effects = failure_effects(job, message)
    job_finish(job, ok=False, message=message, errors=errors, result={**effects, **(result or {})})


@transaction.atomic
def job_interrupt(*, job_id: int, silent_since) -> Job | None:
    """The reaper's one write: a running job not heard of since `silent_since` lost its worker. It is failed
    ("任务中断…请重新提交") with one audit event, and the room's records that follow it fail with it. Returns None
    when the job finished or beat meanwhile (the row is re-read under lock)."""
    from .jobs import INTERRUPTED, failure_effects

    job = Job.objects.select_for_update().filter(pk=job_id, status=JobStatus.RUNNING).first()
    if job is None or job.last_sign_of_life >= silent_since:
        return None
    last = job.last_sign_of_life
    effects = failure_effects(job, INTERRUPTED)
    job_finish(job, ok=False, message=INTERRUPTED, errors=job.errors, result={**job.result, **effects})
    audit_record(event_type="job.interrupted", actor=None, subject=job,
                 before={"status": JobStatus.RUNNING, "heartbeat_at": last.isoformat(), "done": job.done,
                         "total": job.total},
                 after={"status": JobStatus.FAILED, "message": INTERRUPTED})
    return job
