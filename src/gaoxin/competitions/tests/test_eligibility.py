"""The candidate pool's rules on hand-built facts (pure, no database): revenue cap, listing, certificate, award limit,
national top three, the group from the registration date."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from gaoxin.competitions.eligibility import GROWTH, STARTUP, FirmFacts, Rules, assess, group_of, pool

RULES = Rules(revenue_cap=Decimal(20000), startup_since=dt.date(2025, 1, 1), needs_certificate=True, award_limit=2)


def firm(**kw) -> FirmFacts:
    base = dict(firm_id=1, name="湖南示例科技有限公司", registered_on=dt.date(2018, 5, 1), operating=True,
                revenue=Decimal(8000), listed=False, hnte=True)
    return FirmFacts(**{**base, **kw})


def test_an_eligible_growth_firm_with_its_basis():
    a = assess(firm(), RULES)
    assert a.eligible and a.group == GROWTH and not a.reasons and not a.notes
    assert a.basis == "成长企业组；上年营业收入8000万元；高新技术企业"


def test_the_group_follows_the_registration_date_inclusive():
    assert group_of(dt.date(2025, 1, 1), RULES) == STARTUP
    assert group_of(dt.date(2024, 12, 31), RULES) == GROWTH
    assert group_of(None, RULES) is None
    a = assess(firm(registered_on=dt.date(2025, 3, 1), hnte=False, tech_sme_no=True), RULES)
    assert a.eligible and a.basis.startswith("初创企业组") and a.basis.endswith("科技型中小企业")


def test_revenue_exactly_at_the_cap_is_in_one_wan_above_is_out():
    assert assess(firm(revenue=Decimal(20000)), RULES).eligible
    a = assess(firm(revenue=Decimal("20000.5")), RULES)
    assert not a.eligible and a.reasons == ("上年营业收入20000.5万元，超过20000万元",)
    assert assess(firm(revenue=None), RULES).reasons == ("上年营业收入未填报",)


def test_listed_firms_and_firms_without_a_certificate_are_out():
    assert assess(firm(listed=True), RULES).reasons == ("上市企业不得参赛",)
    unknown = assess(firm(listed=None), RULES)
    assert unknown.eligible and unknown.notes == ("上市情况未填报，请核实",)
    assert assess(firm(hnte=False), RULES).reasons == ("无有效高新技术企业证书或科技型中小企业入库编号",)
    assert assess(firm(hnte=False), Rules(Decimal(20000), dt.date(2025, 1, 1), needs_certificate=False)).eligible


def test_the_two_award_limit_and_the_national_top_three():
    one = assess(firm(awards=1), RULES)
    assert one.eligible and one.notes == ("历届已获奖1次（再获奖须为升级或另一组别）",)
    assert assess(firm(awards=2), RULES).reasons == ("历届已获奖2次，达到上限2次",)
    assert assess(firm(national_top3=True), RULES).reasons == ("曾获全国赛前三名",)


def test_every_reason_is_given_and_the_pool_counts_the_left_out():
    a = assess(firm(operating=False, registered_on=None, revenue=Decimal(30000), listed=True, hnte=False, awards=3),
               RULES)
    assert a.group is None and len(a.reasons) == 6
    result = pool([firm(firm_id=1), firm(firm_id=2, listed=True), firm(firm_id=3, registered_on=dt.date(2026, 1, 5))],
                  RULES)
    assert [c.firm_id for c in result.candidates] == [1, 3] and result.excluded == 1
