"""Writes of the talent configuration the zone keeps in the administration (/django-admin/): the tier table
(人才层次, A–E by default) and the titles it confers (人才称号). Each change is one audit event with the changed fields;
a tier or title already used by a recognition is deactivated, never deleted."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from gaoxin.core.changes import apply_changes, snapshot
from gaoxin.core.services import audit_record

from .models import Recognition, RoundApplication, TalentTier, TalentTitle

TIER_FIELDS = ("code", "name", "rank", "description", "is_active")
TITLE_FIELDS = ("name", "issuer", "validity_years", "description", "is_active")
KINDS = {TalentTier: ("tier", TIER_FIELDS), TalentTitle: ("title", TITLE_FIELDS)}


@transaction.atomic
def config_create(*, model, actor, values: Mapping[str, Any]):
    kind, fields = KINDS[model]
    row = model()
    apply_changes(row, values, allowed=fields)
    row.full_clean()
    row.save()
    audit_record(event_type=f"talent.{kind}.create", actor=actor, subject=row, after=snapshot(row, fields))
    return row


@transaction.atomic
def config_update(*, row, actor, changes: Mapping[str, Any]):
    kind, fields = KINDS[type(row)]
    locked = type(row).objects.select_for_update().get(pk=row.pk)
    before, after = apply_changes(locked, changes, allowed=fields)
    if not after:
        return locked
    locked.full_clean()
    locked.save(update_fields=list(after))
    audit_record(event_type=f"talent.{kind}.update", actor=actor, subject=locked, before=before, after=after)
    return locked


@transaction.atomic
def config_delete(*, row, actor) -> None:
    kind, fields = KINDS[type(row)]
    locked = type(row).objects.select_for_update().get(pk=row.pk)
    used = (Recognition.objects.filter(tier=locked) if kind == "tier" else Recognition.objects.filter(title=locked))
    if used.exists() or (kind == "tier" and (locked.rounds.exists() or RoundApplication.objects.filter(tier=locked)
                                               .exists())) or (kind == "title" and locked.rounds.exists()):
        raise ValidationError("已有认定或认定批次使用，不能删除；如不再使用，请取消“启用”")
    before = snapshot(locked, fields)
    pk, label = locked.pk, str(locked)
    locked.delete()
    audit_record(event_type=f"talent.{kind}.delete", actor=actor, subject_type=type(row)._meta.label_lower,
                 subject_id=pk, subject_repr=label, before=before)
