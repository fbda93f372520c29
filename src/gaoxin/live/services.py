"""Writes of 云直播: a session is created and edited by its hosts, moved through its states on the kernel
(`session_transition`), given chapters (`chapter_add` / `chapter_remove`); questions are asked before and during the
stream (`question_ask`) and moderated / answered by consent on the kernel (`question_transition`). Each write is one
transaction with one audit event."""

from __future__ import annotations

import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gaoxin.accounts.permissions import firm_ids_of
from gaoxin.core.changes import apply_changes
from gaoxin.core.services import audit_record
from gaoxin.core.validators import PHONE_PATTERN

from . import notifications
from . import permissions as perms
from .models import Chapter, LiveEvent, LiveSession, LiveStatus, Phase, Question
from .workflow import QUESTION_WORKFLOW, SESSION_WORKFLOW

EDITABLE = ("title", "series", "channel", "summary", "department", "speaker", "starts_at", "ends_at", "stream_url",
            "replay_url")


def _clean(values: dict, *, actor) -> dict:
    values = {k: values[k] for k in EDITABLE if k in values}
    for key in ("title", "series", "channel", "summary", "speaker", "stream_url", "replay_url"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if "title" in values and not values["title"]:
        raise ValidationError({"title": "请填写直播标题"})
    if "stream_url" in values and not values["stream_url"]:
        raise ValidationError({"stream_url": "请填写直播观看链接（直播平台或内网地址）"})
    starts, ends = values.get("starts_at"), values.get("ends_at")
    if starts is not None and ends is not None and ends <= starts:
        raise ValidationError({"ends_at": "结束时间应晚于开始时间"})
    unit = values.get("department")
    if unit is not None and not perms.host_units(actor).filter(pk=unit.pk).exists():
        raise ValidationError({"department": "只能以本单位名义举办直播"})
    return values


@transaction.atomic
def session_create(*, actor, **values) -> LiveSession:
    """A scheduled session (预告) hosted by a unit the actor may name (an officer: their own department)."""
    if not perms.can_host(actor):
        raise PermissionDenied("只有政务服务中心、管委会和各部门的工作人员可以安排直播")
    values.setdefault("department", actor.org_unit)
    if values["department"] is None:
        raise ValidationError({"department": "请选择主办单位"})
    for key in ("starts_at", "ends_at"):
        if values.get(key) is None:
            raise ValidationError({key: "请填写计划开始和结束时间"})
    session = LiveSession(created_by=actor, **_clean(values, actor=actor))
    session.save()
    LiveEvent.objects.create(session=session, transition="CREATE", to_status=session.status,
                             actor_repr=actor.get_full_name())
    audit_record(event_type="live.session.create", actor=actor, subject=session,
                 after={"title": session.title, "department": session.department.name,
                        "starts_at": session.starts_at.isoformat(), "stream_url": session.stream_url})
    return session


@transaction.atomic
def session_update(*, session: LiveSession, actor, **values) -> LiveSession:
    locked = LiveSession.objects.select_for_update().get(pk=session.pk)
    if not perms.can_edit_session(actor, locked):
        raise PermissionDenied("只能修改本单位的直播")
    if locked.status == LiveStatus.CANCELLED:
        raise ValidationError("已取消的直播不能修改")
    cleaned = _clean(values, actor=actor)
    starts, ends = cleaned.get("starts_at", locked.starts_at), cleaned.get("ends_at", locked.ends_at)
    if ends <= starts:
        raise ValidationError({"ends_at": "结束时间应晚于开始时间"})
    before, after = apply_changes(locked, cleaned, allowed=EDITABLE)
    locked.save()
    audit_record(event_type="live.session.update", actor=actor, subject=locked, before=before, after=after)
    return locked


def session_transition(*, session: LiveSession, name: str, actor, reason: str = "", **params) -> LiveSession:
    """Any step of the session's table by name (START, END, PUBLISH_REPLAY with `replay_url`, CANCEL)."""
    return SESSION_WORKFLOW.apply(session, name, actor=actor, reason=reason, **params)


# --- chapters ------------------------------------------------------------------------------------------------------

OFFSET = re.compile(r"^\s*(?:(\d{1,2})[:：])?(\d{1,3})[:：](\d{1,2})\s*$")


def parse_offset(text: str) -> int | None:
    """"12:30" or "1:02:30" (a full-width colon too) as seconds; None if it is not one."""
    match = OFFSET.match(text or "")
    if not match:
        return None
    hours, minutes, seconds = int(match[1] or 0), int(match[2]), int(match[3])
    if seconds >= 60 or (match[1] and minutes >= 60):
        return None
    return hours * 3600 + minutes * 60 + seconds


@transaction.atomic
def chapter_add(*, session: LiveSession, actor, offset_seconds: int, title: str, item=None, policy=None) -> Chapter:
    locked = LiveSession.objects.select_for_update().get(pk=session.pk)
    if not perms.can_edit_session(actor, locked):
        raise PermissionDenied("只能编辑本单位直播的章节")
    if locked.status == LiveStatus.CANCELLED:
        raise ValidationError("已取消的直播不能编辑章节")
    if not (title or "").strip():
        raise ValidationError({"title": "请填写章节标题"})
    if offset_seconds is None or offset_seconds < 0:
        raise ValidationError({"offset": "请填写章节开始的时间位置，如 12:30"})
    if item is not None and (item.status != "published"):
        raise ValidationError({"item": "请选择正在办理的事项"})
    if policy is not None and policy.status != "published":
        raise ValidationError({"policy": "请选择已发布的政策"})
    if locked.chapters.filter(offset_seconds=offset_seconds).exists():
        raise ValidationError({"offset": "该时间位置已有章节"})
    chapter = Chapter.objects.create(session=locked, offset_seconds=offset_seconds, title=title.strip()[:100],
                                     item=item, policy=policy)
    audit_record(event_type="live.chapter.add", actor=actor, subject=locked,
                 after={"chapter": str(chapter), "item": item.name if item else "",
                        "policy": policy.title if policy else ""})
    return chapter


@transaction.atomic
def chapter_remove(*, chapter: Chapter, actor) -> None:
    locked = LiveSession.objects.select_for_update().get(pk=chapter.session_id)
    if not perms.can_edit_session(actor, locked):
        raise PermissionDenied("只能编辑本单位直播的章节")
    if Question.objects.filter(answered_chapter=chapter).exists():
        raise ValidationError("已有提问登记在该章节中解答，不能删除")
    label = str(chapter)
    chapter.delete()
    audit_record(event_type="live.chapter.remove", actor=actor, subject=locked, before={"chapter": label})


# --- questions -----------------------------------------------------------------------------------------------------

@transaction.atomic
def question_ask(*, session: LiveSession, actor, text: str, contact_name: str, contact_phone: str,
                 enterprise=None) -> Question:
    """A question before (预告) or during (直播中) the stream: an enterprise user for one of their firms (a registered
    person for themself), or a visitor without an account who leaves a name and phone (when allowed)."""
    locked = LiveSession.objects.select_for_update().get(pk=session.pk)
    if not perms.can_ask(actor):
        raise PermissionDenied("请以企业用户登录后提问")
    if not locked.asking:
        raise ValidationError(f"本场直播{locked.status_label}，不再接受提问")
    authenticated = getattr(actor, "is_authenticated", False)
    if authenticated:
        firms = firm_ids_of(actor)
        if enterprise is not None and enterprise.pk not in firms:
            raise PermissionDenied("只能为本企业提问")
        if enterprise is None and firms and not actor.id_number:
            raise ValidationError({"enterprise": "请选择为哪家企业提问"})
    else:
        enterprise = None
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "请填写您的问题"})
    if not (contact_name or "").strip():
        raise ValidationError({"contact_name": "请填写联系人"})
    if not re.fullmatch(PHONE_PATTERN, (contact_phone or "").strip()):
        raise ValidationError({"contact_phone": "请填写正确的联系电话（手机号或带区号的固定电话）"})
    question = Question.objects.create(
        session=locked, asked_by=actor if authenticated else None, enterprise=enterprise, text=text[:500],
        contact_name=contact_name.strip()[:50], contact_phone=contact_phone.strip(),
        phase=Phase.DURING if locked.status == LiveStatus.LIVE else Phase.BEFORE)
    LiveEvent.objects.create(session=locked, question=question, transition="ASK", to_status=question.status,
                             actor_repr=actor.get_full_name() if authenticated else "访客")
    audit_record(event_type="live.question.ask", actor=actor if authenticated else None, subject=question,
                 after={"session": locked.title, "phase": question.phase,
                        "enterprise": enterprise.name if enterprise else ""})
    notifications.question_asked(question, actor if authenticated else None)
    return question


def question_transition(*, question: Question, name: str, actor, reason: str = "", **params) -> Question:
    """Any step of the question's table by name: ANSWER_LIVE (`chapter`, `offset`, `answer`, `public`),
    ANSWER_WRITTEN (`answer`, `public`), LEAVE_UNANSWERED, CONSENT (`note`), DECLINE, WITHDRAW (the asker, while it
    waits for an answer; `reason` optional)."""
    return QUESTION_WORKFLOW.apply(question, name, actor=actor, reason=reason, **params)


