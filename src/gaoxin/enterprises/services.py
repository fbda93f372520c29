"""Writes to the enterprise registry."""

from __future__ import annotations

from django.db import transaction
from django.utils.text import slugify

from gaoxin.core.services import audit_record

from .models import Contact, Enterprise, LandParcel, ParkArea, Qualification
from .registry import UTILITY_COLUMNS, ParsedRegistry

_ENTERPRISE_FIELDS = [
    "name", "legal_representative", "industry_id", "industry_code", "size_group", "registered_on",
    "registered_capital", "address", "park_area_id", "status",
]
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
    """Apply a validated registry workbook: upsert enterprises by USCC and replace the
    child rows of every sheet present. All or nothing; one audit event."""
    if parsed.errors:
        raise ValueError("registry_import called with a workbook that has errors")
    parks = _park_area_ids({row["park_area_name"] for row in parsed.enterprises if row["park_area_name"]})
    codes = [row["uscc"] for row in parsed.enterprises]
    existing: dict[str, Enterprise] = {}
    for start in range(0, len(codes), _BATCH):
        for ent in Enterprise.objects.select_for_update().filter(uscc__in=codes[start:start + _BATCH]):
            existing[ent.uscc] = ent
    to_create, to_update = [], []
    utility = [k for k in UTILITY_COLUMNS if parsed.enterprises and k in parsed.enterprises[0]]
    for row in parsed.enterprises:
        values = {k: row[k] for k in _ENTERPRISE_FIELDS + utility if k != "park_area_id"}
        values["park_area_id"] = parks.get(row["park_area_name"]) if row["park_area_name"] else None
        ent = existing.get(row["uscc"])
        if ent is None:
            to_create.append(Enterprise(uscc=row["uscc"], **values))
        else:
            for k, v in values.items():
                setattr(ent, k, v)
            to_update.append(ent)
    Enterprise.objects.bulk_create(to_create, batch_size=_BATCH)
    Enterprise.objects.bulk_update(to_update, _ENTERPRISE_FIELDS + utility, batch_size=_BATCH)
    ids: dict[str, int] = {}
    for start in range(0, len(codes), _BATCH):
        ids.update(Enterprise.objects.filter(uscc__in=codes[start:start + _BATCH]).values_list("uscc", "id"))
    id_list = list(ids.values())

    counts = {"created": len(to_create), "updated": len(to_update)}
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

    from gaoxin.benefits.services import rematch_after_registry_change

    rematch_after_registry_change(actor)  # qualifications, industry or size may have changed
    audit_record(
        event_type="enterprise.registry_imported", actor=actor,
        subject_type="enterprises.enterprise", subject_id="*", subject_repr=f"企业名录导入 {source_name}"[:255],
        after=counts,
    )
    return counts
