"""The kiosk's and the queue's figures in the dashboard registry (issue 23 item 9) against hand-counted records:
visits and those that left without doing anything, tickets and the average wait per zone, and the share of 即办件
completed at a terminal. Staff read the records behind them; a firm reads none."""

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.models import ServiceZone
from gaoxin.dashboard import periods as P
from gaoxin.dashboard import selectors
from gaoxin.dashboard.figures import FIGURES
from gaoxin.dashboard.services import figures_refresh
from gaoxin.kiosk import queue
from gaoxin.kiosk.models import Action, ActionKind, Ticket, Visit

from .conftest import log_in
from .test_kiosk import pdf

pytestmark = pytest.mark.django_db
OURS = [f for f in FIGURES if f.section == "kiosk"]


def _values(day):
    return {v.figure.id: v.value for v in selectors.values(P.Period("custom", day, day), figures=OURS)}


@pytest.mark.usefixtures("opening_hours")  # tickets are issued in opening hours only
def test_kiosk_and_queue_figures_from_the_records(kiosk, firm, items):
    today = timezone.localdate()
    # Three visits: one completes the 即办 item, one leaves without doing anything, one still at the terminal.
    log_in(kiosk)
    item = items["instant"]
    form = item.current_version.materials.get(necessity="required")
    kiosk.post(f"/kiosk/items/{item.implementation_code}/", {
        "applicant": f"firm:{firm.pk}", "contact_phone": "13900001111", f"material_{form.pk}": pdf()})
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)
    assert Visit.objects.count() == 3 and Action.objects.filter(kind=ActionKind.COMPLETED).count() == 1
    # Tickets: two of 企业开办 called after 4 and 8 minutes, one of 综合服务 still waiting.
    startup = ServiceZone.objects.create(code="q-startup", name="企业开办专区", sort_order=1)
    general = ServiceZone.objects.create(code="q-general", name="综合服务专区", sort_order=2)
    for minutes in (4, 8):
        ticket = queue.ticket_issue(zone=startup)
        Ticket.objects.filter(pk=ticket.pk).update(waited_seconds=minutes * 60)
    queue.ticket_issue(zone=general)
    figures_refresh(full=True, today=today)
    got = _values(today)
    assert got == {"kiosk.immediate_share": 100.0, "kiosk.visits": 3, "kiosk.drop_off": 50.0, "queue.tickets": 3,
                   "queue.avg_wait": 6.0, "kiosk.left_at_step": 1, "kiosk.coverage": None}
    tickets = next(f for f in OURS if f.id == "queue.tickets")
    by_zone = {label: value for _, label, value, *_ in selectors.breakdown(P.Period("custom", today, today),
                                                                           "category", figures=[tickets])[tickets.id]}
    assert by_zone == {"企业开办专区": 2, "综合服务专区": 1}


def test_staff_read_the_records_and_a_firm_none(kiosk, firm, items):
    log_in(kiosk)
    today = timezone.localdate()
    visits = next(f for f in OURS if f.id == "kiosk.visits")
    period = P.Period("custom", today, today)
    leader = UserFactory(role=Role.LEADER)
    enterprise = UserFactory(role=Role.ENTERPRISE)
    assert selectors.records(visits, period, user=leader).count() == 1
    assert selectors.records(visits, period, user=enterprise).count() == 0


def _page(client, figure_id, day, **params):
    query = "&".join([f"period={day}~{day}"] + [f"{k}={v}" for k, v in params.items()])
    return client.get(f"/dashboard/figures/{figure_id}/?{query}")


def test_coverage_of_immediate_items_from_the_catalogue(client, items, django_assert_max_num_queries):
    """Published items whose current version is 即办: 发票验旧 offered at the kiosk, 企业名称自主申报 not (the 承诺件
    is no 即办 item): 50 %; the records say which, by name and department, no code."""
    from gaoxin.kiosk.models import CoverageDay
    from gaoxin.kiosk.services import kiosk_coverage_record

    today = timezone.localdate()
    assert kiosk_coverage_record(day=today) == 2
    assert kiosk_coverage_record(day=today) == 2  # the 15-minute job rewrites the day
    assert CoverageDay.objects.count() == 2
    figures_refresh(full=True, today=today)
    assert _values(today)["kiosk.coverage"] == 50.0
    client.force_login(UserFactory(role=Role.LEADER))
    with django_assert_max_num_queries(16):
        page = _page(client, "kiosk.coverage", today).content.decode()
    assert "发票验旧" in page and "企业名称自主申报" in page and "已开通" in page and "未开通" in page
    assert "43037105GG0002" not in page


def test_drop_off_per_step_names_the_step(kiosk, firm, items, client):
    """Who left where: one after the list, one on an item that cannot be done here, one at the form; the one who
    completed is not counted."""
    log_in(kiosk)
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)
    kiosk.get(f"/kiosk/items/{items['promised'].implementation_code}/")
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)
    kiosk.get(f"/kiosk/items/{items['instant'].implementation_code}/")
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)
    form = items["instant"].current_version.materials.get(necessity="required")
    kiosk.post(f"/kiosk/items/{items['instant'].implementation_code}/", {
        "applicant": f"firm:{firm.pk}", "contact_phone": "13900001111", f"material_{form.pk}": pdf()})
    kiosk.post("/kiosk/logout/")
    assert sorted(Visit.objects.values_list("last_step", flat=True)) == ["at_form", "at_item", "at_login", "finished"]
    today = timezone.localdate()
    figures_refresh(full=True, today=today)
    figure = next(f for f in OURS if f.id == "kiosk.left_at_step")
    by_step = {label: value for _, label, value, *_ in selectors.breakdown(P.Period("custom", today, today),
                                                                           "category", figures=[figure])[figure.id]}
    assert by_step == {"登录后未选择事项": 1, "查看事项（含不能自助办理的说明）": 1, "填写申请": 1}
    client.force_login(UserFactory(role=Role.LEADER))
    page = _page(client, "kiosk.left_at_step", today, dim="category", key="at_form").content.decode()
    assert "填写申请" in page and "at_form" not in page.split("data-testid=\"records\"")[1]


@pytest.mark.usefixtures("opening_hours")
def test_waits_per_window_in_minutes_with_the_window_number(client, clerk_and_hall):
    """The queue's drill-down: a window by its number and name, a wait in minutes (not seconds, no internal
    id); the average wait broken down by window."""
    clerk, windows = clerk_and_hall
    today = timezone.localdate()
    for window, minutes in ((windows[0], 4), (windows[1], 12)):
        ticket = queue.ticket_issue(zone=window.zone, now=timezone.now() - timezone.timedelta(minutes=minutes))
        queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=window)
    figures_refresh(full=True, today=today)
    figure = next(f for f in OURS if f.id == "queue.avg_wait")
    by_window = {label: value for _, label, value, *_ in selectors.breakdown(P.Period("custom", today, today),
                                                                             "window", figures=[figure])[figure.id]}
    assert by_window == {"综合服务专区 9号窗口（综合受理）": 4.0, "综合服务专区 10号窗口（社保医保）": 12.0}
    client.force_login(UserFactory(role=Role.LEADER))
    page = _page(client, "queue.avg_wait", today).content.decode()
    records = page.split('data-testid="records"')[1]
    assert "10号窗口（社保医保）" in records and "12 分钟" in records and "4 分钟" in records
    assert "等候（秒）" not in page and "720" not in records
    key = str(windows[1].pk)
    page = _page(client, "queue.avg_wait", today, dim="window", key=key).content.decode()
    assert "综合服务专区 10号窗口（社保医保）" in page


@pytest.fixture
def clerk_and_hall(db):
    from gaoxin.catalog.models import Window

    zone = ServiceZone.objects.create(code="q-general", name="综合服务专区", sort_order=1)
    clerk = UserFactory(role=Role.WINDOW_CLERK)
    return clerk, [Window.objects.create(zone=zone, number="9", name="综合受理"),
                   Window.objects.create(zone=zone, number="10", name="社保医保")]
