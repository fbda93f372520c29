"""An enterprise sees a policy it qualifies for, with the reasons and an estimate, applies;
the department approves it and finance pays it."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import Policy, ProfileFact
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.tests.factories import EnterpriseFactory, QualificationFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_matched_policy_to_payment(live_server, browser):
    hrss, finance = department("hrss", "人力资源和社会保障局"), department("finance", "财政局")
    admin = UserFactory(role=Role.ZONE_ADMIN)
    enterprise = EnterpriseFactory(name="湖南金杯电工有限公司")
    applicant = UserFactory(username="ent", role=Role.ENTERPRISE)
    applicant.enterprise_memberships.create(enterprise=enterprise)
    UserFactory(username="hr", role=Role.DEPT_OFFICER, org_unit=hrss)
    UserFactory(username="fin", role=Role.DEPT_OFFICER, org_unit=finance)
    ProfileFact.objects.create(enterprise=enterprise, field="eligible_new_hires", number=Decimal(3))
    policy = Policy.objects.create(code="p11", title="一次性扩岗补助", issuer=hrss, kind="subsidy", mode="fast",
                                   rule="eligible_new_hires >= 1", formula="eligible_new_hires * 0.15",
                                   effective_from=dt.date(2024, 1, 1))
    services.policy_publish(policy=policy, actor=admin)  # the test backend matches at once
    # A green loan the firm has not sized yet: it may qualify, but the amount waits for the data.
    QualificationFactory(enterprise=enterprise, kind="green_factory", valid_to=dt.date(2099, 1, 1))
    green = Policy.objects.create(code="g1", title="绿色工厂绿色信贷贴息", issuer=finance, kind="finance", mode="apply",
                                  rule="has('绿色工厂') and green_loan_need > 0", formula="min(green_loan_need * 0.01, 50)",
                                  amount_cap=Decimal(50), effective_from=dt.date(2024, 1, 1))
    services.policy_publish(policy=green, actor=admin)

    ent = session(browser, live_server, "ent")
    ent.goto(f"{live_server.url}/policies/mine/")
    pending = ent.get_by_role("link", name="绿色工厂绿色信贷贴息")
    assert "待完善数据后测算" in pending.inner_text() and "万元" not in pending.inner_text()  # not the cap, not 0.00
    ent.get_by_role("link", name="一次性扩岗补助").click()
    match = ent.get_by_test_id("my-match")
    assert "符合" in match.inner_text() and "符合条件的新招用高校毕业生人数 ≥ 1" in match.inner_text()
    assert ent.get_by_test_id("estimate").inner_text() == "0.45"
    ent.get_by_role("button", name="在线申请").click()  # no account given: refused beside the field
    assert ent.locator("[id$=bank_account] ~ .invalid-feedback").inner_text() == "请填写收款账户"
    ent.get_by_label("收款账户").fill("工商银行湘潭高新支行 6222 0000 3333 0002")
    ent.get_by_role("button", name="在线申请").click()
    assert ent.get_by_test_id("app-status").inner_text() == "已申报"
    number = ent.url.rstrip("/").rsplit("/", 1)[-1]

    hr = session(browser, live_server, "hr")
    hr.goto(f"{live_server.url}/policies/applications/{number}/")
    hr.get_by_role("button", name="受理", exact=True).click()
    hr.get_by_role("button", name="审核通过", exact=True).click()
    assert hr.get_by_test_id("app-status").inner_text() == "待拨付"

    fin = session(browser, live_server, "fin")
    fin.goto(f"{live_server.url}/policies/applications/")
    fin.get_by_role("link", name=number).click()
    fin.get_by_label("拨付凭证号").fill("ZF2026-1129")
    fin.get_by_role("button", name="拨付", exact=True).click()
    assert fin.get_by_test_id("app-status").inner_text() == "已拨付"

    ent.reload()
    assert ent.get_by_test_id("app-status").inner_text() == "已拨付"
    from gaoxin.core.models import Notification

    told = Notification.objects.filter(user__username="ent", kind="BENEFIT_STEP").values_list("message", flat=True)
    assert any("已拨付0.45万元" in m for m in told)  # the firm was told of the payment, with a link here
    assert Notification.objects.filter(user__username="fin", kind="BENEFIT_TO_PAY").exists()
    assert "0.45" in ent.get_by_test_id("paid").inner_text()
