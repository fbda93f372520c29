"""Working-day arithmetic: the worked examples of specs/services.md §13.4 on the seeded
calendar, properties of the pure calculator, and the editable calendar."""

import datetime as dt

import numpy as np
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.core import services
from gaoxin.core.models import AuditEvent, CalendarDay, CalendarYear
from gaoxin.core.selectors import work_calendar
from gaoxin.core.workdays import WorkCalendar

D = dt.date
WORKED = [
    (D(2025, 1, 24), 5, D(2025, 2, 7)),     # Spring Festival 2025, make-up Sun 01-26 counts
    (D(2025, 4, 30), 3, D(2025, 5, 8)),     # Labour Day
    (D(2025, 9, 26), 20, D(2025, 10, 30)),  # National Day with make-up 09-28 and 10-11
    (D(2025, 12, 30), 10, D(2026, 1, 14)),  # across the year, make-up Sun 2026-01-04
    (D(2026, 2, 12), 5, D(2026, 2, 26)),    # make-up Sat 02-14, Spring Festival 2026
    (D(2026, 9, 28), 20, D(2026, 10, 30)),  # National Day 2026, make-up Sat 10-10
    (D(2026, 9, 28), 5, D(2026, 10, 10)),   # due on a make-up Saturday
    (D(2026, 3, 7), 5, D(2026, 3, 13)),     # accepted on a Saturday, default rule
    (D(2025, 9, 30), 5, D(2025, 10, 14)),   # 补正 notice limit
]


@pytest.fixture
def cal(db):
    return work_calendar()


@pytest.mark.parametrize("start,n,due", WORKED)
def test_worked_deadline_examples(cal, start, n, due):
    assert cal.add_working_days(start, n) == due
    assert cal.working_days_between(start, due) == n


def test_due_on_makeup_saturday_is_flagged(cal):
    result = cal.due_date(D(2026, 9, 28), 5)
    assert result.date == D(2026, 10, 10) and result.is_makeup_workday and not result.provisional


def test_next_workday_rule(cal):
    assert cal.due_date(D(2026, 3, 7), 5, rule="next_workday").date == D(2026, 3, 16)


def test_unconfirmed_year_is_provisional_weekdays_only(cal):
    result = cal.due_date(D(2026, 12, 28), 5)
    assert result.provisional
    assert result.date == D(2027, 1, 4)  # Mon–Fri only: 29, 30, 31, Jan 1 (Fri), Jan 4


def test_vectorised_matches_scalar(cal):
    starts = [s for s, _, _ in WORKED]
    days = [n for _, n, _ in WORKED]
    got = cal.add_working_days_many(starts, days)
    assert [d.astype(object) for d in got] == [due for _, _, due in WORKED]
    assert list(cal.working_days_between_many(starts, [due for *_, due in WORKED])) == days


def test_seeded_calendar_matches_package(cal):
    import chinese_calendar

    day = D(2004, 1, 1)
    while day <= D(2026, 12, 31):
        assert cal.is_workday(day) == chinese_calendar.is_workday(day), day
        day += dt.timedelta(days=1)


# --- pure calculator properties ----------------------------------------------------

_PURE = WorkCalendar(
    [D(2025, 1, 1) + dt.timedelta(i) for i in range(730) if (D(2025, 1, 1) + dt.timedelta(i)).weekday() < 5
     and (D(2025, 1, 1) + dt.timedelta(i)).day != 1] + [D(2025, 2, 8)],
    [2025, 2026],
)


@settings(max_examples=200)
@given(st.dates(D(2025, 1, 1), D(2026, 6, 30)), st.integers(0, 100))
def test_add_then_count_round_trips(start, n):
    due = _PURE.add_working_days(start, n)
    assert _PURE.working_days_between(start, due) == n
    if n:
        assert _PURE.is_workday(due)
        assert due > start


@settings(max_examples=100)
@given(st.lists(st.dates(D(2025, 1, 1), D(2026, 6, 30)), min_size=1, max_size=20), st.integers(0, 60))
def test_vectorised_equals_scalar_property(starts, n):
    many = _PURE.add_working_days_many(starts, n)
    assert [d.astype(object) for d in many] == [_PURE.add_working_days(s, n) for s in starts]


def test_negative_and_out_of_range():
    with pytest.raises(ValueError):
        _PURE.add_working_days(D(2025, 3, 3), -1)
    with pytest.raises(ValueError):
        _PURE.add_working_days(D(1999, 3, 3), 1)
    with pytest.raises(ValueError):
        _PURE.add_working_days_many(np.array(["1999-01-01"], dtype="datetime64[D]"), 1)


# --- editable calendar ---------------------------------------------------------------

def test_admin_enters_2027_and_deadlines_follow(admin_user):
    services.calendar_year_add(year=2027, actor=admin_user)
    assert CalendarDay.objects.filter(date__year=2027).count() == 365
    # A hypothetical New Year's holiday on Mon 2027-01-04 with a make-up Saturday 2027-01-09.
    services.calendar_day_set(date=D(2027, 1, 1), kind="holiday", name="元旦", actor=admin_user)
    services.calendar_day_set(date=D(2027, 1, 4), kind="in_lieu", name="元旦", actor=admin_user)
    services.calendar_day_set(date=D(2027, 1, 9), kind="make_up_workday", name="元旦", actor=admin_user)
    assert work_calendar().due_date(D(2026, 12, 28), 5).provisional  # still unconfirmed: weekdays only
    services.calendar_year_confirm(year=2027, source_document="国办发明电〔2026〕1号", actor=admin_user)
    result = work_calendar().due_date(D(2026, 12, 28), 5)
    # 29, 30, 31 Dec; Jan 1 holiday; Jan 4 off; Jan 5, 6 → due Wed 2027-01-06.
    assert result.date == D(2027, 1, 6) and not result.provisional
    assert work_calendar().is_workday(D(2027, 1, 9))


def test_an_edit_made_after_the_clock_was_set_back_reaches_the_cached_calendar(admin_user):
    # The calendar each process caches is keyed by revisions, not by times: an edit stamped earlier than the last
    # one (a clock set back, as a test run held on its day after midnight does) still replaces it.
    with time_machine.travel(timezone.now() - dt.timedelta(days=2), tick=True):  # before the seeded years' stamps
        services.calendar_year_add(year=2027, actor=admin_user)
        assert work_calendar().due_date(D(2026, 12, 28), 5).provisional
        services.calendar_day_set(date=D(2027, 1, 4), kind="in_lieu", name="元旦", actor=admin_user)
        services.calendar_year_confirm(year=2027, source_document="国办发明电〔2026〕1号", actor=admin_user)
    result = work_calendar().due_date(D(2026, 12, 28), 5)
    assert result.date == D(2027, 1, 5) and not result.provisional  # 29, 30, 31 Dec, Jan 1 (Fri), Jan 4 off → Jan 5


def test_calendar_changes_write_one_audit_event_each(admin_user):
    before = AuditEvent.objects.count()
    services.calendar_year_add(year=2027, actor=admin_user)
    assert AuditEvent.objects.count() == before + 1
    services.calendar_day_set(date=D(2027, 2, 6), kind="make_up_workday", actor=admin_user)
    assert AuditEvent.objects.count() == before + 2
    event = AuditEvent.objects.first()
    assert event.event_type == "calendar.day_set" and event.after["is_workday"] is True
    assert event.before == {"is_workday": False, "kind": "normal", "name": ""}


def test_calendar_guards(admin_user):
    with pytest.raises(ValidationError):
        services.calendar_year_add(year=2026, actor=admin_user)  # already seeded
    with pytest.raises(ValidationError):
        services.calendar_day_set(date=D(2026, 3, 4), kind="make_up_workday", actor=admin_user)  # a Wednesday
    with pytest.raises(ValidationError):
        services.calendar_day_set(date=D(2030, 3, 2), kind="holiday", actor=admin_user)  # year not opened
    with pytest.raises(ValidationError):
        services.calendar_year_confirm(year=2026, source_document="x", actor=admin_user)  # already confirmed
    services.calendar_year_add(year=2027, actor=admin_user)
    with pytest.raises(ValidationError):
        services.calendar_year_confirm(year=2027, source_document="  ", actor=admin_user)
    assert not CalendarYear.objects.get(year=2027).confirmed


def test_calendar_pages_admin_only(admin_client, clerk_client):
    assert admin_client.get("/calendar/2026/").status_code == 200
    assert clerk_client.get("/calendar/2026/").status_code == 403
    assert clerk_client.post("/calendar/add-year/", {"year": 2027}).status_code == 403
    assert not CalendarYear.objects.filter(year=2027).exists()
    response = admin_client.post("/calendar/add-year/", {"year": 2027}, follow=True)
    assert "已新增2027年" in response.content.decode()
    admin_client.post("/calendar/2027/day/", {"date": "2027-01-01", "kind": "holiday", "name": "元旦"})
    assert CalendarDay.objects.get(date=D(2027, 1, 1)).kind == "holiday"
    response = admin_client.post("/calendar/2027/confirm/", {"source_document": ""}, follow=True)
    assert "请填写依据文件" in response.content.decode()


def test_deadline_calculator_page(clerk_client, enterprise_client):
    response = clerk_client.get("/tools/deadline/", {"start": "2026-09-28", "days": 5})
    html = response.content.decode()
    assert "2026年10月10日" in html and "调休上班" in html
    partial = clerk_client.get("/tools/deadline/", {"start": "2026-12-28", "days": 5}, HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode() and "暂定" in partial.content.decode()
    bad = clerk_client.get("/tools/deadline/", {"start": "不是日期", "days": -1})
    assert "alert-danger" in bad.content.decode()
    assert enterprise_client.get("/tools/deadline/").status_code == 403


def test_due_date_api(clerk_client, client):
    ok = clerk_client.get("/api/v1/workdays/due-date/", {"start": "2025-01-24", "days": 5})
    assert ok.json()["due_date"] == "2025-02-07"
    bad = clerk_client.get("/api/v1/workdays/due-date/", {"start": "2025-01-24", "days": -3})
    assert bad.status_code == 400 and "days" in bad.json()
    assert client.get("/api/v1/workdays/due-date/", {"start": "2025-01-24", "days": 5}).status_code == 401
