"""Boundary cases of the 13 test policies of benefits.md §4, as shipped in the demo."""

from decimal import Decimal as D

import polars as pl
import pytest

from gaoxin.benefits.matching import PolicyRule, add_derived, add_person_columns, match
from gaoxin.benefits.policy_data import PERSON_POLICIES, POLICIES, fields_of
from gaoxin.benefits.rules import compile_rule

RULES = {code: (rule, formula, cap) for code, _, _, _, _, _, _, rule, formula, cap, _, _ in POLICIES}


def check(code: str, **fields):
    """(verdict, estimate) of one enterprise with these fields."""
    rule, formula, cap = RULES[code]
    quals = fields.pop("qualifications", [])
    row = {"enterprise_id": 1, "qualifications": quals, **{k: (D(str(v)) if isinstance(v, (int, float)) and not
                                                                isinstance(v, bool) else v) for k, v in fields.items()}}
    fields = fields_of(code)
    if code in PERSON_POLICIES:  # a person of the talent registry, not a firm
        row["talent_id"] = row.pop("enterprise_id")
        df = add_person_columns(pl.DataFrame([row], strict=False))
    else:
        df = add_derived(pl.DataFrame([row], strict=False))
    compiled = PolicyRule(1, compile_rule(rule, fields=fields),
                          compile_rule(formula, kind="formula", fields=fields) if formula else None, cap)
    result = match(df, [compiled], key="talent_id" if code in PERSON_POLICIES else "enterprise_id")
    if result.is_empty():
        return "INELIGIBLE", None
    r = result.row(0, named=True)
    return ("ELIGIBLE" if r["verdict"] == "eligible" else "PARTIAL"), r["estimate"]


P1 = dict(resident=True, collection_method="查账征收", main_business_industry="批发和零售业", rd_expense=1000, cit_rate=0.25)


@pytest.mark.parametrize("fields,verdict", [
    (P1 | {"excluded_industry_income_share": 0.5001}, "INELIGIBLE"),
    (P1 | {"excluded_industry_income_share": 0.50}, "ELIGIBLE"),  # "> 50 % (不含)"
    (P1 | {"excluded_industry_income_share": 0.2, "collection_method": "核定征收"}, "INELIGIBLE"),
    (P1 | {"excluded_industry_income_share": 0.2, "collection_method": None}, "PARTIAL"),
])
def test_p1_rd_super_deduction(fields, verdict):
    assert check("P1", **fields)[0] == verdict


def test_p1_estimates():
    assert check("P1", **P1, excluded_industry_income_share=0)[1] == D(250)
    assert check("P1", **P1 | {"cit_rate": 0.15}, excluded_industry_income_share=0)[1] == D(150)


P2 = dict(days_since_registration=400, core_ip_count=2, tech_in_priority_fields=True, st_staff=10, employees=100, rd_expense_3y=150, sales_3y=3000,
          revenue=5000, domestic_rd_share=0.60, ht_revenue_share=0.60, innovation_score=75, major_incident_last_year=False)


@pytest.mark.parametrize("change,verdict", [
    ({"rd_expense_3y": 147}, "INELIGIBLE"),  # 4.9 % with sales 5000 (≤ 5000万 bucket needs 5 %)
    ({"revenue": 20000, "rd_expense_3y": 120}, "ELIGIBLE"),  # 2亿 (含) → 4 %
    ({"revenue": 20001, "rd_expense_3y": 90}, "ELIGIBLE"),  # > 2亿 → 3 %
    ({"innovation_score": 70}, "INELIGIBLE"),  # must be > 70
    ({"innovation_score": 70.5}, "ELIGIBLE"),
    ({"ht_revenue_share": 0.599}, "INELIGIBLE"),
    ({"days_since_registration": 364}, "INELIGIBLE"),
    ({}, "ELIGIBLE"),  # S&T staff exactly 10 %, domestic R&D exactly 60 %
])
def test_p2_hnte(change, verdict):
    assert check("P2", **P2 | change)[0] == verdict


P3 = dict(qualifications=["高新技术企业"], taxpayer_type="一般纳税人", input_vat=100)


def test_p3_advanced_manufacturing_vat():
    assert check("P3", **P3, manufacturing_sales_share=0.50)[0] == "INELIGIBLE"
    assert check("P3", **P3, manufacturing_sales_share=0.5001) == ("ELIGIBLE", D(5))
    assert check("P3", **P3 | {"qualifications": []}, manufacturing_sales_share=0.9)[0] == "INELIGIBLE"  # HNTE expired


P4 = dict(enterprise_size="小型", vat_fraud_36m=False, tax_evasion_penalties_36m=0, instant_refund_since_2019=False, retained_vat_now=200,
          retained_vat_2019=80, input_ratio=0.90)


def test_p4_vat_credit_refund():
    assert check("P4", **P4, tax_credit_rating="B") == ("ELIGIBLE", D(180))  # 108 incremental + 72 existing
    assert check("P4", **P4, tax_credit_rating="M")[0] == "INELIGIBLE"
    assert check("P4", **P4 | {"instant_refund_since_2019": True}, tax_credit_rating="A")[0] == "INELIGIBLE"


@pytest.mark.parametrize("income,staff,assets,verdict", [
    (300, 300, 5000, "ELIGIBLE"), (301, 300, 5000, "INELIGIBLE"), (300, 300.25, 5000, "INELIGIBLE"),
    (300, 300, 5000.01, "INELIGIBLE"),
])
def test_p5_small_low_profit(income, staff, assets, verdict):
    result = check("P5", restricted_industry=False, taxable_income=income, avg_staff=staff, avg_assets=assets)
    assert result[0] == verdict
    if verdict == "ELIGIBLE":
        assert result[1] == D(60)  # 300 × (25 % − 5 %)


def test_p5_cliff_exclusion_and_quarterly_averages():
    small = dict(restricted_industry=False, taxable_income=300, avg_staff=300, avg_assets=5000)
    assert check("P5", **small) == ("ELIGIBLE", D(60))  # tax 15万 instead of 75万
    assert check("P5", **small | {"taxable_income": 301})[0] == "INELIGIBLE"  # the cliff: 25 % on all of it
    assert check("P5", **small | {"restricted_industry": True})[0] == "INELIGIBLE"  # 国家限制和禁止行业
    assert check("P5", **small | {"restricted_industry": None})[0] == "PARTIAL"  # no industry code: 待完善
    # 从业人数 from the quarters: (290 + 300)/2, (300 + 310)/2, (300 + 301)/2, (300 + 300)/2 → 300.125 > 300,
    # whatever average was typed.
    quarters = {f"staff_q{q}_{edge}": v for q, pair in zip((1, 2, 3, 4), ((290, 300), (300, 310), (300, 301),
                                                                          (300, 300)), strict=True)
                for edge, v in zip(("start", "end"), pair, strict=True)}
    assert check("P5", **small | quarters)[0] == "INELIGIBLE"
    assert check("P5", **small | quarters | {"staff_q2_end": 302})[0] == "ELIGIBLE"  # 2393 ÷ 8 = 299.125
    assert check("P5", **small | quarters | {"staff_q4_end": None})[0] == "ELIGIBLE"  # incomplete: the typed 300


P6 = dict(resident=True, employees=500, revenue=20000, assets=20000, restricted_industry=False,
          major_incident_last_year=False, seriously_dishonest=False, tsme_score=60, st_staff=50)


def test_p6_tech_sme():
    assert check("P6", **P6)[0] == "ELIGIBLE"  # bounds inclusive
    assert check("P6", **P6 | {"employees": 501})[0] == "INELIGIBLE"
    assert check("P6", **P6 | {"tsme_score": 59, "qualifications": ["高新技术企业"]})[0] == "ELIGIBLE"  # direct pass


def test_p7_innovative_sme():
    assert check("P7", ism_score=85, ism_innovation=30, ism_growth=25, ism_specialisation=30)[0] == "ELIGIBLE"
    # 65 in all, but 创新能力 5 < 20: not by the score (benefits.md §4 P7's second vector)
    assert check("P7", ism_score=65, ism_innovation=5, ism_growth=30, ism_specialisation=30,
                 equity_financing_2y=0)[0] == "INELIGIBLE"
    assert check("P7", ism_score=59, equity_financing_2y=500)[0] == "ELIGIBLE"
    assert check("P7", ism_score=59, equity_financing_2y=499)[0] == "INELIGIBLE"


P8 = dict(qualifications=["创新型中小企业"], niche_years=2, rd_expense=100, revenue=3000, srdi_score=65)


@pytest.mark.parametrize("change,verdict", [
    ({}, "ELIGIBLE"),
    ({"rd_expense": 99}, "INELIGIBLE"),
    ({"rd_expense": 150, "revenue": 5173}, "INELIGIBLE"),  # 2.9 %
    ({"revenue": 999, "rd_expense": 100, "equity_financing_2y": 2000}, "ELIGIBLE"),  # < 1,000万 with 2,000万 equity
    ({"revenue": 999, "rd_expense": 30, "equity_financing_2y": 2000}, "INELIGIBLE"),  # R&D under 100万
    ({"srdi_score": 50, "creative_china_top500": True}, "ELIGIBLE"),
])
def test_p8_srdi(change, verdict):
    assert check("P8", **P8 | change)[0] == verdict


def test_p8_equity_boundary():
    assert check("P8", **P8 | {"revenue": 999, "rd_expense": 100, "equity_financing_2y": 1999})[0] == "INELIGIBLE"


P9 = dict(qualifications=["专精特新中小企业"], niche_years=3, main_business_revenue=9000, revenue=12000, liabilities=50,
          assets=100)


@pytest.mark.parametrize("change,verdict", [
    ({"rd_expense": 372, "rd_expense_prev": 290, "revenue_prev": 10000}, "INELIGIBLE"),  # 3.1 % and 2.9 %
    ({"revenue": 8000, "main_business_revenue": 6000, "rd_expense": 520, "rd_expense_prev": 488, "revenue_prev": 8000},
     "ELIGIBLE"),  # 6.5 % and 6.1 % in the 5,000万–1亿 band
    ({"revenue": 10000, "main_business_revenue": 8000, "rd_expense": 300, "rd_expense_prev": 300, "revenue_prev": 10000},
     "ELIGIBLE"),  # ≥ 1亿 band inclusive, 3 % both years
    ({"revenue": 4000, "main_business_revenue": 3000, "equity_financing_2y": 9000, "rd_expense_3y": 3200,
      "rd_staff_share": 0.52}, "ELIGIBLE"),
    ({"rd_expense": 400, "rd_expense_prev": 400, "revenue_prev": 12000, "liabilities": 70.5}, "INELIGIBLE"),  # debt 70.5 %
    ({"rd_expense": 400, "rd_expense_prev": 400, "revenue_prev": 12000, "liabilities": 70}, "ELIGIBLE"),
])
def test_p9_little_giant(change, verdict):
    assert check("P9", **P9 | change)[0] == verdict


P10 = dict(ui_months=12, seriously_dishonest=False, insured_count=100, layoff_rate=0.01, ui_paid=20)


@pytest.mark.parametrize("change,result", [
    ({"enterprise_size": "中型"}, ("ELIGIBLE", D(12))),
    ({"enterprise_size": "大型"}, ("ELIGIBLE", D(6))),
    ({"enterprise_size": "小型", "insured_count": 25, "layoff_rate": 0.20}, ("ELIGIBLE", D(12))),
    ({"enterprise_size": "小型", "insured_count": 20, "layoff_rate": 0.25}, ("INELIGIBLE", None)),
    ({"enterprise_size": "中型", "layoff_rate": 0.055}, ("ELIGIBLE", D(12))),
    ({"enterprise_size": "中型", "layoff_rate": 0.056}, ("INELIGIBLE", None)),
    ({"enterprise_size": "中型", "ui_months": 11}, ("INELIGIBLE", None)),
])
def test_p10_stable_jobs_refund(change, result):
    assert check("P10", **P10 | change) == result


def test_p11_to_p13():
    assert check("P11", eligible_new_hires=3) == ("ELIGIBLE", D("0.45"))  # 4,500元
    assert check("P11", eligible_new_hires=0)[0] == "INELIGIBLE"
    assert check("P12", skill_cert_level="中级", skill_cert_repeat=False) == ("ELIGIBLE", D("0.15"))
    assert check("P12", skill_cert_level="中级", skill_cert_repeat=True)[0] == "INELIGIBLE"
    # P13 reads a person's facts (benefits.md §4: taxable 200万, IIT 60万 → 30万; taxable 100万, IIT 10万 → 0).
    assert check("P13", iit_paid=60, personal_taxable_income=200) == ("ELIGIBLE", D(30))
    assert check("P13", iit_paid=10, personal_taxable_income=100)[0] == "INELIGIBLE"


@pytest.mark.parametrize("policy", POLICIES, ids=[p[0] for p in POLICIES])
def test_demo_policies_carry_no_placeholders(policy):
    """Issue 14 §8: published policies said "财社〔2021〕XX号", "（模板）", "（示例）"."""
    code, title, document, *_rest, summary = policy
    for text in (title, document, summary):
        assert not any(word in text for word in ("XX", "模板", "示例", "样例", "山东", "济南")), (code, text)
