"""Enterprise verification and objections (specs/evaluation.md §12.3 企业核实确认, §12.4 异议):
a firm confirms its figures or disputes one with a reason and evidence; the department that owns
the field corrects it or rejects it with a reason. Each write is one transaction and one audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.models import OrgUnit
from gaoxin.core import notice
from gaoxin.core.services import audit_record
from gaoxin.core.uploads import check_upload

from . import notifications
from .collection import needed_fields, parse_figure
from .method import LAND_FIELDS, RAW_FIELDS
from .models import Cycle, CycleStatus, CycleValue, Objection, ObjectionStage, ObjectionStatus, Participant
from .permissions import can_decide_objection, is_member

S = CycleStatus
# Where each kind of objection may be decided by the owning department.
DECIDABLE = {ObjectionStage.VERIFY: {S.ENTERPRISE_CONFIRM},
             ObjectionStage.NOTICE: {S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION}}


def notice_open(cycle: Cycle, today: dt.date | None = None) -> bool:
    return cycle.status == S.PUBLIC_NOTICE and notice.notice_open(cycle.notice_start, cycle.notice_end, today)


def _parse_value(raw, field: str) -> Decimal:
    try:
        return parse_figure(raw, field)
    except ValueError as exc:
        raise ValidationError({"claimed": str(exc)}) from None


@transaction.atomic
def enterprise_confirm(*, actor, participant: Participant) -> Participant:
    """企业核实确认: the firm confirms the figures it was shown."""
    if not is_member(actor, participant):
        raise PermissionDenied("只能确认本企业的数据")
    participant = Participant.objects.select_for_update().select_related("cycle").get(pk=participant.pk)
    if participant.cycle.status != S.ENTERPRISE_CONFIRM:
        raise ValidationError(f"评价周期处于“{participant.cycle.get_status_display()}”，不能确认数据")
    if not participant.participating:
        raise ValidationError("本企业本年度不参评，无需确认")
    if participant.objections.filter(stage=ObjectionStage.VERIFY, status=ObjectionStatus.OPEN).exists():
        raise ValidationError("本企业还有异议正由部门核实，处理完毕后再确认")
    if participant.record_status == "CONFIRMED":
        raise ValidationError("本企业已确认数据")
    before = participant.record_status
    participant.record_status = "CONFIRMED"
    participant.save(update_fields=["record_status"])
    audit_record(event_type="evaluation.data.enterprise_confirm", actor=actor, subject=participant,
                 before={"record_status": before}, after={"record_status": "CONFIRMED"})
    return participant


@transaction.atomic
def objection_file(*, actor, participant: Participant, field: str, claimed, reason: str, evidence) -> Objection:
    """A dispute while confirming (企业核实) or an objection during the public notice (公示异议);
    which one follows from the cycle's state. Routed to the department that owns the field."""
    if not is_member(actor, participant):
        raise PermissionDenied("只能对本企业的数据提出异议")
    participant = Participant.objects.select_for_update().select_related("cycle").get(pk=participant.pk)
    cycle = participant.cycle
    if cycle.status == S.ENTERPRISE_CONFIRM:
        stage = ObjectionStage.VERIFY
    elif cycle.status == S.PUBLIC_NOTICE:
        if not notice_open(cycle):
            raise ValidationError(notice.notice_refusal(cycle.notice_end))
        stage = ObjectionStage.NOTICE
    else:
        raise ValidationError(f"评价周期处于“{cycle.get_status_display()}”，不能提出异议")
    if not participant.participating:
        raise ValidationError("本企业本年度不参评")
    errors = {}
    if field not in needed_fields(cycle, participant.group):
        errors["field"] = "请选择本企业参与评价的数据项"
    if not reason.strip():
        errors["reason"] = "请说明异议理由"
    if evidence is None:
        errors["evidence"] = "请上传证明材料（加盖公章的书面材料扫描件等）"
    else:
        try:
            check_upload(evidence, kind="evidence", label="证明材料")
        except ValidationError as exc:
            errors["evidence"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    value = _parse_value(claimed, field)
    if participant.objections.filter(field=field, status=ObjectionStatus.OPEN).exists():
        raise ValidationError({"field": f"{RAW_FIELDS[field]}已有异议正在处理"})
    current = CycleValue.objects.filter(participant=participant, field=field).first()
    in_use = current.value if current else None
    if in_use is None and field in LAND_FIELDS:  # land in use comes from the registry's parcels (scoring.land_of)
        from .scoring import input_frame

        m2 = input_frame(cycle, [participant.pk]).row(0, named=True).get(field)
        in_use = None if m2 is None else Decimal(str(m2)).quantize(Decimal("0.0001"))
    objection = Objection(cycle=cycle, participant=participant, stage=stage, field=field,
                          owner_code=settings.GAOXIN_EVALUATION_FIELD_OWNERS.get(field, ""),
                          current=in_use, claimed=value, reason=reason.strip(),
                          created_by=actor)
    objection.evidence.save(evidence.name, evidence, save=False)
    objection.save()
    participant.record_status = "UNDER_REVIEW" if stage == ObjectionStage.VERIFY else "IN_OBJECTION"
    participant.save(update_fields=["record_status"])
    audit_record(event_type="evaluation.objection.file", actor=actor, subject=objection,
                 after={"stage": stage, "field": field, "current": str(objection.current), "claimed": str(value),
                        "owner": objection.owner_code})
    notifications.objection_filed(objection)
    return objection


@transaction.atomic
def objection_decide(*, actor, objection: Objection, correct: bool, value=None, reason: str = "",
                     approval_ref: str = "") -> Objection:
    """The owning department corrects the figure (its verified value becomes the corrected one) or
    rejects the objection; a reason is required either way."""
    objection = Objection.objects.select_for_update().select_related("cycle", "participant").get(pk=objection.pk)
    if not can_decide_objection(actor, objection):
        raise PermissionDenied("只有负责该数据的部门可以处理此异议")
    if objection.status != ObjectionStatus.OPEN:
        raise ValidationError(f"该异议已处理（{objection.get_status_display()}）")
    if objection.cycle.status not in DECIDABLE[objection.stage]:
        raise ValidationError(f"评价周期处于“{objection.cycle.get_status_display()}”，不能处理{objection.get_stage_display()}")
    if not reason.strip():
        raise ValidationError({"reason": "请填写处理意见"})
    if correct:
        objection.corrected = _parse_value(objection.claimed if value in (None, "") else value, objection.field)
        unit = OrgUnit.objects.filter(code=objection.owner_code).first()
        row, _ = CycleValue.objects.get_or_create(participant=objection.participant, field=objection.field)
        row.verified, row.verified_by = objection.corrected, unit
        row.save(update_fields=["verified", "verified_by", "updated_at"])
    objection.status = ObjectionStatus.CORRECTED if correct else ObjectionStatus.REJECTED
    objection.decision_reason, objection.decided_by, objection.decided_at = reason.strip(), actor, timezone.now()
    objection.approval_ref = approval_ref.strip()[:60]
    objection.save(update_fields=["status", "corrected", "decision_reason", "approval_ref", "decided_by", "decided_at"])
    verdict = f"{objection.decision_label}，更正为{objection.corrected.normalize():f}" if correct else "不予采纳"
    owner = OrgUnit.objects.filter(code=objection.owner_code).first()
    unit_name = owner.name if owner else "主管部门"  # who decided, as the firm reads it
    notify_members(objection.participant.enterprise_id, "EVALUATION_OBJECTION",
                   f"{objection.cycle}：您对“{objection.field_label}”提出的异议，{unit_name}{verdict}（{objection.decision_reason}）",
                   url=reverse("evaluation_report", args=[objection.cycle_id]))
    if not objection.participant.objections.filter(status=ObjectionStatus.OPEN).exists():
        after = "REVIEWED" if objection.stage == ObjectionStage.VERIFY else "FINAL"
        Participant.objects.filter(pk=objection.participant_id).update(record_status=after)
    audit_record(event_type="evaluation.objection.decide", actor=actor, subject=objection,
                 before={"status": ObjectionStatus.OPEN, "value": str(objection.current)},
                 after={"status": objection.status, "value": str(objection.corrected), "reason": objection.decision_reason,
                        "approval_ref": objection.approval_ref})
    return objection


def notify_members(enterprise_id: int, kind: str, message: str, url: str = "") -> None:
    """In-app notice to every user bound to the enterprise, linking to the page it is about."""
    from gaoxin.accounts.models import EnterpriseMembership
    from gaoxin.core.notify import notify

    members = EnterpriseMembership.objects.filter(enterprise_id=enterprise_id).select_related("user")
    notify([m.user for m in members], kind=kind, message=message, url=url)
