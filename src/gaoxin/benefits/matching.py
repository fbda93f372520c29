"""Matching policies against all enterprises at once. Pure Polars: no Django.

`profile_frame` rows are enterprises, columns are the fields of `fields.FIELDS` plus
`qualifications` (list of valid qualification names) and `enterprise_id`. `match` returns one
row per (enterprise, policy) that is ELIGIBLE or PARTIAL, naming the conditions met and the
data missing, with the benefit estimate where the policy has a formula. An estimate whose inputs
are not all known is UNKNOWN (null), never a number guessed from the rest; `estimate_missing`
names the formula's fields it waits for.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import polars as pl

from .fields import DERIVED, FIELDS, PERSON_FIELDS, QUARTERS
from .rules import NUMBER, Compiled


@dataclass(frozen=True)
class PolicyRule:
    policy_id: int
    rule: Compiled
    formula: Compiled | None = None
    cap: Decimal | None = None


def add_person_columns(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame of persons (`talent_id` and fields of `PERSON_FIELDS`) with every person field present (missing
    ones UNKNOWN) and `qualifications` the titles held."""
    missing = [pl.lit(None, dtype=NUMBER if f.kind == "number" else pl.Boolean if f.kind == "bool" else pl.String).alias(c)
               for c, f in PERSON_FIELDS.items() if c not in frame.columns]
    if "qualifications" not in frame.columns:
        missing.append(pl.lit([], dtype=pl.List(pl.String)).alias("qualifications"))
    frame = frame.with_columns(missing) if missing else frame
    return frame.with_columns([pl.col(c).cast(NUMBER) for c, f in PERSON_FIELDS.items() if f.kind == "number"])


def add_derived(frame: pl.DataFrame) -> pl.DataFrame:
    """Ratios as exact decimals; UNKNOWN (null) when an input is missing or the denominator is 0. The year's
    quarterly averages of 从业人数 and 资产总额 from the quarters' start and end figures when all eight are there
    (else the typed average stands)."""
    exprs = []
    for name, (num, den) in DERIVED.items():
        if num in frame.columns and den in frame.columns:
            n, d = pl.col(num).cast(NUMBER), pl.col(den).cast(NUMBER)
            exprs.append(pl.when(d.is_not_null() & (d != 0)).then(n / d).otherwise(None).cast(NUMBER).alias(name))
    if "revenue" in frame.columns and "revenue_prev" in frame.columns:
        r, p = pl.col("revenue").cast(NUMBER), pl.col("revenue_prev").cast(NUMBER)
        exprs.append(pl.when(p.is_not_null() & (p != 0)).then(r / p - 1).otherwise(None).cast(NUMBER).alias("revenue_growth"))
    for kind, target in (("staff", "avg_staff"), ("assets", "avg_assets")):
        quarters = [f"{kind}_q{q}_{edge}" for q in QUARTERS for edge in ("start", "end")]
        if all(c in frame.columns for c in quarters):
            # Σ over the four quarters of (季初 + 季末) ÷ 2, ÷ 4: the eight figures' sum ÷ 8, exact in decimals.
            average = (pl.sum_horizontal([pl.col(c).cast(NUMBER) for c in quarters]) / 8).cast(NUMBER)
            typed = pl.col(target).cast(NUMBER) if target in frame.columns else pl.lit(None, dtype=NUMBER)
            exprs.append(pl.when(pl.all_horizontal([pl.col(c).is_not_null() for c in quarters])).then(average)
                         .otherwise(typed).alias(target))
    frame = frame.with_columns(exprs)
    missing = [pl.lit(None, dtype=NUMBER if f.kind == "number" else pl.Boolean if f.kind == "bool" else pl.String).alias(c)
               for c, f in FIELDS.items() if c not in frame.columns]
    if "qualifications" not in frame.columns:
        missing.append(pl.lit([], dtype=pl.List(pl.String)).alias("qualifications"))
    return frame.with_columns(missing) if missing else frame


def match(frame: pl.DataFrame, rules: list[PolicyRule], *, key: str = "enterprise_id") -> pl.DataFrame:
    """Vectorised: all policies' verdicts, condition bitmasks and estimates in one select over
    all enterprises, then the ELIGIBLE / PARTIAL rows. Bit i of `passed` / `missing` is the
    rule's i-th condition (see `reasons`). `key`: the subject's id column (`talent_id` for a frame of
    persons); the result names it `enterprise_id` either way."""
    schema = {"enterprise_id": pl.Int64, "policy_id": pl.Int64, "verdict": pl.String, "pass_ratio": pl.Float64,
              "passed": pl.UInt64, "missing": pl.UInt64, "estimate": NUMBER, "estimate_missing": pl.UInt64}
    if frame.is_empty() or not rules:
        return pl.DataFrame(schema=schema)
    exprs = []
    for r in rules:
        p = r.policy_id
        leaves = r.rule.leaf_exprs
        passed = pl.sum_horizontal([pl.when(e).then(pl.lit(1 << i, dtype=pl.UInt64)).otherwise(pl.lit(0, dtype=pl.UInt64))
                                    for i, e in enumerate(leaves)])
        missing = pl.sum_horizontal([pl.when(e.is_null()).then(pl.lit(1 << i, dtype=pl.UInt64))
                                     .otherwise(pl.lit(0, dtype=pl.UInt64)) for i, e in enumerate(leaves)])
        estimate = r.formula.expr.cast(NUMBER) if r.formula else pl.lit(None, dtype=NUMBER)
        if r.cap is not None:  # min_horizontal skips nulls: an UNKNOWN estimate must stay UNKNOWN
            estimate = pl.when(estimate.is_null()).then(None).otherwise(
                pl.min_horizontal(estimate, pl.lit(r.cap, dtype=NUMBER))).cast(NUMBER)
        estimate = pl.when(estimate < 0).then(pl.lit(Decimal(0), dtype=NUMBER)).otherwise(estimate)
        formula_fields = r.formula.fields if r.formula else []
        waiting = pl.sum_horizontal([pl.when(pl.col(f).is_null()).then(pl.lit(1 << i, dtype=pl.UInt64))
                                     .otherwise(pl.lit(0, dtype=pl.UInt64)) for i, f in enumerate(formula_fields)]) \
            if formula_fields else pl.lit(0, dtype=pl.UInt64)
        exprs += [r.rule.expr.alias(f"v{p}"), passed.alias(f"p{p}"), missing.alias(f"m{p}"), estimate.alias(f"e{p}"),
                  waiting.alias(f"w{p}")]
    wide = frame.select(pl.col(key).cast(pl.Int64).alias("enterprise_id"), *exprs)
    parts = []
    for r in rules:
        p = r.policy_id
        n = max(len(r.rule.leaf_exprs), 1)
        # Only this policy's four columns: filtering the whole wide frame would copy every policy's.
        hits = wide.select("enterprise_id", f"v{p}", f"p{p}", f"m{p}", f"e{p}", f"w{p}").filter(
            pl.col(f"v{p}").is_null() | pl.col(f"v{p}"))
        if hits.is_empty():
            continue
        parts.append(hits.select(
            "enterprise_id", pl.lit(p, dtype=pl.Int64).alias("policy_id"),
            pl.when(pl.col(f"v{p}")).then(pl.lit("eligible")).otherwise(pl.lit("partial")).alias("verdict"),
            (_popcount(pl.col(f"p{p}")) / n).alias("pass_ratio"),
            pl.col(f"p{p}").alias("passed"), pl.col(f"m{p}").alias("missing"), pl.col(f"e{p}").alias("estimate"),
            pl.when(pl.col(f"e{p}").is_null()).then(pl.col(f"w{p}")).otherwise(pl.lit(0, dtype=pl.UInt64))
            .cast(pl.UInt64).alias("estimate_missing"),
        ))
    return pl.concat(parts) if parts else pl.DataFrame(schema=schema)


def _popcount(mask: pl.Expr) -> pl.Expr:
    return mask.bitwise_count_ones().cast(pl.Float64)


def estimate_waits_for(formula, mask: int) -> list[str]:
    """The data an UNKNOWN estimate waits for (labels of the formula's missing fields), from `estimate_missing`."""
    if formula is None:
        return []
    return [formula.registry[f].label for i, f in enumerate(formula.fields) if mask >> i & 1]


def reasons(rule, passed: int, missing: int) -> tuple[list[str], list[str]]:
    """The conditions met and the data missing, from the bitmasks of `match`."""
    met = [leaf.label for i, leaf in enumerate(rule.leaves) if passed >> i & 1]
    lacking = []
    for i, leaf in enumerate(rule.leaves):
        if missing >> i & 1:
            label = "、".join(rule.registry[f].label for f in leaf.fields) or leaf.text
            if label not in lacking:
                lacking.append(label)
    return met, lacking
