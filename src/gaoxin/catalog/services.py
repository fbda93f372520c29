"""Writes to the catalogue: every change is one service call, in a transaction, audited once."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from gaoxin.core.services import audit_record

from .models import ItemStatus, ItemVersion, Material, ServiceItem, Situation, VersionStatus

# Fields of a version that make up its content (everything an applicant reads).
VERSION_FIELDS = [
    "name", "basic_code", "item_type", "service_object", "legal_basis", "conditions", "case_type",
    "statutory_limit", "statutory_unit", "promised_limit", "promised_unit", "promise_note", "fee_charged",
    "fee_basis", "channels", "visits", "visit_reason", "online_depth", "online_url", "tolerance_allowed",
    "commitment_allowed", "process", "location", "office_hours", "result_name", "delivery", "consult",
    "complain", "faq",
]
MATERIAL_FIELDS = ["name", "necessity", "originals", "copies", "form", "source", "spec", "notes", "sort_order"]


def search_text_for(item: ServiceItem, name: str) -> str:
    """Name, pinyin initials (企业设立登记 → qysldj), full pinyin and the code, for one LIKE search."""
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER)).lower()
    full = "".join(lazy_pinyin(name)).lower()
    return f"{name} {initials} {full} {item.implementation_code.lower()}"[:600]


def version_content_hash(version: ItemVersion) -> str:
    # Order matters to readers, the stored sort numbers do not: hash the lists in display order.
    content = {
        "fields": {f: getattr(version, f) for f in VERSION_FIELDS},
        "situations": [(s.name, s.description) for s in version.situations.all()],
        "materials": [
            {**{f: getattr(m, f) for f in MATERIAL_FIELDS if f != "sort_order"},
             "situations": sorted(s.name for s in m.situations.all())}
            for m in version.materials.all()
        ],
    }
    return hashlib.sha256(json.dumps(content, sort_keys=True, default=str).encode()).hexdigest()


def _validate_version(version: ItemVersion) -> None:
    errors = {}
    if version.promised_unit == version.statutory_unit and version.promised_limit > version.statutory_limit:
        errors["promised_limit"] = "承诺时限不能超过法定时限"
    if not version.channels:
        errors["channels"] = "至少选择一种办理渠道"
    if not version.name.strip():
        errors["name"] = "事项名称必填"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def item_create(*, actor, implementation_code: str, department, zone, themes=(), **version_fields) -> ServiceItem:
    """A new item with draft version 1; it is not public until published."""
    item = ServiceItem(implementation_code=implementation_code.strip(), department=department, zone=zone,
                       name=version_fields.get("name", ""))
    item.full_clean(exclude=["current_version", "search_text"])
    item.search_text = search_text_for(item, item.name)
    item.save()
    item.themes.set(themes)
    version = ItemVersion(item=item, number=1, created_by=actor, **version_fields)
    _validate_version(version)
    version.save()
    audit_record(event_type="catalog.item_created", actor=actor, subject=item,
                 after={"implementation_code": item.implementation_code, "name": item.name})
    return item


@transaction.atomic
def version_create_draft(*, item: ServiceItem, actor) -> ItemVersion:
    """Start editing: copy the current version (fields, situations, materials and their
    files) into a new draft. Returns the existing draft if there is one."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    existing = item.versions.filter(status=VersionStatus.DRAFT).first()
    if existing:
        return existing
    source = item.current_version
    if source is None:
        raise ValidationError("该事项没有可复制的版本")
    number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    draft = ItemVersion.objects.create(
        item=item, number=number, status=VersionStatus.DRAFT, created_by=actor,
        **{f: getattr(source, f) for f in VERSION_FIELDS},
    )
    copy_children(source, draft)
    audit_record(event_type="catalog.draft_created", actor=actor, subject=draft, after={"number": number})
    return draft


def copy_children(source: ItemVersion, target: ItemVersion) -> None:
    situations = {}
    for s in source.situations.all():
        situations[s.pk] = Situation.objects.create(version=target, name=s.name, description=s.description,
                                                    sort_order=s.sort_order)
    for m in source.materials.prefetch_related("situations"):
        copy = Material.objects.create(
            version=target, blank_form=m.blank_form.name, sample_form=m.sample_form.name,
            **{f: getattr(m, f) for f in MATERIAL_FIELDS},
        )
        copy.situations.set([situations[s.pk] for s in m.situations.all()])


@transaction.atomic
def version_publish(*, version: ItemVersion, actor) -> ItemVersion:
    """The draft becomes the current version; the previous one is kept, superseded."""
    version = ItemVersion.objects.select_for_update(of=("self",)).select_related("item").get(pk=version.pk)
    if version.status != VersionStatus.DRAFT:
        raise ValidationError("只有草稿可以发布")
    _validate_version(version)
    item = ServiceItem.objects.select_for_update().get(pk=version.item_id)
    if item.status == ItemStatus.CANCELLED:
        raise ValidationError("事项已取消，不能发布")
    previous = item.current_version
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.published_by = actor
    version.published_at = timezone.now()
    version.content_hash = version_content_hash(version)
    version.save(update_fields=["status", "published_by", "published_at", "content_hash"])
    before = {"version": previous.number if previous else None, "status": item.status}
    item.current_version = version
    item.name = version.name
    item.search_text = search_text_for(item, version.name)
    if item.status == ItemStatus.DRAFT:
        item.status = ItemStatus.PUBLISHED
    item.save(update_fields=["current_version", "name", "search_text", "status", "updated_at"])
    audit_record(event_type="catalog.version_published", actor=actor, subject=item, before=before,
                 after={"version": version.number, "status": item.status})
    return version


# Allowed status changes of a published item (services.md §3.1: 发布 / 暂停 / 取消).
STATUS_TRANSITIONS = {
    ItemStatus.PUBLISHED: {ItemStatus.SUSPENDED, ItemStatus.CANCELLED},
    ItemStatus.SUSPENDED: {ItemStatus.PUBLISHED, ItemStatus.CANCELLED},
    ItemStatus.DRAFT: {ItemStatus.CANCELLED},
    ItemStatus.CANCELLED: set(),
}


@transaction.atomic
def item_set_status(*, item: ServiceItem, status: str, actor, reason: str = "") -> ServiceItem:
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if status not in STATUS_TRANSITIONS[ItemStatus(item.status)]:
        raise ValidationError(f"不能从“{item.get_status_display()}”变为“{ItemStatus(status).label}”")
    if status == ItemStatus.PUBLISHED and item.current_version_id is None:
        raise ValidationError("事项没有已发布的版本")
    if status in (ItemStatus.SUSPENDED, ItemStatus.CANCELLED) and not reason.strip():
        raise ValidationError({"reason": "请填写暂停或取消的原因"})
    before = item.status
    item.status = status
    item.save(update_fields=["status", "updated_at"])
    audit_record(event_type="catalog.item_status_changed", actor=actor, subject=item,
                 before={"status": before}, after={"status": status, "reason": reason.strip()})
    return item


@transaction.atomic
def draft_save(*, version: ItemVersion, actor, form, situation_formset, material_formset) -> ItemVersion:
    """Save the edit page of a draft (validated forms) as one audited change."""
    locked = ItemVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError("只能修改草稿；已发布的版本请先“编辑草稿”")
    before = model_to_dict(locked, fields=VERSION_FIELDS)
    version = form.save(commit=False)
    _validate_version(version)
    version.save()
    situation_formset.save()
    material_formset.save()
    after = model_to_dict(version, fields=VERSION_FIELDS)
    changed = {k: after[k] for k in after if before[k] != after[k]}
    audit_record(event_type="catalog.draft_updated", actor=actor, subject=version,
                 before={k: before[k] for k in changed}, after=changed)
    return version
