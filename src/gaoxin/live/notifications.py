"""Who is told about 云直播 (core.notify: after commit, with a link, never of one's own step).

A new question → the session's hosts (the centre's window staff and, for a department's session, its officers); a
question answered (in the stream or in writing) → the asker, in the app and by SMS to the contact phone (a visitor
who asked without an account: the SMS only); a question left unanswered once the session has been held, or the
session ending with unanswered questions → the asker, asked whether it should become an appeal; a cancelled session →
the askers of its open questions."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import notify

from .models import LiveSession, Question, QuestionStatus


def _hosts(session: LiveSession) -> list[User]:
    return list(User.objects.filter(Q(role=Role.WINDOW_CLERK) | Q(role=Role.DEPT_OFFICER,
                                                                   org_unit_id=session.department_id),
                                    is_active=True))


def _others(users, actor) -> list[User]:
    return [u for u in users if u is not None and (actor is None or u.pk != actor.pk)]


def _question_url(question: Question) -> str:
    return reverse("live_question", args=[question.pk])


def _short(question: Question) -> str:
    return question.text if len(question.text) <= 20 else question.text[:20] + "…"


def question_asked(question: Question, actor) -> None:
    notify(_others(_hosts(question.session), actor), kind="LIVE_QUESTION", url=_question_url(question),
           message=f"云直播“{question.session.title}”收到新提问：{_short(question)}")


def _tell_asker(question: Question, actor, message: str, *, sms: bool = True) -> None:
    users = _others([question.asked_by], actor)
    notify(users, kind="LIVE_ANSWER", url=_question_url(question) if question.asked_by_id else "", sms=sms,
           phones=[question.contact_phone] if sms and not question.asked_by_id else [], message=message)


def consent_asked(question: Question) -> None:
    """The session is over and the question was not answered: may it become an appeal? (the asker answers on the
    question's page)."""
    if question.asked_by_id is None:
        _tell_asker(question, None, f"您在云直播“{question.session.title}”的提问未能在直播中解答，"
                                    f"可拨打政务服务中心咨询电话咨询。")
        return
    if question.enterprise_id is None:
        _tell_asker(question, None, f"您在云直播“{question.session.title}”的提问“{_short(question)}”未能在直播中"
                                    f"解答，可预约云导办或拨打政务服务中心咨询电话咨询。", sms=False)
        return
    notify([question.asked_by], kind="LIVE_CONSENT", url=_question_url(question), key=f"live-consent-{question.pk}",
           message=f"您在云直播“{question.session.title}”的提问“{_short(question)}”未能解答，"
                   f"是否同意转为企业诉求由相关部门办理？请打开提问页面答复。")


def question_changed(question: Question, step) -> None:
    name = step.transition.name
    title = question.session.title
    if name == "ANSWER_LIVE":
        where = f"（{question.answered_chapter.title}，{question.offset_label}）" if question.answered_chapter_id \
            else f"（{question.offset_label}）"
        _tell_asker(question, step.actor, f"您在云直播“{title}”的提问“{_short(question)}”已在直播中解答{where}，"
                                          f"可观看回放。")
    elif name == "ANSWER_WRITTEN":
        _tell_asker(question, step.actor, f"您在云直播“{title}”的提问“{_short(question)}”已书面答复："
                                          f"{question.answer[:60]}")
    elif name == "LEAVE_UNANSWERED" and question.session.held:
        consent_asked(question)
    elif name == "CONSENT":
        notify(_others(_hosts(question.session), step.actor), kind="LIVE_QUESTION", url=_question_url(question),
               message=f"云直播“{title}”的未解答提问已由提问人同意转为诉求{question.appeal.number}。")


def session_changed(session: LiveSession, step) -> None:
    if step.transition.name == "END":
        pending = session.questions.filter(status=QuestionStatus.PENDING).count()
        if pending:  # the hosts' work left after the stream: answer in writing or leave unanswered
            notify(_others(_hosts(session), step.actor), kind="LIVE_QUESTION",
                   url=f"{reverse('live_questions')}?status=pending&session={session.pk}",
                   message=f"云直播“{session.title}”已结束，还有{pending}条提问待处理（书面答复或登记未能解答）。")
        return
    if step.transition.name != "CANCEL":
        return
    askers = User.objects.filter(pk__in=session.questions.filter(status=QuestionStatus.PENDING,
                                                                 asked_by__isnull=False).values("asked_by_id"))
    notify(_others(askers, step.actor), kind="LIVE_SESSION", url=reverse("live_session", args=[session.pk]),
           message=f"云直播“{session.title}”已取消：{step.reason}。您的提问仍会由工作人员答复。")
