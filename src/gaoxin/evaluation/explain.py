"""How every point of one enterprise was earned, and what-if: the smallest rise of one
indicator that lifts it to the next tier under the current benchmarks. Pure; no Django."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from .engine import TIERS, EvaluationResult
from .method import RatioScoring


def explain(result: EvaluationResult, uscc: str) -> list[str]:
    """Plain-Chinese lines, from raw figures to the tier."""
    row = result.row(uscc)
    method = result.method
    lines = [f"{row['name']}（{row['uscc']}）· 口径 {row['group']}"]
    if row["status"] == "T":
        lines.append(f"暂不评价（T类）：{row['reasons'][0] if row['reasons'] else row['t_reason']}")
        return lines
    group = method.groups[row["group"]]
    lines.append(f"用地面积 {row['area_mu']:.4f} 亩" if row["area_mu"] is not None else "用地面积：无")
    for iid, ind in group.indicators.items():
        value, bench, score = row[f"{iid}_value"], row[f"{iid}_benchmark"], row[f"{iid}_score"]
        label = ind.name_zh or iid
        if value is None:
            lines.append(f"{iid} {label}：无有效数据（{ind.num} ÷ {ind.den}），得分 {score:.4f}")
        elif isinstance(group.scoring, RatioScoring):
            bench_text = f"{bench:.4f}" if bench is not None else "无"
            lines.append(f"{iid} {label}：指标值 {value:.4f}，基准值 {bench_text}，权重 {ind.weight:g}，得分 {score:.4f}")
        else:
            lines.append(f"{iid} {label}：指标值 {value:.4f}，权重 {ind.weight:g}，功效系数得分 {score:.4f}")
    lines.append(f"指标合计 {row['base_score']:.4f}；加分 {row['bonus']:.4f}；扣分 {row['penalty']:.4f}；综合得分 {row['total']:.4f}")
    lines.extend(f"说明：{r}" for r in row["reasons"])
    lines.append(f"组内排名 第{row['rank']}名；等级 {row['tier']}（{row['tier_label']}）")
    return lines


@dataclass(frozen=True)
class WhatIf:
    uscc: str
    indicator: str
    current_tier: str
    target_tier: str | None
    target_total: float | None  # the total needed (the lowest total now in the target tier, plus one step)
    current_value: float | None
    required_value: float | None  # None when the indicator alone cannot get there
    message: str


def _score_of(result: EvaluationResult, group_name: str, iid: str, x: float, part_row: dict) -> float:
    """The capped score an indicator value x would earn, with today's benchmark / min / max."""
    group = result.method.groups[group_name]
    ind, scoring = group.indicators[iid], group.scoring
    w = ind.weight
    if isinstance(scoring, RatioScoring):
        b = part_row[f"{iid}_benchmark"]
        if not b or b <= 0:
            return 0.0
        raw = (x / b if ind.direction == "higher_better" else 2 - x / b) * w
        if scoring.cap_multiple is not None:
            raw = min(raw, scoring.cap_multiple * w)
        if scoring.floor is not None:
            raw = max(raw, scoring.floor * w)
        return raw
    values = result.results.filter((pl.col("group") == group_name) & (pl.col("status") == "rated"))[f"{iid}_value"]
    mn, mx = values.min(), values.max()
    mn, mx = min(mn, x), max(mx, x)
    if mx == mn:
        return w
    pos = (x - mn) / (mx - mn) if ind.direction == "higher_better" else (mx - x) / (mx - mn)
    return w * (scoring.floor_pct + scoring.span_pct * pos) / 100


def what_if(result: EvaluationResult, uscc: str, indicator: str) -> WhatIf:
    """Indicative: the cut moves when anyone's data change, and a rise pushes someone else down."""
    row = result.row(uscc)
    method = result.method

    def answer(message: str, **kw) -> WhatIf:
        fields = {"target_tier": None, "target_total": None, "current_value": row.get(f"{indicator}_value"),
                  "required_value": None} | kw
        return WhatIf(uscc=uscc, indicator=indicator, current_tier=row["tier"], message=message, **fields)

    if row["status"] == "T":
        return answer("T类企业不参与排名，无法测算")
    group = method.groups[row["group"]]
    if indicator not in group.indicators:
        return answer(f"口径 {row['group']} 没有指标 {indicator}（可选：{'、'.join(group.indicators)}）")
    if row["vetoed"]:
        return answer("该企业被一票否决，提高得分不能改变等级")
    if row["tier"] == "A":
        return answer("已是A类")
    peers = result.results.filter((pl.col("group") == row["group"]) & (pl.col("status") == "rated") & ~pl.col("vetoed"))
    better = [t for t in TIERS[: TIERS.index(row["tier"])] if (peers["tier"] == t).any()]
    if not better:
        return answer("没有更高等级的企业可比（该等级名额为0）")
    target = better[-1]
    step = 10 ** -method.rank_precision
    cut = peers.filter(pl.col("tier") == target)["total"].min() + step
    value = row[f"{indicator}_value"]
    if value is None:
        return answer("该指标无有效数据，按平均得分计，无法测算", target_tier=target, target_total=cut)
    # total = (base + Δscore × coefficient) × (1 + percent adjustments) + points: solve for the score needed.
    coefficient = (row["base_score"] / sum(row[f"{i}_score"] for i in group.indicators)) if row["base_score"] else 1.0
    points = row["total"] - row["base_score"]  # bonus − penalty, percentages included as points (indicative)
    needed_score = row[f"{indicator}_score"] + (cut - points - row["base_score"]) / (coefficient or 1.0)
    ind = group.indicators[indicator]
    increasing = ind.direction == "higher_better"
    best = _score_of(result, row["group"], indicator, value * 1e6 + 1e6 if increasing else 0.0, row)
    if needed_score > best + 1e-12:
        return answer(f"仅提高{indicator}不足以升到{target}类：该项最多得{best:.4f}分，需要{needed_score:.4f}分",
                      target_tier=target, target_total=cut)
    # The score is monotone in the value: bisect for the smallest sufficient change.
    lo, hi = value, value
    span = max(abs(value), 1.0)
    while _score_of(result, row["group"], indicator, hi, row) < needed_score:
        hi = hi + span if increasing else hi - span
        span *= 2
        if not increasing and hi <= 0:
            hi = 0.0
            break
    for _ in range(200):
        mid = (lo + hi) / 2
        if _score_of(result, row["group"], indicator, mid, row) >= needed_score:
            hi = mid
        else:
            lo = mid
    verb = "提高到" if increasing else "降低到"
    return answer(
        f"{indicator} {ind.name_zh or ''}从 {value:.4f} {verb} {hi:.4f}，综合得分可达 {cut:.4f}，升为{target}类（测算值，"
        "名次随其他企业数据变化）",
        target_tier=target, target_total=cut, required_value=hi,
    )
