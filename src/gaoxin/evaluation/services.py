"""Writes of the evaluation cycle: creation, the participant list and every state change
(specs/evaluation.md §12.2). Each function runs in one transaction and writes one audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import yaml
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.permissions import can_run_evaluation
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Enterprise, LandKind

from .method import METHODS_DIR, builtin_method, builtin_method_names
from .models import (
    Cycle,
    CycleStatus,
    NoticeUnit,
    Objection,
    ObjectionStage,
    ObjectionStatus,
    Participant,
    RegradeStatus,
    RunStatus,
)

S = CycleStatus
# The table's order; forward moves may skip the optional states (§12.2).
ORDER = [S.DRAFT, S.SCOPE_CONFIRMED, S.COLLECTING, S.DEPT_REVIEW, S.LAND_NOTICE, S.INTERIM_NOTICE, S.CORRECTING,
         S.ENTERPRISE_CONFIRM, S.SCORED, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION,
         S.RELEASED, S.POLICY_APPLIED, S.AMENDED]
OPTIONAL = {S.LAND_NOTICE, S.INTERIM_NOTICE, S.CORRECTING}
EXTRA = {
    (S.CORRECTING, S.DEPT_REVIEW),           # DEPT_REVIEW ↔ CORRECTING
    (S.OBJECTION_RESOLUTION, S.PUBLIC_NOTICE),  # re-publish after large adjustments
    (S.RELEASED, S.AMENDED),                 # RELEASED → AMENDED → RELEASED (new version)
    (S.AMENDED, S.RELEASED),
}
# Industrial enterprises (GB/T 4754 sections B mining, C manufacturing, D utilities) take part.
INDUSTRIAL_SECTIONS = ("B", "C", "D")


def allowed_targets(status: str) -> list[str]:
    if status == S.AMENDED:
        return [S.RELEASED]
    targets = []
    for target in ORDER[ORDER.index(status) + 1:]:
        targets.append(target)
        if target not in OPTIONAL:
            break
    targets += [b for a, b in EXTRA if a == status and b not in targets]
    return targets


def notice_window(cycle: Cycle, start: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of the public notice: `notice_length` calendar or working days counting
    the first day (a working-day notice starts on the next working day)."""
    if cycle.notice_unit == NoticeUnit.WORKING:
        cal = work_calendar()
        start = cal.next_workday(start)
        return start, cal.add_working_days(start, max(cycle.notice_length - 1, 0))
    return start, start + dt.timedelta(days=max(cycle.notice_length - 1, 0))


def _check_preconditions(cycle: Cycle, target: str) -> None:
    """What must be settled before the cycle moves on (§12.2–§12.4)."""
    open_objections = Objection.objects.filter(cycle=cycle, status=ObjectionStatus.OPEN)
    run = cycle.current_run
    if target == S.SCORED and open_objections.filter(stage=ObjectionStage.VERIFY).exists():
        raise ValidationError(f"还有{open_objections.count()}条企业核实异议待部门处理")
    if target in (S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.RELEASED):
        if run is None or run.status != RunStatus.DONE:
            raise ValidationError("还没有完成的评价测算")
        if cycle.runs.filter(status=RunStatus.RUNNING).exists():
            raise ValidationError("有测算正在进行，请等待其完成")
        if cycle.regrades.filter(status=RegradeStatus.PENDING).exists():
            raise ValidationError("还有待领导审批的调档申请")
    if target == S.OBJECTION_RESOLUTION and cycle.notice_end and timezone.localdate() <= cycle.notice_end:
        raise ValidationError(f"公示期至{cycle.notice_end:%Y年%m月%d日}，期满后才能进入异议处理")
    if target == S.RELEASED:
        if open_objections.exists():
            raise ValidationError(f"还有{open_objections.count()}条异议待部门处理")
        if Objection.objects.filter(cycle=cycle, status=ObjectionStatus.CORRECTED, decided_at__gt=run.created_at).exists():
            raise ValidationError("有已更正的数据尚未重新测算，请先重新测算")


def _check_actor(actor) -> None:
    if not can_run_evaluation(actor):
        raise PermissionDenied("只有管委会管理员或经发局人员可以管理亩产效益评价周期")


def _method_snapshot(name: str) -> tuple[dict, str]:
    data = yaml.safe_load((METHODS_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
    return data, hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


@transaction.atomic
def cycle_create(*, actor, data_year: int, name: str, method_name: str = "shandong_default",
                 trial: bool = False) -> Cycle:
    _check_actor(actor)
    errors = {}
    if not 2000 <= int(data_year) <= 2100:
        errors["data_year"] = "数据年度应在 2000–2100 之间"
    if not name.strip():
        errors["name"] = "请填写周期名称"
    if method_name not in builtin_method_names():
        errors["method_name"] = f"没有名为“{method_name}”的评价方法"
    if not errors and Cycle.objects.filter(data_year=data_year, name=name.strip()).exists():
        errors["name"] = f"{data_year}年度已有名为“{name.strip()}”的评价周期"
    if errors:
        raise ValidationError(errors)
    cycle = Cycle.objects.create(data_year=data_year, name=name.strip(), method_name=method_name, trial=trial,
                                 created_by=actor)
    audit_record(event_type="evaluation.cycle.create", actor=actor, subject=cycle,
                 after={"data_year": cycle.data_year, "method": method_name, "trial": trial})
    return cycle


def _land_m2(enterprise: Enterprise) -> float:
    total = 0.0
    for parcel in enterprise.parcels.all():
        sign = -1 if parcel.kind == LandKind.LEASED_OUT else 1
        total += sign * float(parcel.area_m2)
    return total


@transaction.atomic
def participants_populate(*, actor, cycle: Cycle) -> dict[str, int]:
    """Fill the draft list with the zone's industrial enterprises, grouped by size; those without
    resolvable land go in as T class with the reason (§2.2)."""
    _check_actor(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != S.DRAFT:
        raise ValidationError("参评名单只能在草稿状态下生成")
    groups = set(builtin_method(cycle.method_name).groups)
    existing = set(cycle.participants.values_list("enterprise_id", flat=True))
    rows = []
    enterprises = (Enterprise.objects.filter(industry__section__in=INDUSTRIAL_SECTIONS)
                   .exclude(pk__in=existing).prefetch_related("parcels").order_by("pk"))
    for enterprise in enterprises.iterator(chunk_size=2000):
        if enterprise.size_group not in groups:
            continue
        has_land = _land_m2(enterprise) > 0
        rows.append(Participant(cycle=cycle, enterprise=enterprise, group=enterprise.size_group,
                                participating=has_land, t_reason="" if has_land else "用地面积无法确认（LAND_UNRESOLVED）"))
    Participant.objects.bulk_create(rows, batch_size=2000)
    counts = {"added": len(rows), "t_class": sum(1 for r in rows if not r.participating)}
    audit_record(event_type="evaluation.participants.populate", actor=actor, subject=cycle, after=counts)
    return counts


@transaction.atomic
def participant_flag(*, actor, participant: Participant, participating: bool, reason: str = "") -> Participant:
    """Mark a firm 参评 or 不参评 (T class, reason required) while the list is still a draft."""
    _check_actor(actor)
    participant = Participant.objects.select_for_update().select_related("cycle").get(pk=participant.pk)
    if participant.cycle.status != S.DRAFT:
        raise ValidationError("参评名单已确认，不能再修改")
    if not participating and not reason.strip():
        raise ValidationError({"reason": "列为不参评（T类）必须说明原因"})
    before = {"participating": participant.participating, "t_reason": participant.t_reason}
    participant.participating = participating
    participant.t_reason = "" if participating else reason.strip()
    participant.save(update_fields=["participating", "t_reason"])
    audit_record(event_type="evaluation.participant.flag", actor=actor, subject=participant, before=before,
                 after={"participating": participant.participating, "t_reason": participant.t_reason})
    return participant


@transaction.atomic
def cycle_transition(*, actor, cycle: Cycle, target: str, reason: str = "", doc_no: str = "") -> Cycle:
    """Move the cycle along §12.2. Entering SCORED freezes the method file into the cycle;
    审定 and 发布 need a document number; an amendment needs a reason and opens version N+1."""
    _check_actor(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    before = cycle.status
    if target not in allowed_targets(before):
        raise ValidationError(f"评价周期不能从“{S(before).label}”转为“{S(target).label if target in S.values else target}”")
    update = ["status", "updated_at"]
    if target == S.SCOPE_CONFIRMED and not cycle.participants.filter(participating=True).exists():
        raise ValidationError("参评名单为空，不能确认")
    if target == S.SCORED and not cycle.method_frozen:
        cycle.method_frozen, cycle.method_hash = _method_snapshot(cycle.method_name)
        update += ["method_frozen", "method_hash"]
    if target in (S.APPROVED_FOR_NOTICE, S.RELEASED):
        if not doc_no.strip():
            raise ValidationError({"doc_no": "请填写审定或发布文号"})
        field = "approval_doc_no" if target == S.APPROVED_FOR_NOTICE else "release_doc_no"
        setattr(cycle, field, doc_no.strip())
        update.append(field)
    if target == S.RELEASED:
        cycle.release_version += 1
        update.append("release_version")
    if target == S.POLICY_APPLIED and cycle.trial:
        raise ValidationError("试评价结果仅供参考，不执行差别化政策")
    if target == S.AMENDED and not reason.strip():
        raise ValidationError({"reason": "发布后更正必须说明原因"})
    _check_preconditions(cycle, target)
    if target == S.AMENDED:
        cycle.amendment_reason = reason.strip()[:200]
        update.append("amendment_reason")
    if target == S.PUBLIC_NOTICE:
        cycle.notice_start, cycle.notice_end = notice_window(cycle, timezone.localdate())
        # What the public saw first; later re-scorings (and a re-notice of only the changed firms) compare with it.
        if cycle.notice_run_id is None or settings.GAOXIN_EVALUATION_RENOTICE_SCOPE == "all":
            cycle.notice_run_id = cycle.current_run_id
        update += ["notice_start", "notice_end", "notice_run"]
        cycle.participants.filter(participating=True).update(record_status="IN_NOTICE")
    cycle.status = target
    cycle.save(update_fields=update)
    if target == S.RELEASED:
        from .scoring import release_write

        release_write(actor=actor, cycle=cycle, doc_no=doc_no.strip(),
                      reason=cycle.amendment_reason if cycle.release_version > 1 else "")
    audit_record(event_type="evaluation.cycle.transition", actor=actor, subject=cycle,
                 before={"status": before},
                 after={"status": target, "reason": reason.strip(), "doc_no": doc_no.strip(),
                        "release_version": cycle.release_version})
    return cycle
