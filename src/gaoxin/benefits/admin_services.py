"""Writes of the benefits configuration the zone keeps in the administration (/django-admin/): the list of
restricted and prohibited industries that policy rules read (`restricted_industry`). Each change is one audit event
with the changed fields, and every published policy is matched again in the background (the rules read the list)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from gaoxin.core.changes import apply_changes, snapshot
from gaoxin.core.services import audit_record

from .models import RestrictedIndustry
from .services import rematch_after_registry_change

FIELDS = ("code", "name", "kind", "basis", "is_active")


@transaction.atomic
def restricted_industry_create(*, actor, values: Mapping[str, Any]) -> RestrictedIndustry:
    row = RestrictedIndustry()
    apply_changes(row, values, allowed=FIELDS)
    row.full_clean()
    row.save()
    audit_record(event_type="benefits.restricted_industry.create", actor=actor, subject=row, after=snapshot(row, FIELDS))
    rematch_after_registry_change(actor)  # the rules read the list: every published policy is matched again
    return row


@transaction.atomic
def restricted_industry_update(*, row: RestrictedIndustry, actor, changes: Mapping[str, Any]) -> RestrictedIndustry:
    locked = RestrictedIndustry.objects.select_for_update().get(pk=row.pk)
    before, after = apply_changes(locked, changes, allowed=FIELDS)
    if not after:
        return locked
    locked.full_clean()
    locked.save(update_fields=list(after))
    audit_record(event_type="benefits.restricted_industry.update", actor=actor, subject=locked, before=before,
                 after=after)
    rematch_after_registry_change(actor)
    return locked


@transaction.atomic
def restricted_industry_delete(*, row: RestrictedIndustry, actor) -> None:
    locked = RestrictedIndustry.objects.select_for_update().get(pk=row.pk)
    before, pk, label = snapshot(locked, FIELDS), locked.pk, str(locked)
    locked.delete()
    audit_record(event_type="benefits.restricted_industry.delete", actor=actor, subject_type="benefits.restrictedindustry",
                 subject_id=pk, subject_repr=label, before=before)
    rematch_after_registry_change(actor)
