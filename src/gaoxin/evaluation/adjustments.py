"""Bonus, penalty and veto events (specs/evaluation.md §10) for a cycle: recorded per firm with
their evidence, plus the ones the registry proves (configured qualifications such as 高新技术企业).
The scoring run hands them to the engine; they are part of the run's input hash."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Qualification

from .collection import cycle_method
from .models import Cycle, CycleAdjustment, CycleStatus, Participant
from .permissions import can_record_adjustments, can_record_rule

S = CycleStatus
# Recorded before scoring, or while an amendment is being prepared.
OPEN_STATES = {S.COLLECTING, S.DEPT_REVIEW, S.CORRECTING, S.ENTERPRISE_CONFIRM, S.AMENDED}


def recordable_rules(cycle: Cycle, actor=None) -> list:
    """The method's rules that are recorded by hand (not proven by a registry qualification); with an actor,
    only those the actor records (a department the rules whose evidence it owns)."""
    automatic = settings.GAOXIN_EVALUATION_QUALIFICATION_RULES
    return [r for r in cycle_method(cycle).adjustments
            if r.id not in automatic and (actor is None or can_record_rule(actor, r.id))]


def _not_yours(rule) -> str:
    return f"“{rule.name_zh or rule.id}”由{rule.evidence_source or '经发局'}录入，本部门不能录入或删除"


def _open_cycle(actor, cycle_id: int) -> Cycle:
    """Who may record events, and whether the cycle still takes them; locks the cycle row."""
    if not can_record_adjustments(actor):
        raise PermissionDenied("只有经发局和加减分规则的依据部门（如生态环境、应急管理、自然资源）可以录入加减分事项")
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    if cycle.status not in OPEN_STATES:
        raise ValidationError(f"评价周期处于“{cycle.get_status_display()}”，不能录入加减分事项")
    return cycle


@transaction.atomic
def adjustment_set(*, actor, participant: Participant, rule_id: str, count: int, evidence: str) -> CycleAdjustment | None:
    """Record (or with count 0 remove) one rule's events for a firm; one audit event."""
    participant = Participant.objects.select_related("cycle", "enterprise").get(pk=participant.pk)
    cycle = _open_cycle(actor, participant.cycle_id)
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
    if not can_record_rule(actor, rule_id):  # authority on the rule itself, whatever the page offered
        raise PermissionDenied(_not_yours(rules[rule_id]))
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


EVIDENCE_HEADING = "依据"


def parse_adjustment_file(cycle: Cycle, path, actor=None) -> list[tuple[int, str, int, str]]:
    """(participant id, rule id, count, evidence) per row of a department's list, or InputError
    naming every bad cell (columns 统一社会信用代码, 规则编号, 次数, 依据); with an actor, a rule the actor
    does not record is a bad cell too."""
    from gaoxin.core.excel import Check, Column, Invalid, Sheet

    from .inputs import InputError, adjustment_columns, read_table

    known = dict(cycle.participants.filter(participating=True).values_list("enterprise__uscc", "pk"))
    firm, rule, count = adjustment_columns(cycle_method(cycle), known, "“{}”不在本周期参评名单中",
                                           firm_field="participant", max_count=100)
    automatic = settings.GAOXIN_EVALUATION_QUALIFICATION_RULES
    by_id = {r.id: r for r in cycle_method(cycle).adjustments}

    def recorded_rule(value: str) -> str:
        if value in automatic:
            raise Invalid("该规则按企业档案资质自动认定，无需录入")
        rule_id = rule.parse(value)
        if actor is not None and not can_record_rule(actor, rule_id):
            raise Invalid(_not_yours(by_id[rule_id]))
        return rule_id

    sheet = Sheet("", [
        firm, replace(rule, parse=recorded_rule), count,
        Column(EVIDENCE_HEADING, "evidence", needed=True, max_length=200),
    ], unique=("participant", "rule_id"), duplicate="与第{row}行重复（同一企业同一规则）", checks=[
        Check("evidence", lambda r: "请填写依据（如处罚决定书文号）" if r["count"] and not r["evidence"] else None),
    ])
    rows, errors = sheet.check(read_table(path))
    if errors:
        raise InputError(errors, Path(path).name)
    return [(r["participant"], r["rule_id"], r["count"], r["evidence"]) for r in rows]


@transaction.atomic
def adjustments_import(*, actor, cycle: Cycle, rows: list[tuple[int, str, int, str]], source_name: str = "") -> dict:
    """A department's list, all or nothing, one audit event with each changed record before and after;
    a count of 0 removes the firm's record. A rule the actor does not record refuses the whole list."""
    cycle = _open_cycle(actor, cycle.pk)
    by_id = {r.id: r for r in cycle_method(cycle).adjustments}
    refused = sorted({rule_id for _, rule_id, _, _ in rows if not can_record_rule(actor, rule_id)})
    if refused:
        raise PermissionDenied("；".join(_not_yours(by_id[r]) if r in by_id else r for r in refused))
    existing = {(a.participant_id, a.rule_id): a for a in CycleAdjustment.objects.filter(
        cycle=cycle, participant_id__in={pid for pid, *_ in rows})}
    usccs = dict(cycle.participants.filter(pk__in={pid for pid, *_ in rows})
                 .values_list("pk", "enterprise__uscc"))
    removed, changes = 0, []
    for pid, rule_id, count, evidence in rows:
        old = existing.get((pid, rule_id))
        before = None if old is None else {"count": old.count, "evidence": old.evidence}
        after = None if count == 0 else {"count": count, "evidence": evidence}
        if before == after:
            continue
        if count == 0:
            removed += CycleAdjustment.objects.filter(participant_id=pid, rule_id=rule_id).delete()[0]
        else:
            CycleAdjustment.objects.update_or_create(participant_id=pid, rule_id=rule_id, defaults={
                "cycle": cycle, "count": count, "evidence": evidence, "created_by": actor})
        changes.append({"uscc": usccs.get(pid), "rule": rule_id, "before": before, "after": after})
    counts = {"rows": len(rows), "removed": removed, "changed": len(changes)}
    audit_record(event_type="evaluation.adjustment.import", actor=actor, subject=cycle,
                 after={**counts, "file": source_name, "changes": changes})
    return {"rows": len(rows), "removed": removed}
