"""An evaluation method is data: a YAML file describing groups, indicators, benchmarks,
scoring, missing-data rules, adjustments and tiers (specs/evaluation.md §14).

`load_method(path)` validates the file and names every wrong key and why."""

from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# Raw input fields a formula may use, plus the two derived ones.
RAW_FIELDS = {
    "tax_wan": "实缴税收（万元）",
    "sales_wan": "销售收入（万元）",
    "value_added_wan": "工业增加值（万元）",
    "energy_tce": "综合能耗（吨标准煤）",
    "electricity_wan_kwh": "用电量（万千瓦时）",
    "water_t": "用水量（吨）",
    "rd_wan": "研发经费支出（万元）",
    "avg_employees": "年平均职工人数（人）",
    "own_land_m2": "自有用地面积（平方米）",
    "leased_in_m2": "承租用地面积（平方米）",
    "leased_out_m2": "出租用地面积（平方米）",
    "unregistered_land_m2": "未登记在用土地面积（平方米）",
    "cod_kg": "化学需氧量（千克）",
    "nh3n_kg": "氨氮（千克）",
    "so2_kg": "二氧化硫（千克）",
    "nox_kg": "氮氧化物（千克）",
}
DERIVED_FIELDS = {"area_mu": "用地面积（亩）", "pollution_eq": "主要污染物排放当量"}
FORMULA_FIELDS = RAW_FIELDS | DERIVED_FIELDS
LAND_FIELDS = ("own_land_m2", "leased_in_m2", "leased_out_m2", "unregistered_land_m2")
POLLUTANT_FIELDS = ("cod_kg", "nh3n_kg", "so2_kg", "nox_kg")


class MethodError(ValueError):
    """The method file is invalid; `problems` lists (key path, why) pairs."""

    def __init__(self, problems: list[tuple[str, str]], source: str = ""):
        self.problems = problems
        lines = "\n".join(f"  {path}: {why}" for path, why in problems)
        super().__init__(f"评价方法文件无效{f'（{source}）' if source else ''}：\n{lines}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Indicator(_Strict):
    name_zh: str = ""
    num: str
    den: str
    scale: float = 1.0
    weight: float = Field(gt=0)
    direction: Literal["higher_better", "lower_better"] = "higher_better"
    fixed_benchmark: float | None = Field(default=None, gt=0)

    @field_validator("num", "den")
    @classmethod
    def _known_field(cls, value: str) -> str:
        if value not in FORMULA_FIELDS:
            raise ValueError(f"unknown field {value!r}; use one of: {', '.join(sorted(FORMULA_FIELDS))}")
        return value


class Benchmark(_Strict):
    stat: Literal["mean_of_ratios", "aggregate_ratio", "fixed"] = "mean_of_ratios"
    multiplier: float = Field(default=2.0, gt=0)
    source: Literal["prior_year", "current_year"] = "prior_year"
    fallback: Literal["current_year", "none"] = "current_year"
    partition: Literal["zone", "zone_industry"] = "zone"
    include_negative: bool = True


class RatioScoring(_Strict):
    method: Literal["ratio"] = "ratio"
    cap_multiple: float | None = Field(default=1.0, gt=0)  # None: no cap
    floor: float | None = 0.0  # None: negative scores allowed


class EfficacyScoring(_Strict):
    method: Literal["efficacy_coefficient"]
    floor_pct: float = Field(default=20.0, ge=0, le=100)
    span_pct: float = Field(default=80.0, ge=0, le=100)
    equal_range: Literal["full_weight", "floor"] = "full_weight"

    @model_validator(mode="after")
    def _sum(self):
        if self.floor_pct + self.span_pct > 100:
            raise ValueError("floor_pct + span_pct must not exceed 100")
        return self


class Missing(_Strict):
    rule: Literal["fill_group_average_score", "zero", "penalty_points"] = "fill_group_average_score"
    penalty_points: float = Field(default=3.0, ge=0)


class Group(_Strict):
    name_zh: str = ""
    indicators: dict[str, Indicator]
    benchmark: Benchmark = Benchmark()
    scoring: Annotated[RatioScoring | EfficacyScoring, Field(discriminator="method")] = RatioScoring()
    missing: Missing = Missing()

    @field_validator("indicators")
    @classmethod
    def _weights(cls, value: dict[str, Indicator]) -> dict[str, Indicator]:
        if not value:
            raise ValueError("a group needs at least one indicator")
        total = sum(Fraction(str(i.weight)) for i in value.values())
        if total != 100:
            raise ValueError(f"weights sum to {float(total):g}; they must sum to 100")
        return value

    @model_validator(mode="after")
    def _fixed(self):
        if self.benchmark.stat == "fixed":
            missing = [k for k, i in self.indicators.items() if i.fixed_benchmark is None]
            if missing:
                raise ValueError(f"benchmark.stat is 'fixed' but indicators {missing} have no fixed_benchmark")
        return self


class Land(_Strict):
    mu_per_m2: float = Field(default=0.0015, gt=0)
    include: list[Literal["own_land_m2", "leased_in_m2", "unregistered_land_m2"]] = ["own_land_m2", "leased_in_m2"]
    subtract: list[Literal["leased_out_m2"]] = ["leased_out_m2"]
    missing_land: Literal["t_class", "error"] = "t_class"


class Pollution(_Strict):
    aggregation: Literal["equivalents", "tonnes"] = "equivalents"
    factors: dict[str, float] = {"cod_kg": 1.0, "nh3n_kg": 0.8, "so2_kg": 0.95, "nox_kg": 0.95}

    @field_validator("factors")
    @classmethod
    def _factors(cls, value: dict[str, float]) -> dict[str, float]:
        for key, factor in value.items():
            if key not in POLLUTANT_FIELDS:
                raise ValueError(f"unknown pollutant {key!r}; use one of {list(POLLUTANT_FIELDS)}")
            if factor <= 0:
                raise ValueError(f"factor of {key} must be positive")
        return value


Rounding = Literal["floor", "ceil", "half_up"]


class Quota(_Strict):
    share: float = Field(ge=0, le=1)
    rounding: Rounding


class Tiers(_Strict):
    labels: dict[Literal["A", "B", "C", "D", "T"], str] = {
        "A": "优先发展类", "B": "支持发展类", "C": "提升发展类", "D": "限制发展类", "T": "暂不评价类",
    }
    quota_base: Literal["rated", "rated_plus_T"] = "rated"
    A: Quota = Quota(share=0.20, rounding="floor")
    B: Quota = Quota(share=0.40, rounding="half_up")
    D: Quota = Quota(share=0.05, rounding="ceil")
    vetoed_count_in_D: bool = True
    shortfall: Literal["reduce_B_then_A"] = "reduce_B_then_A"

    @model_validator(mode="after")
    def _shares(self):
        if Fraction(str(self.A.share)) + Fraction(str(self.B.share)) + Fraction(str(self.D.share)) > 1:
            raise ValueError("A + B + D shares exceed 1")
        return self


class Adjustment(_Strict):
    id: str
    name_zh: str = ""
    type: Literal["add_points", "sub_points", "add_percent", "sub_percent", "sub_points_schedule", "veto"]
    value: float | None = Field(default=None, ge=0)
    per_event: bool = False
    groups: list[str] | None = None  # None: every group
    cap: float | None = Field(default=None, ge=0)  # largest amount this rule can add or remove
    schedule: dict[str, list[float]] | None = None  # group -> cost of the 1st, 2nd, ... event; last repeats
    effect: Literal["tier=D"] | None = None
    evidence_source: str = ""

    @model_validator(mode="after")
    def _consistent(self):
        if self.type == "veto":
            if self.effect is None:
                raise ValueError("a veto needs effect: tier=D")
        elif self.type == "sub_points_schedule":
            if not self.schedule or any(not s for s in self.schedule.values()):
                raise ValueError("sub_points_schedule needs a non-empty schedule per group")
        elif self.value is None:
            raise ValueError(f"{self.type} needs a value")
        return self




class Method(_Strict):
    profile: str
    name_zh: str = ""
    description: str = ""
    land: Land = Land()
    pollution: Pollution = Pollution()
    energy_basis: Literal["equivalent", "calorific"] = "equivalent"
    groups: dict[str, Group]
    total_clamp: tuple[float, float] | None = None
    tiers: Tiers = Tiers()
    tie_break: list[str] = ["total desc", "I1 desc", "I2 desc", "uscc asc"]
    rank_precision: int = Field(default=4, ge=0, le=10)
    adjustments: list[Adjustment] = []
    max_total_bonus: float | None = Field(default=None, ge=0)
    max_total_penalty: float | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _cross_checks(self):
        if not self.groups:
            raise ValueError("at least one group is needed")
        ids = [a.id for a in self.adjustments]
        duplicates = {i for i in ids if ids.count(i) > 1}
        if duplicates:
            raise ValueError(f"adjustment ids must be unique: {sorted(duplicates)}")
        for rule in self.adjustments:
            for g in rule.groups or []:
                if g not in self.groups:
                    raise ValueError(f"adjustment {rule.id} names unknown group {g!r}")
        indicator_ids = {i for g in self.groups.values() for i in g.indicators}
        for key in self.tie_break:
            parts = key.split()
            if len(parts) != 2 or parts[1] not in ("asc", "desc") or (
                parts[0] not in ("total", "uscc") and parts[0] not in indicator_ids
            ):
                raise ValueError(f"tie_break entry {key!r} must be '<total|uscc|indicator id> <asc|desc>'")
        if self.total_clamp and self.total_clamp[0] > self.total_clamp[1]:
            raise ValueError("total_clamp must be [min, max] with min <= max")
        return self

    def fields_needed(self, groups: set[str] | None = None) -> set[str]:
        """Raw input fields the formulas of these groups use."""
        needed: set[str] = set()
        for name, group in self.groups.items():
            if groups is not None and name not in groups:
                continue
            for ind in group.indicators.values():
                for f in (ind.num, ind.den):
                    if f == "area_mu":
                        needed.update(self.land.include + self.land.subtract)
                    elif f == "pollution_eq":
                        needed.update(self.pollution.factors)
                    else:
                        needed.add(f)
        return needed

    def indicator_ids(self) -> list[str]:
        return list(self.indicator_names())

    def indicator_names(self) -> dict[str, str]:
        """Each indicator id (I1…) with its Chinese name (the first group's, where groups share an id)."""
        names: dict[str, str] = {}
        for group in self.groups.values():
            for iid, indicator in group.indicators.items():
                names.setdefault(iid, indicator.name_zh or iid)
        return names


def _path(loc: tuple[Any, ...]) -> str:
    # pydantic puts the union tag into loc ("ratio", "efficacy_coefficient"); drop it for readers.
    parts = [str(p) for p in loc if p not in ("ratio", "efficacy_coefficient")]
    return ".".join(parts) or "(top level)"


def method_from_dict(data: dict, source: str = "") -> Method:
    if not isinstance(data, dict):
        raise MethodError([("(top level)", "the file must contain a mapping of keys")], source)
    try:
        return Method.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            why = err["msg"]
            if err["type"] == "extra_forbidden":
                why = "unknown key (check the spelling)"
            elif err["type"] == "missing":
                why = "required key is missing"
            problems.append((_path(err["loc"]), why.removeprefix("Value error, ")))
        raise MethodError(problems, source) from None


def load_method(path: str | Path) -> Method:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MethodError([("(file)", f"{path} does not exist")], str(path)) from None
    except yaml.YAMLError as exc:
        raise MethodError([("(file)", f"not valid YAML: {exc}")], str(path)) from None
    return method_from_dict(data, str(path))


METHODS_DIR = Path(__file__).resolve().parent / "methods"


@lru_cache(maxsize=None)
def builtin_method(name: str) -> Method:
    """One of the shipped method files: shandong_default, zhejiang, efficacy. Parsed once per
    process (the files ship with the code; the models are frozen, so sharing them is safe)."""
    return load_method(METHODS_DIR / f"{name}.yaml")


def builtin_method_names() -> list[str]:
    return sorted(p.stem for p in METHODS_DIR.glob("*.yaml"))


DEFAULT_METHOD = "shandong_default"


def method_title(name: str) -> str:
    """The Chinese name of a shipped method for pages (its file name is an internal id)."""
    if name in builtin_method_names():
        return builtin_method(name).name_zh or "自定义评价方法"
    return "自定义评价方法"


def builtin_method_choices() -> list[tuple[str, str]]:
    return [(name, method_title(name)) for name in builtin_method_names()]
