"""The per-mu efficiency scoring engine (specs/evaluation.md §15). Pure Polars; no Django.

`evaluate(data, method, adjustments=None, prior=None)` scores one cycle:

    data         one row per enterprise, columns of `inputs.SCHEMA` (validated by `inputs`)
    adjustments  rows (uscc, rule_id, count) for the method's bonus / penalty / veto rules
    prior        prior-year indicator values: (uscc, group, [industry_code], <indicator ids>...)

Every group is benchmarked, scored, ranked and tiered separately. The whole evaluation is one
lazy Polars plan, collected once: benchmarks, scores, fills, adjustments, totals, ranks, tiers
(quota counts in exact integer arithmetic inside the plan) and reasons (in the plan a number per firm
saying which reasons apply; after it, the text of each distinct number is written once, gathered, and
split into a list). Python loops run over groups, indicators and the distinct
(rule, count) pairs of the adjustments only; no per-enterprise Python.

Results are identical, to the last bit, to the eager engine this replaced; the collect settings
in `evaluate` (in-memory engine, no predicate pushdown or expression CSE) and the joins that stand
where a broadcast would be cheaper keep every division on the same rows as before (see there).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import ceil, floor

import polars as pl

from .method import Group, Indicator, Method, Quota, Tiers

RATED, T_CLASS = "rated", "T"
LAND_UNRESOLVED = "LAND_UNRESOLVED"
TIERS = ("A", "B", "C", "D")


class EngineError(ValueError):
    """The figures cannot be scored with this method; the message (Chinese) says why."""

T_REASON_LABELS = {
    "UTILITY": "电力热力燃气水生产供应企业",
    "NEW_ABOVE_SCALE": "年度新升规企业",
    "START_UP": "初创期企业",
    "UNDER_CONSTRUCTION": "建设期/未投产",
    LAND_UNRESOLVED: "用地面积无法核定",
}


@dataclass(frozen=True)
class EvaluationResult:
    method: Method
    results: pl.DataFrame  # one row per enterprise
    benchmarks: pl.DataFrame  # group, partition, indicator, benchmark, source, population, stats
    quotas: pl.DataFrame  # group, n, vetoed and the A/B/C/D counts actually assigned

    def row(self, uscc: str) -> dict:
        rows = self.results.filter(pl.col("uscc") == uscc).to_dicts()
        if not rows:
            raise KeyError(f"{uscc} 不在评价结果中")
        return rows[0]


# --- small pure helpers ------------------------------------------------------------

def _round(value: Fraction, rounding: str) -> int:
    """Integer rounding on exact fractions: quotas never go through floating point."""
    if rounding == "floor":
        return floor(value)
    if rounding == "ceil":
        return ceil(value)
    return floor(value + Fraction(1, 2))  # half_up


def _share(quota: Quota, n: int) -> int:
    return _round(Fraction(str(quota.share)) * n, quota.rounding)


def quota_counts(n: int, tiers: Tiers, *, rated: int | None = None, vetoed: int = 0) -> dict[str, int]:
    """Counts per tier for a group (evaluation.md §11.3).

    n: the quota base (rated firms, or rated + T); rated: firms to place (default n);
    vetoed: firms already D by veto. Returns A, B, C, D (D including vetoed) and D_by_rank."""
    rated = n if rated is None else rated
    a, b, d = _share(tiers.A, n), _share(tiers.B, n), _share(tiers.D, n)
    m = rated - vetoed
    d_rank = max(d - vetoed, 0) if tiers.vetoed_count_in_D else d
    c = m - a - b - d_rank
    if c < 0:  # not enough firms for the quotas: shrink B, then A, then D by rank
        short, c = -c, 0
        take = min(short, b)
        b, short = b - take, short - take
        take = min(short, a)
        a, short = a - take, short - take
        d_rank -= min(short, d_rank)
    return {"A": a, "B": b, "C": c, "D": d_rank + vetoed, "D_by_rank": d_rank}


def _num(v: float) -> str:
    return f"{v:.4f}"


def _num_expr(value: pl.Expr) -> pl.Expr:
    """`_num` as a Polars expression, digit for digit: f"{v:.4f}" rounds the exact binary value
    half to even, so the product v × 10⁴ is taken exactly (Dekker split, then TwoSum) before
    rounding. Exact for |v| < 4.5e11 (four decimals of a score or a points figure)."""
    v = value.cast(pl.Float64)
    g = v * 134217729.0  # 2**27 + 1: v = hi + lo, each half of the mantissa
    hi = g - (g - v)
    lo = v - hi
    a, b = hi * 10000.0, lo * 10000.0  # both exact
    s = a + b
    bb = s - a
    err = (a - (s - bb)) + (b - bb)  # a + b == s + err exactly
    n = s.round(0, mode="half_to_even")
    d = s - n
    scaled = n + pl.when((d == 0.5) & (err > 0)).then(1.0).when((d == -0.5) & (err < 0)).then(-1.0).otherwise(0.0)
    digits = scaled.abs().cast(pl.Int64)
    negative = (v < 0) | ((v == 0) & ((1.0 / v) < 0))
    text = (pl.when(negative).then(pl.lit("-")).otherwise(pl.lit("")) + (digits // 10000).cast(pl.String)
            + pl.lit(".") + (digits % 10000).cast(pl.String).str.zfill(4))
    return (pl.when(v.is_nan()).then(pl.lit("nan")).when(v == float("inf")).then(pl.lit("inf"))
            .when(v == float("-inf")).then(pl.lit("-inf")).otherwise(text))


def _share_expr(quota: Quota, n: pl.Expr) -> pl.Expr:
    """`_share` in integer arithmetic inside the plan: the share as an exact fraction p/q."""
    share = Fraction(str(quota.share))
    p, q = share.numerator, share.denominator
    if quota.rounding == "floor":
        return (n * p) // q
    if quota.rounding == "ceil":
        return (n * p + (q - 1)) // q
    return (n * (2 * p) + q) // (2 * q)  # half_up: floor(pn/q + 1/2)


# --- derived quantities ------------------------------------------------------------

def _derived(frame: pl.LazyFrame, method: Method) -> pl.LazyFrame:
    land = method.land
    include = [pl.col(c) for c in land.include]
    area = (
        pl.when(pl.any_horizontal([c.is_not_null() for c in include]))
        .then(
            (pl.sum_horizontal([c.fill_null(0) for c in include])
             - pl.sum_horizontal([pl.col(c).fill_null(0) for c in land.subtract] or [pl.lit(0.0)]))
            * land.mu_per_m2
        )
        .otherwise(None)
    )
    factors = method.pollution.factors
    pollutants = [pl.col(c) for c in factors]
    if method.pollution.aggregation == "equivalents":
        eq = pl.sum_horizontal([pl.col(c).fill_null(0) / f for c, f in factors.items()])
    else:  # tonnes
        eq = pl.sum_horizontal([pl.col(c).fill_null(0) for c in factors]) / 1000
    eq = pl.when(pl.any_horizontal([c.is_not_null() for c in pollutants])).then(eq).otherwise(None)
    return frame.with_columns(area_mu=area, pollution_eq=eq)


def _ratio(ind: Indicator) -> pl.Expr:
    num, den = pl.col(ind.num), pl.col(ind.den)
    return pl.when(num.is_not_null() & den.is_not_null() & (den > 0)).then(num / den * ind.scale).otherwise(None)


def _status(frame: pl.LazyFrame, method: Method) -> pl.LazyFrame:
    """T class: a declared reason, or (default) no usable land for a group that needs it."""
    needs_land = [g for g, grp in method.groups.items() if any("area_mu" in (i.num, i.den) for i in grp.indicators.values())]
    declared = pl.col("t_reason").is_not_null() & (pl.col("t_reason").str.strip_chars() != "")
    no_land = pl.col("group").is_in(needs_land) & (pl.col("area_mu").is_null() | (pl.col("area_mu") <= 0))
    if method.land.missing_land == "error":
        bad = frame.filter(~declared & no_land).select("uscc").collect(engine="in-memory")["uscc"].to_list()
        if bad:
            raise EngineError(f"用地面积缺失或不大于0：{', '.join(bad[:20])}")
    return frame.with_columns(
        status=pl.when(declared | no_land).then(pl.lit(T_CLASS)).otherwise(pl.lit(RATED)),
        t_reason=pl.when(declared).then(pl.col("t_reason").str.strip_chars())
        .when(no_land).then(pl.lit(LAND_UNRESOLVED)).otherwise(None),
    )


# --- benchmarks ------------------------------------------------------------------------

def _partition_expr(group: Group) -> pl.Expr:
    if group.benchmark.partition == "zone_industry":
        return pl.col("industry_code").fill_null("").str.slice(0, 2)
    return pl.lit("zone")


def _benchmarks(rated: pl.LazyFrame, prior: pl.DataFrame | None, gname: str, group: Group) -> pl.LazyFrame:
    """One row per (partition, indicator): benchmark value, the year it came from, population."""
    bm = group.benchmark
    parts = rated.select(pl.col("_part").unique(maintain_order=True))
    frames = []
    for iid, ind in group.indicators.items():
        x = pl.col(f"{iid}_value")
        pop_filter = x.is_not_null() if bm.include_negative else (x.is_not_null() & (x >= 0))
        current = rated.filter(pop_filter).group_by("_part").agg(
            _mean=x.mean(), _n=x.count(), _num=pl.col(ind.num).sum(), _den=pl.col(ind.den).sum(),
        )
        table = parts.join(current, on="_part", how="left", maintain_order="left")
        use_prior = (prior is not None and bm.source == "prior_year" and bm.stat == "mean_of_ratios"
                     and iid in prior.columns)
        if use_prior:
            px = pl.col(iid)
            p_filter = px.is_not_null() if bm.include_negative else (px.is_not_null() & (px >= 0))
            prior_stats = (
                prior.lazy().filter(pl.col("group") == gname).with_columns(_part=_partition_expr(group))
                .filter(p_filter).group_by("_part").agg(_p_mean=px.mean(), _p_n=px.count())
            )
            table = table.join(prior_stats, on="_part", how="left", maintain_order="left")
        if bm.stat == "fixed":
            value, source, n = pl.lit(ind.fixed_benchmark), pl.lit("fixed"), pl.lit(None)
        else:
            # one when/then chain per column, in the order the rules are tried (prior, current, none)
            never = pl.when(pl.lit(False)).then(pl.lit(None))
            value, source, n = never, never, never
            if use_prior:
                has_prior = pl.col("_p_n").is_not_null() & (pl.col("_p_n") > 0)
                value = value.when(has_prior).then(bm.multiplier * pl.col("_p_mean"))
                source = source.when(has_prior).then(pl.lit("prior_year"))
                n = n.when(has_prior).then(pl.col("_p_n").cast(pl.Int64))
            if bm.source == "current_year" or bm.fallback == "current_year":
                in_current = pl.col("_n").is_not_null()
                stat = pl.col("_mean") if bm.stat == "mean_of_ratios" else (
                    pl.when(pl.col("_den").is_not_null() & (pl.col("_den") != 0))
                    .then(pl.col("_num") / pl.col("_den") * ind.scale))
                value = value.when(in_current).then(bm.multiplier * stat)
                source = source.when(in_current).then(pl.lit("current_year"))
                n = n.when(in_current).then(pl.col("_n").cast(pl.Int64))
            value, source, n = value.otherwise(None), source.otherwise(pl.lit("none")), n.otherwise(pl.lit(0))
        frames.append(table.select(
            group=pl.lit(gname), _part=pl.col("_part"), indicator=pl.lit(iid),
            benchmark=value.cast(pl.Float64), source=source.cast(pl.String), population=n.cast(pl.Int64),
        ))
    return pl.concat(frames, how="vertical")


# --- scores -------------------------------------------------------------------------------

def _score_group(rated: pl.LazyFrame, bench: pl.LazyFrame, group: Group) -> pl.LazyFrame:
    """Indicator scores, fills and reasons for the rated firms of one group."""
    scoring, missing = group.scoring, group.missing
    wide = bench.filter(pl.col("indicator") == pl.lit(next(iter(group.indicators)))).select("_part")
    for iid in group.indicators:
        wide = wide.join(
            bench.filter(pl.col("indicator") == iid).select("_part", pl.col("benchmark").alias(f"{iid}_benchmark")),
            on="_part", how="left", maintain_order="left",
        )
    # A join, not a broadcast: x ÷ benchmark must divide column by column (see `evaluate`).
    out = rated.join(wide, on="_part", how="left", maintain_order="left").cache()
    raws, finals, codes, fills = {}, {}, [], {}
    extra_penalty = pl.lit(0.0)
    for iid, ind in group.indicators.items():
        w = ind.weight
        x = pl.col(f"{iid}_value")
        b = pl.col(f"{iid}_benchmark")
        if scoring.method == "ratio":
            rel = x / b if ind.direction == "higher_better" else (2 - x / b)
            raw = pl.when(b > 0).then(rel * w).otherwise(pl.when(x.is_not_null()).then(0.0))
            lo = None if scoring.floor is None else scoring.floor * w
            hi = None if scoring.cap_multiple is None else scoring.cap_multiple * w
        else:  # efficacy coefficient over the partition's firms with data
            lo_hi = out.group_by("_part").agg(x.min().alias(f"{iid}_min"), x.max().alias(f"{iid}_max"))
            out = out.join(lo_hi, on="_part", how="left").cache()
            mn, mx = pl.col(f"{iid}_min"), pl.col(f"{iid}_max")
            pos = (x - mn) / (mx - mn) if ind.direction == "higher_better" else (mx - x) / (mx - mn)
            equal = w if scoring.equal_range == "full_weight" else w * scoring.floor_pct / 100
            raw = pl.when(mx > mn).then(w * (scoring.floor_pct + scoring.span_pct * pos) / 100).otherwise(equal)
            raw = pl.when(x.is_not_null()).then(raw)
            lo, hi = None, None
        clamped = raw
        if hi is not None:
            clamped = pl.min_horizontal(clamped, pl.lit(hi))
        if lo is not None:
            clamped = pl.max_horizontal(clamped, pl.lit(lo))
        raws[f"_raw_{iid}"] = raw
        raws[f"_s_{iid}"] = pl.when(x.is_not_null()).then(clamped)
        s = pl.col(f"_s_{iid}")
        # Missing data (§9): fill with the group's average score, zero, or zero plus a penalty.
        if missing.rule == "fill_group_average_score":
            fills[f"_fill_{iid}"] = s.mean().fill_null(0.0)
            fill = pl.col(f"_fill_{iid}")
        else:
            fill = pl.lit(0.0)
            if missing.rule == "penalty_points":
                extra_penalty = extra_penalty + pl.when(x.is_null()).then(missing.penalty_points).otherwise(0.0)
        r = pl.col(f"_raw_{iid}")
        # Which reason the indicator gives (`_reason_texts` writes it): the first that applies.
        code = pl.when(x.is_null()).then(_MISSING)
        clipped = pl.lit(False)
        if hi is not None:
            code = code.when(r > hi).then(_OVER)
            clipped = clipped | (r > hi)
        if lo is not None:
            code = code.when(r < lo).then(_UNDER)
            clipped = clipped | (r < lo)
        finals[f"{iid}_score"] = s.fill_null(fill)
        finals[f"{_NUM}{iid}"] = pl.when(x.is_not_null() & clipped).then(r.round(4))
        codes.append(code.otherwise(_NONE).cast(pl.Int64))
    coef = pl.col("correction_coefficient").fill_null(1.0)
    base = pl.sum_horizontal([pl.col(f"{i}_score") for i in group.indicators]) * coef
    codes.append((coef != 1.0).cast(pl.Int64))
    finals[f"{_NUM}coef"] = pl.when(coef != 1.0).then(coef)
    # The reasons of a firm as one number: a digit in base 4 per indicator, then one for the coefficient.
    key = pl.sum_horizontal([c * (4 ** k) for k, c in enumerate(codes)])
    return (
        out.with_columns(**raws)
        .pipe(_with_fills, fills)
        .with_columns(**finals, _missing_penalty=extra_penalty)
        .with_columns(base_score=base, _rkey=key)
        .drop(*raws, *fills)
    )


_NONE, _MISSING, _OVER, _UNDER = 0, 1, 2, 3


def _reason_texts(group: Group, key: int, scores: dict) -> str | None:
    """The reasons a `_rkey` stands for, joined by `_SEP` (None: none). A fill's number is the group's average
    score, which is the score of every firm filled by it (`scores`: one such firm's indicator scores); a clipped
    score and a coefficient are the firm's own and keep their placeholder (`_numbers_into_reasons`)."""
    scoring, missing = group.scoring, group.missing
    texts = []
    for iid, ind in group.indicators.items():
        key, code = divmod(key, 4)
        label = f"{iid} {ind.name_zh or iid}"
        if code == _MISSING:
            if missing.rule == "fill_group_average_score":
                texts.append(f"{label}：无有效数据，按组内该项平均得分{_num(scores[f'{iid}_score'])}赋分")
            else:
                texts.append(f"{label}：无有效数据，得0分"
                             + (f"并扣{missing.penalty_points:g}分" if missing.rule == "penalty_points" else ""))
        elif code == _OVER:
            texts.append(f"{label}：得分{_PH}超过上限，按{_num(scoring.cap_multiple * ind.weight)}计")
        elif code == _UNDER:
            texts.append(f"{label}：得分{_PH}低于下限，按{_num(scoring.floor * ind.weight)}计")
    if key:
        texts.append(f"修正系数{_PH}")
    return _SEP.join(texts) or None


_SEP = "\x1f"  # the unit separator: no reason or note contains it
# A number inside a reason (a clipped score, a correction coefficient) is written into its text after the plan, and
# only for the firms that carry one (`_numbers_into_reasons`): a float-to-text cast costs as much for a million rows
# whether or not they need it. In the plan the text holds a placeholder and the number travels in its own column.
_PH = "\x1e"  # the record separator: no reason or note contains it either
_NUM = "_num_"


def _joined(texts: list[pl.Expr]) -> pl.Expr:
    """The non-null texts joined by `_SEP`; null when there are none. Reasons travel through the
    plan as one string per firm and become a list once, at the end (`_numbers_into_reasons`): building lists
    per step costs an order of magnitude more on large frames."""
    return (pl.when(pl.any_horizontal([t.is_not_null() for t in texts]))
            .then(pl.concat_str(texts, separator=_SEP, ignore_nulls=True)))


def _with_fills(out: pl.LazyFrame, fills: dict) -> pl.LazyFrame:
    """The group's average scores, computed once on a one-row frame."""
    if not fills:
        return out
    out = out.cache()
    return out.join(out.select(**fills), how="cross", maintain_order="left")


# --- adjustments -------------------------------------------------------------------------

def _event_table(adjustments: pl.DataFrame, rules: dict, gname: str) -> pl.DataFrame:
    """Per distinct (rule, count): the points, the note and the kind. Percentages depend on the
    firm's score, so theirs are left to the plan; everything else is fixed by rule and count."""
    rows = []
    pairs = adjustments.filter(pl.col("rule_id").is_in(list(rules))).select("rule_id", "count").unique()
    for rule_id, count in pairs.iter_rows():
        if not count:
            continue
        rule = rules[rule_id]
        times = count if rule.per_event else 1
        name = rule.name_zh or rule.id
        prefix = f"{name}{'×' + str(int(count)) if rule.per_event or rule.type == 'sub_points_schedule' else ''}："
        row = {"rule_id": rule_id, "count": count, "_veto": rule.type == "veto", "_amount": None, "_note": None,
               "_percent": None, "_cap": rule.cap, "_prefix": prefix, "_sign": None,
               "_hundred": 100.0}
        if rule.type == "veto":
            row["_note"] = f"{name}：一票否决，定为D类"
        elif rule.type in ("add_percent", "sub_percent"):
            row["_percent"] = rule.value
            row["_sign"] = 1 if rule.type == "add_percent" else -1
        else:
            if rule.type == "add_points":
                amount = rule.value * times
            elif rule.type == "sub_points":
                amount = -rule.value * times
            else:  # sub_points_schedule: the k-th event costs schedule[k]; the last value repeats
                schedule = rule.schedule.get(gname) or []
                amount = -sum(schedule[min(k, len(schedule) - 1)] for k in range(int(count))) if schedule else 0.0
            if rule.cap is not None and abs(amount) > rule.cap:
                amount = rule.cap if amount > 0 else -rule.cap
            row["_amount"] = float(amount)
            row["_note"] = f"{prefix}{'+' if amount >= 0 else '−'}{_num(abs(amount))}"
        rows.append(row)
    return pl.DataFrame(rows, schema={
        "rule_id": pl.String, "count": adjustments.schema["count"], "_veto": pl.Boolean, "_amount": pl.Float64,
        "_note": pl.String, "_percent": pl.Float64, "_cap": pl.Float64, "_prefix": pl.String, "_sign": pl.Float64,
        "_hundred": pl.Float64,
    })


def _adjustments(scored: pl.LazyFrame, adjustments: pl.DataFrame | None, method: Method, gname: str) -> pl.LazyFrame:
    """Bonus, penalty and veto per firm (§10), as joins and per-firm aggregations in the plan."""
    rules = {r.id: r for r in method.adjustments if r.groups is None or gname in r.groups}
    table = None if adjustments is None or not rules else _event_table(adjustments, rules, gname)
    if table is None or table.is_empty():
        out = scored.with_columns(
            bonus=pl.lit(0.0), vetoed=pl.lit(False), _adj_notes=pl.lit(None, dtype=pl.String),
            penalty=pl.lit(0.0) + pl.col("_missing_penalty"),
        )
    else:
        events = (
            adjustments.lazy().select("uscc", "rule_id", "count")
            .join(table.lazy(), on=["rule_id", "count"], how="inner", maintain_order="left")
            .join(scored.select("uscc", "base_score"), on="uscc", how="inner", maintain_order="left")
        )
        # a column of 100.0, not a literal: Polars divides a column by a literal as a multiplication
        # by its reciprocal, which is not always the quotient Python gives.
        pct = pl.col("base_score") * pl.col("_percent") / pl.col("_hundred") * pl.col("_sign")
        pct = pl.when(pl.col("_cap").is_not_null() & (pct.abs() > pl.col("_cap"))).then(
            pl.when(pct > 0).then(pl.col("_cap")).otherwise(-pl.col("_cap"))).otherwise(pct)
        amount = pl.when(pl.col("_percent").is_not_null()).then(pct).otherwise(pl.col("_amount"))
        events = events.with_columns(_amt=amount).with_columns(
            _note=pl.when(pl.col("_percent").is_not_null()).then(
                pl.col("_prefix") + pl.when(pl.col("_amt") >= 0).then(pl.lit("+")).otherwise(pl.lit("−"))
                + _num_expr(pl.col("_amt").abs())
            ).otherwise(pl.col("_note")),
        )
        amt, veto = pl.col("_amt"), pl.col("_veto")
        per_firm = events.group_by("uscc", maintain_order=True).agg(
            # running sums: the same additions in the same order as adding event by event
            bonus=pl.when(amt > 0).then(amt.abs()).otherwise(0.0).cum_sum().last(),
            penalty=pl.when(~veto & ~(amt > 0)).then(amt.abs()).otherwise(0.0).cum_sum().last(),
            vetoed=veto.any(),
            _adj_notes=pl.col("_note").str.join(_SEP),
        )
        caps = []
        if method.max_total_bonus is not None:
            over = pl.col("bonus") > method.max_total_bonus
            caps.append(pl.when(over).then(pl.lit(f"加分合计超过上限，按{_num(method.max_total_bonus)}计")))
            per_firm = per_firm.with_columns(
                _cap_b=caps[-1], bonus=pl.when(over).then(pl.lit(method.max_total_bonus)).otherwise(pl.col("bonus")))
        if method.max_total_penalty is not None:
            over = pl.col("penalty") > method.max_total_penalty
            per_firm = per_firm.with_columns(
                _cap_p=pl.when(over).then(pl.lit(f"扣分合计超过上限，按{_num(method.max_total_penalty)}计")),
                penalty=pl.when(over).then(pl.lit(method.max_total_penalty)).otherwise(pl.col("penalty")))
        cap_cols = [c for c, on in (("_cap_b", method.max_total_bonus), ("_cap_p", method.max_total_penalty))
                    if on is not None]
        if cap_cols:
            per_firm = per_firm.with_columns(
                _adj_notes=_joined([pl.col("_adj_notes"), *[pl.col(c) for c in cap_cols]])
            ).drop(cap_cols)
        out = scored.join(per_firm, on="uscc", how="left", maintain_order="left").with_columns(
            pl.col("bonus").fill_null(0.0), pl.col("vetoed").fill_null(False),
            (pl.col("penalty").fill_null(0.0) + pl.col("_missing_penalty")).alias("penalty"),
        )
    total = pl.col("base_score") + pl.col("bonus") - pl.col("penalty")
    if method.total_clamp:
        lo, hi = method.total_clamp
        total = total.clip(lo, hi)
    return out.with_columns(total=total).drop("_missing_penalty")


# --- ranking and tiers -----------------------------------------------------------------------

def _rank_and_tier(scored: pl.LazyFrame, method: Method, gname: str, group: Group,
                   columns: set[str]) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Sort by the tie-break keys, then tiers from quota counts computed in the plan (integers)."""
    precision = method.rank_precision
    ranked = scored.with_columns(total_rounded=pl.col("total").round(precision, mode="half_away_from_zero"))
    keys, desc = [], []
    for entry in method.tie_break:
        name, direction = entry.split()
        keys.append("total_rounded" if name == "total" else ("uscc" if name == "uscc" else f"{name}_value"))
        desc.append(direction == "desc")
    present = [(k, d) for k, d in zip(keys, desc, strict=True)
               if k in ("total_rounded", "uscc") or k in columns or k.removesuffix("_value") in group.indicators]
    ranked = _ordered(ranked, [k for k, _ in present], [d for _, d in present])
    tiers = method.tiers
    n_rated = pl.len().cast(pl.Int64)
    vetoed = pl.col("vetoed").sum().cast(pl.Int64)
    base_n = n_rated + pl.col("_n_t").first() if tiers.quota_base == "rated_plus_T" else n_rated
    ranked = ranked.with_columns(rank=pl.int_range(1, pl.len() + 1, dtype=pl.Int64), _nb=base_n, _v=vetoed,
                                 _nr=n_rated)
    nb, v = pl.col("_nb"), pl.col("_v")
    a, b, d = _share_expr(tiers.A, nb), _share_expr(tiers.B, nb), _share_expr(tiers.D, nb)
    ranked = ranked.with_columns(_a=a, _b=b, _m=pl.col("_nr") - v,
                                 _dr=pl.max_horizontal(d - v, pl.lit(0)) if tiers.vetoed_count_in_D else d)
    # Not enough firms for the quotas: shrink B, then A, then D by rank (as `quota_counts`).
    short = pl.max_horizontal(pl.col("_a") + pl.col("_b") + pl.col("_dr") - pl.col("_m"), pl.lit(0))
    ranked = ranked.with_columns(_short=short, _tb=pl.min_horizontal(short, pl.col("_b")))
    ranked = ranked.with_columns(_b=pl.col("_b") - pl.col("_tb"), _short=pl.col("_short") - pl.col("_tb"))
    ranked = ranked.with_columns(_ta=pl.min_horizontal(pl.col("_short"), pl.col("_a")))
    ranked = ranked.with_columns(_a=pl.col("_a") - pl.col("_ta"), _short=pl.col("_short") - pl.col("_ta"))
    ranked = ranked.with_columns(_dr=pl.col("_dr") - pl.min_horizontal(pl.col("_short"), pl.col("_dr")))
    # Position among the firms that were not vetoed decides A, B, C or D.
    pos = pl.when(~pl.col("vetoed")).then((~pl.col("vetoed")).cast(pl.Int64).cum_sum() - 1)
    tier = (
        pl.when(pl.col("vetoed")).then(pl.lit("D"))
        .when(pos < pl.col("_a")).then(pl.lit("A"))
        .when(pos < pl.col("_a") + pl.col("_b")).then(pl.lit("B"))
        .when(pos >= pl.col("_m") - pl.col("_dr")).then(pl.lit("D"))
        .otherwise(pl.lit("C"))
    )
    ranked = ranked.with_columns(tier=tier).cache()
    quota = ranked.select(
        group=pl.lit(gname), n=pl.col("_nb").first(), vetoed=pl.col("_v").first(),
        **{t: (pl.col("tier") == t).sum().cast(pl.Int64) for t in TIERS}, _nr=pl.len(),
    ).filter(pl.col("_nr") > 0).drop("_nr")
    temps = ["total_rounded", "_nb", "_v", "_nr", "_a", "_b", "_m", "_dr", "_short", "_tb", "_ta"]
    return ranked.drop(temps), quota


def _ordered(frame: pl.LazyFrame, keys: list[str], descending: list[bool]) -> pl.LazyFrame:
    """`frame.sort(keys, descending=…, nulls_last=True)`, in a fraction of the time: a multi-key sort encodes every
    key of every row, several times the cost of one key. So: one stable sort by the first key, then the full sort
    only for the rows that share their first key with a neighbour; these lie together after the first sort and,
    sorted by all keys, take the same positions in their new order. The permutation is computed on the keys alone
    and the frame gathered once."""
    if len(keys) == 1:
        return frame.sort(keys[0], descending=descending[0], nulls_last=True, maintain_order=True)

    def permute(df: pl.DataFrame) -> pl.DataFrame:
        order = df.select(pl.arg_sort_by(keys[0], descending=descending[0], nulls_last=True,
                                          maintain_order=True)).to_series()
        first = df.get_column(keys[0]).gather(order)
        same = first.eq_missing(first.shift(1))
        if first.dtype.is_float():
            same = same | (first.is_nan() & first.shift(1).is_nan())
        same = same.fill_null(False)
        tied = same | same.shift(-1, fill_value=False)
        if tied.any():
            at = tied.arg_true()
            rows = order.gather(at)
            resorted = df.select(keys).gather(rows).with_columns(_row=rows).sort(
                keys, descending=descending, nulls_last=True, maintain_order=True).get_column("_row")
            order = order.scatter(at, resorted)
        return df.gather(order)

    return frame.map_batches(permute, projection_pushdown=False, predicate_pushdown=False, slice_pushdown=False)


# --- entry point ---------------------------------------------------------------------------

def _flags() -> pl.QueryOptFlags:
    flags = pl.QueryOptFlags.none()
    flags.simplify_expression = True
    flags.comm_subplan_elim = True  # the base frame, each group's rated firms: computed once
    flags.projection_pushdown = True
    return flags


_FLAGS = _flags()
_RATED_ONLY = ("base_score", "bonus", "penalty", "vetoed", "total", "rank")


def evaluate(
    data: pl.DataFrame,
    method: Method,
    adjustments: pl.DataFrame | None = None,
    prior: pl.DataFrame | None = None,
) -> EvaluationResult:
    """One lazy plan per evaluation, collected once: benchmarks, scores, fills, adjustments,
    totals, ranks, tiers and reasons for every group."""
    frame = _status(_derived(data.lazy(), method), method).cache()
    ind_ids = method.indicator_ids()
    parts_out, bench_out, quota_out, presence = [], [], [], []
    columns = set(data.columns)
    for gname, group in method.groups.items():
        members = frame.filter(pl.col("group") == gname).with_columns(
            _part=_partition_expr(group),
            **{f"{iid}_value": _ratio(ind) for iid, ind in group.indicators.items()},
        )
        if method.tiers.quota_base == "rated_plus_T":
            members = members.with_columns(_n_t=(pl.col("status") == T_CLASS).sum().cast(pl.Int64))
        members = members.cache()
        rated = members.filter(pl.col("status") == RATED).cache()
        t_firms = members.filter(pl.col("status") == T_CLASS)
        bench = _benchmarks(rated, prior, gname, group).cache()
        bench_out.append(bench)
        scored = _adjustments(_score_group(rated, bench, group).cache(), adjustments, method, gname)
        ranked, quota = _rank_and_tier(scored, method, gname, group, columns)
        quota_out.append(quota)
        parts_out.append(ranked)
        parts_out.append(t_firms.sort("uscc", nulls_last=True).with_columns(
            tier=pl.lit("T"),
            _reasons=pl.format("暂不评价：{}", pl.col("t_reason").replace(T_REASON_LABELS)),
            _adj_notes=pl.lit(None, dtype=pl.String),
        ))
        presence += [((pl.col("group") == gname) & (pl.col("status") == RATED)).any().alias(f"{gname}\x00rated"),
                     ((pl.col("group") == gname) & (pl.col("status") == T_CLASS)).any().alias(f"{gname}\x00T")]
    combined = pl.concat(parts_out, how="diagonal_relaxed")
    labels = method.tiers.labels
    combined = combined.with_columns(tier_label=pl.col("tier").replace_strict(labels, default=None))
    columns = ["uscc", "name", "group", "industry_code", "status", "t_reason", "area_mu", "pollution_eq"]
    for iid in ind_ids:
        columns += [f"{iid}_value", f"{iid}_benchmark", f"{iid}_score"]
    columns += ["base_score", "bonus", "penalty", "vetoed", "total", "rank", "tier", "tier_label"]
    have = combined.collect_schema().names()
    numbers = [c for c in have if c.startswith(_NUM)]
    reasons = [pl.col(c) if c in have else pl.lit(None, dtype=t).alias(c)
               for c, t in (("_rkey", pl.Int64), ("_reasons", pl.String), ("_adj_notes", pl.String))]
    combined = combined.select([pl.col(c) if c in have else pl.lit(None).alias(c) for c in columns] + reasons + numbers)
    # No predicate pushdown: each quantity is computed on the same rows as always (the land and
    # pollution figures on the whole frame, ratios per group, scores per group's rated firms).
    # Polars divides a column by a literal as a multiplication by its reciprocal, except on a
    # single row, so where a filter runs can move a quotient by one unit in the last place. The
    # in-memory engine: the streaming one cuts frames into morsels (single rows included).
    results, benchmarks, quotas, present = pl.collect_all(
        [combined, pl.concat(bench_out), pl.concat(quota_out), frame.select(presence)],
        optimizations=_FLAGS, engine="in-memory")
    if results.is_empty():
        raise EngineError("没有可评价的企业：输入中的口径与评价方法的分组都不匹配")
    results = _numbers_into_reasons(_reasons(results, method), method)
    results = _null_absent(results, method, present.row(0, named=True))
    benchmarks = benchmarks.rename({"_part": "partition"})
    quotas = quotas.select(
        pl.col("group").cast(pl.String), *[pl.col(c).cast(pl.Int64) for c in ("n", "vetoed", *TIERS)])
    return EvaluationResult(method=method, results=results, benchmarks=benchmarks, quotas=quotas)


def _reasons(results: pl.DataFrame, method: Method) -> pl.DataFrame:
    """Each firm's reasons as one string: its indicators' and coefficient's (`_rkey`, written once per distinct key
    and group) or a T firm's, then its adjustments' notes. Strings are built for the few distinct keys and
    gathered, and joined to notes only for the firms that have some."""
    keyed = results.select("group", "_rkey", *[f"{i}_score" for i in method.indicator_ids()
                                               if f"{i}_score" in results.columns]).filter(pl.col("_rkey").is_not_null())
    rows = []
    for gname, group in method.groups.items():
        firsts = keyed.filter(pl.col("group") == gname).group_by("_rkey").agg(
            [pl.col(f"{i}_score").first() for i in group.indicators])
        rows += [(gname, row["_rkey"], _reason_texts(group, row["_rkey"], row)) for row in firsts.iter_rows(named=True)]
    table = pl.DataFrame(rows, schema={"group": pl.String, "_rkey": pl.Int64, "_rtext": pl.String}, orient="row")
    text = results.select("group", "_rkey").join(table, on=["group", "_rkey"], how="left", maintain_order="left")
    text = text.get_column("_rtext").fill_null(results.get_column("_reasons"))
    noted = results.select(pl.arg_where(pl.col("_adj_notes").is_not_null())).to_series()
    if noted.len():
        joined = pl.select(_joined([text.gather(noted).alias("t"),
                                    results.get_column("_adj_notes").gather(noted).alias("n")])).to_series()
        text = text.scatter(noted, joined)
    return results.drop("_rkey", "_reasons", "_adj_notes").with_columns(text.alias("reasons"))


def _numbers_into_reasons(results: pl.DataFrame, method: Method) -> pl.DataFrame:
    """Each placeholder of a firm's reasons replaced by its number as `pl.format` writes it (the same cast), in the
    order the plan wrote them (the group's indicators, then the correction coefficient), touching only the firms
    and numbers there are; then the joined reasons become a list (none: [])."""
    numbers = [c for c in results.columns if c.startswith(_NUM)]
    reasons = results["reasons"]
    carrying = results.select(pl.int_range(pl.len(), dtype=pl.UInt32).alias("_i"), "group", *numbers).filter(
        pl.any_horizontal(pl.col(c).is_not_null() for c in numbers)) if numbers else None
    if carrying is not None and carrying.height:
        texts = reasons.gather(carrying["_i"])
        for gname, group in method.groups.items():
            for name in [f"{_NUM}{iid}" for iid in group.indicators] + [f"{_NUM}coef"]:
                if name not in carrying.columns:
                    continue
                at = carrying.select(pl.arg_where((pl.col("group") == gname) & pl.col(name).is_not_null())).to_series()
                if at.len():
                    filled = pl.select(texts.gather(at).str.replace(
                        _PH, carrying[name].gather(at).cast(pl.String), literal=True, n=1)).to_series()
                    texts = texts.scatter(at, filled)
        reasons = reasons.scatter(carrying["_i"], texts)
    return results.drop(numbers).with_columns(
        reasons.str.split(_SEP).fill_null(pl.lit([], dtype=pl.List(pl.String))).alias("reasons"))


def _null_absent(results: pl.DataFrame, method: Method, present: dict) -> pl.DataFrame:
    """A column no scored or T firm carries is all-null with no type, as if never computed."""
    carried: set[str] = set()
    for gname, group in method.groups.items():
        rated, t_class = present[f"{gname}\x00rated"], present[f"{gname}\x00T"]
        if rated or t_class:
            carried.update(f"{iid}_value" for iid in group.indicators)
        if rated:
            carried.update(f"{iid}_{kind}" for iid in group.indicators for kind in ("benchmark", "score"))
            carried.update(_RATED_ONLY)
    absent = [c for c in results.columns if c.endswith(("_value", "_benchmark", "_score")) or c in _RATED_ONLY]
    absent = [c for c in absent if c not in carried and c not in ("area_mu", "pollution_eq")]
    return results.with_columns(pl.lit(None).alias(c) for c in absent) if absent else results
