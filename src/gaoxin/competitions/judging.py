"""Judging a zone round (issue 22 item 4), pure: no Django. A weighted rubric; each judge scores each of their entries
per criterion; an entry needs N judges with a mix of kinds (e.g. 1 technical + 2 investment); judges' scales differ, so
each judge's weighted totals are normalised over the entries they scored (z-score or rank, configurable) before the
entry's judges are averaged; entries are ranked like the evaluation ranks firms: the result rounded to `precision`
(half away from zero) first, then tie-break keys in order ("<criterion> desc": that criterion's mean raw score, then
"key asc": the entry's stable key), and every entry gets its own rank.

Exact arithmetic with Decimal throughout; the square root of the z-score's variance is Decimal's own, so the hand-
computed test vectors hold to the last digit."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, getcontext

ZSCORE, RANK, RAW = "zscore", "rank", "raw"
METHODS = {ZSCORE: "标准分（z 分数）", RANK: "名次分", RAW: "原始分"}


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str
    weight: Decimal  # the weights of a rubric sum to 1
    max_score: Decimal = Decimal(100)


@dataclass(frozen=True)
class Rubric:
    criteria: tuple[Criterion, ...]

    def __post_init__(self):
        if not self.criteria:
            raise ValueError("评分细则至少需要一项评分指标")
        if len({c.code for c in self.criteria}) != len(self.criteria):
            raise ValueError("评分指标编码不能重复")
        if sum((c.weight for c in self.criteria), Decimal(0)) != 1:
            raise ValueError("评分指标权重之和应为 100%")
        if any(c.weight <= 0 or c.max_score <= 0 for c in self.criteria):
            raise ValueError("权重和满分应大于 0")

    def weighted(self, marks: dict[str, Decimal]) -> Decimal:
        """A judge's total for one entry on a 0–100 scale: Σ weight × mark / max × 100. Every criterion is needed,
        and a mark is between 0 and the criterion's maximum."""
        total = Decimal(0)
        for c in self.criteria:
            mark = marks.get(c.code)
            if mark is None:
                raise ValueError(f"缺少“{c.label}”的评分")
            if not 0 <= mark <= c.max_score:
                raise ValueError(f"“{c.label}”的评分应在 0 至 {c.max_score} 之间")
            total += c.weight * mark / c.max_score * 100
        return total


def mix_shortfall(kinds_needed: dict[str, int], kinds_assigned: list[str]) -> dict[str, int]:
    """What an entry's panel still lacks against the mix rule ({"technical": 1, "investment": 2}): kind -> missing."""
    have = defaultdict(int)
    for kind in kinds_assigned:
        have[kind] += 1
    return {kind: n - have[kind] for kind, n in kinds_needed.items() if have[kind] < n}


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def normalise(totals: dict[str, Decimal], method: str) -> dict[str, Decimal]:
    """One judge's totals over the entries they scored (entry -> total), normalised.

    - zscore: (x − mean) / population standard deviation; all equal → 0 each.
    - rank: the judge's best entry 1, worst 0, evenly between ((n − rank) / (n − 1), ties sharing their mean rank);
      a judge with one entry gives it 1.
    - raw: unchanged."""
    if method == RAW:
        return dict(totals)
    if method == ZSCORE:
        values = list(totals.values())
        mean = _mean(values)
        variance = _mean([(v - mean) ** 2 for v in values])
        if variance == 0:
            return {k: Decimal(0) for k in totals}
        sd = variance.sqrt(getcontext())
        return {k: (v - mean) / sd for k, v in totals.items()}
    if method == RANK:
        n = len(totals)
        if n == 1:
            return {k: Decimal(1) for k in totals}
        ordered = sorted(totals.items(), key=lambda kv: -kv[1])
        ranks: dict[str, Decimal] = {}
        i = 0
        while i < n:
            j = i
            while j + 1 < n and ordered[j + 1][1] == ordered[i][1]:
                j += 1
            mean_rank = Decimal(i + 1 + j + 1) / 2
            for k in range(i, j + 1):
                ranks[ordered[k][0]] = mean_rank
            i = j + 1
        return {k: (n - r) / (n - 1) for k, r in ranks.items()}
    raise ValueError(f"未知的标准化方法：{method}")


@dataclass(frozen=True)
class EntryResult:
    entry: str
    score: Decimal  # the mean of the judges' normalised totals, rounded to the precision
    raw_mean: Decimal  # the mean of the judges' weighted totals (0–100), rounded to 2 places
    judges: int
    rank: int = 0
    criteria_means: dict[str, Decimal] = field(default_factory=dict)


def _round(value: Decimal, places: int) -> Decimal:
    quantum = Decimal(1).scaleb(-places)
    # half away from zero, as the evaluation (ROUND_HALF_UP in Decimal is away from zero for negatives too)
    return value.quantize(quantum, rounding=ROUND_HALF_UP)


def rank_entries(scores: dict[tuple[str, str], dict[str, Decimal]], rubric: Rubric, *, method: str = ZSCORE,
                 precision: int = 4, tie_break: tuple[str, ...] = ("key asc",), min_judges: int = 1
                 ) -> list[EntryResult]:
    """scores: (entry, judge) -> {criterion: mark}. Each judge's weighted totals are normalised over their entries;
    an entry's score is the mean over its judges. Entries with fewer than `min_judges` judges are left out (their
    panel is incomplete). Sorted by the rounded score descending, then the tie-break keys: "<criterion code> desc|asc"
    (the mean raw mark of that criterion over the entry's judges) and "key asc|desc" (the entry key, always last
    resort); ranks 1..n without gaps."""
    by_judge: dict[str, dict[str, Decimal]] = defaultdict(dict)
    marks_by_entry: dict[str, list[dict[str, Decimal]]] = defaultdict(list)
    for (entry, judge), marks in scores.items():
        by_judge[judge][entry] = rubric.weighted(marks)
        marks_by_entry[entry].append(marks)
    normalised: dict[str, list[Decimal]] = defaultdict(list)
    raw: dict[str, list[Decimal]] = defaultdict(list)
    for totals in by_judge.values():
        for entry, value in normalise(totals, method).items():
            normalised[entry].append(value)
            raw[entry].append(totals[entry])
    codes = {c.code for c in rubric.criteria}
    results = []
    for entry, values in normalised.items():
        if len(values) < min_judges:
            continue
        means = {c: _mean([m[c] for m in marks_by_entry[entry]]) for c in codes}
        results.append(EntryResult(entry, _round(_mean(values), precision), _round(_mean(raw[entry]), 2),
                                   len(values), 0, means))
    keys = []
    for spec in tie_break:
        name, direction = spec.split()
        if name != "key" and name not in codes:
            raise ValueError(f"未知的并列处理指标：{name}")
        keys.append((name, direction == "desc"))
    if not any(name == "key" for name, _ in keys):
        keys.append(("key", False))
    # Stable sorts from the last key to the first, the score (descending) last of all.
    results.sort(key=lambda r: r.entry)
    for name, descending in reversed(keys):
        if name == "key":
            results.sort(key=lambda r: r.entry, reverse=descending)
        else:
            results.sort(key=lambda r, n=name: r.criteria_means[n], reverse=descending)
    results.sort(key=lambda r: r.score, reverse=True)
    return [EntryResult(r.entry, r.score, r.raw_mean, r.judges, i, r.criteria_means)
            for i, r in enumerate(results, 1)]
