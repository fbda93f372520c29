"""The per-mu efficiency scoring engine (specs/evaluation.md §15). Pure Polars; no Django.

`evaluate(data, method, adjustments=None, prior=None)` scores one cycle:

    data         one row per enterprise, columns of `inputs.SCHEMA` (validated by `inputs`)
    adjustments  rows (uscc, rule_id, count) for the method's bonus / penalty / veto rules
    prior        prior-year indicator values: (uscc, group, [industry_code], <indicator ids>...)

Every group is benchmarked, scored, ranked and tiered separately. Loops run over groups and
indicators only; every per-enterprise computation is a vectorised column expression.
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


# --- derived quantities ------------------------------------------------------------

def _derived(frame: pl.DataFrame, method: Method) -> pl.DataFrame:
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


def _status(frame: pl.DataFrame, method: Method) -> pl.DataFrame:
    """T class: a declared reason, or (default) no usable land for a group that needs it."""
    needs_land = [g for g, grp in method.groups.items() if any("area_mu" in (i.num, i.den) for i in grp.indicators.values())]
    declared = pl.col("t_reason").is_not_null() & (pl.col("t_reason").str.strip_chars() != "")
    no_land = pl.col("group").is_in(needs_land) & (pl.col("area_mu").is_null() | (pl.col("area_mu") <= 0))
    if method.land.missing_land == "error":
        bad = frame.filter(~declared & no_land)["uscc"].to_list()
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


def _benchmarks(rated: pl.DataFrame, prior: pl.DataFrame | None, gname: str, group: Group) -> pl.DataFrame:
    """One row per (partition, indicator): benchmark value, the year it came from, population."""
    bm = group.benchmark
    parts = rated.select(pl.col("_part").unique()).to_series().to_list()
    rows = []
    for iid, ind in group.indicators.items():
        x = pl.col(f"{iid}_value")
        pop_filter = x.is_not_null() if bm.include_negative else (x.is_not_null() & (x >= 0))
        current = rated.filter(pop_filter).group_by("_part").agg(
            mean=x.mean(), n=x.count(), num=pl.col(ind.num).sum(), den=pl.col(ind.den).sum(),
        )
        current = {r["_part"]: r for r in current.to_dicts()}
        prior_stats: dict = {}
        if prior is not None and bm.source == "prior_year" and bm.stat == "mean_of_ratios" and iid in prior.columns:
            p = prior.filter(pl.col("group") == gname).with_columns(_part=_partition_expr(group))
            px = pl.col(iid)
            p_filter = px.is_not_null() if bm.include_negative else (px.is_not_null() & (px >= 0))
            prior_stats = {r["_part"]: r for r in p.filter(p_filter).group_by("_part").agg(
                mean=px.mean(), n=px.count()).to_dicts()}
        for part in parts:
            if bm.stat == "fixed":
                value, source, n = ind.fixed_benchmark, "fixed", None
            elif part in prior_stats and prior_stats[part]["n"]:
                value, source, n = bm.multiplier * prior_stats[part]["mean"], "prior_year", prior_stats[part]["n"]
            elif (bm.source == "current_year" or bm.fallback == "current_year") and part in current:
                c = current[part]
                stat = c["mean"] if bm.stat == "mean_of_ratios" else (
                    c["num"] / c["den"] * ind.scale if c["den"] else None)
                value = None if stat is None else bm.multiplier * stat
                source, n = "current_year", c["n"]
            else:
                value, source, n = None, "none", 0
            rows.append({"group": gname, "_part": part, "indicator": iid, "benchmark": value,
                         "source": source, "population": n})
    schema = {"group": pl.String, "_part": pl.String, "indicator": pl.String, "benchmark": pl.Float64,
              "source": pl.String, "population": pl.Int64}
    return pl.DataFrame(rows, schema=schema)


# --- scores -------------------------------------------------------------------------------

def _score_group(rated: pl.DataFrame, bench: pl.DataFrame, group: Group) -> pl.DataFrame:
    """Indicator scores, fills and reasons for the rated firms of one group."""
    scoring, missing = group.scoring, group.missing
    out = rated
    reason_cols, extra_penalty = [], pl.lit(0.0)
    for iid, ind in group.indicators.items():
        w = ind.weight
        x = pl.col(f"{iid}_value")
        b_frame = bench.filter(pl.col("indicator") == iid).select("_part", pl.col("benchmark").alias(f"{iid}_benchmark"))
        out = out.join(b_frame, on="_part", how="left")
        b = pl.col(f"{iid}_benchmark")
        if scoring.method == "ratio":
            rel = x / b if ind.direction == "higher_better" else (2 - x / b)
            raw = pl.when(b > 0).then(rel * w).otherwise(pl.when(x.is_not_null()).then(0.0))
            lo = None if scoring.floor is None else scoring.floor * w
            hi = None if scoring.cap_multiple is None else scoring.cap_multiple * w
        else:  # efficacy coefficient over the partition's firms with data
            lo_hi = out.group_by("_part").agg(_min=x.min(), _max=x.max())
            out = out.join(lo_hi, on="_part", how="left").rename({"_min": f"{iid}_min", "_max": f"{iid}_max"})
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
        clamped = pl.when(x.is_not_null()).then(clamped)
        out = out.with_columns(_raw=raw, _s=clamped)
        # Missing data (§9): fill with the group's average score, zero, or zero plus a penalty.
        if missing.rule == "fill_group_average_score":
            fill = out.select(pl.col("_s").mean()).item()
            fill = 0.0 if fill is None else fill
            fill_text = f"无有效数据，按组内该项平均得分{_num(fill)}赋分"
        else:
            fill = 0.0
            fill_text = "无有效数据，得0分" + (f"并扣{missing.penalty_points:g}分" if missing.rule == "penalty_points" else "")
            if missing.rule == "penalty_points":
                extra_penalty = extra_penalty + pl.when(x.is_null()).then(missing.penalty_points).otherwise(0.0)
        label = ind.name_zh or iid
        reason = (
            pl.when(x.is_null()).then(pl.lit(f"{iid} {label}：{fill_text}"))
            .when(pl.lit(hi is not None) & (pl.col("_raw") > (hi or 0)))
            .then(pl.format(f"{iid} {label}：得分{{}}超过上限，按{_num(hi or 0)}计", pl.col("_raw").round(4)))
            .when(pl.lit(lo is not None) & (pl.col("_raw") < (lo or 0)))
            .then(pl.format(f"{iid} {label}：得分{{}}低于下限，按{_num(lo or 0)}计", pl.col("_raw").round(4)))
            .otherwise(None)
        )
        out = out.with_columns(
            pl.col("_s").fill_null(fill).alias(f"{iid}_score"),
            reason.alias(f"_r_{iid}"),
        ).drop("_raw", "_s")
        reason_cols.append(f"_r_{iid}")
    coef = pl.col("correction_coefficient").fill_null(1.0)
    base = pl.sum_horizontal([pl.col(f"{i}_score") for i in group.indicators]) * coef
    coef_reason = pl.when(coef != 1.0).then(pl.format("修正系数{}", coef)).otherwise(None)
    return out.with_columns(
        base_score=base,
        _missing_penalty=extra_penalty,
        _reasons=pl.concat_list([pl.col(c) for c in reason_cols] + [coef_reason]).list.drop_nulls(),
    ).drop(reason_cols)


# --- adjustments -------------------------------------------------------------------------

def _adjustments(scored: pl.DataFrame, adjustments: pl.DataFrame | None, method: Method, gname: str) -> pl.DataFrame:
    """Bonus, penalty and veto per firm (§10). Events are few, so this walks the event rows."""
    rules = {r.id: r for r in method.adjustments if r.groups is None or gname in r.groups}
    base = dict(zip(scored["uscc"], scored["base_score"], strict=True))
    per_firm: dict[str, dict] = {}
    if adjustments is not None and rules:
        events = adjustments.filter(pl.col("uscc").is_in(list(base)) & pl.col("rule_id").is_in(list(rules)))
        for uscc, rule_id, count in events.select("uscc", "rule_id", "count").iter_rows():
            if not count:
                continue
            rule = rules[rule_id]
            firm = per_firm.setdefault(uscc, {"bonus": 0.0, "penalty": 0.0, "vetoed": False, "notes": []})
            times = count if rule.per_event else 1
            name = rule.name_zh or rule.id
            if rule.type == "veto":
                firm["vetoed"] = True
                firm["notes"].append(f"{name}：一票否决，定为D类")
                continue
            if rule.type == "add_points":
                amount = rule.value * times
            elif rule.type == "sub_points":
                amount = -rule.value * times
            elif rule.type in ("add_percent", "sub_percent"):
                amount = base[uscc] * rule.value / 100 * (1 if rule.type == "add_percent" else -1)
            else:  # sub_points_schedule: the k-th event costs schedule[k]; the last value repeats
                schedule = rule.schedule.get(gname) or []
                amount = -sum(schedule[min(k, len(schedule) - 1)] for k in range(int(count))) if schedule else 0.0
            if rule.cap is not None and abs(amount) > rule.cap:
                amount = rule.cap if amount > 0 else -rule.cap
            firm["bonus" if amount > 0 else "penalty"] += abs(amount)
            sign = "+" if amount >= 0 else "−"
            firm["notes"].append(f"{name}{'×' + str(int(count)) if rule.per_event or rule.type == 'sub_points_schedule' else ''}：{sign}{_num(abs(amount))}")
    for firm in per_firm.values():
        if method.max_total_bonus is not None and firm["bonus"] > method.max_total_bonus:
            firm["notes"].append(f"加分合计超过上限，按{_num(method.max_total_bonus)}计")
            firm["bonus"] = method.max_total_bonus
        if method.max_total_penalty is not None and firm["penalty"] > method.max_total_penalty:
            firm["notes"].append(f"扣分合计超过上限，按{_num(method.max_total_penalty)}计")
            firm["penalty"] = method.max_total_penalty
    frame = pl.DataFrame(
        [{"uscc": u, "bonus": f["bonus"], "penalty": f["penalty"], "vetoed": f["vetoed"], "_adj_notes": f["notes"]}
         for u, f in per_firm.items()],
        schema={"uscc": pl.String, "bonus": pl.Float64, "penalty": pl.Float64, "vetoed": pl.Boolean,
                "_adj_notes": pl.List(pl.String)},
    )
    out = scored.join(frame, on="uscc", how="left").with_columns(
        pl.col("bonus").fill_null(0.0), pl.col("vetoed").fill_null(False),
        pl.col("_adj_notes").fill_null([]),
        (pl.col("penalty").fill_null(0.0) + pl.col("_missing_penalty")).alias("penalty"),
    )
    total = pl.col("base_score") + pl.col("bonus") - pl.col("penalty")
    if method.total_clamp:
        lo, hi = method.total_clamp
        total = total.clip(lo, hi)
    return out.with_columns(total=total).drop("_missing_penalty")


# --- ranking and tiers -----------------------------------------------------------------------

def _rank_and_tier(scored: pl.DataFrame, method: Method, gname: str, n_t: int) -> tuple[pl.DataFrame, dict]:
    precision = method.rank_precision
    ranked = scored.with_columns(total_rounded=pl.col("total").round(precision, mode="half_away_from_zero"))
    keys, desc = [], []
    for entry in method.tie_break:
        name, direction = entry.split()
        keys.append("total_rounded" if name == "total" else ("uscc" if name == "uscc" else f"{name}_value"))
        desc.append(direction == "desc")
    present = [(k, d) for k, d in zip(keys, desc, strict=True) if k in ranked.columns]
    ranked = ranked.sort([k for k, _ in present], descending=[d for _, d in present], nulls_last=True)
    ranked = ranked.with_row_index("rank", offset=1)
    vetoed = int(ranked["vetoed"].sum())
    tiers = method.tiers
    base_n = len(ranked) + (n_t if tiers.quota_base == "rated_plus_T" else 0)
    counts = quota_counts(base_n, tiers, rated=len(ranked), vetoed=vetoed)
    # Position among the firms that were not vetoed decides A, B, C or D.
    ranked = ranked.with_columns(
        _pos=pl.when(~pl.col("vetoed")).then(pl.int_range(pl.len()).over(pl.col("vetoed")))
    )
    m = len(ranked) - vetoed
    a, b, d_rank = counts["A"], counts["B"], counts["D_by_rank"]
    tier = (
        pl.when(pl.col("vetoed")).then(pl.lit("D"))
        .when(pl.col("_pos") < a).then(pl.lit("A"))
        .when(pl.col("_pos") < a + b).then(pl.lit("B"))
        .when(pl.col("_pos") >= m - d_rank).then(pl.lit("D"))
        .otherwise(pl.lit("C"))
    )
    ranked = ranked.with_columns(tier=tier).drop("_pos", "total_rounded")
    assigned = {t: int((ranked["tier"] == t).sum()) for t in TIERS}
    return ranked.with_columns(pl.col("rank").cast(pl.Int64)), {"group": gname, "n": base_n, "vetoed": vetoed, **assigned}


# --- entry point ---------------------------------------------------------------------------

def evaluate(
    data: pl.DataFrame,
    method: Method,
    adjustments: pl.DataFrame | None = None,
    prior: pl.DataFrame | None = None,
) -> EvaluationResult:
    frame = _status(_derived(data, method), method)
    ind_ids = method.indicator_ids()
    parts_out, bench_out, quota_rows = [], [], []
    for gname, group in method.groups.items():
        members = frame.filter(pl.col("group") == gname)
        if members.is_empty():
            continue
        members = members.with_columns(
            _part=_partition_expr(group),
            **{f"{iid}_value": _ratio(ind) for iid, ind in group.indicators.items()},
        )
        rated = members.filter(pl.col("status") == RATED)
        t_firms = members.filter(pl.col("status") == T_CLASS)
        bench = _benchmarks(rated, prior, gname, group)
        bench_out.append(bench)
        if not rated.is_empty():
            scored = _adjustments(_score_group(rated, bench, group), adjustments, method, gname)
            ranked, quota = _rank_and_tier(scored, method, gname, len(t_firms))
            quota_rows.append(quota)
            parts_out.append(ranked)
        if not t_firms.is_empty():
            parts_out.append(t_firms.with_columns(
                tier=pl.lit("T"),
                _reasons=pl.concat_list([pl.format("暂不评价：{}", pl.col("t_reason").replace(T_REASON_LABELS))]),
                _adj_notes=pl.lit([], dtype=pl.List(pl.String)),
            ))
    if not parts_out:
        raise EngineError("没有可评价的企业：输入中的口径与评价方法的分组都不匹配")
    results = pl.concat(parts_out, how="diagonal_relaxed")
    labels = method.tiers.labels
    results = results.with_columns(
        tier_label=pl.col("tier").replace_strict(labels, default=None),
        reasons=pl.concat_list([pl.col("_reasons"), pl.col("_adj_notes")]),
    )
    columns = ["uscc", "name", "group", "industry_code", "status", "t_reason", "area_mu", "pollution_eq"]
    for iid in ind_ids:
        columns += [f"{iid}_value", f"{iid}_benchmark", f"{iid}_score"]
    columns += ["base_score", "bonus", "penalty", "vetoed", "total", "rank", "tier", "tier_label", "reasons"]
    for col in columns:
        if col not in results.columns:
            results = results.with_columns(pl.lit(None).alias(col))
    group_order = {g: i for i, g in enumerate(method.groups)}
    results = (
        results.with_columns(_g=pl.col("group").replace_strict(group_order, default=len(group_order)))
        .sort(["_g", "rank", "uscc"], nulls_last=True)
        .select(columns)
    )
    benchmarks = pl.concat(bench_out).rename({"_part": "partition"}) if bench_out else pl.DataFrame()
    quotas = pl.DataFrame(quota_rows, schema={"group": pl.String, "n": pl.Int64, "vetoed": pl.Int64,
                                              **{t: pl.Int64 for t in TIERS}})
    return EvaluationResult(method=method, results=results, benchmarks=benchmarks, quotas=quotas)
