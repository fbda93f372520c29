"""云直播 on the kernel (core.workflow): a session's states and a question's outcome.

Session: 预告 --START--> 直播中 --END--> 已结束 --PUBLISH_REPLAY (the replay link)--> 回放已发布; 预告 --CANCEL
(reason)--> 已取消. Hosts only (the centre, the administration, the session's department). START and END record the
actual start and end (shown once held); a START long before the announced time needs `confirm_early` and a note.

Question: 待解答 --ANSWER_LIVE (the chapter and/or the time in the stream)--> 直播中已解答; 待解答 | 未解答
--ANSWER_WRITTEN (the answer)--> 已书面答复; 待解答 --LEAVE_UNANSWERED--> 未解答; 待解答 --WITHDRAW (the asker, before
any answer; a note optional)--> 提问人已撤回 (the hosts' queue no longer holds it). Once the session has been held an
unanswered question's asker is asked whether it should become an appeal: CONSENT (the asker, with their firm) files it
through `appeals.services.appeal_submit` — the appeal carries its own audit event and notifications, and links back —
and DECLINE records the answer no; either way the consent answer, who gave it and when are kept."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import Chapter, LiveEvent, LiveSession, LiveStatus, Question, QuestionStatus
from .permissions import ASKER, HOST, question_roles, session_roles

L = LiveStatus
Q = QuestionStatus


def _actor_name(step: Step) -> str:
    return step.actor.get_full_name() if step.actor else "系统"


# --- the session ---------------------------------------------------------------------------------------------------

def _record_session(session: LiveSession, step: Step, data: dict) -> None:
    LiveEvent.objects.create(session=session, transition=step.transition.name, to_status=session.status,
                             actor_repr=_actor_name(step), reason=step.reason, data=data)


def _start(session: LiveSession, step: Step) -> dict:
    """The actual start is recorded. Starting long before the announced time (GAOXIN_LIVE_EARLY_START_MINUTES) is
    taken only with the host's confirmation and a note: the public were told another time."""
    now = timezone.now()
    early = session.starts_at - now
    if early > dt.timedelta(minutes=settings.GAOXIN_LIVE_EARLY_START_MINUTES):
        planned = timezone.localtime(session.starts_at)
        told = f"本场直播已预告于{planned.month}月{planned.day}日 {planned:%H:%M}开始，现在开播比预告提前{_lead(early)}"
        if not step.param("confirm_early"):
            raise ValidationError({"confirm_early": f"{told}。确需提前开播，请勾选“确认提前开播”并在“原因”中说明。"})
        if not step.reason:
            raise ValidationError({"reason": f"{told}，请说明提前开播的原因。"})
    session.started_at = now
    return {"early_minutes": int(early.total_seconds() // 60)} if early > dt.timedelta(0) else {}


def _lead(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    return "".join(f"{n}{unit}" for n, unit in ((days, "天"), (hours, "小时"), (minutes, "分钟")) if n) or "不到1分钟"


def starts_early(session: LiveSession) -> bool:
    """Whether 开始直播 now needs the early-start confirmation (the page shows its fields)."""
    return session.starts_at - timezone.now() > dt.timedelta(minutes=settings.GAOXIN_LIVE_EARLY_START_MINUTES)


def _end(session: LiveSession, step: Step) -> dict:
    session.ended_at = timezone.now()
    return {}


def _replay(session: LiveSession, step: Step) -> dict:
    url = (step.param("replay_url") or "").strip()
    if not url:
        raise ValidationError({"replay_url": "请填写回放链接"})
    session.replay_url = url
    return {"replay_url": url}


def _session_after(session: LiveSession, step: Step) -> None:
    if step.transition.name == "END":
        # Every question already left unanswered: its asker is asked now whether it should become an appeal.
        waiting = list(session.questions.filter(status=Q.UNANSWERED, consent_asked_at__isnull=True)
                       .select_related("asked_by", "session"))
        now = timezone.now()
        Question.objects.filter(pk__in=[q.pk for q in waiting]).update(consent_asked_at=now)
        for question in waiting:
            notifications.consent_asked(question)


SESSION_WORKFLOW = Workflow(
    name="live.session", noun="直播场次", model=LiveSession, roles=session_roles, record=_record_session,
    after=_session_after, notify=notifications.session_changed,
    transitions=[
        transition("START", "开始直播", [L.SCHEDULED], L.LIVE, [HOST], effect=_start),
        transition("END", "结束直播", [L.LIVE], L.ENDED, [HOST], effect=_end),
        transition("PUBLISH_REPLAY", "发布回放", [L.ENDED], L.REPLAY, [HOST], effect=_replay),
        transition("CANCEL", "取消直播", [L.SCHEDULED], L.CANCELLED, [HOST], needs_reason=True,
                   style="outline-danger"),
    ],
)


# --- a question ----------------------------------------------------------------------------------------------------

def _record_question(question: Question, step: Step, data: dict) -> None:
    LiveEvent.objects.create(session_id=question.session_id, question=question, transition=step.transition.name,
                             to_status=question.status, actor_repr=_actor_name(step), reason=step.reason, data=data)


def _answered(question: Question, step: Step, answer: str) -> None:
    question.answer = answer
    question.answered_by, question.answered_at = step.actor, timezone.now()
    question.public = bool(step.param("public"))


def _on_air_or_held(question: Question) -> bool:
    return question.session.status in (L.LIVE, L.ENDED, L.REPLAY)


def _answer_live(question: Question, step: Step) -> dict:
    chapter = step.param("chapter")
    offset = step.param("offset")
    if chapter is not None and (not isinstance(chapter, Chapter) or chapter.session_id != question.session_id):
        raise ValidationError({"chapter": "请选择本场直播的章节"})
    if chapter is None and offset is None:
        raise ValidationError({"offset": "请选择解答所在的章节或填写解答的时间位置（如 12:30）"})
    question.answered_chapter = chapter
    question.answered_offset = offset if offset is not None else chapter.offset_seconds
    _answered(question, step, (step.param("answer") or "").strip()[:2000])
    return {"chapter": chapter.title if chapter else "", "offset": question.offset_label}


def _answer_written(question: Question, step: Step) -> dict:
    answer = (step.param("answer") or "").strip()
    if not answer:
        raise ValidationError({"answer": "请填写书面答复"})
    _answered(question, step, answer[:2000])
    return {"public": question.public}


def _unanswered(question: Question, step: Step) -> dict:
    question.answered_by, question.answered_at = step.actor, timezone.now()
    if question.session.held:
        question.consent_asked_at = timezone.now()
    return {}


def _held(question: Question, step: Step) -> None:
    if not question.session.held:
        raise ValidationError("直播结束后才能决定是否转为诉求")


def _consent(question: Question, step: Step) -> dict:
    _held(question, step)
    if question.enterprise_id is None:
        raise ValidationError("以个人名义的提问不能转为企业诉求，请通过政务服务中心咨询电话咨询")
    from gaoxin.appeals.services import appeal_submit

    session = question.session
    note = (step.param("note") or "").strip()
    category = "policy" if session.chapters.filter(policy__isnull=False).exists() else "other"
    description = (f"{question.text}\n{('补充说明：' + note) if note else ''}\n"
                   f"（来自云直播“{session.title}”{timezone.localtime(session.shown_start):%Y年%m月%d日}的提问，"
                   f"直播中未能解答，提问人同意转为诉求）").replace("\n\n", "\n")
    appeal = appeal_submit(actor=step.actor, enterprise=question.enterprise, channel="云直播", category=category,
                           request_type="consult", title=f"云直播提问：{question.text}"[:60],
                           description=description[:2000], contact_name=question.contact_name,
                           contact_phone=question.contact_phone)
    question.appeal = appeal
    question.consent_at, question.consent_by = timezone.now(), step.actor
    return {"appeal": appeal.number, "consent": True}


def _decline(question: Question, step: Step) -> dict:
    _held(question, step)
    question.consent_at, question.consent_by = timezone.now(), step.actor
    return {"consent": False}


def _withdraw(question: Question, step: Step) -> dict:
    """The asker takes the question back before anyone answered it: nothing public, nobody told."""
    question.public = False
    return {}


QUESTION_WORKFLOW = Workflow(
    name="live.question", noun="提问", model=Question, roles=question_roles, record=_record_question,
    notify=notifications.question_changed,
    lock_queryset=lambda: Question.objects.select_related("session", "enterprise", "asked_by"),
    transitions=[
        transition("ANSWER_LIVE", "直播中已解答", [Q.PENDING, Q.UNANSWERED], Q.ANSWERED_LIVE, [HOST],
                   effect=_answer_live, applies_to=_on_air_or_held,
                   not_applicable="直播尚未开始，不能登记为直播中已解答；可书面答复"),
        transition("ANSWER_WRITTEN", "书面答复", [Q.PENDING, Q.UNANSWERED], Q.ANSWERED_WRITTEN, [HOST],
                   effect=_answer_written),
        transition("LEAVE_UNANSWERED", "未能解答", [Q.PENDING], Q.UNANSWERED, [HOST], effect=_unanswered,
                   style="outline-secondary"),
        transition("CONSENT", "同意转为诉求", [Q.UNANSWERED], Q.ESCALATED, [ASKER], effect=_consent),
        transition("DECLINE", "不需要转为诉求", [Q.UNANSWERED], Q.DECLINED, [ASKER], effect=_decline,
                   style="outline-secondary"),
        transition("WITHDRAW", "撤回提问", [Q.PENDING], Q.WITHDRAWN, [ASKER], effect=_withdraw,
                   style="outline-danger"),
    ],
)
