"""Who is told about a guidance session (core.notify: after commit, with a link, never of one's own step).

A new booking → the guides: the centre's window staff and the officers of the item's department; confirmed,
cancelled by a guide, closed → the booker in the app and by SMS to the contact phone (the meeting link, the
outcome; 发起申请 links the prefilled application); cancelled by the booker → the confirming guide, or the guides;
the reminder before the session (`services.sessions_remind`) → the booker, once per session."""

from __future__ import annotations

from django.db.models import Q
from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import notify

from .models import GuidanceSession, Outcome, moment_text


def _url(session: GuidanceSession) -> str:
    return reverse("guidance_session", args=[session.number])


def _guides(session: GuidanceSession) -> list[User]:
    return list(User.objects.filter(Q(role=Role.WINDOW_CLERK) | Q(role=Role.DEPT_OFFICER,
                                                                   org_unit_id=session.department_id),
                                    is_active=True))


def _others(users, actor) -> list[User]:
    return [u for u in users if u is not None and (actor is None or u.pk != actor.pk)]


def _when(session: GuidanceSession) -> str:
    return moment_text(session.starts_at)


def session_booked(session: GuidanceSession, actor) -> None:
    notify(_others(_guides(session), actor), kind="GUIDANCE_NEW", url=_url(session),
           message=f"新的导办预约{session.number}：{session.item.name}，{_when(session)}，请确认并发送会议链接。")


def session_changed(session: GuidanceSession, step) -> None:
    name = step.transition.name
    subject = f"您预约的导办{session.number}（{session.item.name}，{_when(session)}）"
    booker = _others([session.booked_by], step.actor)
    if name == "CONFIRM":
        notify(booker, kind="GUIDANCE_STEP", url=_url(session), sms=True, phones=[session.contact_phone],
               message=f"{subject}已确认，届时请通过会议链接进入：{session.meeting_url}")
    elif name == "CANCEL":
        if "guide" in step.roles:
            notify(booker, kind="GUIDANCE_STEP", url=_url(session), sms=True, phones=[session.contact_phone],
                   message=f"{subject}已被取消：{step.reason}")
        else:
            guides = [session.guide] if session.guide_id else _guides(session)
            notify(_others(guides, step.actor), kind="GUIDANCE_STEP", url=_url(session),
                   message=f"导办预约{session.number}已由预约人取消：{step.reason}")
    elif name == "CLOSE":
        url = _url(session)
        follow = {Outcome.APPLICATION: "请按约定填写网上申请（已为您预填）。",
                  Outcome.ORDER: f"已为您登记帮代办订单{session.order.number if session.order_id else ''}。",
                  Outcome.APPEAL: f"已为您登记诉求{session.appeal.number if session.appeal_id else ''}。"}
        if session.outcome == Outcome.APPLICATION:
            url = reverse("guidance_apply", args=[session.number])
        notify(booker, kind="GUIDANCE_STEP", url=url, sms=True, phones=[session.contact_phone],
               message=f"{subject}已办结：{session.get_outcome_display()}。{follow.get(session.outcome, '')}")
    elif name == "NO_SHOW":
        notify(booker, kind="GUIDANCE_STEP", url=_url(session),
               message=f"{subject}未到场，如仍需导办请重新预约。")


def session_reminder(session: GuidanceSession) -> None:
    notify([session.booked_by], kind="GUIDANCE_REMIND", url=_url(session), sms=True,
           phones=[session.contact_phone], key=f"guidance-remind-{session.pk}",
           message=f"提醒：您预约的导办{session.number}（{session.item.name}）将于{_when(session)}开始，"
                   f"会议链接：{session.meeting_url}")


def faqs_carried(item, version, count: int, actor) -> None:
    """A new guide version took over the item's FAQ entries: the item's department's officers (who keep its FAQ)
    are asked to check they still hold."""
    officers = User.objects.filter(role=Role.DEPT_OFFICER, org_unit_id=item.department_id, is_active=True)
    notify(_others(officers, actor), kind="GUIDANCE_FAQ",
           url=f"{reverse('guidance_faq_manage')}?q={item.implementation_code}",
           message=f"事项“{item.name}”发布了第{version.number}版，原有的{count}条常见问题已沿用到新版本，"
                   f"请核对解答是否仍然适用。")
