"""Writes of the green scorecard: a run is started by the economic bureau and scored as a background job (visible
progress, nothing half-written: the results and the run's DONE are one transaction), one audit event each for the
start and the finish."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.core.services import audit_record, job_enqueue

from . import permissions as perms
from .models import ScorecardResult, ScorecardRun, ScorecardStatus
from .scorecard import score_firms
from .scorecard_data import scorecard_inputs, zone_method


def _method_hash(method) -> str:
    return hashlib.sha256(json.dumps(method.model_dump(), sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def scorecard_start(*, actor, background: bool = True) -> ScorecardRun:
    """Open a run and queue it as a background job; `background=False` scores at once without a job (the demo)."""
    from .tasks import scorecard_task

    if not perms.can_run_scorecard(actor):
        raise PermissionDenied("只有经济发展局人员或管委会管理员可以发起绿色评价测算")
    method = zone_method()
    with transaction.atomic():
        if ScorecardRun.objects.select_for_update().filter(status=ScorecardStatus.RUNNING).exists():
            raise ValidationError("已有一次绿色评价测算正在进行，请等待其完成")
        number = (ScorecardRun.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        run = ScorecardRun.objects.create(number=number, method_name=method.name_zh, method_hash=_method_hash(method),
                                          created_by=actor)
        if background:
            run.job = job_enqueue(kind="green_scorecard", actor=actor, task=scorecard_task, args=(run.pk,))
            run.save(update_fields=["job"])
        audit_record(event_type="green.scorecard.start", actor=actor, subject=run,
                     after={"number": number, "method": method.name_zh})
    return run if background else scorecard_compute(run)


def scorecard_compute(run: ScorecardRun, on_progress=None) -> ScorecardRun:
    step = on_progress or (lambda done, message: None)
    method = zone_method()
    step(1, "读取亩产等级、碳效等级、称号和处罚记录")
    data = scorecard_inputs(method)
    step(2, "计算得分和等级")
    scored = score_firms(data, method) if data.height else data
    step(3, "保存结果")
    columns = [c for c in data.columns if c != "enterprise_id"]
    point_columns = [f"{i}_points" for i in (*method.indicators, *method.penalties)]
    results = [ScorecardResult(run_id=run.pk, enterprise_id=r["enterprise_id"], total=Decimal(str(r["total"])),
                               grade=r["grade"], grade_name=r["grade_name"], capped_by=r["capped_by"] or "",
                               row={c: r[c] for c in (*columns, *point_columns)}, reasons=r["reasons"])
               for r in (scored.iter_rows(named=True) if data.height else [])]
    with transaction.atomic():
        locked = ScorecardRun.objects.select_for_update().get(pk=run.pk)
        if locked.status != ScorecardStatus.RUNNING:
            return locked  # a re-delivered task: stored already
        ScorecardResult.objects.bulk_create(results, batch_size=2000)
        locked.counts = dict(Counter(r.grade for r in results))
        locked.firms, locked.status, locked.finished_at = len(results), ScorecardStatus.DONE, timezone.now()
        locked.save(update_fields=["counts", "firms", "status", "finished_at"])
        audit_record(event_type="green.scorecard.finish", actor=locked.created_by, subject=locked,
                     after={"firms": locked.firms, "counts": locked.counts})
    step(4, "完成")
    return locked


def scorecard_fail(run: ScorecardRun, message: str) -> None:
    with transaction.atomic():
        if ScorecardRun.objects.filter(pk=run.pk, status=ScorecardStatus.RUNNING).update(
                status=ScorecardStatus.FAILED, finished_at=timezone.now()):
            audit_record(event_type="green.scorecard.fail", actor=run.created_by, subject=run,
                         after={"message": message[:200]})
