"""A rule's text values against the fields' known value sets (issue 23, QA: `size_group == '规上'` was saved and held
for no firm): a comparison of such a field with a value it never takes is refused when the rule is saved — policies
and targeted notices alike — naming the field and its values in Chinese; stored codes read as words on pages."""

import re

import pytest
from django.core.exceptions import ValidationError

from gaoxin.benefits.fields import FIELDS, PERSON_FIELDS
from gaoxin.benefits.policy_data import POLICIES, fields_of
from gaoxin.benefits.rules import RuleError, check_values, compile_rule, humanize
from gaoxin.benefits.services import check_rule_text


def _check(source: str, fields=None) -> None:
    check_values(compile_rule(source, fields=fields))


@pytest.mark.parametrize(("rule", "words"), [
    ("size_group == '规上'", ["第15个字符处", "“规模”的“规上”在条件中须用该字段的固定写法", "可选：“规上”、“规下”"]),
    ("'规模以上' != size_group", ["“规模”没有“规模以上”这个取值"]),
    ("tax_credit_rating in ['A', 'E']", ["“纳税信用等级”没有“E”这个取值", "'A'、'B'、'M'、'C'、'D'"]),
    ("employees >= 10 and industry_section not in ['制造业']", ["“行业门类”的“制造业”在条件中须用该字段的固定写法",
                                                                 "“农、林、牧、渔业”、“采矿业”、“制造业”"]),
    ("industry_section == '造车'", ["“行业门类”没有“造车”这个取值，可选：“农、林、牧、渔业”、"]),
    ("collection_method == '查帐征收'", ["'查账征收'、'核定征收'"]),
])
def test_a_value_the_field_never_takes_is_refused(rule, words):
    with pytest.raises(RuleError) as exc:
        _check(rule)
    for word in words:
        assert word in str(exc.value)
    assert not re.search(r"ABOVE|BELOW|'C'（|请写作", str(exc.value))  # the words, never the stored codes


def test_the_column_counts_characters_not_bytes():
    with pytest.raises(RuleError, match="第33个字符处"):
        _check("has('高新技术企业') and size_group == 'X'")


@pytest.mark.parametrize("rule", [
    "size_group == 'ABOVE'", "size_group != 'BELOW' and tax_credit_rating in ['A', 'B']",
    "industry_section in ['C', 'M']", "park == '任何园区'", "main_business_industry == '制造业'",
    "evaluation_tier == 'A' or enterprise_size in ['小型', '微型']",
])
def test_values_in_the_set_and_fields_without_one_pass(rule):
    _check(rule)


def test_person_fields_have_the_registry_values():
    _check("education in ['硕士研究生', '博士研究生']", PERSON_FIELDS)
    with pytest.raises(RuleError, match="“学历”没有“研究生”这个取值"):
        _check("education == '研究生'", PERSON_FIELDS)


@pytest.mark.django_db  # a person policy's has('…') names the registry's titles
def test_a_policy_is_checked_when_saved():
    with pytest.raises(ValidationError) as exc:
        check_rule_text("size_group == '规上' and employees >= 100")
    assert "适用条件有误" in exc.value.message_dict["rule"][0] and "可选：“规上”、“规下”" in exc.value.message_dict["rule"][0]
    assert "写法见“条件写法”的字段表" in exc.value.message_dict["rule"][0] and "ABOVE" not in exc.value.message_dict["rule"][0]
    with pytest.raises(ValidationError, match="学历"):
        check_rule_text("education == '硕士'", subject="person")
    check_rule_text("size_group == 'ABOVE' and employees >= 100")


def test_every_shipped_policy_passes():
    for policy in POLICIES:
        _check(policy[7], fields_of(policy[0]))


def test_the_value_sets_are_the_registry_choices():
    from gaoxin.enterprises.industries import SECTIONS
    from gaoxin.enterprises.models import SizeGroup
    from gaoxin.talent.models import Education, SkillGrade

    assert FIELDS["size_group"].choices == tuple(SizeGroup.values)
    assert FIELDS["industry_section"].choices == tuple(SECTIONS)
    assert PERSON_FIELDS["education"].choices == tuple(str(label) for label in Education.labels)
    assert PERSON_FIELDS["skill_grade"].choices == tuple(str(g.label) for g in SkillGrade if g.value)


def test_stored_codes_read_as_words():
    assert humanize("size_group == 'ABOVE' and employees >= 100") == "规模 为 “规上” 且 职工人数 ≥ 100人"
    assert humanize("size_group != 'BELOW'") == "规模 ≠ “规下”"
    assert humanize('size_group == "ABOVE"') == "规模 为 “规上”"  # either quote (QA: “ABOVE” was shown)
    assert humanize("industry_section in ['C', 'M']") == "行业门类 属于 “制造业”、“科学研究和技术服务业”"
    assert humanize("tax_credit_rating in ['A', 'B']") == "纳税信用等级 属于 “A”、“B”"
