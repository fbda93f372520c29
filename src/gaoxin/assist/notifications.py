"""Who is told about a 帮代办 order, through the kernel's notifier (after commit, with a link).

A new order → the centre, which assigns an agent; an assigned or reassigned order → the agent; every
step of the order → the ordering firm (services.md §7: "each status change of an agent case is pushed to
the applicant"), the assignment, suspension, completion and termination also by SMS to the order's
contact; a terminated order → its agent. Nobody is told of what they did themselves."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import notify

from .models import AssistOrder

SMS_STEPS = {"ASSIGN", "REASSIGN", "SUSPEND", "COMPLETE", "TERMINATE"}


def _centre() -> list[User]:
    return list(User.objects.filter(is_active=True, role__in=[Role.ZONE_ADMIN, Role.WINDOW_CLERK]))


def _firm(order: AssistOrder) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.ENTERPRISE,
                                    enterprise_memberships__enterprise_id=order.enterprise_id))


def _others(users, actor) -> list[User]:
    return [u for u in users if actor is None or u.pk != actor.pk]


def _url(order: AssistOrder) -> str:
    return reverse("order_detail", args=[order.number])


def order_created(order: AssistOrder, actor) -> None:
    subject = f"帮代办订单{order.number}（{order.enterprise.name}·{order.scope}）"
    notify(_others(_centre(), actor), kind="ASSIST_NEW", url=_url(order), message=f"新{subject}待指派专员。")
    notify(_others(_firm(order), actor), kind="ASSIST_STEP", url=_url(order),
           message=f"已为贵企业登记{subject}，政务服务中心将尽快指派专员。")


def order_changed(order: AssistOrder, step) -> None:
    name = step.transition.name
    url = _url(order)
    subject = f"帮代办订单{order.number}（{order.enterprise.name}·{order.scope}）"
    if name in ("ASSIGN", "REASSIGN") and order.agent_id:
        words = "改派给您" if name == "REASSIGN" else "指派给您"
        notify(_others([order.agent], step.actor), kind="ASSIST_ASSIGNED", url=url,
               message=f"{subject}已{words}，请联系企业联系人{order.contact_name}开始代办。")
    if name == "TERMINATE" and order.agent_id:
        notify(_others([order.agent], step.actor), kind="ASSIST_TERMINATED", url=url,
               message=f"{subject}已终止：{step.reason[:100]}")
    label = step.transition.label.split("（")[0]
    agent = f"，专员：{order.agent.get_full_name()}" if name in ("ASSIGN", "REASSIGN") and order.agent_id else ""
    sms = name in SMS_STEPS and "enterprise" not in step.roles  # the firm terminating needs no SMS of it
    notify(_others(_firm(order), step.actor), kind="ASSIST_STEP", url=url, sms=sms,
           phones=[order.contact_phone] if sms and order.contact_phone else (),
           message=f"您的{subject}进展：{label}{agent}。")


def case_filed(order: AssistOrder, case, actor) -> None:
    notify(_others(_firm(order), actor), kind="ASSIST_STEP", url=_url(order),
           message=f"帮代办专员已为贵企业代为申报“{case.title}”，办件编号{case.number}（订单{order.number}）。")
