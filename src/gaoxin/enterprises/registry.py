"""Excel import and export of the enterprise registry (一企一档).

Workbook layout (the export writes exactly what the import reads):
  企业   one row per enterprise (required sheet)
  用地   land parcels        — if present, replaces the parcels of the enterprises in 企业
  资质   qualifications      — idem
  联系人 contacts            — idem
Validation reads the whole file first; any bad cell fails the whole import and names
sheet, row and column. Writing happens in one transaction (`services.registry_import`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gaoxin.core.excel import (
    CellError,
    Sheet,
    open_workbook,
    parse_bool,
    parse_choice,
    parse_date,
    parse_decimal,
    read_sheet,
)
from gaoxin.core.validators import normalize_code, uscc_problem

from .models import EnterpriseStatus, LandKind, QualificationKind, QualificationLevel, SizeGroup

ENTERPRISE_SHEET = "企业"
PARCEL_SHEET = "用地"
QUALIFICATION_SHEET = "资质"
CONTACT_SHEET = "联系人"

USCC = "统一社会信用代码"
# Utility account numbers (电力/用水/用气户号) travel with the per-mu evaluation's released list.
UTILITY_COLUMNS = {"power_account": "电力户号", "water_account": "用水户号", "gas_account": "用气户号"}
ENTERPRISE_COLUMNS = [USCC, "企业名称", "法定代表人", "行业代码", "规模", "成立日期", "注册资本（万元）", "注册地址", "园区", "经营状态",
                      *UTILITY_COLUMNS.values()]
ENTERPRISE_REQUIRED = [USCC, "企业名称", "法定代表人", "行业代码", "规模"]
PARCEL_COLUMNS = [USCC, "用地类型", "面积（平方米）", "宗地编号", "不动产权证号", "出租方/承租方"]
PARCEL_REQUIRED = [USCC, "用地类型", "面积（平方米）"]
QUALIFICATION_COLUMNS = [USCC, "资质类型", "级别", "证书编号", "有效期起", "有效期止"]
QUALIFICATION_REQUIRED = [USCC, "资质类型", "有效期起"]
CONTACT_COLUMNS = [USCC, "姓名", "职务", "电话", "电子邮箱", "主要联系人"]
CONTACT_REQUIRED = [USCC, "姓名"]


def _choices(enum) -> dict[str, str]:
    mapping = {}
    for value, label in enum.choices:
        if value:
            mapping[str(label)] = value
            mapping[value] = value
    return mapping


SIZE_CHOICES = _choices(SizeGroup) | {"规上": SizeGroup.ABOVE, "规下": SizeGroup.BELOW}
STATUS_CHOICES = _choices(EnterpriseStatus)
LAND_CHOICES = _choices(LandKind)
QUALIFICATION_CHOICES = _choices(QualificationKind) | {
    "专精特新": QualificationKind.SRDI, "小巨人": QualificationKind.LITTLE_GIANT,
    '专精特新"小巨人"': QualificationKind.LITTLE_GIANT, "专精特新小巨人": QualificationKind.LITTLE_GIANT,
}
LEVEL_CHOICES = _choices(QualificationLevel) | {"国家": "national", "省": "provincial", "市": "municipal"}


@dataclass
class ParsedRegistry:
    enterprises: list[dict[str, Any]] = field(default_factory=list)
    parcels: list[dict[str, Any]] | None = None  # None: sheet absent, leave existing parcels alone
    qualifications: list[dict[str, Any]] | None = None
    contacts: list[dict[str, Any]] | None = None
    errors: list[CellError] = field(default_factory=list)


class _RowReader:
    """Collects typed values and cell errors for one row."""

    def __init__(self, sheet: Sheet, index: int, row: dict, errors: list[CellError]):
        self.sheet, self.index, self.row, self.errors = sheet, index, row, errors

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.row.get(column) or ""
        if required and not value:
            self.fail(column, "必填")
        elif len(value) > max_length:
            self.fail(column, f"不能超过{max_length}个字")
        return value

    def parsed(self, column: str, parser: Callable, *args, required: bool = False, **kwargs):
        raw = self.row.get(column)
        if required and not raw:
            self.fail(column, "必填")
            return None
        value, problem = parser(raw, *args, **kwargs)
        if problem:
            self.fail(column, problem)
        return value

    def fail(self, column: str, message: str) -> None:
        self.errors.append(self.sheet.error(self.index, column, message))


def parse_registry(source, *, industry_codes: set[str], on_progress: Callable[[int, int], None] | None = None) -> ParsedRegistry:
    """Read and validate a registry workbook. Never touches the database."""
    result = ParsedRegistry()
    reader = open_workbook(source)
    if ENTERPRISE_SHEET not in reader.sheet_names:
        result.errors.append(CellError(ENTERPRISE_SHEET, 0, "", "", f"缺少工作表“{ENTERPRISE_SHEET}”"))
        return result
    sheets = {}
    for name, required in (
        (ENTERPRISE_SHEET, ENTERPRISE_REQUIRED), (PARCEL_SHEET, PARCEL_REQUIRED),
        (QUALIFICATION_SHEET, QUALIFICATION_REQUIRED), (CONTACT_SHEET, CONTACT_REQUIRED),
    ):
        sheet, header_errors = read_sheet(reader, name, required)
        result.errors.extend(header_errors)
        sheets[name] = sheet
    if result.errors:
        return result
    total = sum(len(s.rows) for s in sheets.values() if s)
    done = 0

    seen: dict[str, int] = {}
    ent_sheet = sheets[ENTERPRISE_SHEET]
    if not ent_sheet.rows:
        result.errors.append(CellError(ENTERPRISE_SHEET, 2, "", "", "没有企业数据"))
    for i, row in enumerate(ent_sheet.rows):
        r = _RowReader(ent_sheet, i, row, result.errors)
        uscc = _uscc(r, seen_in_sheet=seen, row_number=i + 2)
        industry_raw = r.text("行业代码", required=True, max_length=10).upper()
        industry_digits = industry_raw.lstrip("ABCDEFGHIJKLMNOPQRST")
        if len(industry_digits) == 1 and industry_digits.isdigit():
            industry_digits = "0" + industry_digits
        if industry_raw and (not industry_digits.isdigit() or len(industry_digits) not in (2, 3, 4)
                             or industry_digits[:2] not in industry_codes):
            r.fail("行业代码", f"“{industry_raw}”不是有效的国民经济行业代码（GB/T 4754-2017，如 39 或 3985）")
        result.enterprises.append({
            "uscc": uscc,
            "name": r.text("企业名称", required=True, max_length=120),
            "legal_representative": r.text("法定代表人", required=True, max_length=50),
            "industry_id": industry_digits[:2],
            "industry_code": industry_digits if len(industry_digits) > 2 else "",
            "size_group": r.parsed("规模", parse_choice, SIZE_CHOICES, required=True),
            "registered_on": r.parsed("成立日期", parse_date),
            "registered_capital": r.parsed("注册资本（万元）", parse_decimal),
            "address": r.text("注册地址", max_length=200),
            "park_area_name": r.text("园区", max_length=60),
            "status": r.parsed("经营状态", parse_choice, STATUS_CHOICES) or EnterpriseStatus.OPERATING,
            # A workbook without these columns leaves the accounts on file untouched.
            **{key: r.text(heading, max_length=30) for key, heading in UTILITY_COLUMNS.items()
               if heading in ent_sheet.headers},
        })
        done += 1
        if on_progress and done % 1000 == 0:
            on_progress(done, total)

    known = set(seen)

    def child_rows(name: str) -> Iterator[_RowReader] | None:
        sheet = sheets[name]
        if sheet is None:
            return None

        def gen():
            nonlocal done
            for i, row in enumerate(sheet.rows):
                r = _RowReader(sheet, i, row, result.errors)
                code = normalize_code(r.text(USCC, required=True, max_length=30))
                if code and code not in known:
                    r.fail(USCC, f"“{code}”不在“{ENTERPRISE_SHEET}”表中")
                r.uscc = code
                yield r
                done += 1
                if on_progress and done % 1000 == 0:
                    on_progress(done, total)
        return gen()

    if (rows := child_rows(PARCEL_SHEET)) is not None:
        result.parcels = [
            {
                "uscc": r.uscc,
                "kind": r.parsed("用地类型", parse_choice, LAND_CHOICES, required=True),
                "area_m2": r.parsed("面积（平方米）", parse_decimal, positive=True, required=True),
                "parcel_no": r.text("宗地编号", max_length=40),
                "certificate_no": r.text("不动产权证号", max_length=60),
                "counterparty": r.text("出租方/承租方", max_length=120),
            }
            for r in rows
        ]
    if (rows := child_rows(QUALIFICATION_SHEET)) is not None:
        result.qualifications = []
        for r in rows:
            item = {
                "uscc": r.uscc,
                "kind": r.parsed("资质类型", parse_choice, QUALIFICATION_CHOICES, required=True),
                "level": r.parsed("级别", parse_choice, LEVEL_CHOICES) or "",
                "cert_no": r.text("证书编号", max_length=60),
                "valid_from": r.parsed("有效期起", parse_date, required=True),
                "valid_to": r.parsed("有效期止", parse_date),
            }
            if item["valid_from"] and item["valid_to"] and item["valid_to"] < item["valid_from"]:
                r.fail("有效期止", "不能早于有效期起")
            result.qualifications.append(item)
    if (rows := child_rows(CONTACT_SHEET)) is not None:
        result.contacts = [
            {
                "uscc": r.uscc,
                "name": r.text("姓名", required=True, max_length=50),
                "title": r.text("职务", max_length=50),
                "phone": r.text("电话", max_length=30),
                "email": r.text("电子邮箱", max_length=254),
                "is_primary": r.parsed("主要联系人", parse_bool),
            }
            for r in rows
        ]
    if on_progress:
        on_progress(done, total)
    return result


def _uscc(r: _RowReader, *, seen_in_sheet: dict[str, int], row_number: int) -> str:
    code = normalize_code(r.text(USCC, required=True, max_length=30))
    if not code:
        return ""
    if problem := uscc_problem(code):
        r.fail(USCC, problem)
    elif code in seen_in_sheet:
        r.fail(USCC, f"与第{seen_in_sheet[code]}行重复")
    else:
        seen_in_sheet[code] = row_number
    return code


# --- export ---------------------------------------------------------------------

def _d(value: Decimal | None):
    return None if value is None else value


def export_sheets(enterprises, parcels, qualifications, contacts):
    """Rows for `core.excel.write_workbook`. Arguments are iterables of model
    instances (enterprises with industry and park_area selected; children with enterprise)."""
    yield ENTERPRISE_SHEET, ENTERPRISE_COLUMNS, (
        [e.uscc, e.name, e.legal_representative, e.industry_code or e.industry_id, e.get_size_group_display(),
         e.registered_on, _d(e.registered_capital), e.address, e.park_area.name if e.park_area else "",
         e.get_status_display(), e.power_account, e.water_account, e.gas_account]
        for e in enterprises
    )
    yield PARCEL_SHEET, PARCEL_COLUMNS, (
        [p.enterprise.uscc, p.get_kind_display(), p.area_m2, p.parcel_no, p.certificate_no, p.counterparty]
        for p in parcels
    )
    yield QUALIFICATION_SHEET, QUALIFICATION_COLUMNS, (
        [q.enterprise.uscc, q.get_kind_display(), q.get_level_display() if q.level else "", q.cert_no,
         q.valid_from, q.valid_to]
        for q in qualifications
    )
    yield CONTACT_SHEET, CONTACT_COLUMNS, (
        [c.enterprise.uscc, c.name, c.title, c.phone, c.email, "是" if c.is_primary else "否"] for c in contacts
    )
