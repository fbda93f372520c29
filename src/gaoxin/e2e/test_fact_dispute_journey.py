"""A firm disputes the 纳税信用等级 the tax bureau supplied (issue 14 §6): the profile page refuses to overwrite it
and asks for a reason, the dispute reaches the tax bureau's list, which corrects the fact; the firm is told."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import FactDispute, ProfileFact
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_firm_disputes_a_tax_fact_and_the_tax_bureau_corrects_it(live_server, browser):
    tax = department("tax", "国家税务总局湘潭高新区税务局")
    enterprise = EnterpriseFactory(name="湖南金杯电工有限公司")
    firm = UserFactory(username="ent", role=Role.ENTERPRISE)
    firm.enterprise_memberships.create(enterprise=enterprise)
    officer = UserFactory(username="tax", role=Role.DEPT_OFFICER, org_unit=tax)
    services.profile_update(enterprise=enterprise, values={"tax_credit_rating": "B"}, actor=officer, source="税务")

    page = session(browser, live_server, "ent")
    page.goto(f"{live_server.url}/policies/profile/{enterprise.pk}/")
    assert page.get_by_test_id("supplied-tax_credit_rating").inner_text() == "国家税务总局湘潭高新区税务局提供"
    page.get_by_label("纳税信用等级（A/B/M/C/D）").select_option("A")
    page.get_by_role("button", name="保存并重新匹配").click()
    assert "企业不能直接修改" in page.get_by_test_id("profile-form").inner_text()
    assert page.get_by_label("纳税信用等级（A/B/M/C/D）").input_value() == "A"  # what was typed is kept
    page.get_by_label("异议理由（修改部门提供的数据时填写）").fill("2025年度纳税信用评价结果已调整为A级")
    page.get_by_role("button", name="保存并重新匹配").click()
    page.get_by_text("异议已提交").wait_for()
    assert ProfileFact.objects.get(enterprise=enterprise, field="tax_credit_rating").text == "B"

    bureau = session(browser, live_server, "tax")
    bureau.goto(f"{live_server.url}/policies/")
    bureau.get_by_role("link", name="企业画像数据异议").click()
    row = bureau.get_by_test_id(f"dispute-{FactDispute.objects.get().pk}")
    assert "2025年度纳税信用评价结果已调整为A级" in row.inner_text()
    row.get_by_role("button", name="采纳，按企业主张更正").click()
    bureau.get_by_text("已处理").wait_for()
    assert ProfileFact.objects.get(enterprise=enterprise, field="tax_credit_rating").text == "A"

    page.goto(f"{live_server.url}/policies/profile/{enterprise.pk}/")
    assert "已采纳并更正" in page.get_by_test_id("my-disputes").inner_text()
    assert page.get_by_test_id("unread").inner_text() != ""  # told of the decision
