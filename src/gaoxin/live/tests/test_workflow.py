"""The session's and the question's tables walked on the kernel (allowed: one audit event and one timeline row;
refused: nothing written), their roles, and the consent rule: an unanswered question becomes an appeal only when
its asker says yes, after the session, through the appeals service."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gaoxin.appeals.models import Appeal
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused
from gaoxin.live import services
from gaoxin.live.models import LiveEvent, LiveStatus, QuestionStatus
from gaoxin.live.workflow import QUESTION_WORKFLOW, SESSION_WORKFLOW

from .conftest import go

pytestmark = pytest.mark.django_db
L, Q = LiveStatus, QuestionStatus

SESSION_SPEC = {L.SCHEDULED: {"START", "CANCEL"}, L.LIVE: {"END"}, L.ENDED: {"PUBLISH_REPLAY"}, L.REPLAY: set(),
                L.CANCELLED: set()}
QUESTION_SPEC = {Q.PENDING: {"ANSWER_LIVE", "ANSWER_WRITTEN", "LEAVE_UNANSWERED", "WITHDRAW"},
                 Q.UNANSWERED: {"ANSWER_LIVE", "ANSWER_WRITTEN", "CONSENT", "DECLINE"},
                 Q.ANSWERED_LIVE: set(), Q.ANSWERED_WRITTEN: set(), Q.ESCALATED: set(), Q.DECLINED: set(),
                 Q.WITHDRAWN: set()}
SESSION_PATH = {L.SCHEDULED: [], L.LIVE: ["START"], L.ENDED: ["START", "END"],
                L.REPLAY: ["START", "END", "PUBLISH_REPLAY"], L.CANCELLED: ["CANCEL"]}
SESSION_PARAMS = {"PUBLISH_REPLAY": {"replay_url": "https://live.example.cn/replay/1"}}


def test_tables_match_spec():
    assert available_from(SESSION_WORKFLOW, L.values) == {k.value: v for k, v in SESSION_SPEC.items()}
    assert available_from(QUESTION_WORKFLOW, Q.values) == {k.value: v for k, v in QUESTION_SPEC.items()}


@pytest.mark.parametrize("name", [t.name for t in SESSION_WORKFLOW.transitions])
@pytest.mark.parametrize("state", L.values)
def test_session_walk(name, state, make_session, host):
    session = make_session(starts_at=timezone.now() + dt.timedelta(minutes=20))  # starting on time
    session = go(session, *SESSION_PATH[state], actor=host)
    check_pair(SESSION_WORKFLOW, session, name, actor=host,
               history=lambda: LiveEvent.objects.filter(session=session, question__isnull=True).count(),
               **SESSION_PARAMS.get(name, {}))


def _question_in(state, session, host, ask, enterprise_user):
    """A question in `state`, its session held (so every step that needs it may be taken)."""
    question = ask(session)
    session = go(session, "START", "END", actor=host)
    steps = {Q.PENDING: [], Q.UNANSWERED: [("LEAVE_UNANSWERED", host)],
             Q.ANSWERED_LIVE: [("ANSWER_LIVE", host)], Q.ANSWERED_WRITTEN: [("ANSWER_WRITTEN", host)],
             Q.ESCALATED: [("LEAVE_UNANSWERED", host), ("CONSENT", enterprise_user)],
             Q.DECLINED: [("LEAVE_UNANSWERED", host), ("DECLINE", enterprise_user)],
             Q.WITHDRAWN: [("WITHDRAW", enterprise_user)]}
    for name, actor in steps[state]:
        question = services.question_transition(question=question, name=name, actor=actor, **PARAMS.get(name, {}))
    return question


PARAMS = {"ANSWER_LIVE": {"offset": 95, "answer": "保留30天"}, "ANSWER_WRITTEN": {"answer": "请在30天内提交"}}


@pytest.mark.parametrize("name", [t.name for t in QUESTION_WORKFLOW.transitions])
@pytest.mark.parametrize("state", Q.values)
def test_question_walk(name, state, session, host, ask, enterprise_user):
    question = _question_in(state, session, host, ask, enterprise_user)
    actor = enterprise_user if name in ("CONSENT", "DECLINE", "WITHDRAW") else host
    if name == "CONSENT" and QUESTION_WORKFLOW[name].starts_from(state):
        # The appeal is the firm's own request: the appeals room writes its own audit event besides this step's one.
        audits, rows = AuditEvent.objects.count(), LiveEvent.objects.filter(question=question).count()
        services.question_transition(question=question, name=name, actor=actor)
        assert AuditEvent.objects.count() == audits + 2
        assert AuditEvent.objects.filter(event_type="live.question.consent").count() == 1
        assert AuditEvent.objects.filter(event_type="appeal.submitted").count() == 1
        assert LiveEvent.objects.filter(question=question).count() == rows + 1
        return
    check_pair(QUESTION_WORKFLOW, question, name, actor=actor,
               history=lambda: LiveEvent.objects.filter(question=question).count(), **PARAMS.get(name, {}))


def test_session_roles(session, host, officer_user, enterprise_user, leader_user, admin_user):
    actors = {"officer_other_unit": officer_user, "enterprise": enterprise_user, "leader": leader_user}
    for name in ("START", "CANCEL"):
        check_roles_refused(SESSION_WORKFLOW, session, name, actors)
    # The administrator and the centre host every session; a department's officer its own unit's.
    assert SESSION_WORKFLOW.roles_of(admin_user, session) == {"host"}
    assert SESSION_WORKFLOW.roles_of(officer_user, session) == set()


def test_department_officer_hosts_own_unit(make_session, officer_user, department):
    own = make_session(actor=officer_user, department=department)
    assert own.department == department
    started = services.session_transition(session=own, name="START", actor=officer_user,
                                           confirm_early=True, reason="提前开讲")
    assert started.status == L.LIVE
    from gaoxin.accounts.models import OrgUnit

    tax = OrgUnit.objects.create(code="tax", name="税务局", kind="department")
    with pytest.raises(ValidationError):  # an officer cannot name another unit
        make_session(actor=officer_user, department=tax)


def test_question_roles(session, host, ask, enterprise_user, other_firm_user, leader_user):
    question = ask(session)
    go(session, "START", "END", actor=host)
    question = services.question_transition(question=question, name="LEAVE_UNANSWERED", actor=host)
    actors = {"host": host, "other_firm": other_firm_user, "leader": leader_user}
    check_roles_refused(QUESTION_WORKFLOW, question, "CONSENT", actors)
    check_roles_refused(QUESTION_WORKFLOW, question, "ANSWER_WRITTEN",
                        {"asker": enterprise_user, "other_firm": other_firm_user, "leader": leader_user})


def test_the_asker_withdraws_a_question_before_it_is_answered(session, host, ask, enterprise_user, other_firm_user,
                                                             leader_user, django_capture_on_commit_callbacks):
    """撤回: the asker (or their firm) takes a question back while it waits for an answer, through the one transition
    service, one audit event; the hosts, another firm and a leader cannot; an answered question stays."""
    question = ask(session)
    check_roles_refused(QUESTION_WORKFLOW, question, "WITHDRAW",
                        {"host": host, "other_firm": other_firm_user, "leader": leader_user})
    audits = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        done = services.question_transition(question=question, name="WITHDRAW", actor=enterprise_user,
                                            reason="已在窗口问清楚")
    assert done.status == Q.WITHDRAWN and not done.public
    assert AuditEvent.objects.count() == audits + 1
    assert AuditEvent.objects.filter(event_type="live.question.withdraw", actor=enterprise_user).count() == 1
    event = LiveEvent.objects.filter(question=done).last()
    assert (event.transition, event.to_status, event.reason) == ("WITHDRAW", Q.WITHDRAWN, "已在窗口问清楚")
    assert not Notification.objects.filter(user=host, kind="LIVE_QUESTION", message__contains="撤回").exists()
    with pytest.raises(ValidationError):  # withdrawn: nothing more to answer
        services.question_transition(question=done, name="ANSWER_WRITTEN", actor=host, answer="答复")
    answered = services.question_transition(question=ask(session, text="第二个问题"), name="ANSWER_WRITTEN",
                                            actor=host, answer="请在30天内提交")
    with pytest.raises(ValidationError):  # answered: too late to withdraw
        services.question_transition(question=answered, name="WITHDRAW", actor=enterprise_user)
    assert answered.status == Q.ANSWERED_WRITTEN


def test_consent_makes_the_appeal_only_with_the_askers_yes(session, host, ask, enterprise_user, own_enterprise,
                                                           policy, item, django_capture_on_commit_callbacks):
    services.chapter_add(session=session, actor=host, offset_seconds=60, title="高企认定", policy=policy)
    question = ask(session, text="去年认定未通过，今年能否请专家上门辅导？")
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_transition(question=question, name="LEAVE_UNANSWERED", actor=host)
    # Before the session has been held, the asker is not asked and cannot consent.
    with pytest.raises(ValidationError):
        services.question_transition(question=question, name="CONSENT", actor=enterprise_user)
    assert Appeal.objects.count() == 0
    assert not Notification.objects.filter(user=enterprise_user, kind="LIVE_CONSENT").exists()
    with django_capture_on_commit_callbacks(execute=True):
        go(session, "START", "END", actor=host)
    # Ending the session asks the asker (once).
    assert Notification.objects.filter(user=enterprise_user, kind="LIVE_CONSENT").count() == 1
    question.refresh_from_db()
    assert question.consent_asked_at is not None and question.appeal is None
    done = services.question_transition(question=question, name="CONSENT", actor=enterprise_user,
                                        note="希望驿站专员联系")
    appeal = done.appeal
    assert done.status == Q.ESCALATED and done.consent_by == enterprise_user and done.consent_at is not None
    assert appeal.enterprise == own_enterprise and appeal.channel == "云直播" and appeal.category == "policy"
    assert appeal.request_type == "consult" and "去年认定未通过" in appeal.description
    assert "希望驿站专员联系" in appeal.description and appeal.contact_phone == "13800000001"
    assert appeal.live_question == done


def test_declining_records_the_answer_and_files_nothing(session, host, ask, enterprise_user,
                                                        django_capture_on_commit_callbacks):
    question = ask(session)
    go(session, "START", "END", actor=host)
    with django_capture_on_commit_callbacks(execute=True):
        question = services.question_transition(question=question, name="LEAVE_UNANSWERED", actor=host)
    assert Notification.objects.filter(user=enterprise_user, kind="LIVE_CONSENT").count() == 1
    done = services.question_transition(question=question, name="DECLINE", actor=enterprise_user)
    assert done.status == Q.DECLINED and done.consent_by == enterprise_user and done.appeal is None
    assert Appeal.objects.count() == 0


def test_a_person_without_a_firm_cannot_escalate(session, host):
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory

    person = UserFactory(role=Role.ENTERPRISE, username="founder", id_number="430302198001011234")
    question = services.question_ask(session=session, actor=person, text="个人能参加吗？", contact_name="王",
                                     contact_phone="13800000002")
    go(session, "START", "END", actor=host)
    question = services.question_transition(question=question, name="LEAVE_UNANSWERED", actor=host)
    with pytest.raises(ValidationError):
        services.question_transition(question=question, name="CONSENT", actor=person)
    assert Appeal.objects.count() == 0


def test_answer_live_needs_the_stream_and_a_position(session, host, ask, enterprise_user,
                                                     django_capture_on_commit_callbacks):
    question = ask(session)
    with pytest.raises(ValidationError):  # not started
        services.question_transition(question=question, name="ANSWER_LIVE", actor=host, offset=30)
    go(session, "START", actor=host)
    with pytest.raises(ValidationError) as err:
        services.question_transition(question=question, name="ANSWER_LIVE", actor=host)
    assert "offset" in err.value.error_dict
    chapter = services.chapter_add(session=session, actor=host, offset_seconds=125, title="名称申报")
    with django_capture_on_commit_callbacks(execute=True):
        done = services.question_transition(question=question, name="ANSWER_LIVE", actor=host, chapter=chapter,
                                            public=True)
    assert done.answered_offset == 125 and done.offset_label == "2:05" and done.public
    assert Notification.objects.filter(user=enterprise_user, kind="LIVE_ANSWER").count() == 1


def test_written_answer_needs_text(session, host, ask):
    question = ask(session)
    with pytest.raises(ValidationError) as err:
        services.question_transition(question=question, name="ANSWER_WRITTEN", actor=host, answer="  ")
    assert "answer" in err.value.error_dict


def test_asking(session, host, ask, enterprise_user, other_enterprise, own_enterprise,
                django_capture_on_commit_callbacks):
    from django.contrib.auth.models import AnonymousUser

    audits = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        question = ask(session)
    assert question.phase == "before" and question.enterprise == own_enterprise
    assert AuditEvent.objects.count() == audits + 1
    assert Notification.objects.filter(user=host, kind="LIVE_QUESTION").count() == 1
    with pytest.raises(PermissionDenied):  # another firm
        ask(session, enterprise=other_enterprise)
    with pytest.raises(PermissionDenied):  # staff do not ask
        services.question_ask(session=session, actor=host, text="?", contact_name="李", contact_phone="13800000003")
    visitor = services.question_ask(session=session, actor=AnonymousUser(), text="个体户怎么转公司？",
                                    contact_name="刘女士", contact_phone="13907321234")
    assert visitor.asked_by is None and visitor.enterprise is None
    session = go(session, "START", actor=host)
    assert ask(session).phase == "during"
    go(session, "END", actor=host)
    with pytest.raises(ValidationError):
        ask(session)


def test_anonymous_questions_can_be_turned_off(session, settings):
    from django.contrib.auth.models import AnonymousUser

    settings.GAOXIN_LIVE_ANONYMOUS_QUESTIONS = False
    with pytest.raises(PermissionDenied):
        services.question_ask(session=session, actor=AnonymousUser(), text="?", contact_name="刘",
                              contact_phone="13907321234")


def test_session_edits_and_chapters_audited(session, host, item, policy):
    audits = AuditEvent.objects.count()
    services.session_update(session=session, actor=host, title="新标题", speaker="李娜")
    chapter = services.chapter_add(session=session, actor=host, offset_seconds=60, title="设立登记", item=item)
    services.chapter_remove(chapter=chapter, actor=host)
    assert AuditEvent.objects.count() == audits + 3
    with pytest.raises(ValidationError):
        services.session_update(session=session, actor=host, ends_at=session.starts_at)
    assert services.parse_offset("1:02:30") == 3750 and services.parse_offset("12：30") == 750
    assert services.parse_offset("12:75") is None and services.parse_offset("abc") is None
