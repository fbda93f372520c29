"""The evaluation engine on a large synthetic zone, beside a straightforward
per-enterprise Python loop computing the same Variant S totals, in one run.
Prints figures and checks that both agree; no assertions on time.

    python bench/evaluation_bench.py [N]
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import polars as pl  # noqa: E402

from gaoxin.core.validators import uscc_check_char  # noqa: E402
from gaoxin.evaluation.engine import evaluate  # noqa: E402
from gaoxin.evaluation.inputs import NUMERIC  # noqa: E402
from gaoxin.evaluation.method import builtin_method  # noqa: E402


def make_zone(n: int, seed: int = 1) -> pl.DataFrame:
    rng = random.Random(seed)
    rows = []
    for i in range(n):
        body = f"91430300MA4{i:06d}"
        rows.append({
            "uscc": body + uscc_check_char(body), "name": f"企业{i}", "group": "ABOVE" if rng.random() < 0.7 else "BELOW",
            "own_land_m2": rng.uniform(2_000, 150_000), "leased_in_m2": 0.0, "leased_out_m2": 0.0,
            "tax_wan": rng.uniform(-50, 4_000), "sales_wan": rng.uniform(100, 80_000),
            "value_added_wan": rng.uniform(10, 15_000), "energy_tce": rng.choice([None, rng.uniform(10, 30_000)]),
            "cod_kg": rng.uniform(0, 20_000), "nh3n_kg": rng.uniform(0, 2_000), "so2_kg": rng.uniform(0, 20_000),
            "nox_kg": rng.uniform(0, 30_000), "rd_wan": rng.uniform(0, 2_000), "avg_employees": rng.uniform(5, 2_000),
        })
    frame = pl.DataFrame(rows)
    for col in NUMERIC:
        if col not in frame.columns:
            frame = frame.with_columns(pl.lit(None, dtype=pl.Float64).alias(col))
    return frame.with_columns(industry_code=pl.lit(None, dtype=pl.String), t_reason=pl.lit(None, dtype=pl.String))


def loop_totals(rows: list[dict], method) -> dict[str, float]:
    """Per-enterprise Python: the way a first implementation would write it."""
    totals = {}
    for gname, group in method.groups.items():
        members = [r for r in rows if r["group"] == gname]

        def value(r, ind):
            area = ((r["own_land_m2"] or 0) + (r["leased_in_m2"] or 0) - (r["leased_out_m2"] or 0)) * 0.0015
            eq = (r["cod_kg"] or 0) / 1 + (r["nh3n_kg"] or 0) / 0.8 + (r["so2_kg"] or 0) / 0.95 + (r["nox_kg"] or 0) / 0.95
            fields = dict(r, area_mu=area, pollution_eq=eq)
            num, den = fields[ind.num], fields[ind.den]
            return None if num is None or not den or den <= 0 else num / den * ind.scale

        scores = {r["uscc"]: 0.0 for r in members}
        for ind in group.indicators.values():
            values = {r["uscc"]: value(r, ind) for r in members}
            defined = [v for v in values.values() if v is not None]
            bench = 2 * sum(defined) / len(defined)
            s = {u: None if v is None else max(0.0, min(v / bench * ind.weight, ind.weight)) for u, v in values.items()}
            known = [x for x in s.values() if x is not None]
            fill = sum(known) / len(known) if known else 0.0
            for u, x in s.items():
                scores[u] += fill if x is None else x
        totals.update(scores)
    return totals


def main(n: int = 100_000) -> None:
    method = builtin_method("shandong_default")
    frame = make_zone(n)
    rows = frame.to_dicts()

    t0 = time.perf_counter()
    result = evaluate(frame, method)
    engine_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    expected = loop_totals(rows, method)
    loop_s = time.perf_counter() - t0

    got = dict(zip(result.results["uscc"], result.results["total"], strict=True))
    worst = max(abs(got[u] - expected[u]) for u in expected)
    print(f"enterprises: {n:,} (groups: {dict(frame.group_by('group').len().iter_rows())})")
    print(f"engine (Polars, scores + ranks + tiers + reasons): {engine_s * 1000:9.1f} ms")
    print(f"baseline per-enterprise loop (scores only):       {loop_s * 1000:9.1f} ms")
    print(f"speed-up: {loop_s / engine_s:.1f} x; largest difference in totals: {worst:.2e}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
