"""Bonus, penalty and veto events (specs/evaluation.md §10) for a cycle: recorded per firm with
their evidence, plus the ones the registry proves (configured qualifications such as 高新技术企业).
The scoring run hands them to the engine; they are part of the run's input hash."""

from __future__ import annotations

import datetime as dt

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from gaoxin.accounts.permissions import can_run_evaluation, can_supply_evaluation_data
from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Qualification

from .collection import cycle_method
from .models import Cycle, CycleAdjustment, CycleStatus, Participant

S = CycleStatus
# Recorded before scoring, or while an amendment is being prepared.
OPEN_STATES = {S.COLLECTING, S.DEPT_REVIEW, S.CORRECTING, S.ENTERPRISE_CONFIRM, S.AMENDED}


def can_record(user) -> bool:
    return can_run_evaluation(user) or can_supply_evaluation_data(user)


def recordable_rules(cycle: Cycle) -> list:
    """The method's rules that are recorded by hand (not proven by a registry qualification)."""
    automatic = settings.GAOXIN_EVALUATION_QUALIFICATION_RULES
    return [r for r in cycle_method(cycle).adjustments if r.id not in automatic]


@transaction.atomic
def adjustment_set(*, actor, participant: Participant, rule_id: str, count: int, evidence: str) -> CycleAdjustment | None:
    """Record (or with count 0 remove) one rule's events for a firm; one audit event."""
    if not can_record(actor):
        raise PermissionDenied("只有经发局和数据部门可以录入加减分事项")
    participant = Participant.objects.select_related("cycle", "enterprise").get(pk=participant.pk)
    cycle = Cycle.objects.select_for_update().get(pk=participant.cycle_id)
    if cycle.status not in OPEN_STATES:
        raise ValidationError(f"评价周期处于“{cycle.get_status_display()}”，不能录入加减分事项")
    rules = {r.id: r for r in recordable_rules(cycle)}
    errors = {}
    if rule_id not in rules:
        errors["rule_id"] = f"请选择评价方法中的规则（{'、'.join(rules) or '无'}）"
    if not isinstance(count, int) or count < 0 or count > 100:
        errors["count"] = "次数应为0至100的整数"
    if count and not evidence.strip():
        errors["evidence"] = "请填写依据（如处罚决定书文号、事故认定书）"
    if not participant.participating:
        errors["participant"] = "该企业本年度不参评"
    if errors:
        raise ValidationError(errors)
    existing = CycleAdjustment.objects.filter(participant=participant, rule_id=rule_id).first()
    before = None if existing is None else {"count": existing.count, "evidence": existing.evidence}
    if count == 0:
        if existing is None:
            raise ValidationError({"count": "该企业没有此项记录"})
        existing.delete()
        row = None
    else:
        row, _ = CycleAdjustment.objects.update_or_create(
            participant=participant, rule_id=rule_id,
            defaults={"cycle": cycle, "count": count, "evidence": evidence.strip()[:200], "created_by": actor})
    audit_record(event_type="evaluation.adjustment.set", actor=actor, subject=participant, before=before,
                 after={"rule": rule_id, "count": count, "evidence": evidence.strip()[:200]})
    return row


def adjustments_frame(cycle: Cycle) -> pl.DataFrame:
    """(uscc, rule_id, count) for the engine: recorded events plus registry-proven qualifications
    valid on the last day of the data year."""
    recorded = list(CycleAdjustment.objects.filter(cycle=cycle, participant__participating=True)
                    .values_list("participant__enterprise__uscc", "rule_id", "count"))
    year_end = dt.date(cycle.data_year, 12, 31)
    rules = {r.id for r in cycle_method(cycle).adjustments}
    for rule_id, kind in settings.GAOXIN_EVALUATION_QUALIFICATION_RULES.items():
        if rule_id not in rules:
            continue
        holders = (Qualification.objects.filter(kind=kind, valid_from__lte=year_end,
                                                enterprise__in=cycle.participants.filter(participating=True)
                                                .values("enterprise"))
                   .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=year_end))
                   .values_list("enterprise__uscc", flat=True).distinct())
        recorded += [(uscc, rule_id, 1) for uscc in holders]
    return pl.DataFrame(recorded, schema={"uscc": pl.String, "rule_id": pl.String, "count": pl.Int64}, orient="row") \
        .sort(["uscc", "rule_id"])
