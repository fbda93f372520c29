"""Background work for the evaluation cycle: department data uploads with visible progress."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django_tasks import task

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.models import Job, JobStatus
from gaoxin.core.services import job_finish, job_progress, job_start

from . import collection
from .inputs import InputError
from .models import Cycle, ScoreResult, ScoreRun

log = logging.getLogger(__name__)
MAX_ERRORS_SHOWN = 500


def _refuse(job: Job, exc: InputError) -> None:
    """Finish an import job that wrote nothing, listing the bad cells."""
    job_finish(job, ok=False, **exc.job_report(MAX_ERRORS_SHOWN))


@task()
def import_department_data_task(job_id: int, cycle_id: int, unit_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return  # idempotent: a re-delivered task does nothing
    cycle, unit = Cycle.objects.get(pk=cycle_id), OrgUnit.objects.get(pk=unit_id)
    job_start(job, total=len(collection.owned_fields(cycle, unit)))
    # The storage may not be a local disk: read the upload through a temporary file with its suffix.
    with job.input_file.open("rb") as fh, tempfile.NamedTemporaryFile(suffix=Path(job.input_file.name).suffix) as tmp:
        tmp.write(fh.read())
        tmp.flush()
        try:
            values = collection.parse_department_file(
                cycle, unit, tmp.name, on_progress=lambda done, total: job_progress(job, done=done, message="正在校验"))
        except InputError as exc:
            values, refused = None, exc
    if values is None:
        _refuse(job, refused)
        return
    job_progress(job, done=job.done, message="正在写入")
    try:
        counts = collection.department_import(actor=job.created_by, cycle=cycle, unit=unit, values=values,
                                              source_name=Path(job.input_file.name).name)
    except (ValidationError, PermissionDenied) as exc:
        job_finish(job, ok=False, message="；".join(getattr(exc, "messages", [str(exc)])))
        return
    except Exception:
        log.exception("department data job %s failed", job_id)
        job_finish(job, ok=False, message="写入失败，未导入任何数据，请联系管理员")
        return
    job_finish(job, ok=True, message=f"新增{counts['created']}项，更新{counts['updated']}项，未变{counts['unchanged']}项",
               result={**counts, "cycle": cycle_id})


@task()
def score_task(job_id: int, run_id: int) -> None:
    """评价测算: the engine over the stored figures; the run keeps its inputs' hash and results."""
    from .scoring import score_compute, score_fail

    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    run = ScoreRun.objects.select_related("cycle", "created_by").get(pk=run_id)
    job_start(job, total=4)
    try:
        run = score_compute(run, on_progress=lambda done, message: job_progress(job, done=done, message=message))
    except Exception as exc:  # the run is marked failed and the officer sees why; nothing is half-written
        log.exception("scoring run %s failed", run_id)
        score_fail(run, str(exc)[:200])
        job_finish(job, ok=False, message=f"测算失败：{str(exc)[:200]}", result={"cycle": run.cycle_id})
        return
    counts = {t: sum(g.get(t, 0) for g in run.counts.values()) for t in "ABCDT"}
    job_finish(job, ok=True, message="测算完成：" + "，".join(f"{t}类{n}家" for t, n in counts.items() if n),
               result={"run": run.pk, "cycle": run.cycle_id, "counts": counts})


@task()
def release_list_task(job_id: int, release_id: int) -> None:
    """The released list per tier with utility account numbers, as Excel."""
    from django.core.files import File
    from django.db import transaction

    from .models import Release
    from .policies import write_release_list

    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    release = Release.objects.select_related("cycle").get(pk=release_id)
    job_start(job, total=ScoreResult.objects.filter(run_id=release.run_id).count())
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        n = write_release_list(tmp.name, release, on_progress=lambda done: job_progress(job, done=done, message="正在导出"))
        with open(tmp.name, "rb") as fh, transaction.atomic():
            job.output_file.save(f"{release.cycle.data_year}亩产评价结果_v{release.version}.xlsx", File(fh), save=False)
            job_finish(job, ok=True, message=f"已导出{n}家企业（发布文号 {release.doc_no}）",
                       result={"rows": n, "cycle": release.cycle_id})


@task()
def import_history_task(job_id: int) -> None:
    """Tier history for the years before Gaoxin, from Excel or CSV, all or nothing."""
    from .policies import history_import, parse_history

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    job_start(job, total=1)
    with job.input_file.open("rb") as fh, tempfile.NamedTemporaryFile(suffix=Path(job.input_file.name).suffix) as tmp:
        tmp.write(fh.read())
        tmp.flush()
        try:
            rows = parse_history(tmp.name)
        except InputError as exc:
            _refuse(job, exc)
            return
    try:
        counts = history_import(actor=job.created_by, rows=rows, source_name=Path(job.input_file.name).name)
    except PermissionDenied as exc:
        job_finish(job, ok=False, message=str(exc))
        return
    job_finish(job, ok=True, message=f"导入{counts['rows']}条（{counts['years']}个年度，替换{counts['replaced']}条）",
               result=counts)


@task()
def department_template_task(job_id: int, cycle_id: int, unit_id: int) -> None:
    """A department's Excel template: its fields, one row per participating firm."""
    from django.core.files.base import ContentFile

    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    cycle, unit = Cycle.objects.get(pk=cycle_id), OrgUnit.objects.get(pk=unit_id)
    job_start(job, total=1)
    content = collection.build_template(cycle, unit)
    job.output_file.save(f"{cycle.data_year}亩产评价_{unit.short_name or unit.name}数据模板.xlsx", ContentFile(content),
                         save=False)
    job_finish(job, ok=True, message=f"已生成{unit.short_name or unit.name}数据模板", result={"cycle": cycle.pk})


@task()
def import_adjustments_task(job_id: int, cycle_id: int) -> None:
    """A department's bonus / penalty / veto list from Excel or CSV, all or nothing."""
    from .adjustments import adjustments_import, parse_adjustment_file

    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    cycle = Cycle.objects.get(pk=cycle_id)
    job_start(job, total=1)
    with job.input_file.open("rb") as fh, tempfile.NamedTemporaryFile(suffix=Path(job.input_file.name).suffix) as tmp:
        tmp.write(fh.read())
        tmp.flush()
        try:
            rows = parse_adjustment_file(cycle, tmp.name, actor=job.created_by)
        except InputError as exc:
            _refuse(job, exc)
            return
    try:
        counts = adjustments_import(actor=job.created_by, cycle=cycle, rows=rows,
                                    source_name=Path(job.input_file.name).name)
    except (ValidationError, PermissionDenied) as exc:
        job_finish(job, ok=False, message="；".join(getattr(exc, "messages", [str(exc)])))
        return
    job_finish(job, ok=True, message=f"导入{counts['rows']}条加减分事项（删除{counts['removed']}条）",
               result={**counts, "cycle": cycle_id})
