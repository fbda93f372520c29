"""Reading and validating evaluation input files (xlsx, csv, parquet). Pure: no Django.

Columns may carry the schema's own names or the Chinese headings of the department
template. Every problem is reported with its row (spreadsheet numbering: header = 1) and
column; callers write nothing when there is any problem.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from gaoxin.core.validators import uscc_problem

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


@dataclass(frozen=True)
class InputProblem:
    row: int  # 0 for the header / whole file
    column: str
    message: str

    def __str__(self) -> str:
        where = f"第{self.row}行" if self.row else "表头"
        return f"{where}“{self.column}”：{self.message}" if self.column else f"{where}：{self.message}"


class InputError(ValueError):
    def __init__(self, problems: list[InputProblem], source: str = ""):
        self.problems = problems
        shown = "\n".join(f"  {p}" for p in problems[:200])
        more = f"\n  ……共{len(problems)}处问题" if len(problems) > 200 else ""
        super().__init__(f"输入文件有误{f'（{source}）' if source else ''}，未生成结果：\n{shown}{more}")


def read_table(path: str | Path) -> pl.DataFrame:
    """Every cell as text (or null), whatever the file type, so validation sees what was typed."""
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.exists():
        raise InputError([InputProblem(0, "", f"文件不存在：{path}")], str(path))
    if suffix in (".xlsx", ".xlsm", ".xls"):
        import fastexcel

        frame = fastexcel.read_excel(str(path)).load_sheet(0, dtypes="string").to_polars()
    elif suffix == ".csv":
        frame = pl.read_csv(path, infer_schema=False, encoding="utf8-lossy")
    elif suffix == ".parquet":
        frame = pl.read_parquet(path)
        frame = frame.with_columns([pl.col(c).cast(pl.String) for c in frame.columns])
    else:
        raise InputError([InputProblem(0, "", f"不支持的文件类型 {suffix}（支持 .xlsx、.csv、.parquet）")], str(path))
    frame = frame.rename({c: str(c).strip() for c in frame.columns})
    return frame.with_columns(pl.col(pl.String).str.strip_chars().replace("", None))


def _rename(frame: pl.DataFrame, schema: dict[str, str]) -> pl.DataFrame:
    by_heading = {heading: name for name, heading in schema.items()}
    return frame.rename({c: by_heading[c] for c in frame.columns if c in by_heading and by_heading[c] not in frame.columns})


def _rows(mask: pl.Series) -> list[int]:
    return [i + 2 for i in mask.arg_true().to_list()]


def _uscc_problems(codes: pl.Series) -> list[tuple[int, str]]:
    out = []
    for i, code in enumerate(codes.to_list()):
        problem = "必填" if code is None else uscc_problem(code)
        if problem:
            out.append((i + 2, f"“{code}”{problem}" if code else problem))
    return out


def prepare_data(raw: pl.DataFrame, method: Method, *, on_progress: Callable[[str], None] | None = None,
                 source: str = "") -> pl.DataFrame:
    """Map headings, check every cell and return typed data for `engine.evaluate`."""
    frame = _rename(raw, SCHEMA)
    problems: list[InputProblem] = []
    for col in ("uscc", "name", "group"):
        if col not in frame.columns:
            problems.append(InputProblem(0, SCHEMA[col], "缺少必填列"))
    if problems:
        raise InputError(problems, source)
    groups = frame["group"].replace_strict(GROUP_ALIASES, default=None)
    for row in _rows(frame["group"].is_not_null() & groups.is_null()):
        problems.append(InputProblem(row, SCHEMA["group"], f"应为 {'、'.join(method.groups)}（或 规上、规下）"))
    for row in _rows(frame["group"].is_null()):
        problems.append(InputProblem(row, SCHEMA["group"], "必填"))
    unknown = groups.is_not_null() & ~groups.is_in(list(method.groups))
    for row in _rows(unknown):
        problems.append(InputProblem(row, SCHEMA["group"], f"评价方法中没有口径“{groups[row - 2]}”"))
    present_groups = set(groups.drop_nulls().unique().to_list())
    needed = method.fields_needed(present_groups)
    if any(g.benchmark.partition == "zone_industry" for g in method.groups.values()):
        needed.add("industry_code")
    for col in sorted(needed):
        if col not in frame.columns:
            problems.append(InputProblem(0, SCHEMA[col], "缺少评价方法需要的列"))
    if problems:
        raise InputError(problems, source)
    if on_progress:
        on_progress(f"校验 {len(frame):,} 行")

    codes = frame["uscc"].str.replace_all(r"\s", "").str.to_uppercase()
    problems += [InputProblem(r, SCHEMA["uscc"], m) for r, m in _uscc_problems(frame["uscc"])]
    first_row: dict[str, int] = {}
    for row in _rows(codes.is_duplicated() & codes.is_not_null()):
        first = first_row.setdefault(codes[row - 2], row)
        if first != row:
            problems.append(InputProblem(row, SCHEMA["uscc"], f"与第{first}行重复"))
    for row in _rows(frame["name"].is_null()):
        problems.append(InputProblem(row, SCHEMA["name"], "必填"))

    typed = {}
    for col in NUMERIC:
        if col not in frame.columns:
            typed[col] = pl.Series(col, [None] * len(frame), dtype=pl.Float64)
            continue
        text = frame[col].cast(pl.String).str.replace_all(",", "")
        values = text.cast(pl.Float64, strict=False)
        for row in _rows(text.is_not_null() & values.is_null()):
            problems.append(InputProblem(row, SCHEMA[col], f"“{frame[col][row - 2]}”不是数字"))
        if col in NON_NEGATIVE:
            for row in _rows(values.is_not_null() & (values < 0)):
                problems.append(InputProblem(row, SCHEMA[col], "不能为负数"))
        typed[col] = values
    if problems:
        problems.sort(key=lambda p: (p.row, p.column))
        raise InputError(problems, source)
    optional_text = {c: frame[c] if c in frame.columns else pl.Series(c, [None] * len(frame), dtype=pl.String)
                     for c in ("industry_code", "t_reason")}
    return pl.DataFrame({"uscc": codes, "name": frame["name"], "group": groups, **optional_text, **typed})


def prepare_adjustments(raw: pl.DataFrame, method: Method, known_uscc: set[str], source: str = "") -> pl.DataFrame:
    frame = _rename(raw, ADJUSTMENT_SCHEMA)
    problems = [InputProblem(0, ADJUSTMENT_SCHEMA[c], "缺少必填列") for c in ("uscc", "rule_id") if c not in frame.columns]
    if problems:
        raise InputError(problems, source)
    rule_ids = {r.id for r in method.adjustments}
    codes = frame["uscc"].str.replace_all(r"\s", "").str.to_uppercase()
    for row in _rows(codes.is_null() | ~codes.is_in(list(known_uscc))):
        problems.append(InputProblem(row, ADJUSTMENT_SCHEMA["uscc"], f"“{codes[row - 2]}”不在评价数据中"))
    for row in _rows(~frame["rule_id"].is_in(list(rule_ids))):
        problems.append(InputProblem(row, ADJUSTMENT_SCHEMA["rule_id"],
                                     f"“{frame['rule_id'][row - 2]}”不是评价方法中的规则（{'、'.join(sorted(rule_ids))}）"))
    count_text = frame["count"] if "count" in frame.columns else pl.Series([None] * len(frame), dtype=pl.String)
    counts = count_text.cast(pl.Float64, strict=False)
    for row in _rows(count_text.is_not_null() & (counts.is_null() | (counts < 0) | (counts != counts.floor()))):
        problems.append(InputProblem(row, ADJUSTMENT_SCHEMA["count"], f"“{count_text[row - 2]}”应为非负整数"))
    if problems:
        raise InputError(problems, source)
    return pl.DataFrame({"uscc": codes, "rule_id": frame["rule_id"], "count": counts.fill_null(1).cast(pl.Int64)})


def prepare_prior(raw: pl.DataFrame, method: Method, source: str = "") -> pl.DataFrame:
    frame = _rename(raw, IDENTITY)
    problems = [InputProblem(0, IDENTITY[c], "缺少必填列") for c in ("group",) if c not in frame.columns]
    ids = [i for i in method.indicator_ids() if i in frame.columns]
    if not ids:
        problems.append(InputProblem(0, "", f"上年数据中没有任何指标列（{'、'.join(method.indicator_ids())}）"))
    if problems:
        raise InputError(problems, source)
    out = {"group": frame["group"].replace_strict(GROUP_ALIASES, default=frame["group"])}
    if "industry_code" in frame.columns:
        out["industry_code"] = frame["industry_code"]
    for iid in ids:
        text = frame[iid].cast(pl.String)
        values = text.cast(pl.Float64, strict=False)
        for row in _rows(text.is_not_null() & values.is_null()):
            problems.append(InputProblem(row, iid, f"“{text[row - 2]}”不是数字"))
        out[iid] = values
    if problems:
        raise InputError(problems, source)
    return pl.DataFrame(out)
