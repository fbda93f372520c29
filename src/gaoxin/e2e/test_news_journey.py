"""云资讯 (issue 23 item 5, done-when "A targeted notice reaches only the matching firms"): the human-resources bureau
writes a notice for the 规上 firms with 100 staff or more — a wrong rule is refused beside the field in Chinese (a
syntax slip, then a value the field never takes: 规上 for the stored ABOVE), what was typed kept, then the rule is
picked from the vocabulary — previews its reach before publishing (a threshold that reaches no firm says which
condition shuts them out; the right rule names the firm it reaches), reads the rule in words on the draft and
publishes it; a matching firm's user sees it unread and opens it (the firm's read receipt), a non-matching firm's user
neither sees nor opens it, and the bureau sees 1 read."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits.models import ProfileFact
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.models import SizeGroup
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.news.models import Article, Delivery

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

TITLE = "关于开展规上企业春季用工需求摸底的通知"


def _firm(name, size, employees, username):
    firm = EnterpriseFactory(name=name, size_group=size)
    if employees is not None:
        ProfileFact.objects.create(enterprise=firm, field="employees", number=Decimal(employees))
    user = UserFactory(username=username, role=Role.ENTERPRISE)
    user.enterprise_memberships.create(enterprise=firm)
    return firm


def test_a_targeted_notice_reaches_only_the_matching_firms(live_server, browser):
    UserFactory(username="hr", full_name="欧阳敏", role=Role.DEPT_OFFICER,
                org_unit=department("hrss", "人力资源和社会保障局"))
    matching = _firm("湖南湘电动力有限公司", SizeGroup.ABOVE, 300, "match")
    _firm("湘潭小微电子有限公司", SizeGroup.ABOVE, 20, "small")
    _firm("湘潭待完善科技有限公司", SizeGroup.ABOVE, None, "unknown")

    hr = session(browser, live_server, "hr")
    hr.goto(f"{live_server.url}/")
    hr.get_by_role("link", name="云资讯管理").click()
    hr.get_by_role("link", name="撰写资讯").click()
    # The form opens on 新闻, which has no 阅读对象: the rule, its preview and the picker show once 通知公告 is chosen.
    assert hr.get_by_label("类别").input_value() == "news"
    assert not hr.get_by_label("阅读对象（条件）").is_visible() and not hr.get_by_test_id("rule-picker").is_visible()
    hr.get_by_label("类别").select_option("notice")
    assert hr.get_by_label("阅读对象（条件）").is_visible() and hr.get_by_test_id("rule-picker").is_visible()
    hr.get_by_label("标题").fill(TITLE)
    hr.get_by_label("正文").fill("各有关企业：\n\n请于11月20日前在平台填报春季用工需求。")
    hr.get_by_label("阅读对象（条件）").fill("size_group = 'ABOVE' and employees >= 100")
    hr.get_by_role("button", name="保存草稿").click()
    error = hr.locator("#id_rule ~ .invalid-feedback")
    assert "阅读对象条件有误" in error.inner_text() and "==" in error.inner_text()
    assert hr.get_by_label("标题").input_value() == TITLE  # what was typed is kept
    hr.get_by_label("阅读对象（条件）").fill("size_group == '规上' and employees >= 100")
    hr.get_by_role("button", name="保存草稿").click()
    error = hr.locator("#id_rule ~ .invalid-feedback")
    assert "“规模”的“规上”在条件中须用该字段的固定写法" in error.inner_text() and "ABOVE" not in error.inner_text()
    assert hr.get_by_label("标题").input_value() == TITLE
    # The rule picked instead of typed: 规模 等于 规上, 职工人数 大于或等于 100, written into the rule field.
    picker = hr.get_by_test_id("rule-picker")
    picker.locator("summary").click()
    picker.get_by_label("条件1", exact=True).select_option("size_group")
    picker.get_by_label("条件1的取值").fill("规上")
    picker.get_by_label("条件2", exact=True).select_option("employees")
    picker.get_by_label("条件2的比较").select_option("ge")
    picker.get_by_label("条件2的取值").fill("100")
    hr.get_by_role("button", name="生成条件").click()
    rule = "size_group == 'ABOVE' and employees >= 100"
    assert hr.get_by_label("阅读对象（条件）").input_value() == rule
    assert hr.get_by_label("标题").input_value() == TITLE
    expect(hr.get_by_test_id("reach-count")).to_have_text("1 家")  # the generated rule's reach, shown at once
    # The reach previewed before publishing (htmx swaps the preview alone): a threshold no firm meets says so and
    # which condition shuts them out; the picked rule reaches the one matching firm, named.
    reach = hr.get_by_test_id("reach-preview")
    hr.get_by_label("阅读对象（条件）").fill("size_group == 'ABOVE' and employees >= 1000")
    hr.get_by_role("button", name="预览送达范围").click()
    expect(hr.get_by_test_id("reach-none")).to_be_visible()
    assert "职工人数 ≥ 1000人：没有企业满足" in reach.inner_text() and "企业档案中“职工人数”为 20人 至 300人" in reach.inner_text()
    hr.get_by_label("阅读对象（条件）").fill(rule)
    hr.get_by_role("button", name="预览送达范围").click()
    expect(hr.get_by_test_id("reach-count")).to_have_text("1 家")
    assert hr.get_by_test_id("reach-names").inner_text() == "包括：湖南湘电动力有限公司"
    assert "另有 1 家企业缺少条件所需的数据" in reach.inner_text()
    assert hr.get_by_label("标题").input_value() == TITLE and not Article.objects.exists()  # nothing saved
    hr.get_by_role("button", name="保存草稿").click()
    assert hr.get_by_test_id("staff-status").inner_text() == "草稿"
    words = hr.get_by_test_id("rule-words")  # the rule in words; the code folded under 规则原文
    assert "规模 为 “规上”" in words.inner_text() and "职工人数 ≥ 100人" in words.inner_text()
    expect(hr.get_by_test_id("rule-code")).to_be_hidden()
    expect(hr.get_by_test_id("reach-count")).to_have_text("1 家")
    expect(hr.get_by_test_id("confirm-empty")).to_have_count(0)  # it reaches a firm: no 仍然发布 asked
    hr.get_by_role("button", name="发布").click()
    assert hr.get_by_test_id("staff-status").inner_text() == "已发布"
    hr.reload()  # the delivery job ran when the publication committed
    assert hr.get_by_test_id("count-delivered").inner_text() == "1 家"
    assert hr.get_by_test_id("count-read").inner_text() == "0 家"
    assert "另有 1 家企业缺少条件所需的数据" in hr.get_by_test_id("count-unknown").inner_text()
    article = Article.objects.get(title=TITLE)

    firm = session(browser, live_server, "match")
    firm.goto(f"{live_server.url}/news/")
    item = firm.get_by_test_id("news-item").filter(has_text=TITLE)
    assert item.get_by_test_id("news-unread").is_visible()
    item.click()
    assert firm.get_by_test_id("article-title").inner_text() == TITLE
    receipt = Delivery.objects.get(article=article)
    assert receipt.enterprise == matching and receipt.read_by.username == "match" and receipt.read_at

    other = session(browser, live_server, "small")
    other.goto(f"{live_server.url}/news/")
    assert TITLE not in other.get_by_test_id("news-list").inner_text()
    response = other.goto(f"{live_server.url}/news/{article.pk}/")
    assert response.status == 404
    assert Delivery.objects.filter(read_at__isnull=False).count() == 1

    hr.reload()
    assert hr.get_by_test_id("count-read").inner_text() == "1 家"
    assert hr.get_by_test_id("count-unread").inner_text() == "0 家"
