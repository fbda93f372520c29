"""A chain chief opens the chain, sees the drawn chain map with its gap, has the registry's suggestions refreshed,
is refused dismissing one without a reason, and confirms a suggested firm as the chain's 链主: the node is no longer
a gap; then records a meeting with two actions, one already past its working-day deadline, and sees it flagged
(issue 20)."""

import datetime as dt

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.chains import services
from gaoxin.chains.models import ActionItem, MemberRole, Membership, MembershipStatus
from gaoxin.enterprises.models import Industry
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_chain_chief_confirms_a_suggested_member(live_server, browser):
    admin = UserFactory(username="admin", role=Role.ZONE_ADMIN)
    chief = UserFactory(username="leader", role=Role.LEADER, full_name="赵建国")
    unit = department("development", "发展和改革局")
    firm = EnterpriseFactory(name="湖南博越储能科技有限公司", industry_id="38")
    EnterpriseFactory(name="湘潭宏泰储能贸易有限公司", industry_id="51")  # the word without the industry
    chain = services.chain_create(actor=admin, code="new-energy", name="新能源装备产业链", chief=chief)
    services.node_create(actor=admin, chain=chain, segment="mid", name="储能系统",
                         industries=[Industry.objects.get(code="38")], keywords="储能")
    services.node_create(actor=admin, chain=chain, segment="up", name="氢能材料", keywords="氢能")

    page = session(browser, live_server, "leader")
    page.get_by_role("link", name="产业链", exact=True).first.click()
    page.get_by_role("link", name="新能源装备产业链").click()
    page.locator("[data-gx-chart=chain-map][data-gx-drawn=true]").wait_for()  # drawn by ECharts
    assert "上游·氢能材料、中游·储能系统" in page.get_by_test_id("gaps").inner_text()  # upstream first
    page.get_by_test_id("refresh").click()
    page.get_by_text("新增建议 1 家").wait_for()
    suggestion = Membership.objects.get(enterprise=firm)
    row = page.get_by_test_id(f"suggestion-{suggestion.pk}")
    assert "行业 电气机械和器材制造业（38）；关键词 储能" in row.inner_text()
    row.get_by_role("button", name="排除").click()
    assert "需要填写原因" in page.get_by_test_id(f"suggestion-{suggestion.pk}").inner_text()
    row = page.get_by_test_id(f"suggestion-{suggestion.pk}")
    row.get_by_label("链上角色").select_option(label="链主")
    row.get_by_role("button", name="确认").click()
    page.get_by_text("湖南博越储能科技有限公司：确认为链上企业").wait_for()
    suggestion.refresh_from_db()
    assert (suggestion.status, suggestion.role) == (MembershipStatus.CONFIRMED, MemberRole.LEAD)
    gaps = page.get_by_test_id("gaps").inner_text()
    assert "氢能材料" in gaps and "储能系统" not in gaps
    page.get_by_role("link", name="链上企业", exact=True).click()
    assert "湖南博越储能科技有限公司" in page.get_by_test_id("list-firms").inner_text()

    page.get_by_role("link", name="记录会议").click()
    form = page.get_by_test_id("meeting-form")
    form.get_by_label("会议名称").fill("新能源装备产业链专班调度会")
    form.get_by_label("会议日期").fill(f"{dt.date.today() - dt.timedelta(days=30):%Y-%m-%d}")
    first, second = page.get_by_test_id("action-1"), page.get_by_test_id("action-2")
    first.get_by_label("任务").fill("协调储能企业专用变压器报装")
    first.get_by_label("责任单位").select_option(value=str(unit.pk))
    first.get_by_label("办理时限（工作日）").fill("5")
    second.get_by_label("任务").fill("梳理氢能材料目标企业并开展对接")
    second.get_by_label("责任人").select_option(label="赵建国")
    second.get_by_label("办理时限（工作日）").fill("200")
    page.get_by_role("button", name="保存会议").click()
    page.get_by_text("2 项任务已告知").wait_for()
    overdue = ActionItem.objects.get(title="协调储能企业专用变压器报装")
    assert "已逾期" in page.get_by_test_id(f"action-{overdue.pk}").inner_text()
    later = ActionItem.objects.get(title="梳理氢能材料目标企业并开展对接")
    assert "已逾期" not in page.get_by_test_id(f"action-{later.pk}").inner_text()
    page.get_by_role("link", name="新能源装备产业链").click()
    page.get_by_role("link", name="会议任务").click()
    assert "已逾期" in page.get_by_test_id(f"chain-action-{overdue.pk}").inner_text()
