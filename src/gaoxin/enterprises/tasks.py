"""Background work for the registry: import and export with visible progress."""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path

from django.core.files import File
from django.db import transaction
from django_tasks import task

from gaoxin.accounts.permissions import can_view_personal_data
from gaoxin.core.excel import write_workbook
from gaoxin.core.jobs import NOTHING_IMPORTED, job_input_bytes, job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_progress, job_start

from .models import Industry
from .registry import export_sheets, parse_registry
from .selectors import enterprises_for_export
from .services import registry_import

log = logging.getLogger(__name__)


@task()
@job_task(failed=NOTHING_IMPORTED)
def import_registry_task(job: Job) -> None:
    job_start(job)
    parsed = parse_registry(  # a bad cell: nothing is written, every one is listed
        job_input_bytes(job), industry_codes=set(Industry.objects.values_list("code", flat=True)),
        on_progress=lambda done, total: job_progress(job, done=done, total=total, message="正在校验"),
    )
    job_progress(job, done=job.done, message="正在写入")
    counts = registry_import(parsed=parsed, actor=job.created_by, source_name=Path(job.input_file.name).name)
    job_finish(job, ok=True, message=f"新增{counts['created']}家，更新{counts['updated']}家", result=counts)


@task()
@job_task
def export_registry_task(job: Job) -> None:
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
            mask_phones=not can_view_personal_data(job.created_by),  # a leader's export: phones masked
        ))
        with open(tmp.name, "rb") as fh, transaction.atomic():
            job.output_file.save(f"企业名录_{job.pk}.xlsx", File(fh), save=False)
            job_finish(job, ok=True, message=f"已导出{counter['n']}家企业")
