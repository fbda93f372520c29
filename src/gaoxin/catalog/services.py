"""Writes to the catalogue: every change is one service call, in a transaction, audited once. An item's
status (publishing a version, suspending, resuming, cancelling) changes only through its transition table
(catalog/workflow.py)."""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict

from gaoxin.core.services import audit_record

from . import search
from .models import ItemStatus, ItemVersion, Material, SearchSynonym, ServiceItem, Situation, VersionStatus
from .workflow import WORKFLOW

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
    """Name and keywords, their pinyin initials (企业设立登记 → qysldj) and full pinyin, and the
    code, for one LIKE search. Theme names are matched at query time, so renaming a theme
    leaves nothing stale here."""
    return search.item_search_text(name=name, keywords=item.keyword_list(), code=item.implementation_code)


KEYWORD_MAX_LENGTH = 20


def keywords_clean(text: str) -> str:
    """Keywords as stored: separated by “、”, without repeats. Raises naming the field."""
    words = search.split_words(text)
    too_long = [w for w in words if len(w) > KEYWORD_MAX_LENGTH]
    if too_long:
        raise ValidationError({"keywords": f"“{too_long[0]}”太长，每个关键词不超过{KEYWORD_MAX_LENGTH}个字"})
    joined = search.join_words(words)
    if len(joined) > ServiceItem._meta.get_field("keywords").max_length:
        raise ValidationError({"keywords": "检索关键词合计不能超过300个字"})
    return joined


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


def validate_version(version: ItemVersion) -> None:
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
def item_create(*, actor, implementation_code: str, department, zone, themes=(), keywords: str = "",
                **version_fields) -> ServiceItem:
    """A new item with draft version 1; it is not public until published."""
    item = ServiceItem(implementation_code=implementation_code.strip(), department=department, zone=zone,
                       name=version_fields.get("name", ""), keywords=keywords_clean(keywords))
    item.full_clean(exclude=["current_version", "search_text"])
    item.search_text = search_text_for(item, item.name)
    item.save()
    item.themes.set(themes)
    version = ItemVersion(item=item, number=1, created_by=actor, **version_fields)
    validate_version(version)
    version.save()
    audit_record(event_type="catalog.item_created", actor=actor, subject=item,
                 after={"implementation_code": item.implementation_code, "name": item.name, "keywords": item.keywords})
    return item


@transaction.atomic
def item_set_keywords(*, item: ServiceItem, actor, keywords: str) -> ServiceItem:
    """Change the everyday words an item is found by; effective at once, no new guide version."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    cleaned = keywords_clean(keywords)
    if cleaned == item.keywords:
        return item
    before = item.keywords
    item.keywords = cleaned
    item.search_text = search_text_for(item, item.name)
    item.save(update_fields=["keywords", "search_text", "updated_at"])
    audit_record(event_type="catalog.item_keywords_changed", actor=actor, subject=item,
                 before={"keywords": before}, after={"keywords": cleaned})
    return item


@transaction.atomic
def version_create_draft(*, item: ServiceItem, actor) -> ItemVersion:
    """Start editing: copy the current version (fields, situations, materials and their
    files) into a new draft. Returns the existing draft if there is one."""
    item = ServiceItem.objects.select_for_update().get(pk=item.pk)
    if item.status == ItemStatus.CANCELLED:
        raise ValidationError("事项已取消，不能再编辑")
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


def item_transition(*, item: ServiceItem, name: str, actor, reason: str = "", **params) -> ServiceItem:
    """Apply one transition of the item's table (workflow.WORKFLOW): PUBLISH (with `version`, the draft),
    SUSPEND and CANCEL (with a reason), RESUME. Row lock, role, state, reason and guard checked, one status
    record row and one audit event."""
    return WORKFLOW.apply(item, name, actor=actor, reason=reason, **params)


def version_publish(*, version: ItemVersion, actor) -> ItemVersion:
    """The draft becomes the current version; the previous one is kept, superseded (the item's PUBLISH)."""
    # The caller holds a version, not the item page's copy of the item: read its current state.
    item_transition(item=ServiceItem.objects.get(pk=version.item_id), name="PUBLISH", actor=actor, version=version)
    return ItemVersion.objects.get(pk=version.pk)


@transaction.atomic
def draft_save(*, version: ItemVersion, actor, form, situation_formset, material_formset) -> ItemVersion:
    """Save the edit page of a draft (validated forms) as one audited change."""
    locked = ItemVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != VersionStatus.DRAFT:
        raise ValidationError("只能修改草稿；已发布的版本请先“编辑草稿”")
    before = model_to_dict(locked, fields=VERSION_FIELDS)
    version = form.save(commit=False)
    validate_version(version)
    version.save()
    situation_formset.save()
    material_formset.save()
    after = model_to_dict(version, fields=VERSION_FIELDS)
    changed = {k: after[k] for k in after if before[k] != after[k]}
    audit_record(event_type="catalog.draft_updated", actor=actor, subject=version,
                 before={k: before[k] for k in changed}, after=changed)
    return version


# --- search synonyms (近义词/俗称) ----------------------------------------------------------

def _synonym_clean(*, word: str, meanings: str, instance: SearchSynonym | None = None) -> tuple[str, str]:
    errors = {}
    word = (word or "").strip()
    if not word:
        errors["word"] = "请填写俗称"
    elif search.split_words(word) != [word]:
        errors["word"] = "俗称是一个词，不能含空格或“、”等分隔符"
    elif len(word) > SearchSynonym._meta.get_field("word").max_length:
        errors["word"] = "俗称不能超过30个字"
    else:
        clash = SearchSynonym.objects.filter(word__iexact=word)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors["word"] = f"“{word}”已在近义词表中，请直接修改那一条"
    words = search.split_words(meanings)
    if not words:
        errors["meanings"] = "请至少填写一个对应的规范用语"
    elif word and all(w == word for w in words):
        errors["meanings"] = "对应的规范用语不能只是俗称本身"
    elif any(len(w) > KEYWORD_MAX_LENGTH for w in words):
        errors["meanings"] = f"每个规范用语不超过{KEYWORD_MAX_LENGTH}个字"
    joined = search.join_words(words)
    if "meanings" not in errors and len(joined) > SearchSynonym._meta.get_field("meanings").max_length:
        errors["meanings"] = "规范用语合计不能超过200个字"
    if errors:
        raise ValidationError(errors)
    return word, joined


def _synonym_save(synonym: SearchSynonym, fields: list[str] | None = None) -> None:
    # Two administrators adding the same word at once: the unique index decides, with the same message.
    try:
        with transaction.atomic():
            synonym.save(update_fields=fields)
    except IntegrityError:
        raise ValidationError({"word": f"“{synonym.word}”已在近义词表中，请直接修改那一条"}) from None


@transaction.atomic
def synonym_create(*, actor, word: str, meanings: str) -> SearchSynonym:
    word, meanings = _synonym_clean(word=word, meanings=meanings)
    synonym = SearchSynonym(word=word, meanings=meanings)
    _synonym_save(synonym)
    audit_record(event_type="catalog.synonym_created", actor=actor, subject=synonym,
                 after={"word": word, "meanings": meanings})
    return synonym


@transaction.atomic
def synonym_update(*, synonym: SearchSynonym, actor, word: str, meanings: str) -> SearchSynonym:
    synonym = SearchSynonym.objects.select_for_update().get(pk=synonym.pk)
    word, meanings = _synonym_clean(word=word, meanings=meanings, instance=synonym)
    before = {"word": synonym.word, "meanings": synonym.meanings}
    if before == {"word": word, "meanings": meanings}:
        return synonym
    synonym.word, synonym.meanings = word, meanings
    _synonym_save(synonym, ["word", "meanings", "updated_at"])
    audit_record(event_type="catalog.synonym_updated", actor=actor, subject=synonym, before=before,
                 after={"word": word, "meanings": meanings})
    return synonym


@transaction.atomic
def synonym_delete(*, synonym: SearchSynonym, actor) -> None:
    synonym = SearchSynonym.objects.select_for_update().get(pk=synonym.pk)
    audit_record(event_type="catalog.synonym_deleted", actor=actor, subject=synonym,
                 before={"word": synonym.word, "meanings": synonym.meanings})
    synonym.delete()
