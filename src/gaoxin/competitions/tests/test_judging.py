"""Judging and conflicts (issue 22 items 4–5), pure: weighted rubric totals, per-judge normalisation (z-score, rank)
and the ranking's tie-breaks against hand-computed vectors; the mix rule; conflicts of interest with their reasons."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from gaoxin.competitions.conflicts import FirmIdentity, JudgeTies, conflict_reasons
from gaoxin.competitions.judging import RANK, RAW, ZSCORE, Criterion, Rubric, mix_shortfall, normalise, rank_entries

RUBRIC = Rubric((Criterion("tech", "技术创新", D("0.4")), Criterion("market", "市场前景", D("0.3")),
                 Criterion("team", "团队", D("0.3"), D(10))))


def m(tech, market, team):
    return {"tech": D(tech), "market": D(market), "team": D(team)}


def test_the_weighted_total_on_a_100_scale():
    # 0.4×80 + 0.3×70 + 0.3×(9/10×100) = 32 + 21 + 27 = 80
    assert RUBRIC.weighted(m(80, 70, 9)) == D(80)
    with pytest.raises(ValueError, match="团队"):
        RUBRIC.weighted(m(80, 70, 11))
    with pytest.raises(ValueError, match="市场前景"):
        RUBRIC.weighted({"tech": D(1), "team": D(1)})
    with pytest.raises(ValueError, match="100%"):
        Rubric((Criterion("a", "甲", D("0.5")), Criterion("b", "乙", D("0.4"))))


def test_zscore_by_hand():
    # 70, 80, 90: mean 80, population variance (100+0+100)/3 = 200/3, sd = 8.16496580927726…
    z = normalise({"A": D(70), "B": D(80), "C": D(90)}, ZSCORE)
    assert z["B"] == 0
    assert str(z["C"])[:14] == "1.224744871391"  # 10 / 8.1649658 = √1.5
    assert z["A"] == -z["C"]
    assert normalise({"A": D(60), "B": D(60)}, ZSCORE) == {"A": 0, "B": 0}


def test_rank_scores_by_hand_with_ties_sharing_the_mean_rank():
    # 90 → rank 1; 80, 80 → ranks 2 and 3 share 2.5; 70 → rank 4; n = 4: (4 − r) / 3
    r = normalise({"A": D(90), "B": D(80), "C": D(80), "D": D(70)}, RANK)
    assert r == {"A": D(1), "B": D("0.5"), "C": D("0.5"), "D": D(0)}
    assert normalise({"A": D(55)}, RANK) == {"A": D(1)}
    assert normalise({"A": D(55)}, RAW) == {"A": D(55)}


# Two judges on different scales: the lenient one gives 90/85/80, the strict one 60/70/50 (weighted totals, made from
# marks whose weighted total is the number itself: all criteria equal to the total, team out of 10).
def _same(total):
    return m(total, total, D(total) / 10)


SCORES = {("E1", "lenient"): _same(90), ("E2", "lenient"): _same(85), ("E3", "lenient"): _same(80),
          ("E1", "strict"): _same(60), ("E2", "strict"): _same(70), ("E3", "strict"): _same(50)}


def test_raw_means_favour_nobody_but_normalisation_corrects_the_scales():
    raw = rank_entries(SCORES, RUBRIC, method=RAW)
    # E1 (90+60)/2 = 75, E2 (85+70)/2 = 77.5, E3 (80+50)/2 = 65
    assert [(r.entry, r.score) for r in raw] == [("E2", D("77.5000")), ("E1", D("75.0000")), ("E3", D("65.0000"))]
    ranked = rank_entries(SCORES, RUBRIC, method=RANK)
    # lenient: E1 1, E2 0.5, E3 0; strict: E2 1, E1 0.5, E3 0 → E1 0.75, E2 0.75, E3 0: E1 and E2 tie on the score;
    # the last resort is the key ascending
    assert [(r.entry, r.score, r.rank) for r in ranked] == [("E1", D("0.7500"), 1), ("E2", D("0.7500"), 2),
                                                            ("E3", D("0.0000"), 3)]
    assert ranked[0].raw_mean == D("75.00") and ranked[0].judges == 2


def test_zscore_ranking_by_hand():
    # lenient 90/85/80: mean 85, sd √(50/3) = 4.0824829…: E1 +1.2247449, E2 0, E3 −1.2247449
    # strict 60/70/50: mean 60, sd √(200/3) = 8.1649658…: E1 0, E2 +1.2247449, E3 −1.2247449
    ranked = rank_entries(SCORES, RUBRIC, method=ZSCORE)
    assert [(r.entry, r.score) for r in ranked] == [("E1", D("0.6124")), ("E2", D("0.6124")), ("E3", D("-1.2247"))]


def test_tie_breaks_in_order_then_the_key():
    # Equal totals for both entries from one judge: E1 28 + 27 + 25.5 = 80.5, E2 34 + 19.5 + 27 = 80.5; E2 is stronger
    # on technology, E1 on the market.
    scores = {("E1", "j"): m(70, 90, D("8.5")), ("E2", "j"): m(85, 65, 9)}
    totals = {e: RUBRIC.weighted(marks) for (e, _), marks in scores.items()}
    assert totals["E1"] == totals["E2"] == D("80.5")
    by_tech = rank_entries(scores, RUBRIC, method=RAW, precision=2, tie_break=("tech desc", "key asc"))
    assert [r.entry for r in by_tech] == ["E2", "E1"]
    by_market = rank_entries(scores, RUBRIC, method=RAW, precision=2, tie_break=("market desc",))
    assert [r.entry for r in by_market] == ["E1", "E2"]
    by_key = rank_entries(scores, RUBRIC, method=RAW, precision=2, tie_break=("key desc",))
    assert [r.entry for r in by_key] == ["E2", "E1"]
    with pytest.raises(ValueError, match="并列"):
        rank_entries(scores, RUBRIC, tie_break=("luck desc",))


def test_incomplete_panels_are_left_out():
    scores = {("E1", "a"): _same(80), ("E1", "b"): _same(70), ("E2", "a"): _same(90)}
    assert [r.entry for r in rank_entries(scores, RUBRIC, method=RAW, min_judges=2)] == ["E1"]


def test_the_mix_rule():
    need = {"technical": 1, "investment": 2}
    assert mix_shortfall(need, ["investment", "technical", "investment"]) == {}
    assert mix_shortfall(need, ["investment", "investment", "investment"]) == {"technical": 1}
    assert mix_shortfall(need, ["technical"]) == {"investment": 2}


def test_conflicts_of_interest_with_their_reasons():
    entry = FirmIdentity(1, "湘潭华宇新材料有限公司", "李建华", "华宇集团")
    assert conflict_reasons(JudgeTies(employer=entry), entry) == ["评委任职于参赛企业湘潭华宇新材料有限公司"]
    sister = FirmIdentity(2, "湖南华宇投资有限公司", "李建华 ", "华宇集团")
    assert conflict_reasons(JudgeTies(employer=sister), entry) == [
        "评委任职单位湖南华宇投资有限公司与参赛企业的法定代表人均为李建华",
        "评委任职单位湖南华宇投资有限公司与参赛企业同属华宇集团"]
    fund = FirmIdentity(3, "湘潭高新创投有限公司", "王敏")
    assert conflict_reasons(JudgeTies(employer=fund), entry) == []
    assert conflict_reasons(JudgeTies(employer=FirmIdentity(4, "某公司", "", "")), FirmIdentity(5, "别家", "", "")) == []
    assert conflict_reasons(JudgeTies(declared=(entry,)), entry) == ["评委申报的关联企业：湘潭华宇新材料有限公司"]
    assert conflict_reasons(JudgeTies(), entry) == []
