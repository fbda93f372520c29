"""The talent ledger's pure arithmetic (benefits/ledger.py) and person rules in the rule language, with the properties
the spec states: P13 is never below 0 (benefits.md §4), instalments add up to the total, a clawback never exceeds what
was paid, and a person rule is three-valued exactly as for firms (§2.3: a missing fact is UNKNOWN, never FAIL)."""

import datetime as dt
from decimal import Decimal as D

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.benefits.fields import PERSON_FIELDS
from gaoxin.benefits.ledger import add_years, clawback_due, iit_subsidy, instalment_plan, months_between
from gaoxin.benefits.matching import add_person_columns
from gaoxin.benefits.rules import RuleError, compile_rule, evaluate_row

money = st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2090, 12, 31))


@pytest.mark.parametrize("taxable,paid,expected", [(D(200), D(60), D(30)), (D(100), D(10), D(0))])
def test_p13_vectors(taxable, paid, expected):
    assert iit_subsidy(paid, taxable, D("0.15")) == expected


@given(paid=money, taxable=money, rate=st.decimals(min_value=0, max_value=1, places=4))
def test_p13_never_below_zero_nor_above_the_tax_paid(paid, taxable, rate):
    subsidy = iit_subsidy(paid, taxable, rate)
    assert D(0) <= subsidy <= paid
    assert iit_subsidy(paid, taxable, rate, cap=D(5)) <= D(5)


@given(total=money, count=st.integers(min_value=1, max_value=10), start=days)
def test_instalments_add_up_to_the_total_yearly(total, count, start):
    plan = instalment_plan(total, count, start)
    assert len(plan) == count and sum(p.amount for p in plan) == total
    assert all(p.amount >= 0 for p in plan) and max(p.amount for p in plan) - min(p.amount for p in plan) < D("0.01") * count
    assert [p.due_on for p in plan] == [add_years(start, i) for i in range(count)]


@given(paid=money, since=days, served=st.integers(min_value=0, max_value=12 * 12), years=st.integers(0, 10))
def test_a_clawback_is_never_more_than_was_paid_and_shrinks_with_service(paid, since, served, years):
    left = since + dt.timedelta(days=served * 30)
    due = clawback_due(paid, since, left, years)
    assert D(0) <= due <= paid
    later = clawback_due(paid, since, left + dt.timedelta(days=400), years)
    assert later <= due
    assert clawback_due(paid, since, left, years, prorata=False) in (D(0), paid.quantize(D("0.01")))


def test_clawback_examples():
    since = dt.date(2024, 3, 1)
    assert clawback_due(D(200000), since, dt.date(2026, 3, 1), 5) == D(120000)  # 24 of 60 months served
    assert clawback_due(D(200000), since, dt.date(2029, 3, 1), 5) == D(0)  # the period is over
    assert clawback_due(D(200000), since, dt.date(2026, 3, 1), 5, prorata=False) == D(200000)
    assert months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 0
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)


def test_a_person_rule_may_not_use_a_firms_field():
    with pytest.raises(RuleError, match="该字段属于另一类对象"):
        compile_rule("revenue > 100", fields=PERSON_FIELDS)
    with pytest.raises(RuleError, match="未知人才称号"):
        compile_rule("has('高新技术企业')", fields=PERSON_FIELDS, qualifications={"车城人才"})


PERSON_RULES = [
    "iit_paid > personal_taxable_income * 0.15",
    "has('车城人才') or has('领军人才')",
    "tier in ['B', 'C'] and works_where_insured == True and years_since_recognition < 5",
    "education in ['硕士研究生', '博士研究生'] or tier_rank <= 3",
    "not (age > 45) and owns_home_in_zone == False",
]
maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731
person = st.fixed_dictionaries({
    "talent_id": st.just(1),
    "qualifications": st.lists(st.sampled_from(["车城人才", "领军人才"]), unique=True),
    "tier": maybe(st.sampled_from(["A", "B", "C", "D", "E"])),
    "tier_rank": maybe(st.integers(1, 5).map(D)),
    "education": maybe(st.sampled_from(["本科", "硕士研究生", "博士研究生"])),
    "works_where_insured": maybe(st.booleans()),
    "years_since_recognition": maybe(st.integers(0, 10).map(D)),
    "age": maybe(st.integers(20, 70).map(D)),
    "owns_home_in_zone": maybe(st.booleans()),
    "iit_paid": maybe(money),
    "personal_taxable_income": maybe(money),
})


@given(row=person, rule=st.sampled_from(PERSON_RULES))
def test_person_rules_are_three_valued_the_same_in_polars_and_row_by_row(row, rule):
    compiled = compile_rule(rule, fields=PERSON_FIELDS, qualifications={"车城人才", "领军人才"})
    frame = add_person_columns(pl.DataFrame([row], strict=False, infer_schema_length=None))
    assert frame.select(compiled.expr.alias("v"))["v"].to_list() == [evaluate_row(compiled, row)]


def test_a_missing_person_fact_is_unknown_not_fail():
    compiled = compile_rule(PERSON_RULES[0], fields=PERSON_FIELDS)
    assert evaluate_row(compiled, {"personal_taxable_income": D(100)}) is None
    assert evaluate_row(compiled, {"personal_taxable_income": D(100), "iit_paid": D(10)}) is False
    assert evaluate_row(compiled, {"personal_taxable_income": D(200), "iit_paid": D(60)}) is True
