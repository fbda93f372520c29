"""With the Content-Security-Policy on (script-src 'self', issue 16 §3), the controls that used inline scripts and
handlers still work in Chromium through gaoxin.js: the language switch and list filters submit when changed, the
print buttons print, form fields get their Bootstrap classes; and the browser reports no blocked script."""

import pytest
from playwright.sync_api import expect

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import make_item
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _watch_csp(page) -> list[str]:
    blocked: list[str] = []
    page.on("console", lambda msg: blocked.append(msg.text) if "Content Security Policy" in msg.text else None)
    return blocked


def test_controls_work_under_the_policy(live_server, page):
    admin = UserFactory(username="admin", role=Role.ZONE_ADMIN, full_name="管理员 王芳", is_staff=True,
                        is_superuser=True)
    OrgUnitFactory(code="jinrong", name="金荣驿站", kind=OrgKind.STATION)
    EnterpriseFactory(name="湘潭策略电气有限公司")
    EnterpriseFactory(name="湘潭另一机械有限公司")
    item = make_item(admin, code="43037105XK0901", name="策略测试许可")
    draft = make_item(admin, code="43037105XK0902", name="策略测试草稿", publish=False)
    blocked = _watch_csp(page)
    login(page, live_server.url, "admin", "Secret-pass-123")

    # The registry search: its fields styled by gaoxin.js (was an inline script).
    page.goto(f"{live_server.url}/enterprises/")
    expect(page.locator("form[role=search] input[name=q]")).to_have_class("form-control")
    # htmx's typed search (`input changed delay:400ms from:input[name=q]`) needs no eval.
    page.locator("form[role=search] input[name=q]").press_sequentially("策略")
    expect(page.get_by_test_id("result-count")).to_contain_text("共 1 家")

    # The 帮代办 list's status filter submits when changed (was onchange=…).
    page.goto(f"{live_server.url}/assist/")
    page.get_by_label("状态").select_option(index=1)
    page.wait_for_url("**/assist/?status=*")

    # The station log's category filter.
    page.goto(f"{live_server.url}/stations/jinrong/")
    page.get_by_label("类别", exact=True).select_option(index=1)
    page.wait_for_url("**/stations/jinrong/?category=*")

    # The catalogue editor's fields styled (was an inline script).
    page.goto(f"{live_server.url}/catalog/manage/{draft.implementation_code}/v1/edit/")
    expect(page.locator("form[data-gx-fields] textarea").first).to_have_class("form-control")

    # The poster's print button calls the browser's print (was onclick=…); print itself is replaced to count.
    page.goto(f"{live_server.url}/guide/{item.implementation_code}/poster/")
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1

    # The language switch submits when changed (was onchange=…), and back.
    page.goto(f"{live_server.url}/")
    page.get_by_label("Language").select_option("en")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("zh-hans")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")

    assert not blocked, blocked
