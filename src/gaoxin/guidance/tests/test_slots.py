"""The timetable arithmetic (pure) and the booking rules: working days, the timetable, the past, capacity, overlap."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.core.models import AuditEvent
from gaoxin.guidance import selectors, slots
from gaoxin.guidance.models import GuidanceSession, SessionStatus

from .conftest import BOOKED_ON, PAST_DAY, at


def test_day_slots_default_timetable():
    table = slots.day_slots("09:00-11:30,14:00-17:00", 30)
    assert [s.label for s in table[:2]] == ["09:00–09:30", "09:30–10:00"]
    assert len(table) == 5 + 6
    assert table[4].end == dt.time(11, 30) and table[5].start == dt.time(14, 0)


def test_a_slot_that_would_run_past_its_period_is_not_offered():
    assert [s.label for s in slots.day_slots("09:00-10:10", 30)] == ["09:00–09:30", "09:30–10:00"]


@pytest.mark.parametrize("text, words", [("9-11", "应写作"), ("10:00-09:00", "结束应晚于开始"),
                                         ("09:00-12:00,11:00-13:00", "重叠"), ("", "至少"), ("25:00-26:00", "有效")])
def test_unreadable_hours_are_refused_in_chinese(text, words):
    with pytest.raises(slots.HoursError, match=words):
        slots.day_slots(text, 30)


def test_booking_a_slot(book, enterprise_user, item):
    audits = AuditEvent.objects.count()
    session = book()
    assert session.status == SessionStatus.BOOKED
    assert session.department_id == item.department_id
    assert session.ends_at - session.starts_at == dt.timedelta(minutes=30)
    assert session.number.startswith("DY")
    assert AuditEvent.objects.count() == audits + 1
    assert session.events.get().transition == "BOOK"


def test_a_weekend_or_holiday_is_refused(book):
    with pytest.raises(ValidationError, match="不是工作日"):
        book(starts_at=at(dt.date(2026, 10, 31), 9))  # Saturday
    with pytest.raises(ValidationError, match="不是工作日"):
        book(starts_at=at(dt.date(2026, 10, 1), 9), now=at(dt.date(2026, 9, 28), 8))  # 国庆


def test_a_time_off_the_timetable_is_refused(book):
    for hour, minute in ((12, 0), (9, 15), (17, 0), (8, 30)):
        with pytest.raises(ValidationError, match="时段表"):
            book(starts_at=at(PAST_DAY, hour, minute))


def test_a_past_slot_is_refused(book):
    with pytest.raises(ValidationError, match="已过"):
        book(now=at(PAST_DAY, 9, 5))


def test_too_far_ahead_is_refused(book):
    with pytest.raises(ValidationError, match="个工作日内"):
        book(starts_at=at(dt.date(2026, 11, 30), 9))


def test_a_full_slot_is_refused(book, settings, other_firm_user, other_enterprise, department, admin_user):
    settings.GAOXIN_GUIDANCE_PARALLEL = 1
    book()
    with pytest.raises(ValidationError, match="已约满"):
        book(actor=other_firm_user, enterprise=other_enterprise)
    assert GuidanceSession.objects.count() == 1


def test_a_cancelled_booking_frees_its_place(book, settings, other_firm_user, other_enterprise, enterprise_user):
    from gaoxin.guidance.services import session_transition

    settings.GAOXIN_GUIDANCE_PARALLEL = 1
    first = book()
    session_transition(session=first, name="CANCEL", actor=enterprise_user, reason="时间冲突")
    assert book(actor=other_firm_user, enterprise=other_enterprise).status == SessionStatus.BOOKED


def test_one_person_cannot_hold_two_overlapping_bookings(book, admin_user, department):
    from gaoxin.catalog.tests.factories import make_item

    book()
    other_item = make_item(admin_user, code="43037105XK0102", name="食品经营许可", dept=department, situations=())
    with pytest.raises(ValidationError, match="已有导办预约"):
        book(item=other_item)
    assert book(item=other_item, starts_at=at(PAST_DAY, 9, 30)).status == SessionStatus.BOOKED


def test_only_enterprise_users_book_and_only_for_their_firms(book, clerk_user, other_enterprise):
    with pytest.raises(PermissionDenied):
        book(actor=clerk_user)
    with pytest.raises(PermissionDenied):
        book(enterprise=other_enterprise)


def test_contact_and_question_are_required(book):
    with pytest.raises(ValidationError) as exc:
        book(question=" ")
    assert "question" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        book(contact_phone="12")
    assert "contact_phone" in exc.value.error_dict


def test_availability_counts_places_left(book, settings):
    settings.GAOXIN_GUIDANCE_PARALLEL = 2
    book()
    days = selectors.availability(now=at(BOOKED_ON.date(), 9, 45))  # Friday 09:45: its 09:00 and 09:30 are past
    assert days[0]["day"] == BOOKED_ON.date() and days[1]["day"] == PAST_DAY  # Friday, then Monday
    assert [(s["past"], s["left"]) for s in days[0]["slots"][:3]] == [(True, 0), (True, 0), (False, 2)]
    first = days[1]["slots"][0]
    assert (first["label"], first["left"], first["past"]) == ("09:00–09:30", 1, False)
    assert days[1]["slots"][1]["left"] == 2
    assert all(d["day"].weekday() < 5 for d in days)
