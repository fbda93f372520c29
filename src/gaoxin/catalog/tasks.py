"""Catalogue import and export as background jobs with visible progress."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch
from django_tasks import task

from gaoxin.core.excel import SheetError, write_workbook
from gaoxin.core.models import Job, JobStatus
from gaoxin.core.services import job_finish, job_progress, job_start

from . import catalog_io
from .models import ItemVersion, Material, ServiceItem

log = logging.getLogger(__name__)


@task()
def import_catalog_task(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    job_start(job)
    try:
        with job.input_file.open("rb") as fh:
            parsed = catalog_io.parse_catalog(fh.read())
    except SheetError as exc:  # nothing is written: every bad cell is listed
        job_finish(job, ok=False, **exc.job_report())
        return
    job_progress(job, done=0, message=f"正在写入{len(parsed.items)}个事项")
    try:
        counts = catalog_io.apply_catalog(parsed=parsed, actor=job.created_by, source_name=Path(job.input_file.name).name)
    except Exception:
        log.exception("catalog import job %s failed", job_id)
        job_finish(job, ok=False, message="写入失败，未导入任何数据，请联系管理员")
        return
    job_finish(job, ok=True, result=counts,
               message=f"新增{counts['created']}项，更新{counts['updated']}项（生成新版本），未变化{counts['unchanged']}项")


@task()
def export_catalog_task(job_id: int) -> None:
    job = Job.objects.get(pk=job_id)
    if job.status == JobStatus.SUCCEEDED:
        return
    versions = ItemVersion.objects.prefetch_related(
        "situations", Prefetch("materials", queryset=Material.objects.prefetch_related("situations")))
    items = (ServiceItem.objects.filter(current_version__isnull=False)
             .select_related("department", "zone")
             .prefetch_related("themes", Prefetch("current_version", queryset=versions))
             .order_by("implementation_code"))
    job_start(job, total=items.count())
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_workbook(tmp.name, catalog_io.export_sheets(items))
        with open(tmp.name, "rb") as fh, transaction.atomic():
            job.output_file.save(f"事项清单_{job.pk}.xlsx", File(fh), save=False)
            job_finish(job, ok=True, message=f"已导出{job.total}个事项")
