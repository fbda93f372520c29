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


def _open_cycle(actor, cycle_id: int) -> Cycle:
    """Who may record events, and whether the cycle still takes them; locks the cycle row."""
    if not can_record(actor):
        raise PermissionDenied("只有经发局和数据部门可以录入加减分事项")
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


def parse_adjustment_file(cycle: Cycle, path) -> list[tuple[int, str, int, str]]:
    """(participant id, rule id, count, evidence) per row of a department's list, or InputError
    naming every bad cell (columns 统一社会信用代码, 规则编号, 次数, 依据)."""
    from .inputs import ADJUSTMENT_SCHEMA, InputError, InputProblem, _rows, prepare_adjustments, read_table

    raw = read_table(path)
    known = dict(cycle.participants.filter(participating=True).values_list("enterprise__uscc", "pk"))
    problems = [] if EVIDENCE_HEADING in raw.columns else [InputProblem(0, EVIDENCE_HEADING, "缺少此列")]
    try:
        events = prepare_adjustments(raw, cycle_method(cycle), set(known))
    except InputError as exc:
        problems += exc.problems
        events = None
    if EVIDENCE_HEADING in raw.columns:
        evidence = raw[EVIDENCE_HEADING]
        counts = events["count"] if events is not None else None
        for row in _rows(evidence.is_null()):
            if counts is None or counts[row - 2] != 0:
                problems.append(InputProblem(row, EVIDENCE_HEADING, "请填写依据（如处罚决定书文号）"))
        for row in _rows(evidence.str.len_chars() > 200):
            problems.append(InputProblem(row, EVIDENCE_HEADING, "不能超过200个字"))
    # Checks that do not depend on the rest of the row being valid: every bad cell is named at once.
    heading_uscc, heading_rule, heading_count = (ADJUSTMENT_SCHEMA[k] for k in ("uscc", "rule_id", "count"))
    if heading_uscc in raw.columns and heading_rule in raw.columns:
        codes = raw[heading_uscc].str.replace_all(r"\s", "").str.to_uppercase()
        rule_ids = raw[heading_rule]
        for row in _rows(rule_ids.is_in(list(settings.GAOXIN_EVALUATION_QUALIFICATION_RULES))):
            problems.append(InputProblem(row, heading_rule, "该规则按企业档案资质自动认定，无需录入"))
        first: dict[tuple, int] = {}
        for row in _rows(pl.DataFrame({"u": codes, "r": rule_ids}).is_duplicated()):
            key = (codes[row - 2], rule_ids[row - 2])
            if first.setdefault(key, row) != row:
                problems.append(InputProblem(row, heading_uscc, f"与第{first[key]}行重复（同一企业同一规则）"))
    if heading_count in raw.columns:
        for row in _rows(raw[heading_count].cast(pl.Float64, strict=False) > 100):
            problems.append(InputProblem(row, heading_count, "次数应为0至100的整数"))
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise InputError(problems)
    return [(known[u], r, int(c), e or "") for u, r, c, e in
            zip(events["uscc"], events["rule_id"], events["count"], raw[EVIDENCE_HEADING], strict=True)]


@transaction.atomic
def adjustments_import(*, actor, cycle: Cycle, rows: list[tuple[int, str, int, str]], source_name: str = "") -> dict:
    """A department's list, all or nothing, one audit event; a count of 0 removes the firm's record."""
    cycle = _open_cycle(actor, cycle.pk)
    removed = 0
    for pid, rule_id, count, evidence in rows:
        if count == 0:
            removed += CycleAdjustment.objects.filter(participant_id=pid, rule_id=rule_id).delete()[0]
        else:
            CycleAdjustment.objects.update_or_create(participant_id=pid, rule_id=rule_id, defaults={
                "cycle": cycle, "count": count, "evidence": evidence, "created_by": actor})
    counts = {"rows": len(rows), "removed": removed}
    audit_record(event_type="evaluation.adjustment.import", actor=actor, subject=cycle,
                 after={**counts, "file": source_name})
    return counts
