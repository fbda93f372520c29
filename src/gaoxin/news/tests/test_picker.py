"""The targeting rule picked, not typed (issue 23, QA item 7): conditions chosen from the benefits rule vocabulary
(the enterprise profile's fields and 持有资质), a comparison and a value, written out as a rule the form checks as
before; a value the field cannot take is said beside it; nothing is saved until 保存草稿."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gaoxin.news.models import Article
from gaoxin.news.rules import build_rule, check_rule, condition_code, picker_fields

pytestmark = pytest.mark.django_db


def test_conditions_are_written_in_the_rule_language():
    assert condition_code("has", "eq", "高新技术企业") == "has('高新技术企业')"
    assert condition_code("has", "ne", "高新技术企业") == "not has('高新技术企业')"
    assert condition_code("employees", "ge", "100") == "employees >= 100"
    assert condition_code("registered_capital", "gt", "1,000.50") == "registered_capital > 1000.5"
    assert condition_code("size_group", "eq", "规上") == "size_group == 'ABOVE'"
    assert condition_code("park", "eq", "金荣园区") == "park == '金荣园区'"
    assert condition_code("restricted_industry", "eq", "否") == "restricted_industry == False"
    assert condition_code("tax_credit_rating", "ne", "D") == "tax_credit_rating != 'D'"
    rule = build_rule([("size_group", "eq", "规上"), ("employees", "ge", "100")], "and")
    assert rule == "size_group == 'ABOVE' and employees >= 100"
    check_rule(rule)
    assert build_rule([("has", "eq", "高新技术企业"), ("has", "eq", "科技型中小企业")], "or") == \
        "has('高新技术企业') or has('科技型中小企业')"


@pytest.mark.parametrize(("field", "op", "value", "message"), [
    ("employees", "ge", "一百", "应为数字"),
    ("has", "eq", "不存在的资质", "没有名为"),
    ("has", "gt", "高新技术企业", "只能选"),
    ("park", "gt", "金荣园区", "只能选"),
    ("park", "eq", "金荣' or True or '", "引号"),
    ("tax_credit_rating", "eq", "E", "可选"),
    ("restricted_industry", "eq", "也许", "是"),
    ("employees", "ge", "", "请填写取值"),
    ("no_such_field", "eq", "1", "请选择条件"),
])
def test_a_value_the_field_cannot_take_is_refused(field, op, value, message):
    with pytest.raises(ValidationError, match=message):
        condition_code(field, op, value)


def test_a_word_the_field_never_takes_names_its_words_not_its_codes():
    with pytest.raises(ValidationError) as exc:
        condition_code("size_group", "eq", "大型")
    assert exc.value.messages == ["“规模”可选：“规上”、“规下”"]
    with pytest.raises(ValidationError) as exc:
        condition_code("size_group", "gt", "规上")
    assert exc.value.messages == ["“规模”只能选“等于”或“不等于”"]


def test_the_vocabulary_is_in_chinese():
    labels = dict(picker_fields())
    assert labels["has"].startswith("持有资质") and labels["employees"] == "职工人数（人）"
    assert labels["size_group"] == "规模（规上 / 规下）"  # no stored code (ABOVE) on the page
    assert not any(code.startswith(("staff_q", "assets_q")) for code in labels)


def _post(client, **extra):
    data = {"kind": "notice", "title": "关于规上企业用工摸底的通知", "body": "正文", "rule": "",
            "pick-join": "and", "pick-field_1": "size_group", "pick-op_1": "eq", "pick-value_1": "规上",
            "pick-field_2": "employees", "pick-op_2": "ge", "pick-value_2": "100", "pick-build": "1", **extra}
    return client.post(reverse("news_new"), data)


def test_generate_fills_the_rule_field_and_keeps_what_was_typed(client, writer, django_assert_max_num_queries):
    client.force_login(writer)
    # As the empty form (the picker reads nothing from the database), and the generated rule's reach: the operating
    # firms' profiles and the names of ten of them, a constant number of reads.
    with django_assert_max_num_queries(11):
        response = _post(client)
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="rule-picked"' in page
    assert "size_group == &#x27;ABOVE&#x27; and employees &gt;= 100</textarea>" in page
    assert 'value="关于规上企业用工摸底的通知"' in page and not Article.objects.exists()
    # Saved as usual with the generated rule.
    client.post(reverse("news_new"), {"kind": "notice", "title": "关于规上企业用工摸底的通知", "body": "正文",
                                      "rule": "size_group == 'ABOVE' and employees >= 100"})
    assert Article.objects.get().rule == "size_group == 'ABOVE' and employees >= 100"


def test_a_bad_value_is_said_beside_it(client, writer):
    client.force_login(writer)
    response = _post(client, **{"pick-value_2": "很多"})
    page = response.content.decode()
    assert response.status_code == 400 and "“职工人数”的取值应为数字" in page and 'value="很多"' in page
    assert "rule-picked" not in page and not Article.objects.exists()
    response = _post(client, **{"pick-field_1": "", "pick-value_1": "", "pick-field_2": "",
                                        "pick-value_2": ""})
    assert response.status_code == 400 and "请至少选择一个条件" in response.content.decode()


def test_the_picker_is_on_the_edit_page_too(client, writer):
    client.force_login(writer)
    client.post(reverse("news_new"), {"kind": "notice", "title": "通知", "body": "正文", "rule": ""})
    article = Article.objects.get()
    response = client.post(reverse("news_edit", args=[article.pk]), {
        "kind": "notice", "title": "通知（改）", "body": "正文", "rule": "", "pick-join": "or",
        "pick-field_1": "has", "pick-op_1": "eq", "pick-value_1": "高新技术企业", "pick-build": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and "has(&#x27;高新技术企业&#x27;)</textarea>" in page and "通知（改）" in page
    article.refresh_from_db()
    assert article.rule == "" and article.title == "通知"


def test_the_form_page_offers_the_picker(client, writer):
    client.force_login(writer)
    page = client.get(reverse("news_new")).content.decode()
    assert 'data-testid="rule-picker"' in page and "持有资质" in page and 'list="pick-values"' in page
