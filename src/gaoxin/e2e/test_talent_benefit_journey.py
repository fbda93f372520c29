"""A talent claims the housing subsidy (购房补贴) on their own page; the talent office approves it, which schedules
five yearly instalments; the office approves the first and finance pays it; the talent sees it paid. The employer
then tries to claim the same item for the same person and is refused: 同一事项不重复享受 (issue 19, done when)."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits.models import TalentClaim
from gaoxin.benefits.tests.talent_fixtures import make_talent, seed_items
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_housing_subsidy_instalment_paid_and_a_second_claim_refused(live_server, browser):
    hrss, finance = department("hrss", "人力资源和社会保障局"), department("finance", "财政局")
    seed_items()
    UserFactory(username="office", role=Role.DEPT_OFFICER, org_unit=hrss)
    UserFactory(username="fin", role=Role.DEPT_OFFICER, org_unit=finance)
    firm = EnterpriseFactory(name="湘潭电机股份有限公司")
    employer = UserFactory(username="hr-firm", role=Role.ENTERPRISE)
    employer.enterprise_memberships.create(enterprise=firm)
    person = UserFactory(username="talent", role=Role.TALENT, full_name="欧阳明远")
    talent = make_talent(employer=firm, user=person, tier="C", title="车城人才")

    me = session(browser, live_server, "talent")
    me.goto(f"{live_server.url}/talent-benefits/")  # a talent lands on their own page
    assert "人才购房补贴" in me.get_by_test_id("eligibility").inner_text()
    me.get_by_label("申领事项").select_option(label="人才购房补贴")
    me.get_by_label("收款账户").fill("湘潭银行高新支行 6230 5800 0012 0001")
    me.get_by_role("button", name="提交申领").click()
    assert me.get_by_test_id("claim-status").inner_text() == "待审核"
    assert me.get_by_test_id("claim-amount").inner_text().startswith("1,500,000.00 元")
    number = me.url.rstrip("/").rsplit("/", 1)[-1]

    office = session(browser, live_server, "office")
    office.goto(f"{live_server.url}/talent-benefits/")
    office.get_by_role("link", name=number).click()
    office.get_by_role("button", name="审核通过并排定分期").click()
    assert office.get_by_test_id("claim-status").inner_text() == "分期发放中"
    first = office.get_by_test_id("instalment-1")
    assert "300,000.00" in first.inner_text()
    assert office.get_by_test_id("instalments").locator("tbody tr").count() == 5
    first.get_by_role("button", name="审核本期").click()
    assert office.get_by_test_id("instalment-1").get_by_test_id("instalment-status").inner_text() == "待拨付"

    fin = session(browser, live_server, "fin")
    fin.goto(f"{live_server.url}/talent-benefits/claims/{number}/")
    fin.get_by_test_id("instalment-1").get_by_role("button", name="拨付本期").click()  # no reference: refused
    assert "请填写拨付凭证号" in fin.get_by_test_id("instalment-1").inner_text()
    fin.get_by_test_id("instalment-1").get_by_label("拨付凭证号").fill("ZF2026-1130")
    fin.get_by_test_id("instalment-1").get_by_role("button", name="拨付本期").click()
    assert fin.get_by_test_id("instalment-1").get_by_test_id("instalment-status").inner_text() == "已拨付"
    assert fin.get_by_test_id("claim-paid").inner_text() == "300,000.00 元"

    me.reload()
    assert "已拨付" in me.get_by_test_id("instalment-1").inner_text()
    assert me.get_by_test_id("claim-paid").inner_text() == "300,000.00 元"

    # The employer claims the same item for the same person: refused, with its typed account kept.
    hr = session(browser, live_server, "hr-firm")
    hr.goto(f"{live_server.url}/talent-benefits/people/{talent.pk}/")
    assert talent.id_number not in hr.content()  # masked outside the talent office
    hr.get_by_label("申领事项").select_option(label="人才购房补贴")
    hr.get_by_label("收款账户").fill("工商银行 6222 0000 9999")
    hr.get_by_role("button", name="提交申领").click()
    error = hr.get_by_test_id("claim-form").inner_text()
    assert "同一事项不重复享受" in error and number in error
    assert hr.get_by_label("收款账户").input_value() == "工商银行 6222 0000 9999"
    assert TalentClaim.objects.filter(talent=talent).count() == 1
