"""Background work of the green room: the scorecard run with visible progress."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from gaoxin.core.jobs import job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_progress, job_start

from .models import ScorecardRun


@task()
@job_task
def scorecard_task(job: Job, run_id: int) -> None:
    from .services_scorecard import scorecard_compute

    run = ScorecardRun.objects.select_related("created_by").get(pk=run_id)
    job_start(job, total=4)
    run = scorecard_compute(run, on_progress=lambda done, message: job_progress(job, done=done, message=message))
    from .scorecard_data import zone_method

    method = zone_method()
    grades = "，".join(f"{g.name_zh}{run.counts[g.code]}家" for g in method.grades if run.counts.get(g.code))
    job_finish(job, ok=True, message=f"绿色评价完成：{run.firms}家企业" + (f"（{grades}）" if grades else ""),
               result={"run": run.pk, "url": reverse("green_scorecard"), "url_label": "查看绿色评价结果"})


def scorecard_job_failed(job: Job, message: str) -> dict:
    """core.jobs failure handler of "green_scorecard" (registered in apps.py): its run fails with it."""
    from .services_scorecard import scorecard_fail

    for run in ScorecardRun.objects.filter(job=job).select_related("created_by"):
        scorecard_fail(run, message)
    return {}
