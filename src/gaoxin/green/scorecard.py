"""Green scorecard (绿色评价打分卡, 湖州 style; platform.md §5, benefits.md §7.4): pure, no Django.

A method file (YAML, validated like the evaluation's, `methods/green_default.yaml`) lists weighted indicators
over facts Gaoxin already holds — the per-mu tier, the carbon-efficiency grade, green and smart labels, green-design
products — and penalties (environmental penalties, safety accidents). `score_firms` scores every firm in one Polars
plan:

- a **category** indicator gives `weight × points[value]` (a value not listed, or none: 0);
- a **flag** indicator gives the weight when the fact is true;
- a **count** indicator gives `per_unit × count`, at most the weight;
- a **penalty** takes `per_event × events` off, and when there is at least one event the grade is at most `cap_grade`;
- total = the indicator points minus penalties, within [0, Σ weights], rounded to `precision` decimals (half away
  from zero, on the exact decimal value of the sum of the points as each is written in the method file);
- grade: the first of `grades` (highest first) whose `min` the rounded total reaches, then the penalty cap.

`what_if` says, for one scored firm, what the next grade needs: the points missing and the single steps (one
indicator one level up, one more unit, one fact gained) that each close the gap, else the steps with the most points.
"""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

import polars as pl
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

METHODS_DIR = Path(__file__).resolve().parent / "methods"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Strict):
    name_zh: str
    kind: Literal["category", "flag", "count"]
    column: str
    weight: float = Field(gt=0)
    points: dict[str, float] = {}  # category: value → share of the weight (0..1)
    labels: dict[str, str] = {}  # category: value → Chinese wording
    per_unit: float | None = None  # count: points per unit
    unit: str = "项"

    @model_validator(mode="after")
    def _kind_fields(self):
        if self.kind == "category":
            if not self.points:
                raise ValueError("分类指标须列出 points（取值 → 权重比例）")
            if any(not 0 <= v <= 1 for v in self.points.values()):
                raise ValueError("points 的比例应在 0 到 1 之间")
        if self.kind == "count" and (self.per_unit is None or self.per_unit <= 0):
            raise ValueError("计数指标须给出正的 per_unit（每项得分）")
        return self


class Penalty(_Strict):
    name_zh: str
    column: str
    per_event: float = Field(gt=0)
    cap_grade: str | None = None


class Grade(_Strict):
    code: str
    name_zh: str
    min: float


class ScorecardMethod(_Strict):
    name_zh: str
    description: str = ""
    indicators: dict[str, Indicator]
    penalties: dict[str, Penalty] = {}
    grades: list[Grade]
    precision: int = Field(default=2, ge=0, le=6)

    @model_validator(mode="after")
    def _grades(self):
        if not self.indicators:
            raise ValueError("至少需要一项指标")
        mins = [g.min for g in self.grades]
        if len(self.grades) < 2 or mins != sorted(mins, reverse=True) or len(set(mins)) != len(mins):
            raise ValueError("grades 应从高到低列出，门槛分严格递减")
        if self.grades[-1].min != 0:
            raise ValueError("最低一档的门槛分应为 0（每家企业都有等级）")
        codes = {g.code for g in self.grades}
        for pid, p in self.penalties.items():
            if p.cap_grade is not None and p.cap_grade not in codes:
                raise ValueError(f"扣分项 {pid} 的 cap_grade “{p.cap_grade}” 不是已列出的等级")
        return self

    @property
    def max_total(self) -> float:
        return float(sum(Decimal(str(i.weight)) for i in self.indicators.values()))

    def columns(self) -> set[str]:
        return {i.column for i in self.indicators.values()} | {p.column for p in self.penalties.values()}

    def grade_name(self, code: str | None) -> str:
        return next((g.name_zh for g in self.grades if g.code == code), "")


class ScorecardMethodError(ValueError):
    """The method file is not valid; the message names the key."""


def method_from_dict(data: dict) -> ScorecardMethod:
    try:
        return ScorecardMethod.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '(顶层)'}: {e['msg'].removeprefix('Value error, ')}"
                             for e in exc.errors())
        raise ScorecardMethodError(f"绿色评价方法文件有误：{problems}") from None


@lru_cache(maxsize=None)
def builtin_scorecard(name: str = "green_default") -> ScorecardMethod:
    return method_from_dict(yaml.safe_load((METHODS_DIR / f"{name}.yaml").read_text(encoding="utf-8")))


# --- scoring -----------------------------------------------------------------------------------------------------

def _points(ind: Indicator) -> pl.Expr:
    col = pl.col(ind.column)
    if ind.kind == "category":
        # The share and the weight as decimals: weight × share is taken in Decimal once per category, so the
        # points are the exact decimal products written as floats (18.75, 12.0, ...), not float products.
        table = {k: float(Decimal(str(ind.weight)) * Decimal(str(v))) for k, v in ind.points.items()}
        return col.cast(pl.String).replace_strict(table, default=0.0, return_dtype=pl.Float64).fill_null(0.0)
    if ind.kind == "flag":
        return pl.when(col.cast(pl.Boolean).fill_null(False)).then(pl.lit(ind.weight)).otherwise(0.0)
    units = col.cast(pl.Float64).fill_null(0.0).clip(lower_bound=0.0)
    return pl.min_horizontal(units * ind.per_unit, pl.lit(ind.weight))


def _round_half_up(x: pl.Expr, digits: int) -> pl.Expr:
    """Half up at `digits` decimals of a total that is never negative, in integers: the total is first read at 9
    decimals (points are written with a few decimals, so 79.99999999999999 from float addition reads as 80 and
    49.995 as 49.995 exactly), then rounded half up."""
    nano = (x * 1e9).round(0).cast(pl.Int64)
    q = 10 ** (9 - digits)
    return ((nano + q // 2) // q).cast(pl.Float64) / 10 ** digits


def score_firms(data: pl.DataFrame, method: ScorecardMethod) -> pl.DataFrame:
    """One row per input firm, in input order: `<id>_points` per indicator and penalty (penalties negative),
    total, grade (code), grade_name, capped_by (the penalty ids that capped the grade, or null) and reasons
    (one Chinese line per indicator and penalty)."""
    missing = sorted(method.columns() - set(data.columns))
    if missing:
        raise ScorecardMethodError(f"缺少评价所需的数据列：{'、'.join(missing)}")
    ind_points = {f"{iid}_points": _points(ind) for iid, ind in method.indicators.items()}
    pen_points = {f"{pid}_points": -(pl.col(p.column).cast(pl.Float64).fill_null(0.0).clip(lower_bound=0.0) * p.per_event)
                  for pid, p in method.penalties.items()}
    out = data.lazy().with_columns(**ind_points, **pen_points)
    raw = pl.sum_horizontal([pl.col(c) for c in [*ind_points, *pen_points]])
    total = _round_half_up(raw.clip(0.0, method.max_total), method.precision)
    out = out.with_columns(total=total)
    rank = {g.code: n for n, g in enumerate(method.grades)}  # 0 is the highest
    by_total = pl.lit(method.grades[-1].code)
    for g in reversed(method.grades[:-1]):
        by_total = pl.when(pl.col("total") >= g.min).then(pl.lit(g.code)).otherwise(by_total)
    caps = [(pid, p) for pid, p in method.penalties.items() if p.cap_grade]
    cap_rank = pl.lit(0)
    for _pid, p in caps:
        hit = pl.col(p.column).cast(pl.Float64).fill_null(0.0) > 0
        cap_rank = pl.max_horizontal(cap_rank, pl.when(hit).then(rank[p.cap_grade]).otherwise(0))
    grade_rank = pl.max_horizontal(by_total.replace_strict(rank, return_dtype=pl.Int64), cap_rank)
    codes = [g.code for g in method.grades]
    out = out.with_columns(_by_total=by_total, _grade_rank=grade_rank).with_columns(
        grade=pl.col("_grade_rank").replace_strict(dict(enumerate(codes)), return_dtype=pl.String))
    capped = [pl.when((pl.col(p.column).cast(pl.Float64).fill_null(0.0) > 0)
                      & (pl.col("_grade_rank") > pl.col("_by_total").replace_strict(rank, return_dtype=pl.Int64)))
              .then(pl.lit(pid)) for pid, p in caps]
    out = out.with_columns(
        grade_name=pl.col("grade").replace_strict({g.code: g.name_zh for g in method.grades}, return_dtype=pl.String),
        capped_by=pl.concat_str(capped, separator="、", ignore_nulls=True).replace("", None) if capped
        else pl.lit(None, dtype=pl.String),
        reasons=pl.concat_list(_reasons(method)).list.drop_nulls(),
    )
    return out.drop("_by_total", "_grade_rank").collect()


def _fmt(x: pl.Expr) -> pl.Expr:
    """Points as the page shows them: up to two decimals, no trailing zeros (18.75, 12, 7.5)."""
    return x.round(2).cast(pl.String).str.replace(r"\.0$", "")


def _reasons(method: ScorecardMethod) -> list[pl.Expr]:
    lines = []
    for iid, ind in method.indicators.items():
        col, pts = pl.col(ind.column), pl.col(f"{iid}_points")
        head = f"{ind.name_zh}："
        tail = pl.format("，得{}分（满分{}）", _fmt(pts), pl.lit(_num(ind.weight)))
        if ind.kind == "category":
            value = col.cast(pl.String).replace_strict(ind.labels, default=col.cast(pl.String), return_dtype=pl.String)
            what = pl.when(col.is_null()).then(pl.lit("无")).otherwise(value)
        elif ind.kind == "flag":
            what = pl.when(col.cast(pl.Boolean).fill_null(False)).then(pl.lit("有")).otherwise(pl.lit("无"))
        else:
            what = pl.format("{}{}", col.cast(pl.Float64).fill_null(0.0).cast(pl.Int64), pl.lit(ind.unit))
        lines.append(pl.concat_str([pl.lit(head), what, tail]))
    for pid, p in method.penalties.items():
        events = pl.col(p.column).cast(pl.Float64).fill_null(0.0)
        cap = f"，等级最高为{method.grade_name(p.cap_grade)}" if p.cap_grade else ""
        lines.append(pl.when(events > 0).then(pl.format(f"{p.name_zh}{{}}次，扣{{}}分{cap}", events.cast(pl.Int64),
                                                        _fmt(-pl.col(f"{pid}_points")))))
    return lines


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


# --- what-if -----------------------------------------------------------------------------------------------------

def what_if(row: dict, method: ScorecardMethod) -> dict:
    """For one scored row (from `score_firms`): the next grade, the points it needs, whether a penalty caps the
    grade, and one step per indicator that would lift the score — for a category the lowest level that closes the
    gap, else the next level up: [{indicator, step, gain, enough}], those that close the gap first, then by gain."""
    codes = [g.code for g in method.grades]
    at = codes.index(row["grade"])
    if at == 0:
        return {"next": None, "needed": 0.0, "capped_by": None, "steps": []}
    nxt = method.grades[at - 1]
    capped = row.get("capped_by")
    if capped:
        return {"next": nxt.name_zh, "needed": None, "steps": [],
                "capped_by": "、".join(method.penalties[p].name_zh for p in capped.split("、"))}
    needed = float(Decimal(str(nxt.min)) - Decimal(str(row["total"])))
    steps = []
    for iid, ind in method.indicators.items():
        have = row.get(f"{iid}_points") or 0.0
        value = row.get(ind.column)
        if ind.kind == "category":
            gains = sorted((float(Decimal(str(ind.weight)) * Decimal(str(v)) - Decimal(str(have))), k)
                           for k, v in ind.points.items())
            better = [(g, k) for g, k in gains if g > 1e-9]
            if not better:
                continue
            # The lowest level that closes the gap, else the next level up.
            gain, key = next(((g, k) for g, k in better if g >= needed - 1e-9), better[0])
            step = f"{ind.name_zh}达到“{ind.labels.get(key, key)}”"
        elif ind.kind == "flag":
            if value:
                continue
            gain, step = ind.weight, f"获得“{ind.name_zh}”"
        else:
            if have >= ind.weight - 1e-9:
                continue
            gain = min(ind.per_unit, ind.weight - have)
            step = f"{ind.name_zh}增加1{ind.unit}"
        steps.append({"indicator": ind.name_zh, "step": step, "gain": round(gain, 2), "enough": gain >= needed - 1e-9})
    steps.sort(key=lambda s: (not s["enough"], -s["gain"], s["indicator"]))
    return {"next": nxt.name_zh, "needed": round(needed, 2), "capped_by": None, "steps": steps}
