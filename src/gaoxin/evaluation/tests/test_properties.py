"""Properties of the engine over random zones (hypothesis)."""

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.evaluation.engine import evaluate, quota_counts
from gaoxin.evaluation.explain import _score_of, what_if
from gaoxin.evaluation.method import builtin_method

from .vectors import E, _complete, above_frame, adjustments_frame, code

METHOD = builtin_method("shandong_default")
WEIGHTS = {iid: ind.weight for iid, ind in METHOD.groups["ABOVE"].indicators.items()}

firm = st.fixed_dictionaries({
    "own_land_m2": st.floats(1_000, 200_000),
    "tax_wan": st.floats(-100, 5_000),
    "sales_wan": st.floats(0, 100_000),
    "value_added_wan": st.floats(0, 20_000),
    "energy_tce": st.one_of(st.none(), st.floats(0, 50_000)),
    "cod_kg": st.one_of(st.none(), st.floats(0, 20_000)),
    "rd_wan": st.floats(0, 3_000),
    "avg_employees": st.floats(1, 3_000),
})


@given(st.integers(0, 2_000), st.integers(0, 2_000))
def test_quota_counts_always_sum_to_the_group(n, vetoed):
    vetoed = min(vetoed, n)
    c = quota_counts(n, METHOD.tiers, vetoed=vetoed)
    assert c["A"] + c["B"] + c["C"] + c["D"] == n
    assert min(c.values()) >= 0 and c["D"] >= vetoed
    assert c["A"] <= n // 5  # never more than 20 % in A


@settings(max_examples=40, deadline=None)
@given(st.lists(firm, min_size=1, max_size=40))
def test_random_zone_is_scored_consistently(firms):
    frame = _complete(pl.DataFrame(
        [{"uscc": code(i), "name": f"F{i}", "group": "ABOVE", **f} for i, f in enumerate(firms)],
        schema_overrides={k: pl.Float64 for k in firms[0]},
    ))
    result = evaluate(frame, METHOD)
    res = result.results
    assert len(res) == len(firms)
    for iid, w in WEIGHTS.items():
        scores = res[f"{iid}_score"]
        assert scores.min() >= 0 and scores.max() <= w + 1e-9
    counts = quota_counts(len(firms), METHOD.tiers)
    assert {t: int((res["tier"] == t).sum()) for t in "ABCD"} == {t: counts[t] for t in "ABCD"}
    totals = res.sort("rank")["total"].to_list()
    assert totals == sorted(totals, reverse=True)  # better rank, never a lower total
    tiers = res.sort("rank")["tier"].to_list()
    assert tiers == sorted(tiers)  # A before B before C before D down the ranking


def test_what_if_answer_is_the_smallest_sufficient_value():
    result = evaluate(above_frame(), METHOD, adjustments_frame())
    answer = what_if(result, E["E4"], "I1")
    row = result.row(E["E4"])

    def total_with(x):
        return row["total"] - row["I1_score"] + _score_of(result, "ABOVE", "I1", x, row)

    assert answer.target_tier == "B"
    assert total_with(answer.required_value) >= answer.target_total - 1e-9
    assert total_with(answer.required_value - 1e-3) < answer.target_total
