"""The rule language: checked when saved, three-valued, exact decimals, Polars == plain Python."""

from decimal import Decimal as D

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.benefits.matching import add_derived
from gaoxin.benefits.rules import Limits, RuleError, compile_rule, evaluate_row


@pytest.mark.parametrize("rule,message", [
    ("rd_ratoi > 0.03", "未知字段“rd_ratoi”"),
    ("revenue > '很多'", "两边类型不同"),
    ("revenue >", "语法错误：写法有误"),
    # Python's parser messages said in Chinese (the QA walk saw "'(' was never closed" on the campaign form)
    ("has('高新技术企业'", "语法错误：“\\(”没有对应的右括号"),
    ("size_group == 'ABOVE')", "语法错误：多了一个“\\)”"),
    ("size_group == 'ABOVE", "引号没有闭合"),
    ("size_group = 'ABOVE'", "比较相等请写 =="),
    ("revenue （> 1", "不能使用字符“（”"),
    ("revenue", "结果应为“是/否”"),
    ("__import__('os').system('x')", "未知函数"),
    ("open('x') == 1", "未知函数“open”"),
    ("has(3)", "has 的写法"),
    ("has('不存在的资质')", "未知资质"),
    ("collection_method < '查账征收'", "只能用 == 或 !="),
    ("collection_method in '查账征收'", "in 后面应是列表"),
    ("", "条件不能为空"),
])
def test_bad_rules_are_refused_with_a_reason(rule, message):
    with pytest.raises(RuleError, match=message):
        compile_rule(rule, qualifications={"高新技术企业"})


def frame(**columns):
    data = {"enterprise_id": list(range(len(next(iter(columns.values())))))} | columns
    return add_derived(pl.DataFrame(data, strict=False))


def test_three_valued_logic_and_kleene_rules():
    rule = compile_rule("revenue >= 1000 and (rd_expense >= 100 or employees >= 50)")
    df = frame(revenue=[D(1000), D(999), None, D(2000), None],
               rd_expense=[D(100), D(100), D(100), None, D(1)],
               employees=[None, None, None, None, None])
    got = df.select(rule.expr.alias("v"))["v"].to_list()
    assert got == [True, False, None, None, None]
    assert [evaluate_row(rule, r) for r in df.to_dicts()] == got
    negated = compile_rule("not (revenue >= 1000)")
    assert df.select(negated.expr.alias("v"))["v"].to_list() == [False, True, None, False, None]


def test_decimal_boundaries_are_exact():
    rule = compile_rule("excluded_industry_income_share > 0.50")
    df = frame(excluded_industry_income_share=[D("0.50"), D("0.5001"), D("0.500000")])
    assert df.select(rule.expr.alias("v"))["v"].to_list() == [False, True, False]
    ratio = compile_rule("rd_ratio >= 0.03")  # 3 / 100 computed as an exact decimal
    df = frame(rd_expense=[D(3), D("2.99")], revenue=[D(100), D(100)])
    assert df.select(ratio.expr.alias("v"))["v"].to_list() == [True, False]


def test_conditions_inside_values_are_not_listed_as_conditions():
    rule = compile_rule("rd_ratio_3y >= (0.05 if revenue <= 5000 else 0.03) and has('高新技术企业')")
    assert [leaf.text for leaf in rule.leaves] == ["rd_ratio_3y >= (0.05 if revenue <= 5000 else 0.03)",
                                                    "has('高新技术企业')"]


RULES = [
    "revenue >= 1000 and rd_ratio >= 0.03",
    "revenue >= 1000 or employees <= 50",
    "not (employees > 100 and revenue < 500) or collection_method == '查账征收'",
    "layoff_rate <= (0.20 if insured_count <= 30 else 0.055)",
    "collection_method in ['查账征收'] and has('高新技术企业')",
]
maybe_number = st.one_of(st.none(), st.integers(0, 3000).map(D))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "revenue": maybe_number, "rd_expense": maybe_number, "employees": maybe_number, "insured_count": maybe_number,
    "layoff_rate": st.one_of(st.none(), st.sampled_from([D("0.01"), D("0.055"), D("0.056"), D("0.2")])),
    "collection_method": st.one_of(st.none(), st.sampled_from(["查账征收", "核定征收"])),
    "qualifications": st.lists(st.sampled_from(["高新技术企业", "绿色工厂"]), max_size=2),
}), min_size=1, max_size=15))
def test_vectorised_equals_row_by_row(rows):
    df = add_derived(pl.DataFrame([{"enterprise_id": i, **r} for i, r in enumerate(rows)],
                                  schema_overrides={k: pl.Decimal(28, 6) for k in
                                                    ("revenue", "rd_expense", "employees", "insured_count", "layoff_rate")}))
    for text in RULES:
        rule = compile_rule(text)
        assert df.select(rule.expr.alias("v"))["v"].to_list() == [evaluate_row(rule, r) for r in df.to_dicts()], text


def test_conditions_read_in_chinese():
    from gaoxin.benefits.rules import humanize

    assert humanize("rd_ratio >= 0.03 and has('高新技术企业')") == "研发费用占营业收入比例 ≥ 0.03 且 具有“高新技术企业”"


# --- bounds (issue 15 §3): a rule past a limit is refused at once with a Chinese reason --------------------

ADDED_5000 = " + ".join(["revenue"] * 5000) + " > 1"
ANDED_20000 = " and ".join(["revenue > 1"] * 20000)
UNBOUNDED_LENGTH = Limits(length=10**6)


def refused_fast(text: str, message: str, **kwargs) -> None:
    import time

    started = time.perf_counter()
    with pytest.raises(RuleError, match=message):
        compile_rule(text, **kwargs)
    assert time.perf_counter() - started < 5


def test_five_thousand_added_terms_are_refused_not_a_recursion_error():
    refused_fast(ADDED_5000, r"条件过长（\d+个字符，最多2000个）")
    # Past the length bound the parser's own depth is reached: still a RuleError, never a RecursionError.
    refused_fast(ADDED_5000, "嵌套过深", limits=UNBOUNDED_LENGTH)


def test_twenty_thousand_anded_conditions_are_refused_at_once():
    refused_fast(ANDED_20000, "条件过长")
    refused_fast(ANDED_20000, "过于复杂", limits=UNBOUNDED_LENGTH)
    refused_fast(ANDED_20000, r"条件过多（20000个比较，最多64个）",
                 limits=Limits(length=10**6, nodes=10**6))


@pytest.mark.parametrize("text,message", [
    ("not " * 40 + "has('高新技术企业')", "嵌套过深（超过30层"),
    ("(" * 35 + "revenue" + ")" * 35 + " > 1", None),  # brackets alone add no depth to the tree
    (" + ".join(["revenue"] * 70) + " > 1", r"算式过长（69个加减乘除，最多64个）"),
    (" or ".join(["revenue > 1"] * 65), r"条件过多（65个比较，最多64个）"),
    # Each min() uses its arguments twice (the UNKNOWN test and the value): 22 of them inside each other
    # compile to an expression of millions of nodes.
    ("min(" * 22 + "revenue" + ", 1)" * 22 + " > 0", "计算量过大"),
    ("rd_ratio_3y >= " + "(0.05 if " * 12 + "revenue > 1" + " else 0.04)" * 12, "计算量过大"),
    ("revenue / (" * 20 + "employees" + ")" * 20 + " > 1", "计算量过大"),
])
def test_depth_terms_conditions_and_cost_are_bounded(text, message):
    if message is None:
        compile_rule(text)
    else:
        refused_fast(text, message)


def test_formula_bounds_name_the_formula():
    refused_fast("min(" * 22 + "revenue" + ", 1)" * 22, "公式的计算量过大", kind="formula")


def test_every_policy_of_the_catalogue_is_well_within_the_bounds():
    from gaoxin.benefits.policy_data import POLICIES, fields_of

    tight = Limits(length=400, nodes=120, depth=10, conditions=16, terms=8, cost=400)
    for policy in POLICIES:
        compile_rule(policy[7], limits=tight, fields=fields_of(policy[0]))
        if policy[8].strip():
            compile_rule(policy[8], kind="formula", limits=tight, fields=fields_of(policy[0]))


def test_bounds_come_from_settings(settings):
    settings.GAOXIN_RULE_MAX_CONDITIONS = 2
    with pytest.raises(RuleError, match=r"条件过多（3个比较，最多2个）"):
        compile_rule("revenue > 1 and employees > 1 and rd_expense > 1")
    # The compiler's recursion stays bounded whatever is configured.
    settings.GAOXIN_RULE_MAX_DEPTH = settings.GAOXIN_RULE_MAX_TERMS = 10**6
    with pytest.raises(RuleError, match="超过100层"):
        compile_rule("not " * 150 + "has('高新技术企业')")
    with pytest.raises(RuleError, match=r"算式过长（149个加减乘除，最多100个）"):
        compile_rule(" + ".join(["revenue"] * 150) + " > 1")


@pytest.mark.parametrize("source,kind", [
    ("eligible_new_hires >= 1e40", "rule"), ("eligible_new_hires >= 1e999999", "rule"),
    ("eligible_new_hires >= " + "9" * 50, "rule"), ("eligible_new_hires >= 0.0000001", "rule"),
    ("eligible_new_hires * 1e30", "formula"), ("1e308*10", "formula"),
])
def test_a_number_beyond_the_fields_precision_is_refused_not_a_500(source, kind):
    """Red-team walk of issue 15: these answered 500 (Decimal128 overflow when compiled to Polars)."""
    with pytest.raises(RuleError, match="超出范围"):
        compile_rule(source, kind=kind)
