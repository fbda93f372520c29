"""The 帮代办 order's state machine (services.md §7) on the kernel's transition engine.

Roles are relative to the order (assist/permissions.py `order_roles`): "centre" (the service centre's
clerks and administrators) assigns and reassigns the agent, "agent" (the assigned 帮代办专员) works the
order through 中止 / 续办 / 办结, and the centre or the ordering "enterprise" may terminate it (终止单)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import AssistOrder, OrderEvent, OrderStatus
from .permissions import AGENT, CENTRE, ENTERPRISE, is_agent, order_roles

O = OrderStatus
OPEN = (O.REQUESTED, O.ASSIGNED, O.IN_PROGRESS, O.SUSPENDED)


def _assign(order: AssistOrder, step: Step) -> dict:
    agent = step.param("agent")
    if agent is None or not is_agent(agent):
        raise ValidationError({"agent": "请选择帮代办专员"})
    if step.transition.name == "REASSIGN" and agent.pk == order.agent_id:
        raise ValidationError({"agent": "改派应选择其他专员"})
    order.agent = agent
    return {"agent": agent.get_full_name(), "agent_id": agent.pk}


def _commission_valid(order: AssistOrder, step: Step) -> None:
    if step.today > order.commission_valid_until:
        raise ValidationError("委托书已过有效期，请企业续签")


def _complete(order: AssistOrder, step: Step) -> dict:
    order.completed_on, order.handover = step.today, step.reason[:200]
    return {}


def _record(order: AssistOrder, step: Step, data: dict) -> None:
    actor = step.actor
    agent = f"（专员：{data['agent']}）" if data.get("agent") else ""
    OrderEvent.objects.create(order=order, transition=step.transition.name, to_status=order.status,
                              actor_repr=actor.get_full_name() if actor else "系统", note=step.reason + agent)


WORKFLOW = Workflow(
    name="assist.order", noun="订单", model=AssistOrder, roles=order_roles, record=_record,
    notify=notifications.order_changed,
    lock_queryset=lambda: AssistOrder.objects.select_related("enterprise", "agent"),
    transitions=[
        transition("ASSIGN", "指派专员", [O.REQUESTED], O.ASSIGNED, [CENTRE], effect=_assign),
        transition("REASSIGN", "改派专员", [O.ASSIGNED, O.IN_PROGRESS], O.ASSIGNED, [CENTRE], needs_reason=True,
                   effect=_assign, style="outline-primary"),
        transition("START", "开始代办", [O.ASSIGNED], O.IN_PROGRESS, [AGENT], guard=_commission_valid),
        transition("SUSPEND", "中止（代办服务中止单）", [O.IN_PROGRESS], O.SUSPENDED, [AGENT], needs_reason=True,
                   style="outline-warning"),
        transition("RESUME", "续办（续办委托）", [O.SUSPENDED], O.IN_PROGRESS, [AGENT]),
        transition("COMPLETE", "办结（办结单）", [O.IN_PROGRESS], O.COMPLETED, [AGENT], needs_reason=True,
                   effect=_complete, style="success"),
        transition("TERMINATE", "终止（终止单）", OPEN, O.TERMINATED, [CENTRE, ENTERPRISE], needs_reason=True,
                   style="outline-danger"),
    ],
)
