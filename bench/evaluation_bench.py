"""The evaluation engine on a large synthetic zone, beside the floor: a minimal one-plan Polars
pass of the same Variant S core on the same frame, measured in the same run.

The floor computes land, pollution equivalents, the six ratios, group benchmarks (2 × the
group mean, current year), capped scores, the group-average fill, totals, ranks (total rounded
to 4 places, then I1, I2, USCC) and tiers by the quota counts (integer arithmetic), all as one
lazy plan with window expressions and one sort. What the engine does beyond it (reasons,
adjustments, prior-year and partitioned benchmarks, the benchmark and quota tables) is the
price the ratio shows. Prints figures and checks that both agree; no assertions on time.

    python bench/evaluation_bench.py [N] [REPEATS]     # N default 100,000; best of REPEATS (3)
"""

from __future__ import annotations

import sys
import time
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import numpy as np  # noqa: E402
import polars as pl  # noqa: E402

from gaoxin.core.validators import uscc_check_char  # noqa: E402
from gaoxin.evaluation.engine import evaluate  # noqa: E402
from gaoxin.evaluation.inputs import NUMERIC  # noqa: E402
from gaoxin.evaluation.method import builtin_method  # noqa: E402


def make_zone(n: int, seed: int = 1) -> pl.DataFrame:
    """n firms, 70 % above-scale; energy missing for about half (filled by the group average)."""
    rng = np.random.default_rng(seed)
    bodies = [f"91430300MA4{i:06d}" for i in range(n)]
    frame = pl.DataFrame({
        "uscc": [b + uscc_check_char(b) for b in bodies],
        "name": [f"企业{i}" for i in range(n)],
        "group": np.where(rng.random(n) < 0.7, "ABOVE", "BELOW"),
        "own_land_m2": rng.uniform(2_000, 150_000, n), "leased_in_m2": np.zeros(n), "leased_out_m2": np.zeros(n),
        "tax_wan": rng.uniform(-50, 4_000, n), "sales_wan": rng.uniform(100, 80_000, n),
        "value_added_wan": rng.uniform(10, 15_000, n), "energy_tce": rng.uniform(10, 30_000, n),
        "cod_kg": rng.uniform(0, 20_000, n), "nh3n_kg": rng.uniform(0, 2_000, n), "so2_kg": rng.uniform(0, 20_000, n),
        "nox_kg": rng.uniform(0, 30_000, n), "rd_wan": rng.uniform(0, 2_000, n), "avg_employees": rng.uniform(5, 2_000, n),
    }).with_columns(energy_tce=pl.when(pl.Series(rng.random(n) < 0.5)).then(None).otherwise(pl.col("energy_tce")))
    for col in NUMERIC:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    return frame.with_columns(industry_code=pl.lit(None, dtype=pl.String), t_reason=pl.lit(None, dtype=pl.String))


def _quota(share: float, rounding: str, n: pl.Expr) -> pl.Expr:
    f = Fraction(str(share))
    p, q = f.numerator, f.denominator
    if rounding == "floor":
        return (n * p) // q
    if rounding == "ceil":
        return (n * p + q - 1) // q
    return (n * 2 * p + q) // (2 * q)


def floor_plan(frame: pl.DataFrame, method) -> pl.LazyFrame:
    """The same core as one plan: every group at once, windows over `group`, one sort."""
    land, factors = method.land, method.pollution.factors
    area = (pl.sum_horizontal([pl.col(c).fill_null(0) for c in land.include])
            - pl.sum_horizontal([pl.col(c).fill_null(0) for c in land.subtract])) * land.mu_per_m2
    eq = pl.sum_horizontal([pl.col(c).fill_null(0) / f for c, f in factors.items()])
    ids = sorted({i for g in method.groups.values() for i in g.indicators})
    lf = frame.lazy().with_columns(area_mu=area, pollution_eq=eq).filter(pl.col("area_mu") > 0)
    values, weights, scores = {}, {}, []
    for iid in ids:
        per_group = [(g, grp.indicators[iid]) for g, grp in method.groups.items() if iid in grp.indicators]
        in_group = [(pl.col("group") == g, ind) for g, ind in per_group]
        values[f"{iid}_value"] = pl.coalesce([
            pl.when(cond & (pl.col(ind.den) > 0)).then(pl.col(ind.num) / pl.col(ind.den) * ind.scale)
            for cond, ind in in_group])
        weights[f"_w_{iid}"] = pl.coalesce([pl.when(cond).then(pl.lit(ind.weight)) for cond, ind in in_group])
        x, w = pl.col(f"{iid}_value"), pl.col(f"_w_{iid}")
        bench = 2 * x.mean().over("group")
        scores.append((iid, pl.when(x.is_not_null()).then(
            pl.min_horizontal(pl.max_horizontal(x / bench * w, pl.lit(0.0)), w))))
    lf = lf.with_columns(**values, **weights)
    lf = lf.with_columns(**{f"_s_{iid}": s for iid, s in scores})
    lf = lf.with_columns(**{f"{iid}_score": pl.when(pl.col(f"_w_{iid}").is_not_null()).then(
        pl.col(f"_s_{iid}").fill_null(pl.col(f"_s_{iid}").mean().over("group"))) for iid, _ in scores})
    lf = lf.with_columns(total=pl.sum_horizontal([pl.col(f"{iid}_score") for iid in ids]))
    lf = lf.with_columns(_r=pl.col("total").round(method.rank_precision, mode="half_away_from_zero"))
    lf = lf.sort(["group", "_r", "I1_value", "I2_value", "uscc"], descending=[False, True, True, True, False],
                 nulls_last=True)
    tiers = method.tiers
    n = pl.len().over("group").cast(pl.Int64)
    pos = pl.int_range(pl.len()).over("group").cast(pl.Int64)
    a, b, d = (_quota(q.share, q.rounding, n) for q in (tiers.A, tiers.B, tiers.D))
    tier = (pl.when(pos < a).then(pl.lit("A")).when(pos < a + b).then(pl.lit("B"))
            .when(pos >= n - d).then(pl.lit("D")).otherwise(pl.lit("C")))
    return lf.with_columns(rank=pos + 1, tier=tier).select("uscc", "group", "total", "rank", "tier")


def best_of(repeats: int, fn):
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return min(times), out


def main(n: int = 100_000, repeats: int = 3) -> None:
    method = builtin_method("shandong_default")
    frame = make_zone(n)
    engine_s, result = best_of(repeats, lambda: evaluate(frame, method))
    floor_s, floor = best_of(repeats, lambda: floor_plan(frame, method).collect(engine="in-memory"))

    got = result.results.select("uscc", "total", "tier").join(
        floor.select("uscc", pl.col("total").alias("f_total"), pl.col("tier").alias("f_tier")), on="uscc")
    worst = got.select((pl.col("total") - pl.col("f_total")).abs().max()).item()
    same_tier = got.select((pl.col("tier") == pl.col("f_tier")).mean()).item()
    print(f"enterprises: {n:,} (groups: {dict(frame.group_by('group').len().sort('group').iter_rows())}); best of {repeats}")
    print(f"engine (scores + ranks + tiers + reasons + tables): {engine_s * 1000:9.1f} ms")
    print(f"floor (one-plan Polars pass of the same core):      {floor_s * 1000:9.1f} ms")
    print(f"ratio engine / floor: {engine_s / floor_s:.1f} x; largest difference in totals: {worst:.2e}; "
          f"same tier: {same_tier:.4%}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000, int(sys.argv[2]) if len(sys.argv) > 2 else 3)
