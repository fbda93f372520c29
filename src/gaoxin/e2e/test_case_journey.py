"""An enterprise applies online without one secondary material; the window accepts it with
that material owed (容缺受理); the enterprise supplies it; the department approves; the window
delivers; the enterprise sees the result and rates the service."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.cases.models import cn_date
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.selectors import work_calendar
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_online_application_to_rating(live_server, browser, tmp_path):
    admin = UserFactory(role=Role.ZONE_ADMIN)
    market = department()
    item = make_item(admin, channels=["window", "web"], tolerance_allowed=True)
    enterprise = EnterpriseFactory(name="湖南蓝恒环保科技有限公司")
    applicant = UserFactory(username="ent", role=Role.ENTERPRISE)
    applicant.enterprise_memberships.create(enterprise=enterprise)
    UserFactory(username="clerk", role=Role.WINDOW_CLERK)
    UserFactory(username="officer", role=Role.DEPT_OFFICER, org_unit=market)
    form_pdf = tmp_path / "申请表.pdf"
    form_pdf.write_bytes(b"%PDF-1.4 demo form")

    ent = session(browser, live_server, "ent")
    ent.goto(f"{live_server.url}/guide/{item.implementation_code}/")
    ent.get_by_test_id("apply-online").click()
    ent.wait_for_url("**/apply/")
    ent.get_by_label("联系电话").fill("13812345678")
    for label in ("企业设立登记申请表", "公司章程", "合伙协议"):
        ent.get_by_label(label).set_input_files(str(form_pdf))
    ent.get_by_role("button", name="提交申请").click()
    ent.wait_for_url("**/cases/GX*/")
    number = ent.get_by_test_id("case-number").inner_text()
    assert ent.get_by_test_id("case-status").inner_text() == "已接件"

    clerk = session(browser, live_server, "clerk")
    clerk.goto(f"{live_server.url}/cases/queue/intake/")
    clerk.get_by_role("link", name=number).click()
    clerk.get_by_label("住所使用证明").check()
    clerk.get_by_label("补齐期限（工作日）").fill("3")
    clerk.get_by_label("申请人已签署《容缺受理承诺书》").check()
    clerk.get_by_role("button", name="容缺受理").click()
    assert clerk.get_by_test_id("case-status").inner_text() == "已受理"
    assert "剩余" in clerk.get_by_test_id("time-left").inner_text()
    owed_until = cn_date(work_calendar().add_working_days(services.today(), 3))
    assert clerk.get_by_test_id("tolerance-due").inner_text().startswith(f"{owed_until}之前（含当日）")
    clerk.get_by_role("link", name="容缺受理通知书").click()
    assert "住所使用证明" in clerk.content() and number in clerk.content()
    assert clerk.get_by_test_id("tolerance-deadline").inner_text() == f"{owed_until}之前（含当日）"

    ent.reload()
    ent.get_by_label("补交文件").set_input_files(str(form_pdf))
    ent.get_by_role("button", name="补交", exact=True).click()
    assert "容缺材料已补齐" in ent.content()

    officer = session(browser, live_server, "officer")
    officer.goto(f"{live_server.url}/cases/queue/review/")
    officer.get_by_role("link", name=number).click()
    officer.get_by_role("button", name="开始审查").click()
    officer.get_by_role("button", name="准予（办结）").click()
    assert officer.get_by_test_id("case-status").inner_text() == "办结（准予）"

    clerk.goto(f"{live_server.url}/cases/{number}/")
    clerk.get_by_role("button", name="送达（出件）").click()
    assert clerk.get_by_test_id("case-status").inner_text() == "已送达"

    ent.goto(f"{live_server.url}/cases/{number}/")
    assert ent.get_by_test_id("case-status").inner_text() == "已送达"
    assert ent.get_by_test_id("unread").inner_text() != ""  # told about acceptance, decision and delivery
    ent.get_by_label("非常满意").check()
    ent.get_by_role("button", name="提交评价").click()
    assert "评价：非常满意" in ent.content()
