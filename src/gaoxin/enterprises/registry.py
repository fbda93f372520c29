"""Excel import and export of the enterprise registry (一企一档), declared once with `core.excel`.

Workbook layout (the export writes exactly what the import reads):
  企业   one row per enterprise (required sheet)
  用地   land parcels        — if present, replaces the parcels of the enterprises in 企业
  资质   qualifications      — idem
  联系人 contacts            — idem
Validation reads the whole file first; any bad cell fails the whole import and names
sheet, row and column. Writing happens in one transaction (`services.registry_import`).
An optional column of 企业 that the workbook does not have leaves that field of the firms on file
untouched; a column it has is the record: an empty cell clears the field (经营状态 excepted: an empty
cell keeps the firm's status, a new firm is 存续).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from gaoxin.core.excel import (
    OMIT,
    Check,
    Column,
    Invalid,
    Sheet,
    Table,
    boolean,
    choice,
    code,
    date,
    decimal,
    id_number,
    read_workbook,
    uscc,
)
from gaoxin.core.masking import mask_id_number, mask_phone

from .models import EnterpriseStatus, LandKind, QualificationKind, QualificationLevel, SizeGroup

ENTERPRISE_SHEET = "企业"
PARCEL_SHEET = "用地"
QUALIFICATION_SHEET = "资质"
CONTACT_SHEET = "联系人"

USCC = "统一社会信用代码"
# Utility account numbers (电力/用水/用气户号) travel with the per-mu evaluation's released list.
UTILITY_COLUMNS = {"power_account": "电力户号", "water_account": "用水户号", "gas_account": "用气户号"}


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


def industry(codes: set[str]) -> Callable[[str], str]:
    """A GB/T 4754-2017 code as typed ("C3985", "39", "7"): its 2 to 4 digits, whose division is known."""
    def parse(value: str) -> str:
        digits = value.upper().lstrip("ABCDEFGHIJKLMNOPQRST")
        digits = "0" + digits if re.fullmatch(r"\d", digits) else digits
        if not re.fullmatch(r"\d{2,4}", digits) or digits[:2] not in codes:
            raise Invalid(f"“{value}”不是有效的国民经济行业代码（GB/T 4754-2017，如 39 或 3985）")
        return digits
    return parse


def _firm(**kwargs) -> Column:
    """A child sheet's firm: one of the 企业 sheet's codes."""
    return Column(USCC, "uscc", code, required=True, max_length=30, refers=ENTERPRISE_SHEET, **kwargs)


ENTERPRISES = Sheet(ENTERPRISE_SHEET, [
    Column(USCC, "uscc", uscc, required=True, max_length=30),
    Column("企业名称", "name", required=True, max_length=120),
    Column("法定代表人", "legal_representative", required=True, max_length=50),
    Column("行业代码", "industry", None, required=True, max_length=10),  # bound to the known divisions
    Column("规模", "size_group", choice(SIZE_CHOICES), required=True),
    # Optional columns: a workbook without one leaves that field of the firms on file untouched
    # (services.registry_import); an empty cell of a column it has clears the field, except 经营状态.
    Column("成立日期", "registered_on", date, absent=OMIT),
    Column("注册资本（万元）", "registered_capital", decimal(places=2), absent=OMIT),
    Column("注册地址", "address", max_length=200, absent=OMIT),
    Column("园区", "park_area_name", max_length=60, absent=OMIT),
    Column("经营状态", "status", choice(STATUS_CHOICES), default="", absent=OMIT),
    *(Column(heading, key, max_length=30, absent=OMIT) for key, heading in UTILITY_COLUMNS.items()),
    # At a kiosk (智能微厅) a person logging in with this number acts for the firm.
    Column("法定代表人身份证号码", "legal_representative_id_number", id_number, default="", max_length=30, absent=OMIT),
], unique=("uscc",), empty="没有企业数据")

PARCELS = Sheet(PARCEL_SHEET, [
    _firm(),
    Column("用地类型", "kind", choice(LAND_CHOICES), required=True),
    Column("面积（平方米）", "area_m2", decimal(places=2, positive=True), required=True),
    Column("宗地编号", "parcel_no", max_length=40),
    Column("不动产权证号", "certificate_no", max_length=60),
    Column("出租方/承租方", "counterparty", max_length=120),
], required=False)

QUALIFICATIONS = Sheet(QUALIFICATION_SHEET, [
    _firm(),
    Column("资质类型", "kind", choice(QUALIFICATION_CHOICES), required=True),
    Column("级别", "level", choice(LEVEL_CHOICES), default=""),
    Column("证书编号", "cert_no", max_length=60),
    Column("有效期起", "valid_from", date, required=True),
    Column("有效期止", "valid_to", date),
], required=False, checks=[
    Check("valid_to", lambda r: "不能早于有效期起" if r["valid_to"] and r["valid_to"] < r["valid_from"] else None),
])

CONTACTS = Sheet(CONTACT_SHEET, [
    _firm(),
    Column("姓名", "name", required=True, max_length=50),
    Column("职务", "title", max_length=50),
    Column("电话", "phone", max_length=30),
    Column("电子邮箱", "email", max_length=254),
    Column("主要联系人", "is_primary", boolean, default=False),
], required=False)

ENTERPRISE_COLUMNS, ENTERPRISE_REQUIRED = ENTERPRISES.headings, ENTERPRISES.needed
PARCEL_COLUMNS, PARCEL_REQUIRED = PARCELS.headings, PARCELS.needed
QUALIFICATION_COLUMNS, QUALIFICATION_REQUIRED = QUALIFICATIONS.headings, QUALIFICATIONS.needed
CONTACT_COLUMNS, CONTACT_REQUIRED = CONTACTS.headings, CONTACTS.needed


@dataclass
class ParsedRegistry:
    enterprises: list[dict[str, Any]] = field(default_factory=list)
    parcels: list[dict[str, Any]] | None = None  # None: sheet absent, leave existing parcels alone
    qualifications: list[dict[str, Any]] | None = None
    contacts: list[dict[str, Any]] | None = None


def parse_registry(source, *, industry_codes: set[str], on_progress: Callable[[int, int], None] | None = None,
                   ) -> ParsedRegistry:
    """Read and validate a registry workbook, or raise `core.excel.SheetError` naming every bad cell.
    Never touches the database."""
    book = read_workbook(source, [ENTERPRISES.bind(industry=industry(industry_codes)), PARCELS, QUALIFICATIONS,
                                  CONTACTS], on_progress)
    enterprises = [_with_industry(row) for row in book[ENTERPRISE_SHEET]]

    def rows(name: str) -> list[dict[str, Any]] | None:
        return None if book[name] is None else list(book[name])

    return ParsedRegistry(enterprises, rows(PARCEL_SHEET), rows(QUALIFICATION_SHEET), rows(CONTACT_SHEET))


def _with_industry(row: dict[str, Any]) -> dict[str, Any]:
    # The division is the foreign key; the full code is kept only when it is finer than the division.
    digits = row.pop("industry")
    return {**row, "industry_id": digits[:2], "industry_code": digits if len(digits) > 2 else ""}


# --- export ---------------------------------------------------------------------------------------------


def export_sheets(enterprises, parcels, qualifications, contacts, *, mask_phones: bool = False):
    """Tables for `core.excel.write_workbook`. Arguments are iterables of model instances (enterprises
    with industry and park_area selected; children with enterprise). `mask_phones`: contacts' phones and the
    legal representatives' ID numbers masked, for a reader without the right to personal data (a leader's export; such a file cannot be imported back)."""
    phone = mask_phone if mask_phones else (lambda value: value)
    id_no = mask_id_number if mask_phones else (lambda value: value)
    yield Table(ENTERPRISE_SHEET, ENTERPRISE_COLUMNS, (
        [e.uscc, e.name, e.legal_representative, e.industry_code or e.industry_id, e.get_size_group_display(),
         e.registered_on, e.registered_capital, e.address, e.park_area.name if e.park_area else "",
         e.get_status_display(), e.power_account, e.water_account, e.gas_account,
         id_no(e.legal_representative_id_number)]
        for e in enterprises
    ))
    yield Table(PARCEL_SHEET, PARCEL_COLUMNS, (
        [p.enterprise.uscc, p.get_kind_display(), p.area_m2, p.parcel_no, p.certificate_no, p.counterparty]
        for p in parcels
    ))
    yield Table(QUALIFICATION_SHEET, QUALIFICATION_COLUMNS, (
        [q.enterprise.uscc, q.get_kind_display(), q.get_level_display() if q.level else "", q.cert_no,
         q.valid_from, q.valid_to]
        for q in qualifications
    ))
    yield Table(CONTACT_SHEET, CONTACT_COLUMNS, (
        [c.enterprise.uscc, c.name, c.title, phone(c.phone), c.email, c.is_primary] for c in contacts
    ))
