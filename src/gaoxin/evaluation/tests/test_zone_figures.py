"""The zone summary's headline figures (issue 14 §4), checked against figures worked out by hand."""

import polars as pl
import pytest

from gaoxin.evaluation.zone_figures import ZONE, zone_figures


def year(rows, tiers):
    rated = pl.DataFrame(rows, schema={"uscc": pl.String, "area_mu": pl.Float64, "I1_value": pl.Float64,
                                       "I2_value": pl.Float64}, orient="row")
    return rated, pl.DataFrame(tiers, schema={"uscc": pl.String, "final_tier": pl.String, "park": pl.String},
                               orient="row")


def test_totals_per_mu_and_changes_for_the_zone_and_each_park():
    # 2024: a (10 mu, tax 2/mu, sales 40/mu) in 东区, b (20 mu, 1/mu, 30/mu) in 西区, c in T (no land) in 西区.
    y2024 = year([("a", 10, 2, 40), ("b", 20, 1, 30)], [("a", "A", "东区"), ("b", "C", "西区"), ("c", "T", "西区")])
    # 2025: a (10 mu, 3/mu, 50/mu) A, b (20 mu, 1.5/mu, 30/mu) A.
    y2025 = year([("a", 10, 3, 50), ("b", 20, 1.5, 30)], [("a", "A", "东区"), ("b", "A", "西区")])
    rows = {(r["scope"], r["year"]): r for r in zone_figures([(2024, *y2024), (2025, *y2025)]).to_dicts()}

    zone24, zone25 = rows[(ZONE, 2024)], rows[(ZONE, 2025)]
    assert (zone24["firms"], zone24["a_count"], zone24["a_change"]) == (2, 1, None)  # c (T) is not rated
    assert (zone24["tax_total"], zone24["sales_total"]) == (40, 1000)  # 10×2 + 20×1; 10×40 + 20×30
    assert zone24["tax_per_mu"] == pytest.approx(40 / 30) and zone24["tax_total_yoy"] is None
    assert (zone25["a_count"], zone25["a_change"]) == (2, 1)
    assert (zone25["tax_total"], zone25["sales_total"]) == (60, 1100)
    assert zone25["tax_total_yoy"] == pytest.approx(50.0) and zone25["sales_total_yoy"] == pytest.approx(10.0)
    assert zone25["tax_per_mu_yoy"] == pytest.approx((60 / 30) / (40 / 30) * 100 - 100)

    west24, west25 = rows[("西区", 2024)], rows[("西区", 2025)]
    assert (west24["firms"], west24["a_count"], west24["tax_total"]) == (1, 0, 20)
    assert (west25["a_change"], west25["tax_total_yoy"]) == (1, pytest.approx(50.0))
    assert rows[("东区", 2025)]["sales_per_mu_yoy"] == pytest.approx(25.0)


def test_nothing_released_gives_nothing():
    assert zone_figures([]).is_empty()
