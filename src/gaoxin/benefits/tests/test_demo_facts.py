"""Demo profile data a zone would believe (issue 14 §8): revenue agrees with the registry's 规上 / 规下, and the
size category (企业划型) with staff and revenue."""

import random
from decimal import Decimal

import pytest

from gaoxin.benefits.demo_data import demo_facts, size_category


@pytest.mark.parametrize("employees,revenue,size", [
    (1000, 40000, "大型"), (999, 40000, "中型"), (300, 2000, "中型"), (300, 1999, "小型"), (20, 300, "小型"),
    (19, 5000, "微型"), (500, 299, "微型"),
])
def test_size_category_follows_the_2011_rules_for_industry(employees, revenue, size):
    assert size_category(employees, Decimal(revenue)) == size


def test_demo_facts_agree_with_the_registry_and_with_each_other():
    firms = [(i, "ABOVE" if i % 2 else "BELOW") for i in range(400)]
    facts: dict[int, dict] = {}
    for f in demo_facts(random.Random(7), firms):
        facts.setdefault(f.enterprise_id, {})[f.field] = f.number if f.number is not None else f.text
    assert len(facts) > 300
    for eid, values in facts.items():
        assert (values["revenue"] >= 2000) is (eid % 2 == 1), eid  # 规上: 主营业务收入 2000万元 and more
        assert values["enterprise_size"] == size_category(int(values["employees"]), values["revenue"])
