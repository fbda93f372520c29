"""Evaluation jobs that go wrong end as failed jobs with a Chinese reason, and a scoring run fails with its job
(issue 15 §4): an unreadable department file, an engine that cannot score, an unexpected error, and a worker that
died (reaped when the bureau scores again). The worker really killed: test_worker_crash.py."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gaoxin.core import jobs
from gaoxin.core.models import AuditEvent, Job, JobStatus
from gaoxin.core.services import job_create, job_start
from gaoxin.evaluation import engine, scoring, services
from gaoxin.evaluation.models import Cycle, CycleValue, Participant, RunStatus, ScoreResult
from gaoxin.evaluation.tasks import import_department_data_task


def events(kind):
    return AuditEvent.objects.filter(event_type=kind).count()


@pytest.fixture
def collecting(admin_user, firms, tax_unit):
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度亩产效益综合评价")
    services.participants_populate(actor=admin_user, cycle=cycle)
    for name in ("CONFIRM_SCOPE", "START_COLLECTION"):
        cycle = services.cycle_transition(actor=admin_user, cycle=cycle, name=name)
    return cycle


def department_job(actor, cycle, unit, name, content, *, lose_file=False):
    job = job_create(kind="evaluation_department_import", actor=actor, input_file=SimpleUploadedFile(name, content))
    if lose_file:
        job.input_file.storage.delete(job.input_file.name)
    import_department_data_task.enqueue(job.pk, cycle.pk, unit.pk)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("name,content,lose,message", [
    ("税务.xlsx", b"PK\x03\x04 not really a workbook", False, "无法读取该文件，请上传 Excel（.xlsx）文件"),
    ("税务.parquet", b"PAR1 broken", False, "无法读取该文件（文件已损坏或不是 .parquet 格式），请检查后重新上传"),
    ("税务.xlsx", b"PK\x03\x04", True, jobs.UNREADABLE),
])
def test_an_unreadable_department_file_fails_its_job(tax_officer, collecting, tax_unit, name, content, lose, message):
    job = department_job(tax_officer, collecting, tax_unit, name, content, lose_file=lose)
    assert (job.status, job.message) == (JobStatus.FAILED, message)
    assert not CycleValue.objects.exists()


def test_scores_the_engine_refuses_fail_the_run_with_the_engines_reason(admin_user, confirming,
                                                                       django_capture_on_commit_callbacks):
    Participant.objects.filter(cycle=confirming).update(group="NOPE")  # nothing the method can rate
    with django_capture_on_commit_callbacks(execute=True):
        run = scoring.score_start(actor=admin_user, cycle=confirming)
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.FAILED and job.message == "测算失败：没有可评价的企业：输入中的口径与评价方法的分组都不匹配"
    assert run.status == RunStatus.FAILED and run.failure_reason == job.message
    assert job.result == {"cycle": confirming.pk}


def test_an_unexpected_error_fails_the_run_without_showing_python(admin_user, confirming, monkeypatch, caplog,
                                                                  django_capture_on_commit_callbacks, admin_client):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(engine, "evaluate", broken)
    with django_capture_on_commit_callbacks(execute=True):
        run = scoring.score_start(actor=admin_user, cycle=confirming)
    run.refresh_from_db()
    job = Job.objects.get(pk=run.job_id)
    assert job.status == JobStatus.FAILED and job.message == jobs.UNEXPECTED.format(pk=job.pk)
    assert run.status == RunStatus.FAILED and not ScoreResult.objects.filter(run=run).exists()
    assert events("evaluation.score.fail") == 1
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)  # the traceback is logged
    page = admin_client.get(reverse("evaluation_cycle", args=[confirming.pk])).content.decode()
    assert "第1次（初评）· 失败（任务执行出错" in page and "ZeroDivisionError" not in page


def test_a_run_whose_worker_died_is_failed_when_the_bureau_scores_again(admin_user, confirming, settings,
                                                                       django_capture_on_commit_callbacks):
    settings.GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS = 300
    with django_capture_on_commit_callbacks(execute=False):  # the worker took the job, then died: no more heartbeats
        stuck = scoring.score_start(actor=admin_user, cycle=confirming)
    job_start(stuck.job)
    with pytest.raises(Exception, match="已有一次测算正在进行"):  # still beating: the run is alive, wait for it
        scoring.score_start(actor=admin_user, cycle=Cycle.objects.get(pk=confirming.pk))
    Job.objects.filter(pk=stuck.job_id).update(heartbeat_at=timezone.now() - dt.timedelta(seconds=301))

    with django_capture_on_commit_callbacks(execute=True):
        again = scoring.score_start(actor=admin_user, cycle=Cycle.objects.get(pk=confirming.pk))

    stuck.refresh_from_db()
    assert stuck.status == RunStatus.FAILED and stuck.failure_reason == "任务中断（处理进程已停止），请重新提交"
    assert Job.objects.get(pk=stuck.job_id).status == JobStatus.FAILED
    assert events("job.interrupted") == 1 and events("evaluation.score.fail") == 1
    again.refresh_from_db()
    assert again.number == 2 and again.status == RunStatus.DONE
    assert Cycle.objects.get(pk=confirming.pk).current_run == again


def test_a_run_failed_meanwhile_is_not_stored_by_its_late_worker(admin_user, confirming,
                                                                 django_capture_on_commit_callbacks):
    """The reaper took a slow worker for dead and the bureau was told to score again: when the worker comes back
    it stores nothing, and its job stays failed."""
    with django_capture_on_commit_callbacks(execute=False):
        run = scoring.score_start(actor=admin_user, cycle=confirming)
    scoring.score_fail(run, jobs.INTERRUPTED)
    with pytest.raises(Exception, match="本次测算已中断，结果未保存"):
        scoring.score_compute(run)
    assert not ScoreResult.objects.filter(run=run).exists()
    assert Cycle.objects.get(pk=confirming.pk).current_run is None
