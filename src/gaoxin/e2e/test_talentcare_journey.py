"""The talent office allocates a flat from the queue (offer → lease with the tier's rent subsidy → move-out, the unit
free again), and a leader logs a contact with a paired talent whose problem becomes a talent-flagged appeal
(issue 19 item 8)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.appeals.models import Appeal
from gaoxin.catalog.tests.factories import department
from gaoxin.core.validators import id_check_char
from gaoxin.talent.models import Recognition, Talent, TalentTier, TalentTitle
from gaoxin.talentcare import services
from gaoxin.talentcare.models import ApartmentUnit, Lease

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _talent(office, n, tier, name):
    body = f"43030219880202{n:03d}"
    talent = Talent.objects.create(id_number=body + id_check_char(body), name=name, phone="13800000001",
                                   education="doctor", created_by=office)
    today = timezone.localdate()
    Recognition.objects.create(talent=talent, title=TalentTitle.objects.first(), tier=TalentTier.objects.get(code=tier),
                               basis="省级人才计划", recognised_on=today - dt.timedelta(days=10),
                               valid_to=today + dt.timedelta(days=700), created_by=office)
    return talent


def test_office_allocates_leases_and_takes_back_a_flat_and_a_leader_logs_a_contact(live_server, browser):
    office = UserFactory(username="hrss", role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"))
    UserFactory(username="leader", role=Role.LEADER, full_name="赵建国")
    leader = type(office).objects.get(username="leader")
    first = _talent(office, 1, "C", "黎思远")
    _talent(office, 2, "E", "彭博文")
    building = services.building_create(actor=office, name="人才公寓一期", address="晓塘路9号")
    unit = services.unit_create(actor=office, building=building, number="101", rooms=2, area=Decimal("78"),
                                rent=Decimal("2000"))
    for n, talent in enumerate(Talent.objects.order_by("pk")):
        services.application_submit(actor=office, talent=talent, rooms_wanted=1,
                                    applied_at=timezone.now() - dt.timedelta(hours=10 - n))
    services.pairing_assign(actor=office, leader=leader, talent=first, since=timezone.localdate() - dt.timedelta(days=120))
    today = timezone.localdate()

    page = session(browser, live_server, "hrss")
    page.get_by_role("link", name="人才服务", exact=True).first.click()
    page.get_by_role("link", name="配租排队").click()
    assert "人才层次高者优先" in page.get_by_test_id("queue-order").inner_text()
    rows = page.get_by_test_id("queue").locator("tbody tr")
    assert "黎思远" in rows.nth(0).inner_text()  # tier C before tier E
    rows.nth(0).get_by_role("link", name="黎思远").click()
    assert "第 1 位" in page.get_by_test_id("position").inner_text()
    offer = page.get_by_test_id("action-offer")
    offer.get_by_label("配租房源").select_option(label="人才公寓一期 101：2 居室，78㎡，月租金 2,000.00 元")  # what the unit is
    offer.get_by_role("button", name="配租房源").click()
    page.get_by_text("已完成：配租房源").wait_for()
    sign = page.get_by_test_id("action-sign")
    sign.get_by_label("起租日期").fill(f"{today:%Y-%m-%d}")
    sign.get_by_label("到期日期").fill(f"{today - dt.timedelta(days=1):%Y-%m-%d}")
    sign.get_by_role("button", name="签订租约").click()
    assert "到期日期应晚于起租日期" in page.get_by_test_id("action-sign").inner_text()
    sign = page.get_by_test_id("action-sign")
    assert sign.get_by_label("起租日期").input_value() == f"{today:%Y-%m-%d}"  # what was typed is kept
    sign.get_by_label("到期日期").fill(f"{today + dt.timedelta(days=365):%Y-%m-%d}")
    sign.get_by_label("押金（元）").fill("800")
    sign.get_by_role("button", name="签订租约").click()
    page.get_by_text("已完成：签订租约").wait_for()
    assert page.get_by_test_id("lease-status").inner_text() == "在租"
    assert "800.00 元" in page.get_by_test_id("subsidised-rent").inner_text()  # tier C: 60 % of 2000 subsidised
    exit_form = page.get_by_test_id("action-exit")
    exit_form.get_by_label("退租日期").fill(f"{today:%Y-%m-%d}")
    exit_form.get_by_label("说明").fill("房屋完好，钥匙已交回")
    exit_form.get_by_role("button", name="退租（退房查验）").click()
    page.get_by_text("已完成：退租（退房查验）").wait_for()
    assert page.get_by_test_id("lease-status").inner_text() == "已退租"
    unit.refresh_from_db()
    assert unit.status == "free" and Lease.objects.get().inspection_note == "房屋完好，钥匙已交回"
    assert ApartmentUnit.objects.get().get_status_display() == "空闲"

    boss = session(browser, live_server, "leader")
    boss.get_by_role("link", name="人才服务", exact=True).first.click()
    boss.get_by_role("link", name="我的结对人才").click()
    pairing = first.pairings.get()
    row = boss.get_by_test_id(f"pairing-{pairing.pk}")
    assert "待联系" in row.inner_text()  # 120 days without a contact
    row.get_by_role("link", name="黎思远").click()
    form = boss.get_by_test_id("contact-form")
    form.get_by_label("联系方式").select_option(label="走访")
    form.get_by_label("反映的问题（可转为人才服务诉求）").fill("孩子明年上小学，希望就近入学")
    form.get_by_role("button", name="保存联系记录").click()
    assert "必填" in boss.get_by_test_id("contact-form").inner_text()  # 联系情况 is required
    form = boss.get_by_test_id("contact-form")
    assert form.get_by_label("反映的问题（可转为人才服务诉求）").input_value() == "孩子明年上小学，希望就近入学"
    form.get_by_label("联系情况").fill("到实验室走访，了解研发与生活情况")
    form.get_by_role("button", name="保存联系记录").click()
    boss.get_by_text("联系情况已登记").wait_for()
    assert "到实验室走访" in boss.get_by_test_id("contacts").inner_text()
    assert boss.get_by_test_id("overdue").count() == 0
    boss.get_by_label("服务类别").select_option(label="子女入学")
    boss.get_by_role("button", name="转为人才服务诉求").click()
    boss.get_by_role("alert").filter(has_text="已转为人才服务诉求").wait_for()
    appeal = Appeal.objects.get()
    assert appeal.talent == first and appeal.talent_service == "schooling" and appeal.enterprise is None
    assert appeal.number in boss.get_by_test_id("contacts").inner_text()
