"""The economic bureau registers a green factory (a level the kind does not take is refused beside the field, what
was typed kept); the evaluation records an environmental penalty for the firm and the label turns 待复核; the bureau
keeps it after review with its opinion; the firm sees its own label and its carbon-efficiency grade (issue 21)."""

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.evaluation.models import Cycle, CycleAdjustment, CycleValue, Participant
from gaoxin.green.models import GreenLabel, LabelStatus

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_label_is_registered_flagged_by_a_penalty_and_kept_after_review(live_server, browser):
    UserFactory(username="economic", role=Role.DEPT_OFFICER, org_unit=department("economic", "经济发展局"))
    firm = EnterpriseFactory(name="湖南绿源电机有限公司", industry_id="38")
    user = UserFactory(username="firm", role=Role.ENTERPRISE)
    user.enterprise_memberships.create(enterprise=firm)
    EnterpriseFactory(name="湖南别家机械有限公司")

    page = session(browser, live_server, "economic")
    page.get_by_role("link", name="绿色制造", exact=True).first.click()
    assert "尚无称号" in page.get_by_test_id("label-counts").inner_text()
    page.get_by_role("link", name="登记称号").click()
    form = page.get_by_test_id("label-form")
    form.get_by_label("企业统一社会信用代码").fill(firm.uscc.lower())
    form.get_by_label("称号类别").select_option(label="绿色工厂")
    form.get_by_label("级别").select_option(label="领航级")
    form.get_by_label("名称").fill("电机总装车间")
    form.get_by_label("认定年度").fill("2024")
    page.get_by_role("button", name="登记").click()
    form = page.get_by_test_id("label-form")
    assert "绿色工厂的级别应为：国家级、省级、市级" in form.inner_text()
    assert form.get_by_label("名称").input_value() == "电机总装车间"
    form.get_by_label("级别").select_option(label="省级")
    page.get_by_role("button", name="登记").click()
    page.get_by_text("已登记湖南绿源电机有限公司的省级电机总装车间").wait_for()
    label = GreenLabel.objects.get()

    # The ecology bureau's penalty is recorded in the 2024 evaluation (as its adjustment page would).
    admin = UserFactory(role=Role.ZONE_ADMIN)
    cycle = Cycle.objects.create(data_year=2024, name="2024年度评价", created_by=admin)
    participant = Participant.objects.create(cycle=cycle, enterprise=firm, group="ABOVE")
    CycleAdjustment.objects.create(cycle=cycle, participant=participant, rule_id="ENV_PENALTY",
                                   evidence="湘潭环罚〔2024〕31号", created_by=admin)
    for field, value in (("energy_tce", 100), ("value_added_wan", 100)):
        CycleValue.objects.create(participant=participant, field=field, reported=value)
    label.refresh_from_db()
    assert label.status == LabelStatus.REVIEW

    page.reload()
    assert page.get_by_test_id("label-status").inner_text() == "待复核"
    assert "湘潭环罚〔2024〕31号" in page.get_by_test_id("label-events").inner_text()
    page.get_by_role("button", name="复核后保留").click()
    assert "需要填写原因" in page.get_by_test_id("label-act").inner_text() or \
        "原因" in page.get_by_test_id("label-act").inner_text()
    page.get_by_label("原因或复核意见").fill("已完成整改并通过验收，保留称号")
    page.get_by_role("button", name="复核后保留").click()
    page.get_by_text("已复核后保留").wait_for()
    assert page.get_by_test_id("label-status").inner_text() == "有效"

    firm_page = session(browser, live_server, "firm")
    firm_page.get_by_role("link", name="绿色制造", exact=True).first.click()
    labels = firm_page.get_by_test_id("labels").inner_text()
    assert "湖南绿源电机有限公司" in labels and "湖南别家机械有限公司" not in labels
    assert firm_page.get_by_role("link", name="登记称号").count() == 0
    firm_page.get_by_role("link", name="碳效等级").click()
    grades = firm_page.get_by_test_id("carbon-grades").inner_text()
    assert "湖南绿源电机有限公司" in grades and "浅绿" in grades  # alone: its intensity is the benchmark
