"""Background work for the registry: import and export with visible progress."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django_tasks import task

from gaoxin.core.excel import SheetError, write_workbook
from gaoxin.core.models import Job, JobStatus
from gaoxin.core.services import job_finish, job_progress, job_start

from .models import Industry
from .registry import export_sheets, parse_registry
from .selectors import enterprises_for_export
from .services import registry_import

log = logging.getLogger(__name__)
MAX_ERRORS_SHOWN = 500


@task()
def import_registry_task(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return  # idempotent: a re-delivered task does nothing
    job_start(job)
    try:
        with job.input_file.open("rb") as fh:
            parsed = parse_registry(
                fh.read(), industry_codes=set(Industry.objects.values_list("code", flat=True)),
                on_progress=lambda done, total: _progress(job, done, total, "正在校验"),
            )
    except SheetError as exc:  # nothing is written: every bad cell is listed
        job_finish(job, ok=False, **exc.job_report(MAX_ERRORS_SHOWN))
        return
    job_progress(job, done=job.done, message="正在写入")
    try:
        counts = registry_import(parsed=parsed, actor=job.created_by, source_name=Path(job.input_file.name).name)
    except Exception:
        log.exception("registry import job %s failed", job_id)
        job_finish(job, ok=False, message="写入失败，未导入任何数据，请联系管理员")
        return
    job_finish(job, ok=True, message=f"新增{counts['created']}家，更新{counts['updated']}家", result=counts)


def _progress(job: Job, done: int, total: int, message: str) -> None:
    if job.total != total:
        job.total = total
        job.save(update_fields=["total"])
    job_progress(job, done=done, message=message)


@task()
def export_registry_task(job_id: int) -> None:
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    enterprises, parcels, qualifications, contacts = enterprises_for_export(user=job.created_by)
    job_start(job, total=enterprises.count())
    counter = {"n": 0}

    def counted(rows):
        for row in rows:
            counter["n"] += 1
            if counter["n"] % 2000 == 0:
                job_progress(job, done=counter["n"], message="正在导出")
            yield row

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_workbook(tmp.name, export_sheets(
            counted(enterprises.iterator(chunk_size=2000)), parcels.iterator(chunk_size=2000),
            qualifications.iterator(chunk_size=2000), contacts.iterator(chunk_size=2000),
        ))
        with open(tmp.name, "rb") as fh, transaction.atomic():
            job.output_file.save(f"企业名录_{job.pk}.xlsx", File(fh), save=False)
            job_finish(job, ok=True, message=f"已导出{counter['n']}家企业")
