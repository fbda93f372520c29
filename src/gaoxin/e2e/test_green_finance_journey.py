"""A firm posts a financing need and shares it with one bank (its profile, not its grades); the other bank sees
nothing; the chosen bank answers in time, grants credit and records the disbursement; the finance office sees the
interest subsidy computed and pays it from the risk pool; the firm sees the subsidy (issue 21)."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.green import services
from gaoxin.green.models import BankResponse, FinanceNeed, PoolMovement, RiskPool

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_need_is_shared_answered_disbursed_and_subsidised(live_server, browser):
    firm = EnterpriseFactory(name="湖南绿源电机有限公司", industry_id="38")
    user = UserFactory(username="firm", role=Role.ENTERPRISE, full_name="张伟", phone="13800000000")
    user.enterprise_memberships.create(enterprise=firm)
    bank_a = OrgUnitFactory(code="bank-a", name="湘潭银行高新支行", kind=OrgKind.BANK, sort_order=1)
    bank_b = OrgUnitFactory(code="bank-b", name="建设银行湘潭高新支行", kind=OrgKind.BANK, sort_order=2)
    UserFactory(username="bank-a", role=Role.BANK, org_unit=bank_a, full_name="罗建")
    UserFactory(username="bank-b", role=Role.BANK, org_unit=bank_b, full_name="钱程")
    finance = UserFactory(username="finance", role=Role.DEPT_OFFICER, org_unit=department("finance", "财政局"))
    services.pool_contribute(actor=finance, source="zone", amount="1000000")

    # The firm posts its need to one bank, with its profile but not its grades.
    page = session(browser, live_server, "firm")
    page.get_by_role("link", name="绿色金融", exact=True).first.click()
    page.get_by_role("link", name="发布融资需求").click()
    form = page.get_by_test_id("need-form")
    form.get_by_label("融资金额（元）").fill("2000000")
    form.get_by_label("期限（月）").fill("24")
    form.get_by_label("资金用途").fill("电机产线余热回收节能改造")
    form.get_by_label("节能环保").check()
    form.get_by_label("融资需求和企业档案", exact=True).check()
    form.get_by_label("指定银行", exact=True).check()
    page.get_by_role("button", name="发布").click()
    form = page.get_by_test_id("need-form")
    assert "请至少选择一家合作银行" in form.inner_text()
    assert form.get_by_label("资金用途").input_value() == "电机产线余热回收节能改造"
    form.get_by_label("湘潭银行高新支行").check()
    page.get_by_role("button", name="发布").click()
    page.get_by_text("已发布融资需求并推送1家银行").wait_for()
    need = FinanceNeed.objects.get()

    # The other bank sees nothing of it.
    other = session(browser, live_server, "bank-b")
    other.get_by_role("link", name="绿色金融", exact=True).first.click()
    assert "没有推送给本行的融资需求" in other.get_by_test_id("inbox").inner_text()
    assert other.goto(f"{live_server.url}/green/finance/{need.pk}/").status == 404

    # The chosen bank reads the profile (not the grades), grants credit and records the disbursement.
    bank = session(browser, live_server, "bank-a")
    bank.get_by_role("link", name="绿色金融", exact=True).first.click()
    inbox = bank.get_by_test_id("inbox")
    assert "待响应" in inbox.inner_text()
    inbox.get_by_role("link", name="湖南绿源电机有限公司").click()
    assert firm.uscc in bank.get_by_test_id("shared-profile").inner_text()
    assert "企业未共享档案以外的绿色称号和碳效等级" in bank.get_by_test_id("not-shared").inner_text()
    act = bank.get_by_test_id("response-act")
    act.get_by_label("授信金额（元）").fill("2000000")
    bank.get_by_role("button", name="授信", exact=True).click()
    act = bank.get_by_test_id("response-act")
    assert "请填写年利率" in act.inner_text()
    act.get_by_label("年利率（%）").fill("2.80")
    bank.get_by_role("button", name="授信", exact=True).click()
    bank.get_by_text("已完成：授信").wait_for()
    act = bank.get_by_test_id("response-act")
    act.get_by_label("放款金额（元）").fill("2000000")
    act.get_by_label("放款日期").fill(dt.date.today().isoformat())
    act.get_by_label("贷款期限（月）").fill("24")
    bank.get_by_role("button", name="放款", exact=True).click()
    bank.get_by_text("已完成：放款").wait_for()
    assert bank.get_by_test_id("response-status").inner_text().startswith("已放款")

    # The finance office sees the subsidy computed (2,000,000 × 2.80 % × 12/12 × 50 %) and pays it from the pool.
    office = session(browser, live_server, "finance")
    office.goto(f"{live_server.url}/green/pool/")
    assert "1,000,000.00" in office.get_by_test_id("pool-balance").inner_text()
    awaiting = office.get_by_test_id("awaiting-subsidy")
    assert "28,000.00" in awaiting.inner_text()
    awaiting.get_by_role("link", name="湖南绿源电机有限公司").click()
    assert office.get_by_test_id("subsidy-quote").inner_text() == "28,000.00"
    office.get_by_role("button", name="拨付贴息").click()
    office.get_by_text("已从风险补偿资金池拨付贴息 28,000.00 元").wait_for()
    office.goto(f"{live_server.url}/green/pool/")
    assert "972,000.00" in office.get_by_test_id("pool-balance").inner_text()
    assert "贴息" in office.get_by_test_id("movements").inner_text()
    assert RiskPool.objects.get().balance == Decimal("972000.00")
    assert PoolMovement.objects.filter(kind="subsidy", loan=BankResponse.objects.get(bank=bank_a)).exists()

    # The firm sees its loan and the subsidy; the bank that was not chosen has no response at all.
    page.reload()
    assert "贴息 28,000.00 元" in page.get_by_test_id("subsidy").inner_text()
    assert not BankResponse.objects.filter(bank=bank_b).exists()
