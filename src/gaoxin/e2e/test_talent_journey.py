"""A firm posts a job demand, a station officer records a hire from a job fair, the firm confirms it and, the
first retention date having come, confirms the person is still on the job (issue 19)."""

import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.validators import id_check_char
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.talent import services
from gaoxin.talent.models import Hire, JobDemand

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_demand_hire_confirmation_and_retention(live_server, browser):
    firm = EnterpriseFactory(name="湖南精工机械有限公司")
    owner = UserFactory(username="ent", role=Role.ENTERPRISE)
    owner.enterprise_memberships.create(enterprise=firm)
    station = OrgUnitFactory(kind=OrgKind.STATION, code="station-jinrong", name="金荣驿站")
    UserFactory(username="station", role=Role.STATION_OFFICER, org_unit=station)
    office = UserFactory(username="hrss", role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"))
    today = timezone.localdate()

    page = session(browser, live_server, "ent")
    page.get_by_role("link", name="用工与人才").click()
    page.get_by_role("link", name="发布用工需求").click()
    page.get_by_role("textbox", name="岗位 *").fill("数控车工")
    page.get_by_label("需求人数").fill("3")
    page.get_by_label("技能或学历要求").select_option("skilled")
    page.get_by_label("月薪下限（元）").fill("8000")
    page.get_by_label("月薪上限（元）").fill("6000")
    page.get_by_label("工作地点").fill("湘潭高新区")
    page.get_by_role("button", name="提交").click()
    assert "月薪上限不能低于下限" in page.get_by_test_id("talent-form").inner_text()
    assert page.get_by_role("textbox", name="岗位 *").input_value() == "数控车工"  # what was typed is kept
    page.get_by_label("月薪上限（元）").fill("9000")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("用工需求已发布").wait_for()
    demand = JobDemand.objects.get()
    # Posted two months ago: the hire below is dated after it (a hire before its demand is refused).
    JobDemand.objects.filter(pk=demand.pk).update(created_at=timezone.now() - dt.timedelta(days=60))

    fair = services.event_create(actor=office, title="千企百校对接会", kind="thousand", organiser=office.org_unit,
                                 held_on=today - dt.timedelta(days=40), place="人才市场")
    services.event_register(event=fair, actor=office, enterprise=firm, demands=[demand])
    body = "43030219950202123"
    clerk = session(browser, live_server, "station")
    clerk.goto(f"{live_server.url}/talent/")
    clerk.get_by_role("link", name=demand.number).click()
    form = clerk.get_by_test_id("hire-form")
    form.get_by_label("姓名").fill("李明")
    form.get_by_label("身份证号码").fill(body + id_check_char(body))
    form.get_by_label("到岗日期").fill(f"{today - dt.timedelta(days=40):%Y-%m-%d}")
    form.get_by_label("来自对接活动").select_option(label="千企百校对接会")
    form.get_by_role("button", name="登记到岗").click()
    clerk.get_by_text("到岗已登记").wait_for()
    assert "430302********" in clerk.get_by_test_id("hires").inner_text()  # masked outside the talent office

    page.goto(f"{live_server.url}/talent/")
    page.get_by_test_id("to-confirm").get_by_role("link").click()
    hire = Hire.objects.get()
    row = page.get_by_test_id(f"hire-{hire.pk}")
    row.get_by_role("button", name="确认到岗").click()
    page.get_by_text("已完成：确认到岗").wait_for()
    assert "已确认到岗" in page.get_by_test_id(f"hire-{hire.pk}").inner_text()
    # On a phone (390 px) the table scrolls sideways: a visible hint says where the buttons are.
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.get_by_test_id("scroll-hint").is_visible()
    page.set_viewport_size({"width": 1280, "height": 900})
    # The 30-day check is due: the firm finds the person on its 待回访 list and goes to the check from there.
    page.goto(f"{live_server.url}/talent/")
    page.get_by_test_id("checks-due").get_by_role("link").click()
    assert "李明" in page.get_by_test_id("retention").inner_text()
    page.get_by_test_id(f"check-{hire.pk}").get_by_role("link", name="去回访").click()
    page.get_by_test_id(f"hire-{hire.pk}").get_by_role("button", name="回访：仍在岗").click()
    page.get_by_text("已完成：回访：仍在岗").wait_for()
    assert "首次回访在岗" in page.get_by_test_id(f"hire-{hire.pk}").inner_text()
    demand.refresh_from_db()
    assert demand.filled == 1 and demand.get_status_display() == "部分到岗"
