"""Measuring formulas are shown to enterprises in words, not as field codes."""

import pytest

from gaoxin.benefits.fields import formula_text


@pytest.mark.parametrize("formula,words", [
    ("rd_expense * cit_rate", "上年研发费用 × 企业所得税税率"),
    ("min(green_loan_need * 0.01, 50)", "取较小值（绿色信贷需求 × 0.01，50）"),
    ("(retained_vat_now - retained_vat_2019) * input_ratio",
     "（期末留抵税额 − 2019年3月底留抵税额） × 进项构成比例"),
    ("ui_paid * (0.30 if enterprise_size == '大型' else 0.60)",
     "上年失业保险实缴额 × （企业划型为“大型”时为 0.3；其他情况为 0.6）"),
    ("0.10 if skill_cert_level == '初级' else 0.15 if skill_cert_level == '中级' else 0.20",
     "职业技能等级证书为“初级”时为 0.1；职业技能等级证书为“中级”时为 0.15；其他情况为 0.2"),
    ("a - (b - c)", "a − （b − c）"),
])
def test_formula_in_words(formula, words):
    assert formula_text(formula) == words


def test_every_shipped_formula_reads_without_field_codes():
    from gaoxin.benefits.fields import FIELDS
    from gaoxin.benefits.policy_data import POLICIES

    for policy in POLICIES:
        formula = policy[8]
        if formula:
            text = formula_text(formula)
            assert not any(code in text for code in FIELDS), (formula, text)
