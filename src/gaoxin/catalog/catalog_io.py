"""Excel import and export of the whole catalogue. The export writes what the import reads.

Sheets: 事项 (one row per item), 情形 (situations), 材料 (materials). Validation reads the whole
file first and names sheet, row and column of every problem; `apply_catalog` then writes all
rows in one transaction: a new item gets version 1, a changed item a new published version
(material files are carried over by material name), an unchanged item is left alone. The
item's search keywords (检索关键词) are not guide content: changing only them updates the item
without a new version, and a workbook without that column leaves them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.excel import (
    Check,
    Column,
    Invalid,
    Sheet,
    Table,
    boolean,
    choice,
    integer,
    lookup,
    many,
    open_workbook,
)
from gaoxin.core.services import audit_record

from . import services
from .models import (
    CaseType,
    Channel,
    ItemStatus,
    ItemType,
    LimitUnit,
    Material,
    MaterialForm,
    MaterialSource,
    Necessity,
    OnlineDepth,
    ServiceItem,
    ServiceObject,
    ServiceZone,
    Situation,
    Theme,
    VersionStatus,
    validate_item_code,
)

ITEM_SHEET, SITUATION_SHEET, MATERIAL_SHEET = "事项", "情形", "材料"
CODE = "实施编码"
# Added later, so it is the last column and optional: a workbook without it leaves keywords as they are.
KEYWORDS = "检索关键词"
SEP = "、"
SMALL = integer(0, 32767)


def _choices(enum, extra: dict | None = None) -> dict:
    mapping = {str(label): value for value, label in enum.choices}
    mapping.update({str(value): value for value in enum.values})
    return mapping | (extra or {})


CHANNEL_CHOICES = _choices(Channel, {"窗口": "window", "网上": "web", "掌上": "mobile", "移动端": "mobile",
                                     "自助终端": "kiosk", "智能微厅": "kiosk", "驿站": "station"})


def _item_code(drafts: set[str]):
    def parse(value: str) -> str:
        try:
            validate_item_code(value)
        except ValidationError:
            raise Invalid(f"“{value}”格式不正确") from None
        if value in drafts:
            raise Invalid("该事项有未发布的草稿，请先在系统中发布或处理草稿")
        return value
    return parse


def _keywords(value: str) -> str:
    try:
        return services.keywords_clean(value)
    except ValidationError as exc:
        raise Invalid(exc.message_dict["keywords"][0]) from None


def _promise_within_statutory(row: dict) -> str | None:
    if row["promised_unit"] == row["statutory_unit"] and row["promised_limit"] > row["statutory_limit"]:
        return "不能超过法定时限"
    return None


def _text(heading: str, field_name: str, max_length: int) -> Column:
    return Column(heading, field_name, max_length=max_length)


# Columns bound per import (they name rows of the database): code (open drafts), department, zone, themes.
ITEMS = Sheet(ITEM_SHEET, [
    Column(CODE, "code", None, required=True),
    _text("事项名称", "name", 120),
    _text("基本编码", "basic_code", 40),
    Column("事项类型", "item_type", choice(_choices(ItemType)), required=True),
    Column("实施部门", "department_id", None, required=True),
    Column("专区", "zone_id", None, required=True),
    Column("主题", "theme_ids", None, default=()),
    Column("服务对象", "service_object", choice(_choices(ServiceObject)), default=ServiceObject.LEGAL),
    Column("办件类型", "case_type", choice(_choices(CaseType)), required=True),
    Column("法定时限", "statutory_limit", integer(), required=True),
    Column("法定时限单位", "statutory_unit", choice(_choices(LimitUnit)), default=LimitUnit.WORKING),
    Column("承诺时限", "promised_limit", integer(), required=True),
    Column("承诺时限单位", "promised_unit", choice(_choices(LimitUnit)), default=LimitUnit.WORKING),
    Column("是否收费", "fee_charged", boolean, default=False),
    _text("收费依据", "fee_basis", 300),
    Column("办理渠道", "channels", many(choice(CHANNEL_CHOICES, Channel.labels), empty="至少一种渠道"),
           needed=True, default=()),
    Column("到现场次数", "visits", SMALL, default=1),
    Column("网办深度", "online_depth", choice(_choices(OnlineDepth)), default=OnlineDepth.NONE),
    _text("网上申请链接", "online_url", 200),
    Column("容缺受理", "tolerance_allowed", boolean, default=False),
    Column("告知承诺", "commitment_allowed", boolean, default=False),
    _text("受理条件", "conditions", 4000),
    _text("设定依据", "legal_basis", 4000),
    _text("办理流程", "process", 4000),
    _text("办理地点", "location", 200),
    _text("办理时间", "office_hours", 200),
    _text("审批结果", "result_name", 120),
    _text("送达方式", "delivery", 120),
    _text("咨询方式", "consult", 200),
    _text("投诉方式", "complain", 200),
    _text("常见问题", "faq", 8000),
    Column(KEYWORDS, "keywords", _keywords, default="", absent=None),
], unique=("code",), checks=[Check("promised_limit", _promise_within_statutory)])

SITUATIONS = Sheet(SITUATION_SHEET, [
    Column(CODE, "code", required=True, refers=ITEM_SHEET),
    Column("情形名称", "name", required=True, max_length=100),
    Column("说明", "description", max_length=300),
], unique=("name", "code"), duplicate="同一事项的情形名称重复（见第{row}行）", required=False)

MATERIALS = Sheet(MATERIAL_SHEET, [
    Column(CODE, "code", required=True, refers=ITEM_SHEET),
    Column("材料名称", "name", required=True, max_length=150),
    Column("必要性", "necessity", choice(_choices(Necessity)), required=True),
    Column("原件数", "originals", SMALL, default=1),
    Column("复印件数", "copies", SMALL, default=0),
    Column("材料形式", "form", choice(_choices(MaterialForm)), default=MaterialForm.BOTH),
    Column("来源", "source", choice(_choices(MaterialSource)), default=MaterialSource.APPLICANT),
    Column("规格", "spec", max_length=50, default="A4"),
    Column("适用情形", "situations", many(), default=()),
    Column("填报须知", "notes", max_length=300),
], required=False)

ITEM_COLUMNS, ITEM_REQUIRED = ITEMS.headings, ITEMS.needed
SITUATION_COLUMNS, SITUATION_REQUIRED = SITUATIONS.headings, SITUATIONS.needed
MATERIAL_COLUMNS, MATERIAL_REQUIRED = MATERIALS.headings, MATERIALS.needed
_ITEM_FIELDS = ("code", "department_id", "zone_id", "theme_ids", "keywords")


@dataclass
class ParsedCatalog:
    items: list[dict] = field(default_factory=list)
    situations: dict[str, list[dict]] = field(default_factory=dict)
    materials: dict[str, list[dict]] = field(default_factory=dict)


def _bound_items() -> Sheet:
    """The item sheet with the parsers that look at the database."""
    departments = {}
    for unit in OrgUnit.objects.all():
        departments.update({unit.name: unit.pk, unit.short_name: unit.pk, unit.code: unit.pk})
    departments.pop("", None)
    zones = list(ServiceZone.objects.all())
    themes = dict(Theme.objects.values_list("name", "pk"))
    drafts = set(ServiceItem.objects.filter(versions__status=VersionStatus.DRAFT,
                                            status__in=[ItemStatus.PUBLISHED, ItemStatus.SUSPENDED])
                 .values_list("implementation_code", flat=True))
    return ITEMS.bind(
        code=_item_code(drafts),
        department_id=lookup(departments, "“{}”不是系统中的部门"),
        zone_id=choice({z.name: z.pk for z in zones} | {z.code: z.pk for z in zones}, [z.name for z in zones]),
        theme_ids=many(lookup(themes, "“{}”不是已有主题（" + SEP.join(themes).replace("{", "{{").replace("}", "}}") + "）")),
    )


def _situations_defined(situations) -> Check:
    defined: dict[str, set[str]] = {}
    for s in situations or ():
        defined.setdefault(s["code"], set()).add(s["name"])

    def test(row: dict) -> str | None:
        unknown = [s for s in row["situations"] if s not in defined.get(row["code"], ())]
        return "；".join(f"“{s}”不在“{SITUATION_SHEET}”表中该事项的情形里" for s in unknown) or None
    return Check("situations", test)


def _by_code(rows, **extra) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for row in rows or ():
        siblings = out.setdefault(row.pop("code"), [])
        siblings.append({**row, **extra, "sort_order": len(siblings)})
    return out


def parse_catalog(source) -> ParsedCatalog:
    """Read and validate a catalogue workbook, or raise `core.excel.SheetError` naming every bad cell."""
    book = open_workbook(source)
    items = book.read(_bound_items())
    situations = book.read(SITUATIONS)
    materials = book.read(replace(MATERIALS, checks=[_situations_defined(situations)]))
    book.done()
    return ParsedCatalog([_item(row, number) for row, number in zip(items, items.numbers, strict=True)],
                         _by_code(situations), _by_code(materials))


def _item(row: dict, number: int) -> dict:
    """An item row split into the item's own fields and its version's (guide content)."""
    item = {k: row.pop(k) for k in _ITEM_FIELDS}
    return {**item, "theme_ids": list(item["theme_ids"]), "version": {**row, "channels": list(row["channels"])},
            "row": number}


@transaction.atomic
def apply_catalog(*, parsed: ParsedCatalog, actor, source_name: str = "") -> dict[str, int]:
    from .models import ItemVersion

    counts = {"created": 0, "updated": 0, "unchanged": 0}
    changed_codes = []
    for row in parsed.items:
        code = row["code"]
        item = ServiceItem.objects.select_for_update().filter(implementation_code=code).first()
        keywords_changed = False
        if item is None:
            item = ServiceItem(implementation_code=code, department_id=row["department_id"], zone_id=row["zone_id"],
                               name=row["version"]["name"], keywords=row["keywords"] or "")
            item.search_text = services.search_text_for(item, item.name)
            item.save()
            number, previous = 1, None
            counts["created"] += 1
        else:
            previous = item.current_version
            number = (item.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            item.department_id, item.zone_id = row["department_id"], row["zone_id"]
            keywords_changed = row["keywords"] is not None and row["keywords"] != item.keywords
            if keywords_changed:
                item.keywords = row["keywords"]
                item.search_text = services.search_text_for(item, item.name)
            item.save(update_fields=["department", "zone", "keywords", "search_text"])
        item.themes.set(row["theme_ids"])
        version = ItemVersion.objects.create(item=item, number=number, status=VersionStatus.DRAFT, created_by=actor,
                                             **row["version"])
        files = {m.name: (m.blank_form.name, m.sample_form.name) for m in previous.materials.all()} if previous else {}
        situations = {}
        for s in parsed.situations.get(code, []):
            situations[s["name"]] = Situation.objects.create(version=version, **s)
        for m in parsed.materials.get(code, []):
            data = {k: v for k, v in m.items() if k != "situations"}
            blank, sample = files.get(m["name"], ("", ""))
            material = Material.objects.create(version=version, blank_form=blank, sample_form=sample, **data)
            material.situations.set([situations[name] for name in m["situations"]])
        if previous is not None and services.version_content_hash(version) == previous.content_hash:
            version.delete()
            # New search words alone change the item, not its guide: no new version.
            counts["updated" if keywords_changed else "unchanged"] += 1
            if keywords_changed:
                changed_codes.append(code)
            continue
        if previous is not None:
            counts["updated"] += 1
            previous.status = VersionStatus.SUPERSEDED
            previous.save(update_fields=["status"])
        version.status = VersionStatus.PUBLISHED
        version.published_by, version.published_at = actor, timezone.now()
        version.content_hash = services.version_content_hash(version)
        version.save(update_fields=["status", "published_by", "published_at", "content_hash"])
        item.current_version = version
        item.name = version.name
        item.search_text = services.search_text_for(item, version.name)
        if item.status == ItemStatus.DRAFT:
            item.status = ItemStatus.PUBLISHED
        item.save(update_fields=["current_version", "name", "search_text", "status", "updated_at"])
        changed_codes.append(code)
    audit_record(
        event_type="catalog.imported", actor=actor, subject_type="catalog.serviceitem", subject_id="*",
        subject_repr=f"事项清单导入 {source_name}"[:255], after={**counts, "changed": changed_codes[:500]},
    )
    return counts


def export_sheets(items):
    """Tables for `core.excel.write_workbook`; items with current_version, department, zone, themes
    and the version's situations and materials prefetched."""
    items = [it for it in items if it.current_version]
    yield Table(ITEM_SHEET, ITEM_COLUMNS, (
        [it.implementation_code, v.name, v.basic_code, v.get_item_type_display(), it.department.name, it.zone.name,
         SEP.join(t.name for t in it.themes.all()), v.get_service_object_display(), v.get_case_type_display(),
         v.statutory_limit, v.get_statutory_unit_display(), v.promised_limit, v.get_promised_unit_display(),
         v.fee_charged, v.fee_basis, SEP.join(v.channel_labels()), v.visits, v.get_online_depth_display(),
         v.online_url, v.tolerance_allowed, v.commitment_allowed, v.conditions, v.legal_basis, v.process, v.location,
         v.office_hours, v.result_name, v.delivery, v.consult, v.complain, v.faq, it.keywords]
        for it in items for v in [it.current_version]
    ))
    yield Table(SITUATION_SHEET, SITUATION_COLUMNS, (
        [it.implementation_code, s.name, s.description] for it in items for s in it.current_version.situations.all()
    ))
    yield Table(MATERIAL_SHEET, MATERIAL_COLUMNS, (
        [it.implementation_code, m.name, m.get_necessity_display(), m.originals, m.copies, m.get_form_display(),
         m.get_source_display(), m.spec, SEP.join(s.name for s in m.situations.all()), m.notes]
        for it in items for m in it.current_version.materials.all()
    ))
