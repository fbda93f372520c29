"""Writes of the configuration the zone keeps in the administration (/django-admin/): the
differentiated-policy table (§13) and tier history entered by hand for years before Gaoxin. Each
change is one audit event with the changed fields. Released tiers are written by the release and
are not edited here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gaoxin.core.changes import apply_changes, snapshot
from gaoxin.core.services import audit_record

from .models import TierHistory, TierPolicy

POLICY_FIELDS = ("tier", "consecutive_years", "lever", "value", "unit", "stacking", "description", "effective_from",
                 "effective_to", "basis_document", "active")
HISTORY_FIELDS = ("enterprise", "year", "tier")
TIERS = "ABCD"
# Rows entered in the administration; "released" rows come from a cycle's release, "imported" from a workbook.
MANUAL = "manual"


def tier_policy_problems(policy: TierPolicy) -> dict[str, str]:
    """What the policy table needs beyond the model's field checks: a readable streak (`TierPolicy.applies`)
    and ordered dates. The services refuse these; a form shows them beside its fields first."""
    problems = {}
    text = policy.consecutive_years.replace(" ", "")
    number = text[2:] if text.startswith(">=") else text
    if text and not number.isdigit():
        problems["consecutive_years"] = "连续年数应为空、整数或“>=整数”，如 1、2、>=3"
    if policy.effective_from and policy.effective_to and policy.effective_to < policy.effective_from:
        problems["effective_to"] = "失效日期不能早于生效日期"
    return problems


def _check_policy(policy: TierPolicy) -> None:
    policy.full_clean()
    if problems := tier_policy_problems(policy):
        raise ValidationError(problems)


@transaction.atomic
def tier_policy_create(*, actor, values: Mapping[str, Any]) -> TierPolicy:
    policy = TierPolicy()
    apply_changes(policy, values, allowed=POLICY_FIELDS)
    _check_policy(policy)
    policy.save()
    audit_record(event_type="evaluation.policy.create", actor=actor, subject=policy,
                 after=snapshot(policy, POLICY_FIELDS))
    return policy


@transaction.atomic
def tier_policy_update(*, policy: TierPolicy, actor, changes: Mapping[str, Any]) -> TierPolicy:
    locked = TierPolicy.objects.select_for_update().get(pk=policy.pk)
    before, after = apply_changes(locked, changes, allowed=POLICY_FIELDS)
    if not after:
        return locked
    _check_policy(locked)
    locked.save(update_fields=list(after))
    audit_record(event_type="evaluation.policy.update", actor=actor, subject=locked, before=before, after=after)
    return locked


@transaction.atomic
def tier_policy_delete(*, policy: TierPolicy, actor) -> None:
    locked = TierPolicy.objects.select_for_update().get(pk=policy.pk)
    before = snapshot(locked, POLICY_FIELDS)
    pk, label = locked.pk, str(locked)
    locked.delete()
    audit_record(event_type="evaluation.policy.delete", actor=actor, subject_type=TierPolicy._meta.label_lower,
                 subject_id=pk, subject_repr=label, before=before)


def _history_repr(row: TierHistory) -> str:
    return f"{row.enterprise.name} {row.year}年"


def _check_history(row: TierHistory) -> None:
    if row.tier not in TIERS:
        raise ValidationError({"tier": "等级应为 A、B、C、D 之一"})
    row.full_clean(exclude=["cycle"])


def _manual(row: TierHistory) -> TierHistory:
    if row.source != MANUAL:
        raise ValidationError("发布或导入的历年等级不能在此修改")
    return row


@transaction.atomic
def tier_history_create(*, actor, enterprise, year: int, tier: str) -> TierHistory:
    """Enter one firm's final tier of a year before Gaoxin by hand (a workbook of many goes through
    `policies.history_import`); it counts for the consecutive-years-in-D streak."""
    row = TierHistory(enterprise=enterprise, year=year, tier=tier, source=MANUAL)
    _check_history(row)
    row.save()
    audit_record(event_type="evaluation.history.create", actor=actor, subject=row, subject_repr=_history_repr(row),
                 after=snapshot(row, HISTORY_FIELDS))
    return row


@transaction.atomic
def tier_history_update(*, row: TierHistory, actor, changes: Mapping[str, Any]) -> TierHistory:
    locked = _manual(TierHistory.objects.select_for_update().select_related("enterprise").get(pk=row.pk))
    before, after = apply_changes(locked, changes, allowed=HISTORY_FIELDS)
    if not after:
        return locked
    _check_history(locked)
    locked.save(update_fields=list(after))
    audit_record(event_type="evaluation.history.update", actor=actor, subject=locked,
                 subject_repr=_history_repr(locked), before=before, after=after)
    return locked


@transaction.atomic
def tier_history_delete(*, row: TierHistory, actor) -> None:
    locked = _manual(TierHistory.objects.select_for_update().select_related("enterprise").get(pk=row.pk))
    before = snapshot(locked, HISTORY_FIELDS)
    pk, label = locked.pk, _history_repr(locked)
    locked.delete()
    audit_record(event_type="evaluation.history.delete", actor=actor, subject_type=TierHistory._meta.label_lower,
                 subject_id=pk, subject_repr=label, before=before)
