"""Excel import and export of the whole catalogue. The export writes what the import reads.

Sheets: 事项 (one row per item), 情形 (situations), 材料 (materials). Validation reads the whole
file first and names sheet, row and column of every problem; `apply_catalog` then writes all
rows in one transaction: a new item gets version 1, a changed item a new published version
(material files are carried over by material name), an unchanged item is left alone. The
item's search keywords (检索关键词) are not guide content: changing only them updates the item
without a new version, and a workbook without that column leaves them as they are.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.excel import CellError, open_workbook, parse_bool, parse_choice, read_sheet
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
ITEM_COLUMNS = [
    CODE, "事项名称", "基本编码", "事项类型", "实施部门", "专区", "主题", "服务对象", "办件类型", "法定时限", "法定时限单位",
    "承诺时限", "承诺时限单位", "是否收费", "收费依据", "办理渠道", "到现场次数", "网办深度", "网上申请链接", "容缺受理",
    "告知承诺", "受理条件", "设定依据", "办理流程", "办理地点", "办理时间", "审批结果", "送达方式", "咨询方式", "投诉方式", "常见问题",
    KEYWORDS,
]
ITEM_REQUIRED = [CODE, "事项名称", "事项类型", "实施部门", "专区", "办件类型", "法定时限", "承诺时限", "办理渠道"]
SITUATION_COLUMNS = [CODE, "情形名称", "说明"]
MATERIAL_COLUMNS = [CODE, "材料名称", "必要性", "原件数", "复印件数", "材料形式", "来源", "规格", "适用情形", "填报须知"]
MATERIAL_REQUIRED = [CODE, "材料名称", "必要性"]
SEP = "、"

# Text columns of the item sheet -> version field.
_TEXT = {
    "事项名称": ("name", 120), "基本编码": ("basic_code", 40), "收费依据": ("fee_basis", 300), "网上申请链接": ("online_url", 200),
    "受理条件": ("conditions", 4000), "设定依据": ("legal_basis", 4000), "办理流程": ("process", 4000),
    "办理地点": ("location", 200), "办理时间": ("office_hours", 200), "审批结果": ("result_name", 120),
    "送达方式": ("delivery", 120), "咨询方式": ("consult", 200), "投诉方式": ("complain", 200), "常见问题": ("faq", 8000),
}


def _choices(enum, extra: dict | None = None) -> dict:
    mapping = {str(label): value for value, label in enum.choices}
    mapping.update({str(value): value for value in enum.values})
    return mapping | (extra or {})


CHANNEL_CHOICES = _choices(Channel, {"窗口": "window", "网上": "web", "掌上": "mobile", "移动端": "mobile",
                                     "自助终端": "kiosk", "智能微厅": "kiosk", "驿站": "station"})
DEPTH_CHOICES = {str(label): str(value) for value, label in OnlineDepth.choices} | {str(v): str(v) for v in OnlineDepth.values}


@dataclass
class ParsedCatalog:
    items: list[dict] = field(default_factory=list)
    situations: dict[str, list[dict]] = field(default_factory=dict)
    materials: dict[str, list[dict]] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)


def parse_catalog(source) -> ParsedCatalog:
    result = ParsedCatalog()
    reader = open_workbook(source)
    if ITEM_SHEET not in reader.sheet_names:
        result.errors.append(CellError(ITEM_SHEET, 0, "", "", f"缺少工作表“{ITEM_SHEET}”"))
        return result
    sheets = {}
    for name, required in ((ITEM_SHEET, ITEM_REQUIRED), (SITUATION_SHEET, [CODE, "情形名称"]),
                           (MATERIAL_SHEET, MATERIAL_REQUIRED)):
        sheet, errors = read_sheet(reader, name, required)
        sheets[name] = sheet
        result.errors.extend(errors)
    if result.errors:
        return result

    departments = {}
    for unit in OrgUnit.objects.all():
        departments.update({unit.name: unit.pk, unit.short_name: unit.pk, unit.code: unit.pk})
    departments.pop("", None)
    zones = {z.name: z.pk for z in ServiceZone.objects.all()} | {z.code: z.pk for z in ServiceZone.objects.all()}
    themes = {t.name: t.pk for t in Theme.objects.all()}
    drafts = set(ServiceItem.objects.filter(versions__status=VersionStatus.DRAFT, status__in=[ItemStatus.PUBLISHED, ItemStatus.SUSPENDED])
                 .values_list("implementation_code", flat=True))
    seen: dict[str, int] = {}
    items_sheet = sheets[ITEM_SHEET]
    for i, row in enumerate(items_sheet.rows):
        def fail(column, message, i=i):
            result.errors.append(items_sheet.error(i, column, message))

        def value(column, parser, *args, required=False, i=i, row=row):
            raw = row.get(column)
            if not raw:
                if required:
                    fail(column, "必填")
                return None
            parsed, problem = parser(raw, *args)
            if problem:
                fail(column, problem)
            return parsed

        code = (row.get(CODE) or "").strip()
        if not code:
            fail(CODE, "必填")
        else:
            try:
                validate_item_code(code)
            except Exception:
                fail(CODE, f"“{code}”格式不正确")
            if code in seen:
                fail(CODE, f"与第{seen[code]}行重复")
            seen.setdefault(code, i + 2)
            if code in drafts:
                fail(CODE, "该事项有未发布的草稿，请先在系统中发布或处理草稿")
        version = {}
        for column, (field_name, max_length) in _TEXT.items():
            text = (row.get(column) or "").strip()
            if len(text) > max_length:
                fail(column, f"不能超过{max_length}个字")
            version[field_name] = text
        if not version["name"]:
            fail("事项名称", "必填")
        version["item_type"] = value("事项类型", parse_choice, _choices(ItemType), required=True)
        version["service_object"] = value("服务对象", parse_choice, _choices(ServiceObject)) or ServiceObject.LEGAL
        version["case_type"] = value("办件类型", parse_choice, _choices(CaseType), required=True)
        version["statutory_limit"] = value("法定时限", _parse_int, required=True)
        version["statutory_unit"] = value("法定时限单位", parse_choice, _choices(LimitUnit)) or LimitUnit.WORKING
        version["promised_limit"] = value("承诺时限", _parse_int, required=True)
        version["promised_unit"] = value("承诺时限单位", parse_choice, _choices(LimitUnit)) or LimitUnit.WORKING
        version["fee_charged"] = value("是否收费", parse_bool) or False
        version["visits"] = value("到现场次数", _parse_int)
        version["visits"] = 1 if version["visits"] is None else version["visits"]
        depth = value("网办深度", parse_choice, DEPTH_CHOICES)
        version["online_depth"] = int(depth) if depth is not None else OnlineDepth.NONE
        version["tolerance_allowed"] = value("容缺受理", parse_bool) or False
        version["commitment_allowed"] = value("告知承诺", parse_bool) or False
        channels = []
        for part in _split(row.get("办理渠道")):
            if part not in CHANNEL_CHOICES:
                fail("办理渠道", f"“{part}”无效，应为：{SEP.join(str(label) for label in Channel.labels)}")
            else:
                channels.append(CHANNEL_CHOICES[part])
        if not channels and row.get("办理渠道"):
            fail("办理渠道", "至少一种渠道")
        version["channels"] = list(dict.fromkeys(channels))
        if (version["promised_limit"] is not None and version["statutory_limit"] is not None
                and version["promised_unit"] == version["statutory_unit"]
                and version["promised_limit"] > version["statutory_limit"]):
            fail("承诺时限", "不能超过法定时限")
        department = departments.get((row.get("实施部门") or "").strip())
        if row.get("实施部门") and department is None:
            fail("实施部门", f"“{row['实施部门']}”不是系统中的部门")
        zone = zones.get((row.get("专区") or "").strip())
        if row.get("专区") and zone is None:
            fail("专区", f"“{row['专区']}”无效，应为：{SEP.join(z.name for z in ServiceZone.objects.all())}")
        theme_ids = []
        for part in _split(row.get("主题")):
            if part not in themes:
                fail("主题", f"“{part}”不是已有主题（{SEP.join(themes)}）")
            else:
                theme_ids.append(themes[part])
        keywords = None
        if KEYWORDS in items_sheet.headers:
            try:
                keywords = services.keywords_clean(row.get(KEYWORDS) or "")
            except ValidationError as exc:
                fail(KEYWORDS, exc.message_dict["keywords"][0])
        result.items.append({"code": code, "department_id": department, "zone_id": zone, "theme_ids": theme_ids,
                             "keywords": keywords, "version": version, "row": i + 2})

    known = set(seen)
    sit_sheet = sheets[SITUATION_SHEET]
    if sit_sheet is not None:
        for i, row in enumerate(sit_sheet.rows):
            code = (row.get(CODE) or "").strip()
            name = (row.get("情形名称") or "").strip()
            if code not in known:
                result.errors.append(sit_sheet.error(i, CODE, f"“{code}”不在“{ITEM_SHEET}”表中"))
            if not name:
                result.errors.append(sit_sheet.error(i, "情形名称", "必填"))
            elif any(s["name"] == name for s in result.situations.get(code, [])):
                result.errors.append(sit_sheet.error(i, "情形名称", "同一事项的情形名称重复"))
            item_situations = result.situations.setdefault(code, [])
            item_situations.append({"name": name, "description": (row.get("说明") or "")[:300],
                                    "sort_order": len(item_situations)})
    mat_sheet = sheets[MATERIAL_SHEET]
    if mat_sheet is not None:
        for i, row in enumerate(mat_sheet.rows):
            code = (row.get(CODE) or "").strip()
            errors_before = len(result.errors)

            def fail(column, message, i=i):
                result.errors.append(mat_sheet.error(i, column, message))

            if code not in known:
                fail(CODE, f"“{code}”不在“{ITEM_SHEET}”表中")
            name = (row.get("材料名称") or "").strip()
            if not name:
                fail("材料名称", "必填")
            parsed = {}
            for column, key, enum in (("必要性", "necessity", Necessity), ("材料形式", "form", MaterialForm),
                                      ("来源", "source", MaterialSource)):
                chosen, problem = parse_choice(row.get(column), _choices(enum))
                if problem:
                    fail(column, problem)
                parsed[key] = chosen
            if not parsed["necessity"] and not row.get("必要性"):
                fail("必要性", "必填")
            counts = {}
            for column, key, default in (("原件数", "originals", 1), ("复印件数", "copies", 0)):
                number, problem = _parse_int(row.get(column)) if row.get(column) else (default, None)
                if problem:
                    fail(column, problem)
                counts[key] = number
            situation_names = _split(row.get("适用情形"))
            defined = {s["name"] for s in result.situations.get(code, [])}
            for s in situation_names:
                if s not in defined:
                    fail("适用情形", f"“{s}”不在“{SITUATION_SHEET}”表中该事项的情形里")
            if len(result.errors) == errors_before:
                item_materials = result.materials.setdefault(code, [])
                item_materials.append({
                    "name": name[:150], "necessity": parsed["necessity"], "form": parsed["form"] or MaterialForm.BOTH,
                    "source": parsed["source"] or MaterialSource.APPLICANT, "spec": (row.get("规格") or "A4")[:50],
                    "notes": (row.get("填报须知") or "")[:300], "sort_order": len(item_materials),
                    "situations": situation_names, **counts,
                })
    return result


def _split(text: str | None) -> list[str]:
    if not text:
        return []
    for sep in (",", "，", ";", "；", "/"):
        text = text.replace(sep, SEP)
    return [part.strip() for part in text.split(SEP) if part.strip()]


def _parse_int(text: str | None) -> tuple[int | None, str | None]:
    if text is None:
        return None, None
    cleaned = text.strip()
    if cleaned.endswith(".0"):
        cleaned = cleaned[:-2]
    if not cleaned.isdigit():
        return None, f"“{text}”应为非负整数"
    return int(cleaned), None


@transaction.atomic
def apply_catalog(*, parsed: ParsedCatalog, actor, source_name: str = "") -> dict[str, int]:
    from .models import ItemVersion

    if parsed.errors:
        raise ValueError("apply_catalog called with errors")
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
    """Rows for `core.excel.write_workbook`; items with current_version, department, zone, themes
    and the version's situations and materials prefetched."""
    items = list(items)
    yield ITEM_SHEET, ITEM_COLUMNS, (
        [it.implementation_code, v.name, v.basic_code, v.get_item_type_display(), it.department.name, it.zone.name,
         SEP.join(t.name for t in it.themes.all()), v.get_service_object_display(), v.get_case_type_display(),
         v.statutory_limit, v.get_statutory_unit_display(), v.promised_limit, v.get_promised_unit_display(),
         "是" if v.fee_charged else "否", v.fee_basis, SEP.join(v.channel_labels()), v.visits,
         v.get_online_depth_display(), v.online_url, "是" if v.tolerance_allowed else "否",
         "是" if v.commitment_allowed else "否", v.conditions, v.legal_basis, v.process, v.location, v.office_hours,
         v.result_name, v.delivery, v.consult, v.complain, v.faq, it.keywords]
        for it in items if (v := it.current_version)
    )
    yield SITUATION_SHEET, SITUATION_COLUMNS, (
        [it.implementation_code, s.name, s.description] for it in items if it.current_version
        for s in it.current_version.situations.all()
    )
    yield MATERIAL_SHEET, MATERIAL_COLUMNS, (
        [it.implementation_code, m.name, m.get_necessity_display(), m.originals, m.copies, m.get_form_display(),
         m.get_source_display(), m.spec, SEP.join(s.name for s in m.situations.all()), m.notes]
        for it in items if it.current_version for m in it.current_version.materials.all()
    )
