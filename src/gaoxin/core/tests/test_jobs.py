"""Background jobs that survive a crash: every failure of a task ends as a failed job with a Chinese reason, a
running job keeps a heartbeat, and the reaper fails jobs whose worker is gone (with the room's records that follow
them), from `gaoxin reap_jobs`, the job's page and the API. The worker really killed mid-scoring:
evaluation/tests/test_worker_crash.py."""

import datetime as dt
import io
import logging

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from gaoxin.core import jobs
from gaoxin.core.excel import CellError, SheetError
from gaoxin.core.models import AuditEvent, Job, JobStatus
from gaoxin.core.services import job_create, job_finish, job_progress, job_start

pytestmark = pytest.mark.django_db


@task()
@jobs.job_task
def probe_task(job: Job, mode: str) -> None:
    """A job that fails in the way it is told to."""
    job_start(job, total=2)
    job_progress(job, done=1, message="第一步")
    if mode == "boom":
        {}["no such key"]  # noqa: B018 - an unexpected error, as a bug would raise it
    if mode == "refused":
        raise ValidationError("本周期已关闭，不能导入")
    if mode == "cells":
        raise SheetError([CellError("企业", 3, "规模", "C", "必填")])
    if mode == "said":
        raise jobs.JobFailed("测算失败：没有可评价的企业")
    if mode == "file":
        jobs.job_input_bytes(job)
    if mode == "taken_for_dead":  # the reaper failed the job while it ran: the next step stops the task
        Job.objects.filter(pk=job.pk).update(status=JobStatus.FAILED, message=jobs.INTERRUPTED)
        job_progress(job, done=2, message="第二步")
    job_finish(job, ok=True, message="完成")


def run(mode, actor, **kwargs):
    job = job_create(kind="probe", actor=actor, **kwargs)
    probe_task.enqueue(job.pk, mode)
    job.refresh_from_db()
    return job


def test_a_task_that_finishes_succeeds_and_is_not_run_again(admin_user):
    job = run("ok", admin_user)
    assert (job.status, job.message, job.done) == (JobStatus.SUCCEEDED, "完成", 2)
    assert job.heartbeat_at is not None and job.heartbeat_at >= job.started_at
    Job.objects.filter(pk=job.pk).update(message="已完成的任务")
    probe_task.enqueue(job.pk, "boom")  # a re-delivered task does nothing
    assert Job.objects.get(pk=job.pk).message == "已完成的任务"


def test_an_unexpected_error_fails_the_job_in_chinese_and_logs_the_traceback(admin_user, caplog):
    with caplog.at_level(logging.ERROR, logger="gaoxin.core.jobs"):
        job = run("boom", admin_user)
    assert job.status == JobStatus.FAILED and job.finished_at is not None
    assert job.message == jobs.UNEXPECTED.format(pk=job.pk)
    assert "KeyError" not in job.message and "no such key" not in job.message
    assert any(r.exc_info and r.exc_info[0] is KeyError for r in caplog.records)


@pytest.mark.parametrize("mode,message,errors", [
    ("refused", "本周期已关闭，不能导入", []),
    ("said", "测算失败：没有可评价的企业", []),
    ("cells", "发现1处错误，未导入任何数据", [{"sheet": "企业", "row": 3, "column": "规模", "letter": "C",
                                          "message": "必填", "text": "“企业”表第3行“规模”列（C列）：必填"}]),
])
def test_a_refusal_fails_the_job_with_its_own_reason(admin_user, mode, message, errors):
    job = run(mode, admin_user)
    assert (job.status, job.message, job.errors) == (JobStatus.FAILED, message, errors)


def test_an_unreadable_upload_fails_the_job(admin_user):
    job = job_create(kind="probe", actor=admin_user, input_file=SimpleUploadedFile("名录.xlsx", b"PK\x03\x04"))
    job.input_file.storage.delete(job.input_file.name)  # gone from the storage (a cleaned disk, a lost volume)
    probe_task.enqueue(job.pk, "file")
    job.refresh_from_db()
    assert (job.status, job.message) == (JobStatus.FAILED, jobs.UNREADABLE)


def test_a_job_taken_for_dead_stops_at_its_next_step_and_keeps_the_reason(admin_user):
    job = run("taken_for_dead", admin_user)
    assert (job.status, job.message, job.done) == (JobStatus.FAILED, jobs.INTERRUPTED, 1)


# --- the reaper --------------------------------------------------------------------------------------------

def running(actor, *, silent_for: float, kind="probe"):
    job = job_create(kind=kind, actor=actor)
    job_start(job, total=10)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=silent_for))
    return job


def test_the_reaper_fails_running_jobs_without_a_heartbeat_and_nothing_else(admin_user, settings):
    settings.GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS = 60
    silent = running(admin_user, silent_for=61)
    beating = running(admin_user, silent_for=5)
    queued = job_create(kind="probe", actor=admin_user)  # waiting for a worker is not dead
    legacy = running(admin_user, silent_for=0)  # started before heartbeats existed, long ago
    Job.objects.filter(pk=legacy.pk).update(heartbeat_at=None, started_at=timezone.now() - dt.timedelta(hours=2))
    done = run("ok", admin_user)
    Job.objects.filter(pk=done.pk).update(heartbeat_at=timezone.now() - dt.timedelta(hours=1))

    reaped = jobs.jobs_reap()

    assert sorted(j.pk for j in reaped) == sorted([silent.pk, legacy.pk])
    states = dict(Job.objects.values_list("pk", "status"))
    assert states[beating.pk] == JobStatus.RUNNING and states[queued.pk] == JobStatus.QUEUED
    assert states[done.pk] == JobStatus.SUCCEEDED
    for pk in (silent.pk, legacy.pk):
        job = Job.objects.get(pk=pk)
        assert (job.status, job.message) == (JobStatus.FAILED, "任务中断（处理进程已停止），请重新提交")
        assert job.finished_at is not None
    events = AuditEvent.objects.filter(event_type="job.interrupted")
    assert sorted(int(e.subject_id) for e in events) == sorted([silent.pk, legacy.pk])  # one event per job
    event = events.get(subject_id=str(silent.pk))
    assert event.actor is None and event.before["status"] == "running" and event.after["status"] == "failed"
    assert jobs.jobs_reap() == []  # nothing left to reap: a second run changes nothing


def test_the_reaper_fails_what_follows_the_job_in_the_same_step(admin_user):
    calls = []

    def follow(job, message):
        calls.append((job.pk, message))
        return {"cycle": 7}

    jobs.on_failure("probe_followed", follow)
    job = running(admin_user, silent_for=3600, kind="probe_followed")
    assert jobs.jobs_reap(kinds=["probe_followed"]) == [job]
    job.refresh_from_db()
    assert calls == [(job.pk, jobs.INTERRUPTED)] and job.result == {"cycle": 7}


def test_reap_jobs_command(admin_user, settings):
    settings.GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS = 300
    silent = running(admin_user, silent_for=301)
    out = io.StringIO()
    call_command("reap_jobs", stdout=out)
    assert f"任务 #{silent.pk}（probe）已超过 300 秒无心跳，已标记为失败。" in out.getvalue()
    assert "共清理 1 个中断的后台任务。" in out.getvalue()
    beating = running(admin_user, silent_for=10)
    call_command("reap_jobs", "--timeout", "5", stdout=io.StringIO())
    assert Job.objects.get(pk=beating.pk).status == JobStatus.FAILED


def test_the_job_page_and_the_api_show_a_dead_worker_as_an_interruption(admin_user, admin_client, settings):
    settings.GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS = 60
    beating = running(admin_user, silent_for=1)
    page = admin_client.get(reverse("job_detail", args=[beating.pk])).content.decode()
    assert 'data-status="running"' in page and "中断" not in page
    silent = running(admin_user, silent_for=120)
    page = admin_client.get(reverse("job_detail", args=[silent.pk])).content.decode()
    assert 'data-status="failed"' in page and "任务中断（处理进程已停止），请重新提交" in page
    other = running(admin_user, silent_for=120)
    answer = admin_client.get(f"/api/v1/jobs/{other.pk}/").json()
    assert (answer["status"], answer["message"]) == ("failed", jobs.INTERRUPTED)
