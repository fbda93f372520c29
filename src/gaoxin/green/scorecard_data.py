"""The green scorecard's input, read from what Gaoxin already holds (benefits.md §7.4, no new data entry): per firm
the latest released per-mu tier (`evaluation.TierHistory`), the carbon-efficiency grade (computed, selectors), its live
labels (the best green-factory level, the best smart-manufacturing level as the method ranks them, green supply
chain, near-zero-carbon, the number of green-design products) and, from the latest evaluation year, the penalty
events the settings name (GAOXIN_GREEN_SCORECARD_PENALTY_RULES). A firm enters when it has a tier, a carbon grade
or a label. A fixed number of queries, whatever the number of firms."""

from __future__ import annotations

from collections import defaultdict

import polars as pl
from django.conf import settings
from django.db.models import Max, Sum

from .models import GreenLabel, LabelKind, LabelStatus
from .scorecard import ScorecardMethod, builtin_scorecard

SCHEMA = {"enterprise_id": pl.Int64, "per_mu_tier": pl.String, "carbon_grade": pl.String, "green_factory": pl.String,
          "smart_level": pl.String, "green_supply_chain": pl.Boolean, "near_zero_carbon": pl.Boolean,
          "green_design_products": pl.Int64}


def zone_method() -> ScorecardMethod:
    return builtin_scorecard(settings.GAOXIN_GREEN_SCORECARD_METHOD)


def _best(levels: list[str], method: ScorecardMethod, column: str) -> str | None:
    """The level the method gives most points to, among those the firm holds."""
    points = next((i.points for i in method.indicators.values() if i.column == column), {})
    return max(levels, key=lambda level: points.get(level, -1)) if levels else None


def scorecard_inputs(method: ScorecardMethod | None = None) -> pl.DataFrame:
    from gaoxin.evaluation.models import CycleAdjustment, TierHistory

    from .selectors import carbon_grades

    method = method or zone_method()
    firms: dict[int, dict] = defaultdict(dict)
    latest: dict[int, int] = {}
    for firm, year, tier in TierHistory.objects.values_list("enterprise_id", "year", "tier").iterator(chunk_size=5000):
        if year > latest.get(firm, 0):
            latest[firm] = year
            firms[firm]["per_mu_tier"] = tier
    for row in carbon_grades():
        if row["grade"]:
            firms[row["enterprise_id"]]["carbon_grade"] = row["grade"]
    factories, smart = defaultdict(list), defaultdict(list)
    for firm, kind, level in (GreenLabel.objects.filter(status=LabelStatus.ACTIVE)
                              .values_list("enterprise_id", "kind", "level")):
        entry = firms[firm]
        if kind == LabelKind.GREEN_FACTORY:
            factories[firm].append(level)
        elif kind in (LabelKind.SMART_FACTORY, LabelKind.SMART_WORKSHOP):
            smart[firm].append(level)
        elif kind == LabelKind.GREEN_SUPPLY_CHAIN:
            entry["green_supply_chain"] = True
        elif kind == LabelKind.NEAR_ZERO_CARBON:
            entry["near_zero_carbon"] = True
        elif kind == LabelKind.GREEN_DESIGN_PRODUCT:
            entry["green_design_products"] = entry.get("green_design_products", 0) + 1
    for firm, levels in factories.items():
        firms[firm]["green_factory"] = _best(levels, method, "green_factory")
    for firm, levels in smart.items():
        firms[firm]["smart_level"] = _best(levels, method, "smart_level")
    penalty_columns = {p.column for p in method.penalties.values()}
    year = CycleAdjustment.objects.aggregate(year=Max("cycle__data_year"))["year"]
    events: dict[str, dict[int, int]] = {c: {} for c in penalty_columns}
    for column, rules in settings.GAOXIN_GREEN_SCORECARD_PENALTY_RULES.items():
        if column not in penalty_columns or year is None:
            continue
        for firm, n in (CycleAdjustment.objects.filter(cycle__data_year=year, rule_id__in=rules)
                        .values_list("participant__enterprise_id").annotate(n=Sum("count")).order_by()):
            events[column][firm] = n
    rows = [{"enterprise_id": firm, **values, **{c: events[c].get(firm, 0) for c in penalty_columns}}
            for firm, values in sorted(firms.items())]
    schema = {**SCHEMA, **{c: pl.Int64 for c in penalty_columns}}
    return pl.DataFrame(rows, schema=schema) if rows else pl.DataFrame(schema=schema)
