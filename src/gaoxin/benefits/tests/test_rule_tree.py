"""A policy's conditions read as the rule says (issue 14 §5): NOT, OR and nested groups keep their place on the
page. Every rule of the demo is rendered to the policy page's tree, and the tree, read back from the HTML (its
groups and the conditions it lists), is the same rule."""

import ast
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.utils.html import escape

from gaoxin.benefits.policy_data import POLICIES, fields_of
from gaoxin.benefits.rules import compile_rule, rule_tree


class _TreeReader(HTMLParser):
    """Rebuilds the rule from the rendered tree: data-op groups and the data-leaf conditions in them."""

    def __init__(self, leaves):
        super().__init__()
        self.leaves, self.stack, self.root = leaves, [], None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "li":
            return
        node = {"op": attrs["data-op"], "leaf": attrs.get("data-leaf"), "children": [], "text": ""}
        (self.stack[-1]["children"] if self.stack else []).append(node)
        if not self.stack:
            self.root = node
        self.stack.append(node)

    def handle_data(self, data):
        if self.stack:
            self.stack[-1]["text"] += data

    def handle_endtag(self, tag):
        if tag == "li":
            self.stack.pop()

    def source(self, node=None) -> str:
        node = node or self.root
        if node["op"] == "leaf":
            return f"({self.leaves[int(node['leaf'])].text})"
        if node["op"] == "not":
            return f"(not {self.source(node['children'][0])})"
        joiner = " and " if node["op"] == "all" else " or "
        return "(" + joiner.join(self.source(c) for c in node["children"]) + ")"


def _html(compiled) -> str:
    return render_to_string("benefits/_rule_node.html", {"node": rule_tree(compiled)})


@pytest.mark.parametrize("code,rule", [(p[0], p[7]) for p in POLICIES])
def test_every_demo_rule_reads_back_as_itself(code, rule):
    compiled = compile_rule(rule, fields=fields_of(code))
    html = _html(compiled)
    reader = _TreeReader(compiled.leaves)
    reader.feed(html)
    assert ast.dump(ast.parse(reader.source(), mode="eval")) == ast.dump(compiled.tree), code
    for leaf in compiled.leaves:  # every condition is on the page in words, none in code
        assert escape(leaf.label) in html and escape(leaf.text) not in html


def test_a_negated_group_is_shown_as_an_exclusion_not_as_conditions_to_meet():
    """P1: "not (main_business_industry in [...] and excluded_industry_income_share > 0.50)" was listed as two
    more conditions to meet."""
    rule = dict((p[0], p[7]) for p in POLICIES)["P1"]
    html = _html(compile_rule(rule))
    assert "同时满足以下全部条件" in html and "不属于以下情形（属于即不适用）" in html
    excluded = html[html.index("不属于以下情形"):]
    assert "负面清单行业收入占比" in excluded and "居民企业" not in excluded


def test_or_reads_as_any_of():
    html = _html(compile_rule("ism_score >= 60 or has('高新技术企业') or not seriously_dishonest == True"))
    assert "满足以下任一条件" in html and "不满足：" in html and "同时满足" not in html


def test_a_threshold_that_depends_on_another_field_reads_as_its_cases():
    """QA walk: "上年裁员率 ≤ (0.20 当 月均参保人数 ≤ 30人 否则 0.055)" read like code."""
    from gaoxin.benefits.fields import formula_text
    from gaoxin.benefits.rules import humanize

    assert humanize("layoff_rate <= (0.20 if insured_count <= 30 else 0.055)") == \
        "上年裁员率 ≤ 下列值：月均参保人数 ≤ 30人时为 0.2；其他为 0.055"
    assert formula_text("20") == "定额 20"  # "依据：20" said nothing
