"""Reading and validating evaluation input files (xlsx, csv, parquet). Pure: no Django.

Columns may carry the schema's own names or the Chinese headings of the department
template. The sheets are declared with `core.excel` like every other import: every problem is a
`core.excel.CellError` naming sheet, row (spreadsheet numbering: header = 1) and column, and
callers write nothing when there is any problem.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import polars as pl

from gaoxin.core.excel import (
    OMIT,
    CellError,
    Column,
    Invalid,
    RawSheet,
    Sheet,
    SheetError,
    SheetFormatError,
    choice,
    integer,
    load_table,
    lookup,
    number,
    text,
    uscc,
)
from gaoxin.core.validators import normalize_code

from .method import RAW_FIELDS, Method

# Schema name -> Chinese heading of the department template.
IDENTITY = {
    "uscc": "统一社会信用代码",
    "name": "企业名称",
    "group": "规模口径",
    "industry_code": "行业代码",
    "t_reason": "暂不评价原因",
    "correction_coefficient": "修正系数",
}
SCHEMA: dict[str, str] = IDENTITY | RAW_FIELDS
NUMERIC = [c for c in SCHEMA if c not in ("uscc", "name", "group", "industry_code", "t_reason")]
NON_NEGATIVE = [c for c in NUMERIC if c not in ("tax_wan", "value_added_wan", "correction_coefficient")]
GROUP_ALIASES = {"ABOVE": "ABOVE", "BELOW": "BELOW", "规上": "ABOVE", "规模以上": "ABOVE", "规下": "BELOW", "规模以下": "BELOW"}
ADJUSTMENT_SCHEMA = {"uscc": "统一社会信用代码", "rule_id": "规则编号", "count": "次数"}


class InputError(SheetError):
    """Evaluation input with problems: nothing is scored or written."""

    headline = "输入文件有误{source}，未生成结果"


def read_table(path: str | Path) -> RawSheet:
    """Every cell as text (or null), whatever the file type, so validation sees what was typed."""
    try:
        return load_table(path)
    except SheetFormatError as exc:
        raise InputError(exc.errors, exc.source) from None


def column(name: str, parse=text, *, schema: Mapping[str, str] = SCHEMA, **kwargs) -> Column:
    """A column of the evaluation schema: its Chinese heading, or its schema name as a heading."""
    return Column(schema[name], name, parse, aliases=(name,), **kwargs)


def firm_column(known: Mapping[str, Any] | None = None, unknown: str = "", *, field: str = "uscc",
                schema: Mapping[str, str] = SCHEMA) -> Column:
    """统一社会信用代码 (as typed: spaces and case do not matter): checked for its check character, or looked
    up in `known` (code -> the value `field` takes, e.g. the participant's id)."""
    parse = uscc if known is None else lookup(known, unknown, normalize=normalize_code)
    return Column(schema["uscc"], field, parse, required=True, aliases=("uscc",))


def _group(method: Method):
    def parse(value: str) -> str:
        group = GROUP_ALIASES.get(value)
        if group is None:
            raise Invalid(f"“{value}”无效，应为 {'、'.join(method.groups)}（或 规上、规下）")
        if group not in method.groups:
            raise Invalid(f"评价方法中没有口径“{group}”")
        return group
    return parse


def _check(sheet: Sheet, raw: RawSheet | pl.DataFrame, source: str):
    raw = raw if isinstance(raw, RawSheet) else RawSheet("", raw)
    rows, errors = sheet.check(raw)
    if errors:
        raise InputError(errors, source)
    return rows


def prepare_data(raw: RawSheet | pl.DataFrame, method: Method, *, on_progress: Callable[[str], None] | None = None,
                 source: str = "") -> pl.DataFrame:
    """Map headings, check every cell and return typed data for `engine.evaluate`."""
    raw = raw if isinstance(raw, RawSheet) else RawSheet("", raw)
    group = column("group", _group(method), required=True)
    # The groups present decide which figures the method needs.
    groups, errors = Sheet("", [group]).check(raw)
    present = set(groups["group"]) - {None} if groups is not None else set()
    needed = method.fields_needed(present)
    if any(g.benchmark.partition == "zone_industry" for g in method.groups.values()):
        needed.add("industry_code")
    if on_progress:
        on_progress(f"校验 {raw.frame.height:,} 行")
    sheet = Sheet("", [
        firm_column(), column("name", required=True), group,
        column("industry_code", default=None, needed="industry_code" in needed, missing="缺少评价方法需要的列"),
        column("t_reason", default=None),
        *(column(c, number(non_negative=c in NON_NEGATIVE), needed=c in needed, missing="缺少评价方法需要的列")
          for c in NUMERIC),
    ], unique=("uscc",))
    rows = _check(sheet, raw, source)
    return pl.DataFrame([rows.series(c, pl.String) for c in ("uscc", "name", "group", "industry_code", "t_reason")]
                        + [rows.series(c, pl.Float64) for c in NUMERIC])


def adjustment_columns(method: Method, known: Mapping[str, Any], unknown: str, *, firm_field: str = "uscc",
                       max_count: int | None = None) -> list[Column]:
    """统一社会信用代码 (looked up in `known`), 规则编号 (one of the method's rules), 次数 (default 1)."""
    rule_ids = sorted(r.id for r in method.adjustments)
    return [
        firm_column(known, unknown, field=firm_field, schema=ADJUSTMENT_SCHEMA),
        column("rule_id", choice({r: r for r in rule_ids}, message="“{}”不是评价方法中的规则（" + "、".join(rule_ids) + "）"),
               required=True, schema=ADJUSTMENT_SCHEMA),
        column("count", integer(0, max_count), default=1, schema=ADJUSTMENT_SCHEMA),
    ]


def prepare_adjustments(raw: RawSheet | pl.DataFrame, method: Method, known_uscc: set[str], source: str = "",
                        ) -> pl.DataFrame:
    rows = _check(Sheet("", adjustment_columns(method, {c: c for c in known_uscc}, "“{}”不在评价数据中")), raw, source)
    return pl.DataFrame([rows.series("uscc", pl.String), rows.series("rule_id", pl.String),
                         rows.series("count", pl.Int64)])


def prepare_prior(raw: RawSheet | pl.DataFrame, method: Method, source: str = "") -> pl.DataFrame:
    raw = raw if isinstance(raw, RawSheet) else RawSheet("", raw)
    ids = [i for i in method.indicator_ids() if i in raw.frame.columns]
    if not ids:
        raise InputError([CellError(raw.name, 0, "", "", f"上年数据中没有任何指标列（{'、'.join(method.indicator_ids())}）")],
                         source)
    sheet = Sheet("", [
        column("group", lambda v: GROUP_ALIASES.get(v, v), required=True, schema=IDENTITY),
        column("industry_code", default=None, absent=OMIT, schema=IDENTITY),
        *(Column(i, i, number()) for i in ids),
    ])
    rows = _check(sheet, raw, source)
    return pl.DataFrame([rows.series("group", pl.String)]
                        + ([rows.series("industry_code", pl.String)] if "industry_code" in rows else [])
                        + [rows.series(i, pl.Float64) for i in ids])
