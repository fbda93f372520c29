"""Background work of the dashboard: computing the stored figures and generating a monthly report."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django_tasks import task

from gaoxin.core.jobs import job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_progress, job_start


@task()
@job_task
def refresh_figures_task(job: Job, full: bool = False) -> None:
    from .services import figures_refresh

    job_start(job, total=1)
    state = figures_refresh(full=full, on_progress=lambda done, total: job_progress(
        job, done=done, total=total, message="正在计算指标"))
    job_finish(job, ok=True, message=f"指标已更新（{state.rows}行，用时{state.seconds}秒）",
               result={"url": reverse("dashboard"), "url_label": "返回领导驾驶舱"})


@task()
@job_task
def monthly_report_task(job: Job, month: str) -> None:
    from .services import figures_refresh, report_generate

    job_start(job, total=2)
    figures_refresh(on_progress=None)
    job_progress(job, done=1, message="正在生成报告")
    report = report_generate(month=dt.date.fromisoformat(month), actor=job.created_by)
    token = f"{report.month:%Y-%m}"
    job_finish(job, ok=True, message=f"{report}已生成（草稿）",
               result={"url": reverse("report_detail", args=[token]), "url_label": "查看月度报告"})
