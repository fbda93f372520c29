"""Field snapshots for the audit log's before/after (CONVENTIONS §4): JSON-safe values, a related
object as its name, phone and ID numbers masked, passwords refused. Used by services that edit a
model's fields one by one (the audited administration pages)."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Model

from .masking import mask_id_number, mask_phone

MASKS = {"phone": mask_phone, "id_number": mask_id_number, "legal_representative_id_number": mask_id_number}
# Never written to the audit log, not even masked.
SECRETS = frozenset({"password"})


def json_value(value: Any) -> Any:
    if isinstance(value, Model):
        return str(value)
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    return value


def snapshot(obj: Model, names: Iterable[str]) -> dict[str, Any]:
    """{field: value} for the audit log; a foreign key shows the related object's name."""
    out = {}
    for name in names:
        if name in SECRETS:
            raise ValueError(f"{name} must never reach the audit log")
        value = json_value(getattr(obj, name))
        out[name] = MASKS[name](value) if name in MASKS else value
    return out


def _value(obj: Model, name: str) -> Any:
    """The field's value; a foreign key not set yet (a new row) is None rather than an error."""
    field = obj._meta.get_field(name)
    if field.is_relation and getattr(obj, field.attname) is None:
        return None
    return getattr(obj, name)


def _raw(obj: Model, name: str) -> Any:
    return getattr(obj, obj._meta.get_field(name).attname)


def apply_changes(obj: Model, changes: Mapping[str, Any], *, allowed: Iterable[str]) -> tuple[dict, dict]:
    """Set `changes` on `obj` (a row the caller has locked) and return the audit's (before, after)
    of the fields whose stored value really changed; both empty when nothing did. Raw values are
    compared, so a changed phone number counts even where its masked form looks the same."""
    allowed = set(allowed)
    refused = sorted(set(changes) - allowed)
    if refused:
        raise ValidationError(f"不能修改字段：{'、'.join(refused)}")
    changed = []
    before_obj = {name: _value(obj, name) for name in changes}
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if isinstance(field, models.DecimalField) and isinstance(value, Decimal):
            value = value.quantize(Decimal(1).scaleb(-field.decimal_places))  # as stored: 0.5 -> 0.5000
        old = _raw(obj, name)
        setattr(obj, name, value)
        if _raw(obj, name) != old:
            changed.append(name)
    before = snapshot(_Values(before_obj), changed)
    after = snapshot(obj, changed)
    return before, after


class _Values:
    """Attribute access over a dict, so `snapshot` reads old values the same way as a model."""

    def __init__(self, values: Mapping[str, Any]):
        self.__dict__.update(values)

