"""取号 / 叫号 (issue 23 item 4): tickets per zone and day, called to a window, waiting times recorded, kiosk
completions counted as queue time saved; the ticket's table walked (allowed: one audit event; refused: nothing).
Every test runs at 10:00 of a working day (`opening_hours`): tickets are issued only in the hall's opening hours,
whatever the hour the suite runs at."""

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

from .conftest import next_working_day, previous_working_day

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("opening_hours")]


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
    next_day = timezone.now() + dt.timedelta(days=(next_working_day(timezone.localdate()) - timezone.localdate()).days)
    assert queue.ticket_issue(zone=hall["startup"], now=next_day).number == "A001"
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
    sources, target, who, _label = queue.TRANSITIONS[name]
    actor = None if who == queue.SYSTEM else clerk  # VOID is the closing-time sweep's
    if state in sources:
        done = queue.ticket_transition(ticket=ticket, name=name, actor=actor, window=hall["w1"])
        assert done.status == target and AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError):
            queue.ticket_transition(ticket=ticket, name=name, actor=actor, window=hall["w1"])
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


def test_a_clerk_cannot_void_a_ticket(hall, clerk):
    ticket = queue.ticket_issue(zone=hall["startup"])
    with pytest.raises(PermissionDenied):
        queue.ticket_transition(ticket=ticket, name="VOID", actor=clerk)
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_one_number_at_a_window_at_a_time(hall, clerk):
    """A window calls the next number only after its current one is 办理完成 or 过号; another window goes on."""
    first, second, third = (queue.ticket_issue(zone=hall["startup"]) for _ in range(3))
    w2 = Window.objects.create(zone=hall["startup"], number="2", name="企业开办二窗")
    assert queue.ticket_call_next(window=hall["w1"], actor=clerk) == first
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="A001 还没有办结"):
        queue.ticket_call_next(window=hall["w1"], actor=clerk)
    with pytest.raises(ValidationError, match="请先点“办理完成”或“过号”"):
        queue.ticket_transition(ticket=second, name="CALL", actor=clerk, window=hall["w1"])
    assert AuditEvent.objects.count() == before
    assert Ticket.objects.get(pk=second.pk).status == TicketStatus.WAITING
    assert queue.ticket_call_next(window=w2, actor=clerk) == second
    queue.ticket_transition(ticket=Ticket.objects.get(pk=first.pk), name="MISS", actor=clerk)
    assert queue.ticket_call_next(window=hall["w1"], actor=clerk) == third


def test_the_desk_says_to_finish_the_current_number_first(client, hall, clerk):
    client.force_login(clerk)
    for _ in range(2):
        queue.ticket_issue(zone=hall["startup"])
    client.post("/queue/call/", {"window": hall["w1"].pk})
    page = client.post("/queue/call/", {"window": hall["w1"].pk}, follow=True).content.decode()
    assert "1号窗口的 A001 还没有办结" in page and "disabled" in page
    assert list(Ticket.objects.values_list("status", flat=True)) == [TicketStatus.CALLED, TicketStatus.WAITING]


@pytest.fixture
def closing(settings):
    settings.GAOXIN_QUEUE_CLOSING_TIME = "17:30"


def _at(day, hh, mm=0):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hh, mm)))


def test_unfinished_tickets_are_voided_at_closing_time_and_left_out_of_the_waits(hall, clerk, closing):
    today = timezone.localdate()
    morning = _at(today, 9)
    waiting = queue.ticket_issue(zone=hall["startup"], now=morning)
    called = queue.ticket_issue(zone=hall["startup"], now=morning)
    served = queue.ticket_issue(zone=hall["general"], now=morning)
    queue.ticket_transition(ticket=served, name="CALL", actor=clerk, window=hall["w5"], now=_at(today, 9, 10))
    queue.ticket_transition(ticket=Ticket.objects.get(pk=served.pk), name="SERVE", actor=clerk, now=_at(today, 9, 20))
    # The morning's second ticket called late in the afternoon and never finished: a wait of 7 hours.
    queue.ticket_transition(ticket=called, name="CALL", actor=clerk, window=hall["w1"], now=_at(today, 16))
    yesterday = queue.ticket_issue(zone=hall["general"], now=_at(previous_working_day(today), 9))
    assert queue.tickets_void_stale(now=_at(today, 12)) == 1  # only yesterday's before closing
    assert Ticket.objects.get(pk=yesterday.pk).status == TicketStatus.VOID
    assert Ticket.objects.get(pk=waiting.pk).status == TicketStatus.WAITING
    before = AuditEvent.objects.count()
    assert queue.tickets_void_stale(now=_at(today, 17, 30)) == 2
    assert AuditEvent.objects.count() == before + 2
    assert set(AuditEvent.objects.filter(event_type="kiosk.ticket.void").values_list("subject_id", flat=True)) == {
        str(yesterday.pk), str(waiting.pk), str(called.pk)}
    assert {t.pk: t.status for t in Ticket.objects.all()} == {
        waiting.pk: TicketStatus.VOID, called.pk: TicketStatus.VOID, served.pk: TicketStatus.SERVED,
        yesterday.pk: TicketStatus.VOID}
    assert queue.tickets_void_stale(now=_at(today, 18)) == 0  # idempotent
    waits = queue.window_waits(today, today)
    assert [(w["window"], w["called"], w["avg_minutes"]) for w in waits] == [("综合服务 5号窗口（综合窗口）", 1, 10.0)]
    assert queue.queue_time_saved(today, today)["avg_wait_minutes"] == 10.0


def test_the_sweep_command_voids_and_records_the_coverage(hall, closing, capsys):
    from django.core.management import call_command

    queue.ticket_issue(zone=hall["startup"], now=_at(previous_working_day(timezone.localdate()), 10))
    call_command("sweep_kiosk")
    assert Ticket.objects.get().status == TicketStatus.VOID
    assert "作废号码 1 个" in capsys.readouterr().out


def test_a_closing_time_that_cannot_be_read_is_said_at_start_up(settings):
    from gaoxin.kiosk.checks import queue_settings

    assert queue_settings(None) == []
    settings.GAOXIN_QUEUE_CLOSING_TIME = "half past five"
    errors = queue_settings(None)
    assert errors and errors[0].id == "gaoxin.kiosk.E001"


def test_windows_sort_naturally(client, hall, clerk):
    """9号 before 10号 (the window number is text)."""
    w10 = Window.objects.create(zone=hall["general"], number="10", name="十号窗")
    w9 = Window.objects.create(zone=hall["general"], number="9", name="九号窗")
    client.force_login(clerk)
    page = client.get("/queue/").content.decode()
    assert page.index("5号窗口") < page.index("9号窗口") < page.index("10号窗口")
    for window in (w10, w9):
        ticket = queue.ticket_issue(zone=hall["general"])
        queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=window)
    today = timezone.localdate()
    assert [w["window"].split("（")[0] for w in queue.window_waits(today, today)] == ["综合服务 9号窗口", "综合服务 10号窗口"]


def test_the_hall_screen_is_set_for_a_large_display(client, hall):
    page = client.get("/queue/screen/").content.decode()
    assert 'class="kiosk hall-screen"' in page and "正在等候" in page


# --- opening hours -------------------------------------------------------------------------------------------------

@pytest.fixture
def hours(settings):
    settings.GAOXIN_QUEUE_OPENING_TIME = "08:30"
    settings.GAOXIN_QUEUE_CLOSING_TIME = "17:30"


def test_no_ticket_before_opening_time(kiosk, hall, hours):
    from gaoxin.core.testing import held_at

    with held_at(timezone.localdate(), dt.time(8, 29)):
        with pytest.raises(ValidationError, match="大厅 08:30 开始取号"):
            queue.ticket_issue(zone=hall["startup"])
        page = kiosk.get("/kiosk/ticket/").content.decode()
        assert "大厅 08:30 开始取号，现在还不能取号" in page and "工作日 08:30–17:30" in page
        assert 'data-testid="kiosk-ticket-zones"' not in page
        response = kiosk.post("/kiosk/ticket/", {"zone": hall["startup"].pk})
        assert response.status_code == 409 and "开始取号" in response.content.decode()
    assert not Ticket.objects.exists() and not AuditEvent.objects.filter(event_type="kiosk.ticket.issue").exists()
    with held_at(timezone.localdate(), dt.time(8, 30)):
        assert queue.ticket_issue(zone=hall["startup"]).number == "A001"


def test_no_ticket_from_closing_time_on(kiosk, hall, hours):
    from gaoxin.core.testing import held_at

    today = timezone.localdate()
    with held_at(today, dt.time(17, 29)):
        assert queue.ticket_issue(zone=hall["startup"]).number == "A001"
    with held_at(today, dt.time(17, 30)):
        page = kiosk.get("/kiosk/ticket/").content.decode()
        nxt = next_working_day(today)
        assert "大厅已于 17:30 停止服务，今天不再取号" in page
        assert f"请于{nxt.month}月{nxt.day}日（{'一二三四五六日'[nxt.weekday()]}）08:30后来取号" in page
        assert kiosk.post("/kiosk/ticket/", {"zone": hall["startup"].pk}).status_code == 409
    assert Ticket.objects.count() == 1


def test_no_ticket_on_a_day_that_is_not_a_working_day(hall, hours):
    from gaoxin.core.selectors import work_calendar
    from gaoxin.core.testing import held_at

    cal = work_calendar()
    day = timezone.localdate()
    while cal.is_workday(day):
        day += dt.timedelta(days=1)
    with held_at(day, dt.time(10)):
        with pytest.raises(ValidationError, match="今天是节假日或休息日，大厅不办理窗口业务，不能取号"):
            queue.ticket_issue(zone=hall["startup"])
    assert not Ticket.objects.exists()


def _no_call(client, hall, clerk, ticket, message: str) -> None:
    """At this moment no number is called, by the service, a step of the ticket or the desk (which says why and
    disables its button); nothing is written and the ticket still waits."""
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match=message):
        queue.ticket_call_next(window=hall["w1"], actor=clerk)
    with pytest.raises(ValidationError, match=message):
        queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=hall["w1"])
    page = client.get(f"/queue/?window={hall['w1'].pk}").content.decode()
    assert 'data-testid="call-closed"' in page and message in page and "disabled" in page
    assert message in client.post("/queue/call/", {"window": hall["w1"].pk}, follow=True).content.decode()
    assert AuditEvent.objects.count() == before
    assert Ticket.objects.get().status == TicketStatus.WAITING


def test_no_number_is_called_after_closing(client, hall, clerk, hours):
    from gaoxin.core.testing import held_at

    today = timezone.localdate()
    ticket = queue.ticket_issue(zone=hall["startup"], now=_at(today, 17))
    client.force_login(clerk)
    with held_at(today, dt.time(17, 31)):
        _no_call(client, hall, clerk, ticket, "已过闭厅时间（17:30），不再叫号")
    # The number called before closing may still be finished after it.
    with held_at(today, dt.time(17, 29)):
        called = queue.ticket_call_next(window=hall["w1"], actor=clerk)
    with held_at(today, dt.time(17, 40)):
        assert queue.ticket_transition(ticket=called, name="SERVE", actor=clerk).status == TicketStatus.SERVED


def test_no_number_is_called_before_opening(client, hall, clerk, hours):
    """QA: the clerk could call the next number before opening time (only calls after closing were refused)."""
    from gaoxin.core.testing import held_at

    today = timezone.localdate()
    ticket = queue.ticket_issue(zone=hall["startup"], now=_at(today, 9))
    client.force_login(clerk)
    with held_at(today, dt.time(8, 29)):
        _no_call(client, hall, clerk, ticket, "未到开厅时间（08:30），还不能叫号")
    with held_at(today, dt.time(8, 30)):  # from opening time on, the number is called
        assert queue.ticket_call_next(window=hall["w1"], actor=clerk).status == TicketStatus.CALLED


def test_opening_hours_that_cannot_be_read_are_said_at_start_up(settings):
    from gaoxin.kiosk.checks import queue_settings

    settings.GAOXIN_QUEUE_OPENING_TIME = "early"
    assert [e.id for e in queue_settings(None)] == ["gaoxin.kiosk.E002"]
    settings.GAOXIN_QUEUE_OPENING_TIME = "18:00"
    assert [e.id for e in queue_settings(None)] == ["gaoxin.kiosk.E003"]


def test_the_screen_keeps_the_latest_calls_after_they_are_finished(client, hall, clerk):
    """Between two calls the screen does not empty: the day's latest calls stay, newest first, finished or not;
    with the waiting counts and their total."""
    now = timezone.now()
    tickets = [queue.ticket_issue(zone=hall["startup"], now=now - dt.timedelta(minutes=30)) for _ in range(3)]
    queue.ticket_issue(zone=hall["general"])
    for n, (ticket, name) in enumerate(zip(tickets[:2], ("SERVE", "MISS"), strict=True)):
        called = queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=hall["w1"],
                                         now=now - dt.timedelta(minutes=10 - n))
        queue.ticket_transition(ticket=called, name=name, actor=clerk)
    board = queue.calling_board(timezone.localdate())
    assert [(t.number, t.status) for t in board] == [("A002", TicketStatus.MISSED), ("A001", TicketStatus.SERVED)]
    page = client.get("/queue/screen/", headers={"HX-Request": "true"}).content.decode()
    assert "暂无叫号" not in page and page.index("A002") < page.index("A001")
    assert 'class="hall-latest"><td>A002' in page and 'class="hall-done"><td>A001' in page
    total = page.split('data-testid="queue-waiting-total"')[1]
    assert "2 人" in total.split("</li>")[0]  # A003 and B001
    body = client.get("/api/v1/queue/").json()
    assert [c["number"] for c in body["calls"]] == ["A002", "A001"]


def test_voided_tickets_leave_the_screen(hall, clerk, closing):
    from gaoxin.core.testing import held_at

    today = timezone.localdate()
    ticket = queue.ticket_issue(zone=hall["startup"], now=_at(today, 9))
    queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk, window=hall["w1"], now=_at(today, 9, 5))
    assert len(queue.calling_board(today)) == 1
    with held_at(today, dt.time(17, 45)):
        queue.tickets_void_stale()
    assert queue.calling_board(today) == []
