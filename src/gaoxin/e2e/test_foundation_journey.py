"""The clerk logs in, opens the enterprise list, searches and opens a detail page."""

import re

import pytest
from playwright.sync_api import expect

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_clerk_searches_registry_and_opens_detail(live_server, page):
    UserFactory(username="clerk", role=Role.WINDOW_CLERK, full_name="综窗 李娜")
    target = EnterpriseFactory(name="湖南博越新材料有限公司", industry_id="30")
    LandParcelFactory(enterprise=target, area_m2=20000)
    for i in range(30):
        EnterpriseFactory(name=f"湘潭测试{i}号机械有限公司")

    login(page, live_server.url, "clerk", "Secret-pass-123")
    assert "综窗 李娜" in page.get_by_test_id("current-user").inner_text()
    page.get_by_role("link", name="企业档案").first.click()
    page.wait_for_url("**/enterprises/")
    assert "共 31 家企业" in page.get_by_test_id("result-count").inner_text()

    page.get_by_placeholder("企业名称、统一社会信用代码或法定代表人").fill("博越")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_test_id("result-count")).to_contain_text("共 1 家")  # no eval: the page's CSP forbids it
    assert "q=" in page.url  # htmx pushed the search into the address bar

    page.get_by_role("link", name="湖南博越新材料有限公司").click()
    page.wait_for_url(f"**/enterprises/{target.pk}/")
    assert page.get_by_test_id("uscc").inner_text() == target.uscc
    assert "30.00 亩" in page.get_by_test_id("net-mu").inner_text()


def test_deadline_calculator_on_a_phone(live_server, phone):
    UserFactory(username="clerk", role=Role.WINDOW_CLERK)
    login(phone, live_server.url, "clerk", "Secret-pass-123")
    phone.goto(f"{live_server.url}/tools/deadline/")
    phone.get_by_label("受理日期").fill("2026-09-28")
    phone.get_by_label("办理时限（工作日）").fill("5")
    phone.get_by_role("button", name="计算").click()
    due = phone.get_by_test_id("due-date")
    due.wait_for()
    assert "2026年10月10日" in due.inner_text()
    # 适老化: the large-text switch enlarges the page and is remembered.
    phone.get_by_role("button", name="菜单").click()
    # The menu slides open; click once it is fully shown, not while its items are still moving.
    expect(phone.locator("#gx-nav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    phone.get_by_role("button", name="大字").click()
    expect(phone.locator("html")).to_have_class(re.compile("large-text"))
    phone.reload()
    expect(phone.locator("html")).to_have_class(re.compile("large-text"))
