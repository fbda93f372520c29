"""An edition exists; the science and technology bureau's officer opens the candidate
pool (suggested from the registry and profile facts with the basis), is refused inviting nobody, invites two firms;
a firm's user sees the notice, opens its invitation, is refused registering without a track, registers in 新材料;
the bureau sees it registered and checks its eligibility (issue 22)."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits.models import ProfileFact
from gaoxin.catalog.tests.factories import department
from gaoxin.competitions import services
from gaoxin.competitions.models import Registration
from gaoxin.enterprises.models import Qualification
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _firm(name, registered_on, revenue, **qualification):
    firm = EnterpriseFactory(name=name, registered_on=registered_on)
    ProfileFact.objects.create(enterprise=firm, field="revenue", number=Decimal(revenue))
    if qualification:
        Qualification.objects.create(enterprise=firm, valid_from=dt.date(2025, 1, 1), **qualification)
    return firm


def test_the_bureau_invites_and_a_firm_registers(live_server, browser):
    office = UserFactory(username="officer-science", role=Role.DEPT_OFFICER, full_name="孙科",
                         org_unit=department("science", "科技局"))
    own = _firm("湖南华宇新材料有限公司", dt.date(2018, 4, 1), 6000, kind="hnte")
    _firm("湘潭新创微电子有限公司", dt.date(2025, 6, 1), 300, kind="tech_sme", cert_no="2026430300A0001")
    _firm("湖南大型重工有限公司", dt.date(2003, 1, 1), 80000, kind="hnte")  # above the revenue cap
    user = UserFactory(username="firm", role=Role.ENTERPRISE, full_name="李建华")
    user.enterprise_memberships.create(enterprise=own)
    services.edition_create(actor=office, code="cxcy-2026", name="2026年中国创新创业大赛（湘潭高新区赛区）", year=2026,
                            organiser="湘潭高新区科技局", tracks=[("新材料", 6), ("高端装备制造", 6)],
                            stages=[("初赛", "local", 20)], award_levels=[("一等奖", 1)])

    page = session(browser, live_server, "officer-science")
    page.get_by_role("link", name="创新创业大赛", exact=True).first.click()
    page.get_by_role("link", name="2026年中国创新创业大赛（湘潭高新区赛区）").click()
    assert "不超过 20000 万元" in page.get_by_test_id("edition-rules").inner_text()
    page.get_by_role("link", name="推荐名单（可邀请）").click()
    candidates = page.get_by_test_id("candidates").inner_text()
    assert "湖南华宇新材料有限公司" in candidates and "湘潭新创微电子有限公司" in candidates
    assert "湖南大型重工有限公司" not in candidates and "初创企业组" in candidates
    assert "成长企业组；上年营业收入6000万元；高新技术企业" in candidates
    page.get_by_role("button", name="邀请所选企业").click()
    page.get_by_text("请勾选要邀请的企业").wait_for()
    page.get_by_label("邀请湖南华宇新材料有限公司").check()
    page.get_by_label("邀请湘潭新创微电子有限公司").check()
    page.get_by_role("button", name="邀请所选企业").click()
    page.get_by_text("已邀请 2 家企业").wait_for()
    assert "已邀请 2" in page.get_by_test_id("registration-counts").inner_text()

    firm = session(browser, live_server, "firm")
    firm.goto(f"{live_server.url}/notifications/")
    assert "邀请湖南华宇新材料有限公司参加" in firm.content()
    firm.get_by_role("link", name="创新创业大赛", exact=True).first.click()
    own_list = firm.get_by_test_id("own-registrations").inner_text()
    assert "湖南华宇新材料有限公司" in own_list and "湘潭新创微电子有限公司" not in own_list
    firm.get_by_test_id("own-registrations").get_by_role("link").first.click()
    form = firm.get_by_test_id("register-form")
    form.get_by_label("参赛项目名称").fill("高性能陶瓷基复合材料")
    form.get_by_role("button", name="报名参赛").click()
    assert "请选择本届的行业赛道" in firm.get_by_test_id("register-form").inner_text()
    assert firm.get_by_label("参赛项目名称").input_value() == "高性能陶瓷基复合材料"
    firm.get_by_label("行业赛道").select_option(label="新材料")
    firm.get_by_role("button", name="报名参赛").click()
    firm.get_by_text("已完成：报名参赛").wait_for()
    assert firm.get_by_test_id("registration-status").inner_text() == "已报名"

    registration = Registration.objects.get(enterprise=own)
    page.goto(f"{live_server.url}/competitions/registrations/{registration.pk}/")
    assert "高性能陶瓷基复合材料" in page.content()
    page.get_by_role("button", name="审核参赛资格").click()
    page.get_by_text("已完成：审核参赛资格").wait_for()
    assert page.get_by_test_id("registration-status").inner_text() == "资格已审核"
