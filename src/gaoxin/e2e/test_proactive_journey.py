"""主动服务 (issue 25): a station officer opens a firm's 一户式 view from its registry page and sees all of it — figures,
cases, appeals, 帮代办, station services, policies and payments, tiers, qualifications, job demands, the timeline;
creates a campaign by rule, takes its firms, records a visit with a need and turns the need into an appeal in one
step; the administrator sets the stations' areas and reads the station figures, checked against a hand count."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.appeals.models import Appeal
from gaoxin.enterprises.models import QualificationKind
from gaoxin.enterprises.tests.factories import ContactFactory, EnterpriseFactory, ParkAreaFactory, QualificationFactory
from gaoxin.evaluation.models import Cycle, CycleValue, Participant, TierHistory
from gaoxin.proactive.models import Need
from gaoxin.proactive.tests.helpers import policy, records, station
from gaoxin.stations.models import StationService

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_station_officer_sees_a_firm_whole_and_turns_a_visit_need_into_an_appeal(live_server, browser):
    from gaoxin.accounts.tests.factories import OrgUnitFactory

    dept = OrgUnitFactory(code="market", name="市场监督管理局", short_name="市场监管局")
    jinrong = station()
    officer = UserFactory(username="station", role=Role.STATION_OFFICER, org_unit=jinrong, full_name="刘洋")
    firm = EnterpriseFactory(name="湖南精工储能科技有限公司")
    ContactFactory(enterprise=firm, name="王经理", phone="13900001111", is_primary=True)
    QualificationFactory(enterprise=firm, kind=QualificationKind.SRDI, valid_from=dt.date(2024, 1, 1),
                         valid_to=dt.date(2030, 1, 1))
    records(firm, n=2, department=dept, station_unit=jinrong, actor=officer, policy=policy(dept))
    TierHistory.objects.create(enterprise=firm, year=2024, tier="B")
    TierHistory.objects.create(enterprise=firm, year=2025, tier="A")

    page = session(browser, live_server, "station")
    page.goto(f"{live_server.url}/enterprises/{firm.pk}/")
    page.get_by_test_id("firm-view-link").click()
    assert "湖南精工储能科技有限公司" in page.get_by_test_id("firm-name").inner_text()
    figures = page.get_by_test_id("firm-figures").inner_text()
    assert "5.0 天" in figures and "12.50 万元" in figures  # decided after 4 and 6 days; one payment
    assert "办件" in page.get_by_test_id("timeline").inner_text()
    for tab, needle in (("cases", "GX"), ("appeals", "诉求"), ("assist", "BD"), ("stations", "咨询"),
                        ("policies", "12.50"), ("evaluation", "2025"), ("qualifications", "专精特新"),
                        ("talent", "操作工")):
        page.get_by_test_id(f"tab-{tab}").click()
        page.get_by_test_id(f"firm-tab-{tab}").wait_for()
        assert needle in page.get_by_test_id(f"firm-tab-{tab}").inner_text(), tab

    # 点对点政策辅导 from the policy tab: a date in the future is refused beside the field, what was typed kept.
    page.get_by_test_id("tab-policies").click()
    page.get_by_test_id("coaching-new").click()
    coaching = page.get_by_test_id("coaching-form")
    coaching.get_by_label("辅导的政策").select_option(label="政策p1")
    coaching.get_by_label("辅导日期").fill(f"{dt.date.today() + dt.timedelta(days=2):%Y-%m-%d}")
    coaching.get_by_label("上门辅导").check()
    coaching.get_by_label("企业对接人").fill("财务总监 王敏")
    coaching.get_by_label("辅导内容").fill("讲解研发费用归集口径与申报材料")
    coaching.get_by_role("button", name="登记").click()
    page.get_by_text("辅导日期不能晚于今天").wait_for()
    assert page.get_by_label("辅导内容").input_value() == "讲解研发费用归集口径与申报材料"
    page.get_by_label("辅导日期").fill(f"{dt.date.today():%Y-%m-%d}")
    page.get_by_role("button", name="登记").click()
    page.get_by_text("已登记对湖南精工储能科技有限公司的政策辅导").wait_for()
    assert "讲解研发费用归集口径与申报材料" in page.get_by_test_id("firm-tab-policies").inner_text()

    page.get_by_role("link", name="主动服务", exact=True).click()
    page.get_by_test_id("campaign-new").click()
    form = page.get_by_test_id("campaign-form")
    form.get_by_label("活动名称").fill("春风行动·入企走访")
    form.get_by_label("走访对象条件").fill("has('专精特新中小企业'")
    form.get_by_label("开始日期").fill(f"{dt.date.today() - dt.timedelta(days=3):%Y-%m-%d}")
    form.get_by_label("结束日期").fill(f"{dt.date.today() + dt.timedelta(days=30):%Y-%m-%d}")
    form.get_by_role("button", name="按条件选出企业并发起").click()
    assert "条件有误" in page.get_by_test_id("campaign-form").inner_text()
    assert page.get_by_label("活动名称").input_value() == "春风行动·入企走访"  # kept
    page.get_by_label("走访对象条件").fill("has('专精特新中小企业')")
    page.get_by_role("button", name="按条件选出企业并发起").click()
    page.get_by_text("按条件选出 1 家企业").wait_for()
    page.get_by_label("选择 湖南精工储能科技有限公司").check()
    page.get_by_test_id("assign-form").get_by_label("走访人员").select_option(label="刘洋（金荣）")
    page.get_by_role("button", name="分配勾选的企业").click()
    page.get_by_text("已分配 1 家企业").wait_for()
    assert "1 / 1" not in page.get_by_test_id("coverage").inner_text()
    page.get_by_test_id(f"target-{firm.pk}").click()
    visit = page.get_by_test_id("visit-form")
    visit.get_by_label("接待人员").fill("总经理 王某")
    visit.get_by_label("发现的需求（每行一条）").fill("扩产需流动资金贷款约500万元")
    visit.get_by_role("button", name="登记走访记录").click()
    page.get_by_text("发现需求 1 条").wait_for()
    need = Need.objects.get()
    page.get_by_test_id(f"need-act-{need.pk}").click()
    appeal_form = page.get_by_test_id("to-appeal")
    assert appeal_form.get_by_label("企业联系人").input_value() == "王经理"  # from the registry
    appeal_form.get_by_label("诉求类别").select_option(label="融资")
    appeal_form.get_by_role("button", name="转为企业诉求").click()
    page.get_by_text("已完成：转为企业诉求").wait_for()
    appeal = Appeal.objects.get(description="扩产需流动资金贷款约500万元")
    assert (appeal.enterprise, appeal.category, appeal.station) == (firm, "financing", jinrong)
    page.get_by_role("link", name=f"企业诉求 {appeal.number}").click()
    page.get_by_text(appeal.number).first.wait_for()
    page.goto(f"{live_server.url}/campaigns/{need.visit.target.campaign_id}/")
    assert "1 / 1" in page.get_by_test_id("coverage").inner_text()
    assert "1 件" in page.get_by_test_id("to-appeal").inner_text()


def test_station_figures_by_area_match_a_hand_count(live_server, browser):
    admin = UserFactory(username="admin", role=Role.ZONE_ADMIN)
    jinrong, zhongnan = station(), station("zhongnan", "中南政务服务驿站")
    east, north = ParkAreaFactory(name="金荣·湘潭国际工业园"), ParkAreaFactory(name="中南智造产业园")
    year = dt.date.today().year
    a = EnterpriseFactory(park_area=east, registered_on=dt.date(year, 1, 5))
    b = EnterpriseFactory(park_area=east, registered_on=dt.date(2015, 1, 5))
    c = EnterpriseFactory(park_area=north, registered_on=dt.date(2016, 1, 5))
    cycle = Cycle.objects.create(data_year=year - 1, name="上年度", created_by=admin)
    for firm, sales in ((a, "120"), (b, "80.5"), (c, "40")):
        CycleValue.objects.create(participant=Participant.objects.create(cycle=cycle, enterprise=firm, group="g"),
                                  field="sales_wan", reported=Decimal(sales))
    for i in range(5):
        StationService.objects.create(station=jinrong, enterprise=a, category="consult", description="咨询",
                                      outcome="on_the_spot", provided_on=dt.date(year, 1, 1 + i), provided_by=admin)

    page = session(browser, live_server, "admin")
    page.goto(f"{live_server.url}/station-areas/")
    for park, unit in ((east, jinrong), (north, zhongnan)):
        form = page.get_by_test_id("area-form")
        form.get_by_label("园区").select_option(label=park.name)
        form.get_by_label("驿站").select_option(label=unit.name)
        form.get_by_role("button", name="保存").click()
        page.get_by_text("驿站服务片区已更新").wait_for()
    row = page.get_by_test_id("station-station-jinrong")
    # Hand count: 金荣 serves 2 firms (1 new this year), sales 120 + 80.5, 5 services, 2.5 per firm.
    assert [row.get_by_test_id(t).inner_text() for t in ("firms", "new", "output", "services", "per-firm")] == \
        ["2", "1", "200.50", "5", "2.50"]
    row = page.get_by_test_id("station-station-zhongnan")
    assert [row.get_by_test_id(t).inner_text() for t in ("firms", "new", "output", "services", "per-firm")] == \
        ["1", "0", "40", "0", "0.00"]
