"""Catalogue import and export as background jobs with visible progress."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django.db.models import Prefetch
from django_tasks import task

from gaoxin.core.excel import write_workbook
from gaoxin.core.jobs import NOTHING_IMPORTED, job_input_bytes, job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_progress, job_start

from . import catalog_io
from .models import ItemVersion, Material, ServiceItem

log = logging.getLogger(__name__)


@task()
@job_task(failed=NOTHING_IMPORTED)
def import_catalog_task(job: Job) -> None:
    job_start(job)
    parsed = catalog_io.parse_catalog(job_input_bytes(job))  # a bad cell: nothing is written, every one is listed
    job_progress(job, done=0, message=f"正在写入{len(parsed.items)}个事项")
    counts = catalog_io.apply_catalog(parsed=parsed, actor=job.created_by, source_name=Path(job.input_file.name).name)
    job_finish(job, ok=True, result=counts,
               message=f"新增{counts['created']}项，更新{counts['updated']}项（生成新版本），未变化{counts['unchanged']}项")


@task()
@job_task
def export_catalog_task(job: Job) -> None:
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
