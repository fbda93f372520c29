"""Carbon-efficiency grade (碳效, 衢州 style; platform.md §5): pure, no Django.

From the figures the evaluation already holds for each firm — comprehensive energy (tce), electricity (万kWh),
sales (万元) and value added (万元) — `grade_firms` computes in one Polars plan:

- emissions (tCO2) = energy × `factor_tce`; a firm without an energy figure: electricity × `factor_electricity`;
- intensity (tCO2 per 万元) = emissions ÷ value added; a firm without a positive value added: ÷ sales;
- the benchmark: the median intensity of the firm's industry (GB/T 4754 division) when it has at least `min_peers`
  firms with an intensity, otherwise the zone's median;
- ratio = intensity ÷ benchmark, and the grade: 深绿 up to thresholds[0], 浅绿 up to [1], 黄 up to [2], else 红.

A firm lacking the figures gets no grade and a note saying which figure is missing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

GRADES: list[tuple[str, str]] = [("dark_green", "深绿"), ("light_green", "浅绿"), ("yellow", "黄"), ("red", "红")]
GRADE_LABELS = dict(GRADES)
INPUT_COLUMNS = {"enterprise_id": pl.Int64, "industry": pl.Utf8, "energy_tce": pl.Float64,
                 "electricity_wan_kwh": pl.Float64, "sales_wan": pl.Float64, "value_added_wan": pl.Float64}


@dataclass(frozen=True)
class CarbonParams:
    thresholds: tuple[float, float, float] = (0.8, 1.0, 1.2)
    factor_tce: float = 2.66
    factor_electricity: float = 5.703
    min_peers: int = 5

    def __post_init__(self):
        if len(self.thresholds) != 3 or list(self.thresholds) != sorted(self.thresholds) or self.thresholds[0] <= 0:
            raise ValueError("碳效等级阈值应为三个递增的正数（深绿、浅绿、黄的上限）")


def frame(rows: Sequence[dict]) -> pl.DataFrame:
    """The input table from plain rows (missing figures as None)."""
    return pl.DataFrame([{k: r.get(k) for k in INPUT_COLUMNS} for r in rows], schema=INPUT_COLUMNS)


def grade_firms(data: pl.DataFrame, params: CarbonParams = CarbonParams()) -> pl.DataFrame:
    """One row per input firm, in input order, with emissions_t, intensity, benchmark, benchmark_scope
    ("industry" / "zone"), ratio, grade (None when not computable) and note."""
    t1, t2, t3 = params.thresholds
    energy, power = pl.col("energy_tce"), pl.col("electricity_wan_kwh")
    va, sales = pl.col("value_added_wan"), pl.col("sales_wan")
    out = data.with_columns(
        emissions_t=pl.when(energy.is_not_null()).then(energy * params.factor_tce)
        .when(power.is_not_null()).then(power * params.factor_electricity).otherwise(None),
        denominator=pl.when(va > 0).then(va).when(sales > 0).then(sales).otherwise(None),
        basis=pl.when(va > 0).then(pl.lit("value_added")).when(sales > 0).then(pl.lit("sales")).otherwise(None),
    ).with_columns(intensity=pl.col("emissions_t") / pl.col("denominator"))
    has = pl.col("intensity").is_not_null()
    out = out.with_columns(
        peers=has.sum().over("industry"),
        industry_median=pl.col("intensity").median().over("industry"),
        zone_median=pl.col("intensity").median(),
    ).with_columns(
        benchmark_scope=pl.when(pl.col("peers") >= params.min_peers).then(pl.lit("industry")).otherwise(pl.lit("zone")),
    ).with_columns(
        benchmark=pl.when(pl.col("benchmark_scope") == "industry").then(pl.col("industry_median"))
        .otherwise(pl.col("zone_median")),
    ).with_columns(
        ratio=pl.when(~has).then(None)
        .when(pl.col("benchmark") > 0).then(pl.col("intensity") / pl.col("benchmark"))
        .when(pl.col("intensity") <= 0).then(pl.lit(0.0)).otherwise(pl.lit(float("inf"))),
    ).with_columns(
        grade=pl.when(pl.col("ratio").is_null()).then(None)
        .when(pl.col("ratio") <= t1).then(pl.lit("dark_green"))
        .when(pl.col("ratio") <= t2).then(pl.lit("light_green"))
        .when(pl.col("ratio") <= t3).then(pl.lit("yellow")).otherwise(pl.lit("red")),
        note=pl.when(pl.col("emissions_t").is_null()).then(pl.lit("缺少综合能耗和用电量数据"))
        .when(pl.col("denominator").is_null()).then(pl.lit("缺少工业增加值和销售收入数据"))
        .otherwise(pl.lit("")),
    )
    return out.select(*INPUT_COLUMNS, "emissions_t", "basis", "intensity", "benchmark", "benchmark_scope", "ratio",
                      "grade", "note")
