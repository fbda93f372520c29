"""specs/evaluation.md §16: every published figure, to 4 decimal places."""

import pytest

from gaoxin.evaluation.engine import evaluate, quota_counts
from gaoxin.evaluation.method import builtin_method, method_from_dict

from .vectors import E, F, above_frame, adjustments_frame, below_frame


def default_dict():
    import yaml

    from gaoxin.evaluation.method import METHODS_DIR

    return yaml.safe_load((METHODS_DIR / "shandong_default.yaml").read_text(encoding="utf-8"))


def by_firm(result, column):
    return {row["name"]: row[column] for row in result.results.iter_rows(named=True)}


def approx(value):
    return pytest.approx(value, abs=5e-5)


@pytest.fixture(scope="module")
def variant_s():
    return evaluate(above_frame(), builtin_method("shandong_default"), adjustments_frame())


def test_derived_quantities(variant_s):
    assert by_firm(variant_s, "area_mu")["E4"] == approx(45.0)
    assert by_firm(variant_s, "pollution_eq")["E2"] == approx(73_000)
    assert by_firm(variant_s, "I4_value")["E3"] is None


def test_variant_s_benchmarks(variant_s):
    bench = {r["indicator"]: r["benchmark"] for r in variant_s.benchmarks.filter(group="ABOVE").iter_rows(named=True)}
    expected = {"I1": 36.7457, "I2": 820.7407, "I3": 25.4, "I4": 3.7753, "I5": 5.6, "I6": 30.2}
    assert {k: round(v, 4) for k, v in bench.items()} == expected
    assert set(variant_s.benchmarks["source"]) == {"current_year"}  # no prior year: current-year fallback


def test_variant_s_scores_and_tiers(variant_s):
    totals = by_firm(variant_s, "total")
    expected = {"E1": 75.1556, "E2": 29.4981, "E3": 92.0520, "E4": 27.8259, "E5": 6.0690}
    assert {k: round(v, 4) for k, v in totals.items()} == expected
    assert by_firm(variant_s, "tier") == {"E3": "A", "E1": "B", "E2": "B", "E4": "C", "E5": "D"}
    assert by_firm(variant_s, "I4_score")["E3"] == approx(4.6104)
    assert by_firm(variant_s, "I1_score")["E5"] == 0.0
    assert by_firm(variant_s, "rank") == {"E3": 1, "E1": 2, "E2": 3, "E4": 4, "E5": 5}


def test_variant_s_reasons_word_for_word_in_order(variant_s):
    """Each number in its reason as the score reads to 4 places (a clipped score, the coefficient), in the order:
    the group's indicators, then the coefficient, then the adjustments."""
    assert by_firm(variant_s, "reasons") == {
        "E3": ["I1 单位用地税收：得分32.6569超过上限，按30.0000计", "I3 单位能耗销售收入：得分31.4961超过上限，按20.0000计",
               "I4 单位污染物排放销售收入：无有效数据，按组内该项平均得分4.6104赋分", "I5 研发经费投入强度：得分12.5超过上限，按10.0000计"],
        "E1": ["I4 单位污染物排放销售收入：得分11.5584超过上限，按10.0000计", "高新技术企业：+2.0000"],
        "E2": ["环境行政处罚×1：−3.0000"], "E4": [], "E5": ["I1 单位用地税收：得分-0.2016低于下限，按0.0000计"],
    }
    import polars as pl

    coefficient = above_frame().with_columns(correction_coefficient=pl.when(pl.col("name").is_in(["E1", "E3"]))
                                             .then(pl.lit(0.85)).otherwise(None))
    reasons = by_firm(evaluate(coefficient, builtin_method("shandong_default"), adjustments_frame()), "reasons")
    assert reasons["E1"] == ["I4 单位污染物排放销售收入：得分11.5584超过上限，按10.0000计", "修正系数0.85", "高新技术企业：+2.0000"]
    assert reasons["E3"][-1] == "修正系数0.85" and reasons["E4"] == []


def test_variant_s_reasons_explain_caps_floors_and_fills(variant_s):
    reasons = by_firm(variant_s, "reasons")
    assert any("I1" in r and "上限" in r for r in reasons["E3"])
    assert any("I4" in r and "平均得分4.6104" in r for r in reasons["E3"])
    assert any("I1" in r and "下限" in r for r in reasons["E5"])
    assert any("高新技术企业" in r and "+2.0000" in r for r in reasons["E1"])
    assert any("环境行政处罚" in r and "−3.0000" in r for r in reasons["E2"])


def test_veto_variant():
    result = evaluate(above_frame(), builtin_method("shandong_default"), adjustments_frame(veto_e2=True))
    assert by_firm(result, "tier") == {"E3": "A", "E1": "B", "E4": "B", "E5": "C", "E2": "D"}
    assert by_firm(result, "vetoed")["E2"] is True
    assert round(by_firm(result, "total")["E2"], 4) == 29.4981  # still scored and published


def test_variant_z():
    d = default_dict()
    for g in d["groups"].values():
        g["benchmark"]["multiplier"] = 1
        g["scoring"]["cap_multiple"] = 2
    result = evaluate(above_frame(), method_from_dict(d), adjustments_frame())
    totals = {k: round(v, 4) for k, v in by_firm(result, "total").items()}
    assert totals == {"E1": 148.3112, "E2": 61.9963, "E3": 184.1040, "E4": 55.6517, "E5": 12.1379}
    assert by_firm(result, "tier") == {"E3": "A", "E1": "B", "E2": "B", "E4": "C", "E5": "D"}
    assert by_firm(result, "I4_score")["E3"] == approx(9.2208)


def test_efficacy_variant():
    result = evaluate(above_frame(), builtin_method("efficacy"), adjustments_frame())
    totals = {k: round(v, 4) for k, v in by_firm(result, "total").items()}
    assert totals == {"E1": 75.8970, "E2": 39.4530, "E3": 94.9851, "E4": 35.6632, "E5": 20.0000}
    assert by_firm(result, "tier") == {"E3": "A", "E1": "B", "E2": "B", "E4": "C", "E5": "D"}


def test_below_scale_huangyan_fixed_benchmarks():
    d = default_dict()
    d["groups"] = {"BELOW": {
        "indicators": {
            "I1": {"num": "tax_wan", "den": "area_mu", "weight": 50, "fixed_benchmark": 11.5932},
            "I7": {"num": "tax_wan", "den": "electricity_wan_kwh", "weight": 50, "fixed_benchmark": 0.2352},
        },
        "benchmark": {"stat": "fixed"},
        "scoring": {"method": "ratio", "cap_multiple": None},
    }}
    d["adjustments"] = []
    d["tie_break"] = ["total desc", "I1 desc", "uscc asc"]
    result = evaluate(below_frame(), method_from_dict(d))
    assert {k: round(v, 4) for k, v in by_firm(result, "total").items()} == {
        "F1": 109.1524, "F2": 42.7617, "F3": 165.0363}
    assert by_firm(result, "tier") == {"F3": "B", "F1": "C", "F2": "D"}  # no A in a group of 3
    assert set(by_firm(result, "uscc").values()) == set(F.values())


@pytest.mark.parametrize("n,expected", [
    (3, (0, 1, 1, 1)), (5, (1, 2, 1, 1)), (8, (1, 3, 3, 1)), (20, (4, 8, 7, 1)),
    (100, (20, 40, 35, 5)), (318, (63, 127, 112, 16)),
])
def test_quota_table(n, expected):
    counts = quota_counts(n, builtin_method("shandong_default").tiers)
    assert (counts["A"], counts["B"], counts["C"], counts["D"]) == expected


def test_many_vetoes_shrink_b_then_a():
    tiers = builtin_method("shandong_default").tiers
    counts = quota_counts(5, tiers, vetoed=4)  # one firm left to place
    assert counts == {"A": 1, "B": 0, "C": 0, "D": 4, "D_by_rank": 0}
    counts = quota_counts(5, tiers, vetoed=5)
    assert counts["A"] == 0 and counts["D"] == 5


def test_t_class_excluded_from_benchmark_and_rank():
    import polars as pl

    frame = above_frame().with_columns(
        t_reason=pl.when(pl.col("name") == "E5").then(pl.lit("START_UP")).otherwise(None))
    result = evaluate(frame, builtin_method("shandong_default"), adjustments_frame())
    assert by_firm(result, "tier")["E5"] == "T" and by_firm(result, "rank")["E5"] is None
    i1 = result.benchmarks.filter(indicator="I1")["benchmark"][0]
    assert round(i1, 4) == round(2 * (30 + 15 + 40 + 7.1111111) / 4, 4)
    assert "初创期企业" in by_firm(result, "reasons")["E5"][0]


def test_missing_land_makes_t_class():
    import polars as pl

    frame = above_frame().with_columns(own_land_m2=pl.when(pl.col("name") == "E4").then(None).otherwise(pl.col("own_land_m2")),
                                       leased_out_m2=pl.when(pl.col("name") == "E4").then(None).otherwise(pl.col("leased_out_m2")))
    result = evaluate(frame, builtin_method("shandong_default"))
    row = result.row(E["E4"])
    assert row["tier"] == "T" and row["t_reason"] == "LAND_UNRESOLVED"


def test_schedule_percent_and_caps():
    import polars as pl

    d = default_dict()
    d["adjustments"].append({"id": "PCT", "type": "add_percent", "value": 10})
    d["adjustments"].append({"id": "BIG", "type": "add_points", "value": 50, "cap": 4})
    events = pl.DataFrame({"uscc": [E["E4"], E["E4"], E["E5"]], "rule_id": ["SUBLET", "PCT", "BIG"], "count": [3, 1, 1]})
    result = evaluate(above_frame(), method_from_dict(d), events)
    e4, e5 = result.row(E["E4"]), result.row(E["E5"])
    assert e4["penalty"] == approx(10.0)  # sublet to 3 tenants, above-scale: 0 + 5 + 5
    assert e4["bonus"] == approx(0.1 * 27.8259)
    assert e5["bonus"] == approx(4.0)  # capped rule


def test_quota_base_including_t_firms():
    import polars as pl

    d = default_dict()
    d["tiers"]["quota_base"] = "rated_plus_T"
    frame = above_frame().with_columns(
        t_reason=pl.when(pl.col("name") == "E5").then(pl.lit("UTILITY")).otherwise(None))
    result = evaluate(frame, method_from_dict(d))
    assert by_firm(result, "tier") == {"E3": "A", "E1": "B", "E2": "B", "E4": "D", "E5": "T"}
    assert result.quotas.row(0, named=True)["n"] == 5


def test_benchmarks_per_industry_partition():
    import polars as pl

    d = default_dict()
    d["groups"]["ABOVE"]["benchmark"]["partition"] = "zone_industry"
    frame = above_frame().with_columns(
        industry_code=pl.when(pl.col("name").is_in(["E1", "E2"])).then(pl.lit("3811")).otherwise(pl.lit("3411")))
    result = evaluate(frame, method_from_dict(d))
    i1 = {r["partition"]: r["benchmark"] for r in result.benchmarks.filter(indicator="I1").iter_rows(named=True)}
    assert i1["38"] == approx(2 * (30 + 15) / 2)
    assert i1["34"] == approx(2 * (40 + 7.111111 - 0.246914) / 3)
