"""Matching policies against all enterprises at once. Pure Polars: no Django.

`profile_frame` rows are enterprises, columns are the fields of `fields.FIELDS` plus
`qualifications` (list of valid qualification names) and `enterprise_id`. `match` returns one
row per (enterprise, policy) that is ELIGIBLE or PARTIAL, naming the conditions met and the
data missing, with the benefit estimate where the policy has a formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from .fields import DERIVED, FIELDS
from .rules import NUMBER, Compiled


@dataclass(frozen=True)
class PolicyRule:
    policy_id: int
    rule: Compiled
    formula: Compiled | None = None
    cap: Decimal | None = None


def add_derived(frame: pl.DataFrame) -> pl.DataFrame:
    """Ratios as exact decimals; UNKNOWN (null) when an input is missing or the denominator is 0."""
    exprs = []
    for name, (num, den) in DERIVED.items():
        if num in frame.columns and den in frame.columns:
            n, d = pl.col(num).cast(NUMBER), pl.col(den).cast(NUMBER)
            exprs.append(pl.when(d.is_not_null() & (d != 0)).then(n / d).otherwise(None).cast(NUMBER).alias(name))
    if "revenue" in frame.columns and "revenue_prev" in frame.columns:
        r, p = pl.col("revenue").cast(NUMBER), pl.col("revenue_prev").cast(NUMBER)
        exprs.append(pl.when(p.is_not_null() & (p != 0)).then(r / p - 1).otherwise(None).cast(NUMBER).alias("revenue_growth"))
    frame = frame.with_columns(exprs)
    missing = [pl.lit(None, dtype=NUMBER if f.kind == "number" else pl.Boolean if f.kind == "bool" else pl.String).alias(c)
               for c, f in FIELDS.items() if c not in frame.columns]
    if "qualifications" not in frame.columns:
        missing.append(pl.lit([], dtype=pl.List(pl.String)).alias("qualifications"))
    return frame.with_columns(missing) if missing else frame


def match(frame: pl.DataFrame, rules: list[PolicyRule]) -> pl.DataFrame:
    """Vectorised: one expression per policy over all enterprises, then details for the hits."""
    schema = {"enterprise_id": pl.Int64, "policy_id": pl.Int64, "verdict": pl.String, "pass_ratio": pl.Float64,
              "passed": pl.List(pl.String), "missing": pl.List(pl.String), "estimate": NUMBER}
    if frame.is_empty() or not rules:
        return pl.DataFrame(schema=schema)
    verdicts = frame.select("enterprise_id", *[r.rule.expr.alias(f"p{r.policy_id}") for r in rules])
    parts = []
    for r in rules:
        col = f"p{r.policy_id}"
        hits = verdicts.filter(pl.col(col).is_null() | pl.col(col))
        if hits.is_empty():
            continue
        subset = frame.join(hits.select("enterprise_id", pl.col(col).alias("_v")), on="enterprise_id", how="inner")
        leaves = r.rule.leaf_exprs
        leaf_frame = subset.select(
            "enterprise_id", "_v",
            *[e.alias(f"l{i}") for i, e in enumerate(leaves)],
            *([r.formula.expr.alias("_estimate")] if r.formula else []),
        )
        passed = pl.concat_list([pl.when(pl.col(f"l{i}")).then(pl.lit(leaf.text)) for i, leaf in enumerate(r.rule.leaves)])
        missing = pl.concat_list([
            pl.when(pl.col(f"l{i}").is_null()).then(pl.lit("、".join(FIELDS[f].label for f in leaf.fields) or leaf.text))
            for i, leaf in enumerate(r.rule.leaves)
        ])
        n = max(len(leaves), 1)
        ratio = pl.sum_horizontal([pl.col(f"l{i}").fill_null(False).cast(pl.Int32) for i in range(len(leaves))]) / n
        estimate = pl.col("_estimate").cast(NUMBER) if r.formula else pl.lit(None, dtype=NUMBER)
        if r.cap is not None:  # min_horizontal skips nulls: an UNKNOWN estimate must stay UNKNOWN
            estimate = pl.when(estimate.is_null()).then(None).otherwise(
                pl.min_horizontal(estimate, pl.lit(r.cap, dtype=NUMBER))).cast(NUMBER)
        parts.append(leaf_frame.select(
            pl.col("enterprise_id").cast(pl.Int64),
            pl.lit(r.policy_id, dtype=pl.Int64).alias("policy_id"),
            pl.when(pl.col("_v")).then(pl.lit("eligible")).otherwise(pl.lit("partial")).alias("verdict"),
            ratio.cast(pl.Float64).alias("pass_ratio"),
            passed.list.drop_nulls().alias("passed"),
            missing.list.drop_nulls().list.unique(maintain_order=True).alias("missing"),
            pl.when(estimate < 0).then(pl.lit(Decimal(0), dtype=NUMBER)).otherwise(estimate).alias("estimate"),
        ))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)
