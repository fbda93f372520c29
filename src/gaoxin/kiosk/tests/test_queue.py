"""取号 / 叫号 (issue 23 item 4): tickets per zone and day, called to a window, waiting times recorded, kiosk
completions counted as queue time saved; the ticket's table walked (allowed: one audit event; refused: nothing)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.models import ServiceZone, Window
from gaoxin.core.models import AuditEvent
from gaoxin.kiosk import queue
from gaoxin.kiosk.models import Ticket, TicketStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def hall(db):
    startup = ServiceZone.objects.create(code="startup", name="企业开办", sort_order=1)
    general = ServiceZone.objects.create(code="general", name="综合服务", sort_order=2)
    return {"startup": startup, "general": general,
            "w1": Window.objects.create(zone=startup, number="1", name="企业开办综窗"),
            "w5": Window.objects.create(zone=general, number="5", name="综合窗口")}


@pytest.fixture
def clerk(db):
    return UserFactory(role=Role.WINDOW_CLERK, username="clerk")


def test_tickets_are_numbered_per_zone_and_day(hall):
    numbers = [queue.ticket_issue(zone=hall["startup"]).number for _ in range(2)]
    assert numbers == ["A001", "A002"] and queue.ticket_issue(zone=hall["general"]).number == "B001"
    tomorrow = timezone.now() + dt.timedelta(days=1)
    assert queue.ticket_issue(zone=hall["startup"], now=tomorrow).number == "A001"
    assert AuditEvent.objects.filter(event_type="kiosk.ticket.issue").count() == 4


def test_call_next_takes_the_oldest_of_the_windows_zone_and_records_the_wait(hall, clerk):
    issued = timezone.now() - dt.timedelta(minutes=12)
    first = queue.ticket_issue(zone=hall["startup"], now=issued)
    queue.ticket_issue(zone=hall["startup"])
    queue.ticket_issue(zone=hall["general"])
    called = queue.ticket_call_next(window=hall["w1"], actor=clerk)
    assert called == first and called.status == TicketStatus.CALLED and called.window == hall["w1"]
    assert 12 * 60 <= called.waited_seconds < 13 * 60
    waits = queue.window_waits(timezone.localdate(), timezone.localdate())
    assert waits[0]["called"] == 1 and waits[0]["avg_minutes"] >= 12


def test_nobody_waiting_and_a_window_of_another_zone(hall, clerk):
    assert queue.ticket_call_next(window=hall["w1"], actor=clerk) is None
    ticket = queue.ticket_issue(zone=hall["startup"])
    with pytest.raises(ValidationError):
        queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=hall["w5"])
    assert Ticket.objects.get().status == TicketStatus.WAITING


@pytest.mark.parametrize("name", sorted(queue.TRANSITIONS))
@pytest.mark.parametrize("state", TicketStatus.values)
def test_the_table_allowed_and_refused(hall, clerk, name, state):
    ticket = queue.ticket_issue(zone=hall["startup"])
    Ticket.objects.filter(pk=ticket.pk).update(status=state)
    ticket.refresh_from_db()
    before = AuditEvent.objects.count()
    sources, target, _who, _label = queue.TRANSITIONS[name]
    if state in sources:
        done = queue.ticket_transition(ticket=ticket, name=name, actor=clerk, window=hall["w1"])
        assert done.status == target and AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError):
            queue.ticket_transition(ticket=ticket, name=name, actor=clerk, window=hall["w1"])
        ticket.refresh_from_db()
        assert ticket.status == state and AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", [Role.ENTERPRISE, Role.DEPT_OFFICER, Role.LEADER, Role.AGENT])
def test_only_window_staff_call(hall, role):
    outsider = UserFactory(role=role)
    ticket = queue.ticket_issue(zone=hall["startup"])
    with pytest.raises(PermissionDenied):
        queue.ticket_transition(ticket=ticket, name="CALL", actor=outsider, window=hall["w1"])
    with pytest.raises(PermissionDenied):
        queue.ticket_call_next(window=hall["w1"], actor=outsider)


def test_the_desk_page_calls_serves_and_shows_the_waits(client, hall, clerk, django_assert_max_num_queries):
    client.force_login(clerk)
    queue.ticket_issue(zone=hall["startup"])
    client.get(f"/queue/?window={hall['w1'].pk}")
    client.post("/queue/call/", {"window": hall["w1"].pk})
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.CALLED
    page = client.get("/queue/").content.decode()
    assert "A001" in page and "企业开办 1号窗口（企业开办综窗）" in page
    client.post(f"/queue/tickets/{ticket.pk}/act/", {"name": "SERVE"})
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.SERVED
    assert "不能" in client.post(f"/queue/tickets/{ticket.pk}/act/", {"name": "MISS"}, follow=True).content.decode()
    for _ in range(5):
        queue.ticket_issue(zone=hall["general"])
    with django_assert_max_num_queries(20):
        assert client.get("/queue/").status_code == 200


def test_the_desk_is_refused_to_others_and_the_screen_is_public(client, hall, clerk):
    client.force_login(UserFactory(role=Role.ENTERPRISE))
    assert client.get("/queue/").status_code == 403
    assert client.post("/queue/call/", {"window": hall["w1"].pk}).status_code == 403
    client.logout()
    ticket = queue.ticket_issue(zone=hall["startup"])
    queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=hall["w1"])
    page = client.get("/queue/screen/").content.decode()
    assert "A001" in page and "1号窗口" in page


def test_the_kiosk_issues_a_ticket_without_a_log_in(kiosk, hall):
    page = kiosk.get("/kiosk/ticket/").content.decode()
    assert "企业开办" in page and "正在等候 0 人" in page
    response = kiosk.post("/kiosk/ticket/", {"zone": hall["startup"].pk})
    ticket = Ticket.objects.get()
    assert response["Location"] == f"/kiosk/ticket/{ticket.pk}/" and ticket.terminal is not None
    assert "A001" in kiosk.get(response["Location"]).content.decode()


def test_queue_time_saved_is_kiosk_cases_times_the_average_wait(hall, clerk, monkeypatch):
    today = timezone.localdate()
    first = queue.ticket_issue(zone=hall["startup"], now=timezone.now() - dt.timedelta(minutes=10))
    queue.ticket_transition(ticket=first, name="CALL", actor=clerk, window=hall["w1"])
    saved = queue.queue_time_saved(today, today)
    assert saved["measured"] and saved["kiosk_cases"] == 0 and saved["saved_minutes"] == 0
    assert 9.9 <= saved["avg_wait_minutes"] <= 10.1


def test_the_queue_api_is_public_and_says_what_the_screen_says(client, hall, clerk, django_assert_max_num_queries):
    for _ in range(3):
        queue.ticket_issue(zone=hall["startup"])
    queue.ticket_issue(zone=hall["general"])
    queue.ticket_call_next(window=hall["w1"], actor=clerk)
    with django_assert_max_num_queries(3):
        body = client.get("/api/v1/queue/").json()
    assert {z["name"]: z["waiting"] for z in body["zones"]} == {"企业开办": 2, "综合服务": 1}
    assert [(c["number"], c["window"]) for c in body["calls"]] == [("A001", "1号窗口（企业开办综窗）")]
    assert client.post("/api/v1/queue/").status_code == 405


@pytest.mark.parametrize("seconds,text", [(None, "—"), (59, "不到1分钟"), (60, "1 分钟"), (3599, "59 分钟"),
                                          (3600, "1 小时 0 分"), (33008, "9 小时 10 分")])
def test_a_wait_reads_in_minutes_and_hours(seconds, text):
    assert Ticket(waited_seconds=seconds).waited_text == text
