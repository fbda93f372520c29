"""Background work for the evaluation cycle: department data uploads with visible progress."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django_tasks import task

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.jobs import NOTHING_IMPORTED, JobFailed, job_input_path, job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_progress, job_start

from . import collection
from .engine import EngineError
from .models import Cycle, ScoreResult, ScoreRun


def _source_name(job: Job) -> str:
    return Path(job.input_file.name).name


@task()
@job_task(failed=NOTHING_IMPORTED)
def import_department_data_task(job: Job, cycle_id: int, unit_id: int) -> None:
    cycle, unit = Cycle.objects.get(pk=cycle_id), OrgUnit.objects.get(pk=unit_id)
    job_start(job, total=len(collection.owned_fields(cycle, unit)))
    with job_input_path(job) as path:  # a bad cell: nothing is written, every one is listed
        values = collection.parse_department_file(
            cycle, unit, path, on_progress=lambda done, total: job_progress(job, done=done, message="正在校验"))
    job_progress(job, done=job.done, message="正在写入")
    counts = collection.department_import(actor=job.created_by, cycle=cycle, unit=unit, values=values,
                                          source_name=_source_name(job))
    job_finish(job, ok=True, message=f"新增{counts['created']}项，更新{counts['updated']}项，未变{counts['unchanged']}项",
               result={**counts, "cycle": cycle_id})


@task()
@job_task
def score_task(job: Job, run_id: int) -> None:
    """评价测算: the engine over the stored figures; the run keeps its inputs' hash and results. A failure — here,
    or a worker that died (the reaper) — fails the run with its job (scoring.score_job_failed), nothing half-written."""
    from .scoring import score_compute

    run = ScoreRun.objects.select_related("cycle", "created_by").get(pk=run_id)
    job_start(job, total=4)
    try:
        run = score_compute(run, on_progress=lambda done, message: job_progress(job, done=done, message=message))
    except EngineError as exc:  # the figures cannot be scored, and the engine says why in Chinese
        raise JobFailed(f"测算失败：{exc}"[:255]) from exc
    counts = {t: sum(g.get(t, 0) for g in run.counts.values()) for t in "ABCDT"}
    job_finish(job, ok=True, message="测算完成：" + "，".join(f"{t}类{n}家" for t, n in counts.items() if n),
               result={"run": run.pk, "cycle": run.cycle_id, "counts": counts})


@task()
@job_task
def release_list_task(job: Job, release_id: int) -> None:
    """The released list per tier with utility account numbers, as Excel."""
    from django.core.files import File
    from django.db import transaction

    from .models import Release
    from .policies import write_release_list

    release = Release.objects.select_related("cycle").get(pk=release_id)
    job_start(job, total=ScoreResult.objects.filter(run_id=release.run_id).count())
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        n = write_release_list(tmp.name, release, on_progress=lambda done: job_progress(job, done=done, message="正在导出"))
        with open(tmp.name, "rb") as fh, transaction.atomic():
            job.output_file.save(f"{release.cycle.data_year}亩产评价结果_v{release.version}.xlsx", File(fh), save=False)
            job_finish(job, ok=True, message=f"已导出{n}家企业（发布文号 {release.doc_no}）",
                       result={"rows": n, "cycle": release.cycle_id})


@task()
@job_task(failed=NOTHING_IMPORTED)
def import_history_task(job: Job) -> None:
    """Tier history for the years before Gaoxin, from Excel or CSV, all or nothing."""
    from .policies import history_import, parse_history

    job_start(job, total=1)
    with job_input_path(job) as path:  # a bad cell: nothing is written, every one is listed
        rows = parse_history(path)
    counts = history_import(actor=job.created_by, rows=rows, source_name=_source_name(job))
    job_finish(job, ok=True, message=f"导入{counts['rows']}条（{counts['years']}个年度，替换{counts['replaced']}条）",
               result=counts)


@task()
@job_task
def department_template_task(job: Job, cycle_id: int, unit_id: int) -> None:
    """A department's Excel template: its fields, one row per participating firm."""
    from django.core.files.base import ContentFile

    cycle, unit = Cycle.objects.get(pk=cycle_id), OrgUnit.objects.get(pk=unit_id)
    job_start(job, total=1)
    content = collection.build_template(cycle, unit)
    job.output_file.save(f"{cycle.data_year}亩产评价_{unit.short_name or unit.name}数据模板.xlsx", ContentFile(content),
                         save=False)
    job_finish(job, ok=True, message=f"已生成{unit.short_name or unit.name}数据模板", result={"cycle": cycle.pk})


@task()
@job_task(failed=NOTHING_IMPORTED)
def import_adjustments_task(job: Job, cycle_id: int) -> None:
    """A department's bonus / penalty / veto list from Excel or CSV, all or nothing."""
    from .adjustments import adjustments_import, parse_adjustment_file

    cycle = Cycle.objects.get(pk=cycle_id)
    job_start(job, total=1)
    with job_input_path(job) as path:  # a bad cell: nothing is written, every one is listed
        rows = parse_adjustment_file(cycle, path, actor=job.created_by)
    counts = adjustments_import(actor=job.created_by, cycle=cycle, rows=rows, source_name=_source_name(job))
    job_finish(job, ok=True, message=f"导入{counts['rows']}条加减分事项（删除{counts['removed']}条）",
               result={**counts, "cycle": cycle_id})
