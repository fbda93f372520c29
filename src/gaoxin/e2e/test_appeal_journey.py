"""An enterprise raises an appeal; the centre dispatches it to a lead department with a
cooperating one; both work on it; the enterprise closes it with a rating."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_appeal_with_two_departments(live_server, browser):
    hrss, tax = department("hrss", "人力资源和社会保障局"), department("tax", "税务局")
    enterprise = EnterpriseFactory(name="湖南博越新材料有限公司")
    UserFactory(username="ent", role=Role.ENTERPRISE).enterprise_memberships.create(enterprise=enterprise)
    UserFactory(username="clerk", role=Role.WINDOW_CLERK)
    UserFactory(username="hr", role=Role.DEPT_OFFICER, org_unit=hrss)
    UserFactory(username="tax", role=Role.DEPT_OFFICER, org_unit=tax)

    ent = session(browser, live_server, "ent")
    ent.goto(f"{live_server.url}/appeals/new/")
    ent.get_by_label("类别").select_option(label="人才")
    ent.get_by_label("标题").fill("技工招聘难，希望协调社保补贴")
    ent.get_by_label("诉求内容").fill("急需数控技工20名，并咨询社保补贴政策。")
    ent.get_by_label("联系电话").fill("13800000000")
    ent.get_by_role("button", name="提交").click()
    assert ent.get_by_test_id("appeal-status").inner_text() == "已登记"
    url = ent.url

    clerk = session(browser, live_server, "clerk")
    clerk.goto(url)
    dispatch = action(clerk, "派单")
    dispatch.get_by_label("主办单位").select_option(label="人力资源和社会保障局")
    dispatch.get_by_label("协办单位").select_option(label="税务局")
    dispatch.get_by_role("button", name="派单", exact=True).click()
    assert clerk.get_by_test_id("lead").inner_text() == "人力资源和社会保障局"

    hr = session(browser, live_server, "hr")
    hr.goto(url)
    hr.get_by_role("button", name="签收").click()
    hr.get_by_role("button", name="开始办理").click()

    tax_page = session(browser, live_server, "tax")
    tax_page.goto(url)
    report = action(tax_page, "协办单位报送意见")
    report.get_by_label("说明").fill("企业可享受社保费减免，已电话告知")
    report.get_by_role("button", name="协办单位报送意见").click()

    hr.reload()
    resolve = action(hr, "办结答复")
    resolve.get_by_label("办理结果").select_option(label="已解决")
    resolve.get_by_label("说明").fill("已组织专场招聘会，推荐技工18名，并告知补贴办理方式")
    resolve.get_by_role("button", name="办结答复").click()
    assert hr.get_by_test_id("appeal-status").inner_text() == "已办结待确认"

    ent.reload()
    confirm = action(ent, "确认办结并评价")
    confirm.get_by_label("已解决", exact=True).check()
    confirm.get_by_label("满意度").select_option(label="满意")
    confirm.get_by_role("button", name="确认办结并评价").click()
    assert ent.get_by_test_id("appeal-status").inner_text() == "已关闭"
    assert "满意" in ent.get_by_test_id("satisfaction").inner_text()
    timeline = ent.get_by_test_id("timeline").inner_text()
    assert "协办单位报送意见" in timeline and "税务局" in timeline and "COOP_REPORT" not in timeline


def action(page, button: str):
    """The form of one action on the appeal page (each action has its own form with its own fields)."""
    return page.get_by_test_id("actions").locator("form").filter(
        has=page.get_by_role("button", name=button, exact=True))
