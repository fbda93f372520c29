"""The session's table walked on the kernel (allowed: one audit event and one timeline row; refused: nothing
written), its roles, and every outcome of CLOSE."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.appeals.models import Appeal
from gaoxin.assist.models import AssistOrder
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused
from gaoxin.guidance import selectors, services
from gaoxin.guidance.models import FaqEntry, Outcome, SessionEvent, SessionStatus
from gaoxin.guidance.workflow import WORKFLOW

from .conftest import at, future_day

S = SessionStatus
# The table written by hand from the brief: booked → confirmed → held → closed; cancelled; no-show.
SPEC = {
    S.BOOKED: {"CONFIRM", "CANCEL"},
    S.CONFIRMED: {"HOLD", "NO_SHOW", "CANCEL"},
    S.HELD: {"CLOSE"},
    S.CLOSED: set(), S.CANCELLED: set(), S.NO_SHOW: set(),
}
PARAMS = {"CONFIRM": {"meeting_url": "https://meeting.example.cn/j/123"}, "CLOSE": {"outcome": "answered",
                                                                                    "note": "已说明材料要求"}}


def test_table_matches_spec():
    assert available_from(WORKFLOW, S.values) == {k.value: v for k, v in SPEC.items()}


def _to(session, state, guide):
    path = {S.BOOKED: [], S.CONFIRMED: ["CONFIRM"], S.HELD: ["CONFIRM", "HOLD"],
            S.CLOSED: ["CONFIRM", "HOLD", "CLOSE"], S.CANCELLED: ["CANCEL"], S.NO_SHOW: ["CONFIRM", "NO_SHOW"]}
    for name in path[state]:
        session = WORKFLOW.apply(session, name, actor=guide, reason="说明", **PARAMS.get(name, {}))
    return session


@pytest.mark.parametrize("name", [t.name for t in WORKFLOW.transitions])
@pytest.mark.parametrize("state", S.values)
def test_walk(name, state, book, clerk_user):
    session = _to(book(), state, clerk_user)
    check_pair(WORKFLOW, session, name, actor=clerk_user,
               history=lambda: SessionEvent.objects.filter(session=session).count(), **PARAMS.get(name, {}))


def test_roles(book, clerk_user, officer_user, other_firm_user, enterprise_user, leader_user, admin_user):
    from gaoxin.accounts.models import OrgUnit, Role
    from gaoxin.accounts.tests.factories import UserFactory

    stranger_dept = UserFactory(role=Role.DEPT_OFFICER, org_unit=OrgUnit.objects.create(
        code="tax", name="税务局", kind="department"))
    session = book()
    actors = {"other_firm": other_firm_user, "leader": leader_user, "other_dept": stranger_dept,
              "booker": enterprise_user, "clerk": clerk_user, "officer": officer_user}
    for name in ("CONFIRM", "CANCEL"):
        check_roles_refused(WORKFLOW, session, name, actors)
    # The item's department guides; the booker may cancel but not confirm.
    assert WORKFLOW.roles_of(officer_user, session) == {"guide"}
    assert WORKFLOW.roles_of(enterprise_user, session) == {"booker"}
    with pytest.raises(PermissionDenied):
        services.session_transition(session=session, name="CONFIRM", actor=enterprise_user, meeting_url="https://x.cn")


def test_confirm_needs_a_link_unless_rooms_are_self_hosted(book, clerk_user, settings,
                                                          django_capture_on_commit_callbacks):
    session = book()
    with pytest.raises(ValidationError) as exc:
        services.session_transition(session=session, name="CONFIRM", actor=clerk_user)
    assert "meeting_url" in exc.value.error_dict
    settings.GAOXIN_GUIDANCE_MEETING_BASE_URL = "https://meet.gaoxin.example.cn/room/"
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_transition(session=session, name="CONFIRM", actor=clerk_user)
    assert session.meeting_url.startswith(f"https://meet.gaoxin.example.cn/room/{session.number.lower()}-")
    assert session.guide == clerk_user
    # the booker is told, in the app and by SMS to the contact phone
    note = Notification.objects.filter(user=session.booked_by, kind="GUIDANCE_STEP").get()
    assert session.meeting_url in note.message


def test_a_session_cannot_begin_long_before_its_slot(enterprise_user, own_enterprise, item, clerk_user):
    day = future_day()
    session = services.session_book(actor=enterprise_user, item=item, enterprise=own_enterprise,
                                    starts_at=at(day, 14), question="问", contact_name="张伟",
                                    contact_phone="13800000001")
    session = services.session_transition(session=session, name="CONFIRM", actor=clerk_user,
                                          meeting_url="https://meeting.example.cn/j/1")
    for name in ("HOLD", "NO_SHOW"):
        with pytest.raises(ValidationError, match="尚未开始"):
            services.session_transition(session=session, name=name, actor=clerk_user)


def _held(book, guide):
    return _to(book(), S.HELD, guide)


def test_close_needs_an_outcome_and_a_note(book, clerk_user):
    session = _held(book, clerk_user)
    with pytest.raises(ValidationError) as exc:
        services.session_transition(session=session, name="CLOSE", actor=clerk_user, note="说明")
    assert "outcome" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.session_transition(session=session, name="CLOSE", actor=clerk_user, outcome="answered")
    assert "note" in exc.value.error_dict
    session.refresh_from_db()
    assert session.status == S.HELD


def test_outcome_faq_grows_an_entry_on_the_current_version(book, clerk_user, item):
    session = _held(book, clerk_user)
    session = services.session_transition(session=session, name="CLOSE", actor=clerk_user, outcome="faq",
                                          faq_question="设立有限公司需要公司章程吗？", note="需要，全体股东签字。")
    entry = FaqEntry.objects.get()
    assert session.faq == entry and entry.source_session == session
    assert entry.version_id == item.current_version_id and entry.status == "published"
    assert list(selectors.guide_faqs(item)) == [entry]
    # searchable by pinyin initials of the question (gszc = 公司章程) and of the item (qysldj)
    assert list(selectors.public_faqs(q="gszc")) == [entry]
    assert list(selectors.public_faqs(q="qysldj")) == [entry]
    assert list(selectors.public_faqs(q="章程")) == [entry]
    assert not selectors.public_faqs(q="社保").exists()


def test_outcome_application_keeps_the_agreed_situation(book, clerk_user, item, django_capture_on_commit_callbacks):
    situation = item.current_version.situations.get(name="有限责任公司")
    session = _held(book, clerk_user)
    with pytest.raises(ValidationError) as exc:
        services.session_transition(session=session, name="CLOSE", actor=clerk_user, outcome="application",
                                    note="准备章程")
    assert "situation" in exc.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_transition(session=session, name="CLOSE", actor=clerk_user,
                                              outcome="application", situation=situation, note="公司章程需全体股东签字")
    assert session.outcome == Outcome.APPLICATION and session.prefill_situation == situation
    note = Notification.objects.filter(user=session.booked_by, kind="GUIDANCE_STEP").last()
    assert note.url == f"/guidance/sessions/{session.number}/apply/"


def test_outcome_order_and_appeal_go_through_their_rooms(book, clerk_user, own_enterprise):
    session = _held(book, clerk_user)
    audits = AuditEvent.objects.count()
    session = services.session_transition(session=session, name="CLOSE", actor=clerk_user, outcome="order",
                                          note="请代办企业设立登记")
    order = AssistOrder.objects.get()
    assert session.order == order and order.enterprise == own_enterprise and order.item == session.item
    assert AuditEvent.objects.count() == audits + 2  # the order's own event and this step's
    second = book(starts_at=at(session.starts_at.date(), 10))
    second = _to(second, S.HELD, clerk_user)
    with pytest.raises(ValidationError) as exc:
        services.session_transition(session=second, name="CLOSE", actor=clerk_user, outcome="appeal", note="厂房")
    assert "appeal_title" in exc.value.error_dict
    second = services.session_transition(session=second, name="CLOSE", actor=clerk_user, outcome="appeal",
                                         note="厂房消防验收进度慢", appeal_title="厂房消防验收协调")
    appeal = Appeal.objects.get()
    assert second.appeal == appeal and appeal.enterprise == own_enterprise and second.number in appeal.description


def test_order_needs_a_firm(item, clerk_user):
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory

    from .conftest import BOOKED_ON, PAST_DAY

    person = UserFactory(role=Role.ENTERPRISE, id_number="430302198001011232")
    session = services.session_book(actor=person, item=item, starts_at=at(PAST_DAY, 10), question="个人咨询",
                                    contact_name="李", contact_phone="13800000002", now=BOOKED_ON)
    session = _to(session, S.HELD, clerk_user)
    with pytest.raises(ValidationError, match="未关联企业"):
        services.session_transition(session=session, name="CLOSE", actor=clerk_user, outcome="order", note="代办")


def test_reminders_once(book, clerk_user, django_capture_on_commit_callbacks):
    import datetime as dt

    session = _to(book(), S.CONFIRMED, clerk_user)
    before = session.starts_at - dt.timedelta(minutes=30)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sessions_remind(now=before) == 1
        assert services.sessions_remind(now=before) == 0
    assert Notification.objects.filter(kind="GUIDANCE_REMIND", user=session.booked_by).count() == 1


def test_named_services_are_the_table_steps(book, clerk_user, enterprise_user):
    session = services.session_confirm(session=book(), actor=clerk_user, meeting_url="https://m.example.cn/2")
    session = services.session_hold(session=session, actor=clerk_user)
    session = services.session_close(session=session, actor=clerk_user, outcome="answered", note="已解答")
    assert (session.status, session.outcome) == (S.CLOSED, Outcome.ANSWERED)
    other = book(starts_at=at(session.starts_at.date(), 10))
    assert services.session_cancel(session=other, actor=enterprise_user, reason="改期").status == S.CANCELLED
