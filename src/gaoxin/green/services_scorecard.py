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
from .models import ObjectionRemedy, ObjectionStatus, ScorecardResult, ScorecardRun, ScorecardStatus, ScoreObjection
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


def _result_fields(r: dict, columns, point_columns) -> dict:
    return {"total": Decimal(str(r["total"])), "grade": r["grade"], "grade_name": r["grade_name"],
            "capped_by": r["capped_by"] or "", "row": {c: r[c] for c in (*columns, *point_columns)},
            "reasons": r["reasons"]}


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
    results = [ScorecardResult(run_id=run.pk, enterprise_id=r["enterprise_id"], **_result_fields(r, columns, point_columns))
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


# --- objections to a grade (the evaluation's flow: a firm files with a reason and evidence within a window, the
# bureau upholds or rejects with a reason, the firm is told) -----------------------------------------------------------


def latest_run():
    return ScorecardRun.objects.filter(status=ScorecardStatus.DONE).order_by("-number").first()


def objection_window(run: ScorecardRun):
    """First and last day a firm may object to a grade of this run (a notice window from the run's completion)."""
    from django.conf import settings

    from gaoxin.core import notice

    if run is None or run.finished_at is None:
        return None, None
    start = timezone.localdate(run.finished_at)
    return notice.notice_window(start, settings.GAOXIN_GREEN_SCORECARD_OBJECTION_LENGTH,
                                settings.GAOXIN_GREEN_SCORECARD_OBJECTION_UNIT)


def objection_refusal(result: ScorecardResult, today=None) -> str:
    """Why the firm may not object to this result today ("" when it may)."""
    from gaoxin.core import notice

    latest = latest_run()
    if latest is None or result.run_id != latest.pk:
        return "已有更新的绿色评价测算结果，请对最新结果提出异议"
    start, end = objection_window(latest)
    if not notice.notice_open(start, end, today):
        return notice.notice_refusal(end, today)
    if result.objections.filter(status=ObjectionStatus.OPEN).exists():
        return "本企业对该结果的异议正在核实，处理完毕后可再提出"
    return ""


def objection_indicators(method=None) -> list[tuple[str, str]]:
    method = method or zone_method()
    return [("", "总体等级"), *((i, ind.name_zh) for i, ind in method.indicators.items()),
            *((p, pen.name_zh) for p, pen in method.penalties.items())]


def _office_users():
    from django.conf import settings

    from gaoxin.accounts.models import Role, User

    return User.objects.filter(is_active=True, role=Role.DEPT_OFFICER,
                               org_unit__code__in=settings.GAOXIN_GREEN_DEPARTMENT_CODES)


def _firm_users(enterprise_id: int):
    from gaoxin.accounts.models import Role, User

    return User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_memberships__enterprise_id=enterprise_id)


@transaction.atomic
def score_objection_file(*, actor, result: ScorecardResult, indicator: str, reason: str, evidence) -> ScoreObjection:
    """A firm objects to its grade in the latest run, within the objection window, naming the indicator it disputes
    (or the grade as a whole), with a reason and evidence; one open objection per result. One audit event; the economic
    bureau is told."""
    from django.urls import reverse

    from gaoxin.core.notify import notify
    from gaoxin.core.uploads import check_upload

    if not perms.can_object_to_score(actor, result):
        raise PermissionDenied("只能对本企业的绿色评价结果提出异议")
    result = ScorecardResult.objects.select_for_update().select_related("enterprise", "run").get(pk=result.pk)
    if refusal := objection_refusal(result):
        raise ValidationError(refusal)
    names = dict(objection_indicators())
    errors = {}
    if indicator not in names:
        errors["indicator"] = "请选择有异议的指标"
    if not (reason or "").strip():
        errors["reason"] = "请说明异议理由"
    if evidence is None:
        errors["evidence"] = "请上传证明材料（认定文件、整改验收材料等）"
    else:
        try:
            check_upload(evidence, kind="evidence", label="证明材料")
        except ValidationError as exc:
            errors["evidence"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    objection = ScoreObjection(result=result, indicator=indicator, indicator_name=names[indicator],
                               reason=reason.strip(), grade_before=result.grade, grade_before_name=result.grade_name,
                               total_before=result.total, created_by=actor)
    objection.evidence.save(evidence.name, evidence, save=False)
    objection.save()
    audit_record(event_type="green.objection.file", actor=actor, subject=objection,
                 after={"enterprise": result.enterprise.name, "run": result.run.number, "indicator": names[indicator],
                        "grade": result.grade_name, "total": str(result.total)})
    notify(_office_users(), kind="green_objection", sms=True,
           url=reverse("green_score_objections") + "?status=open",
           message=f"{result.enterprise.name}对第{result.run.number}次绿色评价测算的“{names[indicator]}”提出异议"
                   f"（现为{result.grade_name}），请核实后处理。")
    return objection


def _rescore(result: ScorecardResult, method) -> dict:
    """The firm scored again from what the zone holds now (its facts corrected since the run)."""
    import polars as pl

    data = scorecard_inputs(method)
    mine = data.filter(pl.col("enterprise_id") == result.enterprise_id)
    if not mine.height:  # nothing left to score on: every indicator at nought
        mine = pl.DataFrame([{"enterprise_id": result.enterprise_id}], schema=data.schema)
    row = score_firms(mine, method).row(0, named=True)
    columns = [c for c in data.columns if c != "enterprise_id"]
    point_columns = [f"{i}_points" for i in (*method.indicators, *method.penalties)]
    return _result_fields(row, columns, point_columns)


@transaction.atomic
def score_objection_decide(*, actor, objection: ScoreObjection, uphold: bool, reason: str,
                           remedy: str = ObjectionRemedy.RESCORE, grade: str = "") -> ScoreObjection:
    """The economic bureau decides an open objection with a reason: upheld, the firm's result is re-scored from the
    corrected facts (a re-score that changes nothing is refused: correct the facts first, or the grade) or its grade
    corrected to the one given; rejected, the result stands. The run's counts follow; one audit event; the firm is
    told."""
    from django.urls import reverse

    from gaoxin.core.notify import notify

    if not perms.can_decide_score_objection(actor):
        raise PermissionDenied("只有经济发展局人员或管委会管理员可以处理绿色评价异议")
    objection = ScoreObjection.objects.select_for_update().get(pk=objection.pk)
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(f"该异议已处理（{objection.get_status_display()}）")
    result = ScorecardResult.objects.select_for_update().select_related("enterprise", "run").get(pk=objection.result_id)
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = "请填写处理意见"
    method = zone_method()
    if uphold and remedy not in ObjectionRemedy.values:
        errors["remedy"] = "请选择更正方式"
    if uphold and remedy == ObjectionRemedy.GRADE:
        order = [g.code for g in sorted(method.grades, key=lambda g: g.min, reverse=True)]  # the best first
        if grade not in order:
            errors["grade"] = "请选择更正后的等级"
        elif grade == result.grade:
            errors["grade"] = f"更正后的等级与现等级（{result.grade_name}）相同"
        elif result.grade in order and order.index(grade) > order.index(result.grade):
            # An objection is the firm's: upheld, it can only raise its grade (a lower one is a new run's matter).
            errors["grade"] = f"采纳企业异议只能提高等级，不能低于现等级（{result.grade_name}）"
    if errors:
        raise ValidationError(errors)
    reason = reason.strip()
    before = {"grade": result.grade_name, "total": str(result.total)}
    if uphold:
        if remedy == ObjectionRemedy.RESCORE:
            fields = _rescore(result, method)
            if fields["grade"] == result.grade and fields["total"] == result.total:
                raise ValidationError({"remedy": f"按现有数据重新测算，结果不变（{result.total} 分，{result.grade_name}）："
                                                 "请先更正所依据的数据（如登记或恢复称号），或选择直接更正等级"})
            note = f"经异议复核，按更正后的数据重新测算（原为{result.total}分，{result.grade_name}）：{reason}"
        else:
            fields = {"grade": grade, "grade_name": method.grade_name(grade), "capped_by": ""}
            note = f"经异议复核，等级由{result.grade_name}更正为{method.grade_name(grade)}：{reason}"
        old_grade = result.grade
        for name, value in fields.items():
            setattr(result, name, value)
        result.reasons = [*result.reasons, note]
        result.save(update_fields=[*fields, "reasons"])
        run = ScorecardRun.objects.select_for_update().get(pk=result.run_id)
        counts = Counter(run.counts)
        counts[old_grade] -= 1
        counts[result.grade] += 1
        run.counts = {k: v for k, v in counts.items() if v > 0}
        run.save(update_fields=["counts"])
        objection.remedy, objection.grade_after_name, objection.total_after = remedy, result.grade_name, result.total
    objection.status = ObjectionStatus.UPHELD if uphold else ObjectionStatus.REJECTED
    objection.decision_reason, objection.decided_by, objection.decided_at = reason, actor, timezone.now()
    objection.save()
    audit_record(event_type="green.objection.decide", actor=actor, subject=objection, before=before,
                 after={"status": objection.get_status_display(), "remedy": objection.get_remedy_display(),
                        "grade": result.grade_name, "total": str(result.total), "reason": reason})
    verdict = (f"已采纳，现为{result.grade_name}（{result.total}分）" if uphold else "不予采纳")
    notify(_firm_users(result.enterprise_id), kind="green_objection", sms=True,
           url=reverse("green_score", args=[result.pk]),
           message=f"您对第{result.run.number}次绿色评价测算“{objection.indicator_name}”提出的异议{verdict}（{reason}）"[:300])
    return objection


def score_evidence_open(*, actor, objection: ScoreObjection) -> ScoreObjection:
    """Hand out an objection's evidence to the bureau (every opening audited) or the firm itself."""
    if not perms.score_evidence_visible_to(actor).filter(pk=objection.pk).exists():
        raise PermissionDenied("无权查看该材料")
    if perms.is_green_office(actor):
        audit_record(event_type="green.objection.evidence_open", actor=actor, subject=objection,
                     after={"enterprise": objection.result.enterprise.name})
    return objection
