"""The guidance session's table on the kernel (core.workflow):

booked --CONFIRM [guide]--> confirmed --HOLD [guide]--> held --CLOSE [guide, with an outcome]--> closed
booked | confirmed --CANCEL [guide, booker; reason]--> cancelled
confirmed --NO_SHOW [guide, once the slot has begun]--> no_show

CLOSE needs the session's outcome: 已解答 (the answer), 新增常见问题 (an FAQ entry on the item's current version),
发起申请 (the agreed situation and notes, prefilled on the booker's online application), 转帮代办 (an assist order
through `assist.services.order_create`) or 转诉求 (an appeal through `appeals.services.appeal_submit`). The order and
the appeal are the firm's own requests raised in the session: the booker is their actor, so they carry that room's
own audit event and notifications besides this step's one."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import GuidanceSession, Outcome, SessionEvent, SessionStatus, moment_text
from .permissions import session_roles

B, C, H, X, N, D = (SessionStatus.BOOKED, SessionStatus.CONFIRMED, SessionStatus.HELD, SessionStatus.CLOSED,
                    SessionStatus.NO_SHOW, SessionStatus.CANCELLED)
GUIDE, BOOKER = "guide", "booker"


def meeting_link(session: GuidanceSession) -> str:
    """A self-hosted room's link under GAOXIN_GUIDANCE_MEETING_BASE_URL (empty: none, the guide pastes one)."""
    base = (settings.GAOXIN_GUIDANCE_MEETING_BASE_URL or "").strip().rstrip("/")
    if not base:
        return ""
    return f"{base}/{session.number.lower()}-{secrets.token_urlsafe(6)}"


def _local(moment: dt.datetime) -> str:
    return moment_text(moment)


def _confirm(session: GuidanceSession, step: Step) -> dict:
    url = (step.param("meeting_url") or "").strip() or meeting_link(session)
    if not url:
        raise ValidationError({"meeting_url": "请填写视频会议链接（本平台未配置自建会议室）"})
    session.meeting_url, session.guide = url, step.actor
    return {"meeting_url": url}


def _begun(session: GuidanceSession, step: Step) -> None:
    early = dt.timedelta(minutes=settings.GAOXIN_GUIDANCE_EARLY_MINUTES)
    if timezone.now() < session.starts_at - early:
        raise ValidationError(f"导办尚未开始（{_local(session.starts_at)}开始），开始前"
                              f"{settings.GAOXIN_GUIDANCE_EARLY_MINUTES}分钟内方可操作")


def _hold(session: GuidanceSession, step: Step) -> dict:
    _begun(session, step)
    session.guide = step.actor
    return {}


def _no_show(session: GuidanceSession, step: Step) -> None:
    if timezone.now() < session.starts_at:
        raise ValidationError(f"导办时段尚未开始（{_local(session.starts_at)}），不能登记未到场")


def _text(step: Step, name: str, message: str, limit: int) -> str:
    value = (step.param(name) or "").strip()
    if not value:
        raise ValidationError({name: message})
    return value[:limit]


def _firm(session: GuidanceSession, label: str):
    if session.enterprise_id is None:
        raise ValidationError({"outcome": f"本次预约未关联企业，不能{label}"})
    return session.enterprise


def _close(session: GuidanceSession, step: Step) -> dict:
    outcome = step.param("outcome") or ""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": "请选择导办结果"})
    note = _text(step, "note", "请填写结果说明（解答内容、约定事项或需办理的内容）", 2000)
    session.outcome, session.outcome_note = outcome, note
    data: dict = {"outcome": Outcome(outcome).label}
    if outcome == Outcome.FAQ:
        from .services import faq_create

        question = _text(step, "faq_question", "请填写常见问题的问题", 200)
        entry = faq_create(item=session.item, question=question, answer=note, actor=step.actor, source=session)
        session.faq = entry
        data["faq"] = entry.question
    elif outcome == Outcome.APPLICATION:
        version = session.item.current_version
        if session.item.status != "published" or version is None or "web" not in version.channels:
            raise ValidationError({"outcome": "本事项暂不支持网上办理，不能发起网上申请，可选择“转帮代办”"})
        situation = step.param("situation")
        situations = list(version.situations.all())
        if situations and situation is None:
            raise ValidationError({"situation": "请选择与申请人约定的办理情形"})
        if situation is not None and situation.version_id != version.pk:
            raise ValidationError({"situation": "该办理情形不属于本事项的现行版本"})
        session.prefill_situation = situation
        data["situation"] = situation.name if situation else ""
    elif outcome == Outcome.ORDER:
        from gaoxin.assist.services import order_create

        firm = _firm(session, "转帮代办")
        today = timezone.localdate()
        order = order_create(actor=session.booked_by, enterprise=firm, channel="online", description=note[:500],
                             contact_name=session.contact_name, contact_phone=session.contact_phone,
                             commission_signed_on=today,
                             commission_valid_until=today + dt.timedelta(days=settings.GAOXIN_GUIDANCE_COMMISSION_DAYS),
                             item=session.item)
        session.order = order
        data["number"] = order.number
    elif outcome == Outcome.APPEAL:
        from gaoxin.appeals.permissions import intake_channel
        from gaoxin.appeals.services import appeal_submit

        firm = _firm(session, "转诉求")
        title = _text(step, "appeal_title", "请填写诉求标题", 60)
        appeal = appeal_submit(actor=session.booked_by, enterprise=firm, channel=intake_channel(session.booked_by),
                               category="other", request_type="help", title=title,
                               description=f"{note}\n（来自云导办{session.number}：{session.question}）"[:2000],
                               contact_name=session.contact_name, contact_phone=session.contact_phone)
        session.appeal = appeal
        data["number"] = appeal.number
    return data


def _record(session: GuidanceSession, step: Step, data: dict) -> None:
    SessionEvent.objects.create(session=session, transition=step.transition.name, to_status=session.status,
                                actor_repr=step.actor.get_full_name() if step.actor else "系统", reason=step.reason,
                                data=data)


WORKFLOW = Workflow(
    name="guidance.session", noun="导办预约", model=GuidanceSession, roles=session_roles, record=_record,
    notify=notifications.session_changed,
    lock_queryset=lambda: GuidanceSession.objects.select_related("item__current_version", "booked_by", "enterprise"),
    transitions=[
        transition("CONFIRM", "确认预约", [B], C, [GUIDE], effect=_confirm),
        transition("HOLD", "开始导办", [C], H, [GUIDE], effect=_hold),
        transition("CLOSE", "办结导办", [H], X, [GUIDE], effect=_close),
        transition("NO_SHOW", "登记未到场", [C], N, [GUIDE], guard=_no_show, style="secondary"),
        transition("CANCEL", "取消预约", [B, C], D, [GUIDE, BOOKER], needs_reason=True, style="outline-danger"),
    ],
)
