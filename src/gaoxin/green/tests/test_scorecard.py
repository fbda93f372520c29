"""The green scorecard (green/scorecard.py) against hand-computed vectors, and its rules as properties."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.green.scorecard import ScorecardMethodError, builtin_scorecard, method_from_dict, score_firms, what_if

SCHEMA = {"per_mu_tier": pl.String, "carbon_grade": pl.String, "green_factory": pl.String, "smart_level": pl.String,
          "green_supply_chain": pl.Boolean, "near_zero_carbon": pl.Boolean, "green_design_products": pl.Int64,
          "env_penalties": pl.Int64, "safety_accidents": pl.Int64}
NOTHING = dict.fromkeys(SCHEMA)


def _score(*rows, method=None):
    return score_firms(pl.DataFrame([{**NOTHING, **r} for r in rows], schema=SCHEMA), method or builtin_scorecard())


def test_hand_computed_vectors_of_the_default_method():
    out = _score(
        # 25 + 25 + 20 + 10 + 5 + 5 + min(7 × 2, 10) = 100
        dict(per_mu_tier="A", carbon_grade="dark_green", green_factory="national", smart_level="leading",
             green_supply_chain=True, near_zero_carbon=True, green_design_products=7),
        # 25 × 0.75 + 25 × 0.75 + 20 × 0.8 + 0 + 0 + 0 + 1 × 2 = 18.75 + 18.75 + 16 + 2 = 55.5 → 浅绿
        dict(per_mu_tier="B", carbon_grade="light_green", green_factory="provincial", green_design_products=1),
        # 25 + 25 + 20 + 0 + 5 + 5 = 80 exactly → 深绿 (the threshold is reached)
        dict(per_mu_tier="A", carbon_grade="dark_green", green_factory="national", green_supply_chain=True,
             near_zero_carbon=True),
        # 25 + 25 + 20 + 10 × 0.6 − 5 = 71 → 中绿 by the total, capped at 普绿 by the environmental penalty
        dict(per_mu_tier="A", carbon_grade="dark_green", green_factory="national", smart_level="advanced",
             env_penalties=1),
        # nothing, three accidents: −15 → 0 (not below zero) → 非绿; the cap (普绿) is above it, so it caps nothing
        dict(safety_accidents=3),
        # T (not rated) and an unknown carbon value earn nothing: 0 + 0 + 12 (municipal) = 12 → 非绿
        dict(per_mu_tier="T", carbon_grade="purple", green_factory="municipal"),
    )
    assert out["total"].to_list() == [100.0, 55.5, 80.0, 71.0, 0.0, 12.0]
    assert out["grade_name"].to_list() == ["深绿", "浅绿", "深绿", "普绿", "非绿", "非绿"]
    assert out["capped_by"].to_list() == [None, None, None, "P1", None, None]
    assert out["G1_points"].to_list() == [25.0, 18.75, 25.0, 25.0, 0.0, 0.0]
    assert out["P2_points"].to_list() == [0.0, 0.0, 0.0, 0.0, -15.0, 0.0]
    reasons = out["reasons"].to_list()
    assert reasons[1][0] == "亩均效益等级：B类，得18.75分（满分25）"
    assert "绿色设计产品：1项，得2分（满分10）" in reasons[1]
    assert reasons[3][-1] == "环境行政处罚1次，扣5分，等级最高为普绿"
    assert reasons[5][0] == "亩均效益等级：暂不评价，得0分（满分25）" and "碳效等级：purple，得0分（满分25）" in reasons[5]


def test_what_if_names_the_steps_that_reach_the_next_grade():
    rows = _score(dict(per_mu_tier="B", carbon_grade="light_green", green_factory="provincial", green_design_products=1),
                  dict(per_mu_tier="A", carbon_grade="dark_green", green_factory="national", env_penalties=2),
                  dict(per_mu_tier="A", carbon_grade="dark_green", green_factory="national", smart_level="leading",
                       green_supply_chain=True, near_zero_carbon=True, green_design_products=5)).to_dicts()
    method = builtin_scorecard()
    plan = what_if(rows[0], method)  # 55.5: 中绿 needs 65, 9.5 more
    assert plan["next"] == "中绿" and plan["needed"] == 9.5
    first = plan["steps"][0]
    # 智能制造 from none: 基础级 +3, 先进级 +6, 卓越级 +8.5, 领航级 +10 — the lowest that closes 9.5 is 领航级.
    assert first == {"indicator": "智能制造", "step": "智能制造达到“领航级”", "gain": 10.0, "enough": True}
    assert [s["gain"] for s in plan["steps"][1:]] == [6.25, 6.25, 5.0, 5.0, 4.0, 2.0]
    assert not any(s["enough"] for s in plan["steps"][1:])
    capped = what_if(rows[1], method)  # 70 − 10 = 60, capped at 普绿: no step helps before the penalty is cleared
    assert capped["capped_by"] == "环境行政处罚" and capped["steps"] == [] and capped["next"] == "浅绿"
    assert what_if(rows[2], method)["next"] is None  # 深绿 already


def _method(weight: str, grade_min: str) -> dict:
    return {"name_zh": "测试", "indicators": {"X": {"name_zh": "甲", "kind": "flag", "column": "x", "weight": float(weight)}},
            "grades": [{"code": "hi", "name_zh": "高", "min": float(grade_min)}, {"code": "lo", "name_zh": "低", "min": 0}]}


@pytest.mark.parametrize(("weight", "expected", "grade"), [("49.995", 50.0, "高"), ("49.994", 49.99, "低"),
                                                            ("0.005", 0.01, "低")])
def test_totals_round_half_up_at_two_decimals_before_grading(weight, expected, grade):
    method = method_from_dict(_method(weight, "50"))
    out = score_firms(pl.DataFrame({"x": [True]}), method)
    assert out["total"].item() == expected and out["grade_name"].item() == grade


def test_a_bad_method_file_or_missing_data_is_refused_in_chinese():
    bad = _method("10", "50")
    bad["grades"] = [{"code": "lo", "name_zh": "低", "min": 0}, {"code": "hi", "name_zh": "高", "min": 50}]
    with pytest.raises(ScorecardMethodError, match="从高到低"):
        method_from_dict(bad)
    with pytest.raises(ScorecardMethodError, match="缺少评价所需的数据列：x"):
        score_firms(pl.DataFrame({"y": [1]}), method_from_dict(_method("10", "50")))


TIERS = st.sampled_from([None, "A", "B", "C", "D", "T"])
CARBON = st.sampled_from([None, "dark_green", "light_green", "yellow", "red"])
FACTORY = st.sampled_from([None, "national", "provincial", "municipal"])
SMART = st.sampled_from([None, "leading", "excellent", "advanced", "basic"])
FIRM = st.fixed_dictionaries({
    "per_mu_tier": TIERS, "carbon_grade": CARBON, "green_factory": FACTORY, "smart_level": SMART,
    "green_supply_chain": st.sampled_from([None, True, False]), "near_zero_carbon": st.sampled_from([None, True, False]),
    "green_design_products": st.one_of(st.none(), st.integers(0, 12)), "env_penalties": st.one_of(st.none(), st.integers(0, 3)),
    "safety_accidents": st.one_of(st.none(), st.integers(0, 3))})


def _expected(firm: dict, method) -> tuple[Decimal, str]:
    """The method's rule in Decimal, independently of the Polars plan."""
    total = Decimal(0)
    for ind in method.indicators.values():
        value, weight = firm[ind.column], Decimal(str(ind.weight))
        if ind.kind == "category":
            total += weight * Decimal(str(ind.points.get(value, 0))) if value is not None else 0
        elif ind.kind == "flag":
            total += weight if value else 0
        else:
            total += min(Decimal(value or 0) * Decimal(str(ind.per_unit)), weight)
    events = {p.column: firm[p.column] or 0 for p in method.penalties.values()}
    for p in method.penalties.values():
        total -= Decimal(events[p.column]) * Decimal(str(p.per_event))
    total = min(max(total, Decimal(0)), Decimal(str(method.max_total))).quantize(Decimal("0.01"), ROUND_HALF_UP)
    codes = [g.code for g in method.grades]
    at = next(n for n, g in enumerate(method.grades) if total >= Decimal(str(g.min)))
    for p in method.penalties.values():
        if events[p.column] > 0 and p.cap_grade:
            at = max(at, codes.index(p.cap_grade))
    return total, method.grades[at].name_zh


@settings(max_examples=150, deadline=None)
@given(st.lists(FIRM, min_size=1, max_size=8))
def test_every_firm_is_scored_and_graded_as_the_method_says(firms):
    method = builtin_scorecard()
    out = _score(*firms)
    for firm, total, grade in zip(firms, out["total"].to_list(), out["grade_name"].to_list(), strict=True):
        want_total, want_grade = _expected(firm, method)
        assert Decimal(str(total)) == want_total and grade == want_grade
