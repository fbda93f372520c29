"""Writes to the enterprise registry: the workbook import, and one firm's record edited by hand in
the administration, each change audited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from gaoxin.core.changes import MASKS, apply_changes, json_value, snapshot
from gaoxin.core.services import audit_record

from .models import Contact, Enterprise, EnterpriseStatus, LandParcel, ParkArea, Qualification
from .registry import ENTERPRISES, UTILITY_COLUMNS, ParsedRegistry
from .signals import registry_changed

_ENTERPRISE_FIELDS = [
    "name", "legal_representative", "industry_id", "industry_code", "size_group", "registered_on",
    "registered_capital", "address", "park_area_id", "status", "legal_representative_id_number",
]
# The row key an enterprise field is read from (the park by its name); the others share the field's name.
_ROW_KEYS = {"park_area_id": "park_area_name"}
# A new firm's value of a field whose column the workbook does not have (or, for the status, an empty cell).
_NEW_FIRM_DEFAULTS = {"registered_on": None, "registered_capital": None, "address": "", "park_area_id": None,
                      "status": EnterpriseStatus.OPERATING, "legal_representative_id_number": "",
                      **dict.fromkeys(UTILITY_COLUMNS, "")}
_BATCH = 2000


def _park_area_ids(names: set[str]) -> dict[str, int]:
    existing = dict(ParkArea.objects.filter(name__in=names).values_list("name", "id"))
    for name in sorted(names - existing.keys()):
        code = slugify(name, allow_unicode=True)[:24] or "park"
        n, candidate = 1, code
        while ParkArea.objects.filter(code=candidate).exists():
            n += 1
            candidate = f"{code}-{n}"
        existing[name] = ParkArea.objects.create(name=name, code=candidate).id
    return existing


@transaction.atomic
def registry_import(*, parsed: ParsedRegistry, actor, source_name: str = "") -> dict[str, int]:
    """Apply a validated registry workbook (`registry.parse_registry` raises on any bad cell): upsert
    enterprises by USCC and replace the child rows of every sheet present. All or nothing; one audit event.

    A column the 企业 sheet does not have leaves that field of a firm on file as it is (a new firm gets it
    empty, 经营状态 存续); a column it has is the record, so an empty cell clears the field — except 经营状态,
    which an empty cell leaves as it is (a new firm: 存续). The audit event holds, per firm whose fields changed,
    the changed fields before and after (the first GAOXIN_REGISTRY_AUDIT_MAX_FIRMS firms; the rest are counted)."""
    present = set(parsed.enterprises[0]) if parsed.enterprises else set()
    fields = [f for f in [*_ENTERPRISE_FIELDS, *UTILITY_COLUMNS] if _ROW_KEYS.get(f, f) in present]
    parks = _park_area_ids({row["park_area_name"] for row in parsed.enterprises if row.get("park_area_name")})
    codes = [row["uscc"] for row in parsed.enterprises]
    existing: dict[str, Enterprise] = {}
    for start in range(0, len(codes), _BATCH):
        for ent in Enterprise.objects.select_for_update().filter(uscc__in=codes[start:start + _BATCH]):
            existing[ent.uscc] = ent
    now = timezone.now()
    to_create, to_update, changes = [], [], []
    for row in parsed.enterprises:
        values = _row_values(row, fields, parks)
        ent = existing.get(row["uscc"])
        if ent is None:
            values["status"] = values.get("status") or EnterpriseStatus.OPERATING
            to_create.append(Enterprise(uscc=row["uscc"], **(_NEW_FIRM_DEFAULTS | values)))
            continue
        if not values.get("status", True):
            del values["status"]  # an empty 经营状态 cell keeps the firm's status
        before, after = {}, {}
        for name, value in values.items():
            if getattr(ent, name) != value:
                before[name], after[name] = getattr(ent, name), value
                setattr(ent, name, value)
        if after:
            ent.updated_at = now
            to_update.append(ent)
            changes.append((ent, before, after))
    Enterprise.objects.bulk_create(to_create, batch_size=_BATCH)
    Enterprise.objects.bulk_update(to_update, [*fields, "updated_at"], batch_size=_BATCH)
    ids: dict[str, int] = {}
    for start in range(0, len(codes), _BATCH):
        ids.update(Enterprise.objects.filter(uscc__in=codes[start:start + _BATCH]).values_list("uscc", "id"))
    id_list = list(ids.values())

    counts = {"created": len(to_create), "updated": len(existing), "changed": len(changes)}
    for key, model, rows in (
        ("parcels", LandParcel, parsed.parcels),
        ("qualifications", Qualification, parsed.qualifications),
        ("contacts", Contact, parsed.contacts),
    ):
        if rows is None:
            continue
        for start in range(0, len(id_list), _BATCH):
            model.objects.filter(enterprise_id__in=id_list[start:start + _BATCH]).delete()
        objs = []
        for row in rows:
            data = {k: v for k, v in row.items() if k != "uscc"}
            objs.append(model(enterprise_id=ids[row["uscc"]], **data))
        model.objects.bulk_create(objs, batch_size=_BATCH)
        counts[key] = len(objs)

    registry_changed.send(sender=Enterprise, actor=actor)  # qualifications, industry or size may have changed
    audit_record(
        event_type="enterprise.registry_imported", actor=actor,
        subject_type="enterprises.enterprise", subject_id="*", subject_repr=f"企业名录导入 {source_name}"[:255],
        after={**counts, "file": source_name, **_audit_changes(changes, to_create, present)},
    )
    return counts


def _row_values(row: dict[str, Any], fields: list[str], parks: dict[str, int]) -> dict[str, Any]:
    """The values a workbook row gives the fields whose columns it has."""
    values = {}
    for name in fields:
        value = row[_ROW_KEYS.get(name, name)]
        if name == "park_area_id":
            value = parks[value] if value else None
        values[name] = value
    return values


def _audit_changes(changes: list, created: list[Enterprise], present: set[str]) -> dict[str, Any]:
    """The audit event's account of an import: the columns it left alone, each changed firm's fields before and
    after (the park by name, dates and amounts as text), the new firms' codes; each list bounded, the rest counted."""
    limit = settings.GAOXIN_REGISTRY_AUDIT_MAX_FIRMS
    park_ids = {v for _ent, before, after in changes[:limit] for side in (before, after)
                for k, v in side.items() if k == "park_area_id" and v}
    park_names = dict(ParkArea.objects.filter(id__in=park_ids).values_list("id", "name"))

    def value(k: str, v: Any) -> Any:
        if k == "park_area_id":
            return park_names.get(v)
        return MASKS[k](json_value(v)) if k in MASKS else json_value(v)

    def shown(side: dict[str, Any]) -> dict[str, Any]:
        return {("park_area" if k == "park_area_id" else k.removesuffix("_id")): value(k, v) for k, v in side.items()}

    untouched = [c.heading for c in ENTERPRISES.columns if not c.required and c.field not in present]
    return {
        "columns_absent": untouched,
        "changes": [{"uscc": ent.uscc, "name": ent.name, "before": shown(before), "after": shown(after)}
                    for ent, before, after in changes[:limit]],
        "changes_omitted": max(len(changes) - limit, 0),
        "created_firms": [ent.uscc for ent in created[:limit]],
        "created_omitted": max(len(created) - limit, 0),
    }


# --- administration (/django-admin/): one firm's record edited by hand, audited ---------------------

ENTERPRISE_FIELDS = (
    "uscc", "name", "legal_representative", "industry", "industry_code", "size_group", "registered_on",
    "registered_capital", "address", "park_area", "status", "power_account", "water_account", "gas_account",
    "legal_representative_id_number",
)
# A firm's child rows: their fields and the audit event types of adding, changing and removing one.
RECORDS = {
    LandParcel: (("enterprise", "kind", "parcel_no", "certificate_no", "area_m2", "counterparty"),
                 ("enterprise.parcel_added", "enterprise.parcel_changed", "enterprise.parcel_removed")),
    Qualification: (("enterprise", "kind", "level", "cert_no", "valid_from", "valid_to"),
                    ("enterprise.qualification_added", "enterprise.qualification_changed",
                     "enterprise.qualification_removed")),
    Contact: (("enterprise", "name", "title", "phone", "email", "is_primary"),
              ("enterprise.contact_added", "enterprise.contact_changed", "enterprise.contact_removed")),
}


def _registry_changed(actor) -> None:
    # Policy matches read industry, size and qualifications: the benefits room re-matches after commit.
    registry_changed.send(sender=Enterprise, actor=actor)


@transaction.atomic
def enterprise_create(*, actor, values: Mapping[str, Any]) -> Enterprise:
    """Open a firm's record by hand (the registry import is the usual way)."""
    enterprise = Enterprise()
    apply_changes(enterprise, values, allowed=ENTERPRISE_FIELDS)
    enterprise.full_clean()
    enterprise.save()
    audit_record(event_type="enterprise.created", actor=actor, subject=enterprise,
                 after=snapshot(enterprise, ENTERPRISE_FIELDS))
    _registry_changed(actor)
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, actor, changes: Mapping[str, Any]) -> Enterprise:
    """Correct a firm's record: one audit event with the changed fields; nothing changed, nothing written."""
    locked = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    before, after = apply_changes(locked, changes, allowed=ENTERPRISE_FIELDS)
    if not after:
        return locked
    locked.full_clean()
    locked.save(update_fields=[*after, "updated_at"])
    audit_record(event_type="enterprise.changed", actor=actor, subject=locked, before=before, after=after)
    _registry_changed(actor)
    return locked


def _record_spec(model) -> tuple[tuple[str, ...], tuple[str, str, str]]:
    if model not in RECORDS:
        raise ValueError(f"{model.__name__} is not a record of a firm")
    return RECORDS[model]


@transaction.atomic
def enterprise_record_add(*, model, values: Mapping[str, Any], actor):
    """Add a land parcel, qualification or contact to a firm. The event's subject is the firm."""
    fields, (added, _changed, _removed) = _record_spec(model)
    record = model()
    apply_changes(record, values, allowed=fields)
    record.full_clean()
    record.save()
    audit_record(event_type=added, actor=actor, subject=record.enterprise, after=snapshot(record, fields[1:]))
    _registry_changed(actor)
    return record


@transaction.atomic
def enterprise_record_update(*, record, actor, changes: Mapping[str, Any]):
    fields, (_added, changed, _removed) = _record_spec(type(record))
    locked = type(record).objects.select_for_update().get(pk=record.pk)
    before, after = apply_changes(locked, changes, allowed=fields[1:])  # a record stays with its firm
    if not after:
        return locked
    locked.full_clean()
    locked.save(update_fields=list(after))
    # The record's identity beside the changed fields, so the event says which parcel/contact changed.
    audit_record(event_type=changed, actor=actor, subject=locked.enterprise,
                 before={"record": str(record.pk), **before}, after={"record": str(record.pk), **after})
    _registry_changed(actor)
    return locked


@transaction.atomic
def enterprise_record_remove(*, record, actor) -> None:
    fields, (_added, _changed, removed) = _record_spec(type(record))
    locked = type(record).objects.select_for_update().select_related("enterprise").get(pk=record.pk)
    before = {"record": str(locked.pk), **snapshot(locked, fields[1:])}
    enterprise = locked.enterprise
    locked.delete()
    audit_record(event_type=removed, actor=actor, subject=enterprise, before=before)
    _registry_changed(actor)
