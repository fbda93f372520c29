"""A chain membership's states on the kernel (core.workflow): a firm suggested from the registry is confirmed (with
its role on the chain) or dismissed by the chain's chief or task force; a confirmed firm may be taken off the chain.
An investment target goes identified → contacted → visiting → negotiating → signed → project started (linked to
an approval-chain project of the assist room), or is dropped with a reason from any open state, by the chain's
chief and task force. A meeting's action item is closed with how it was done (by its owner or the task force) and may be reopened
by the task force. Each step locks the row, writes its timeline row and exactly one audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import (
    OPEN_TARGET_STATES,
    ActionItem,
    ActionNote,
    ActionStatus,
    InvestmentTarget,
    MemberRole,
    Membership,
    MembershipEvent,
    MembershipStatus,
    TargetEvent,
    TargetStatus,
)
from .permissions import action_roles, membership_roles, target_roles

S = MembershipStatus


def _actor(step: Step):
    return step.actor if getattr(step.actor, "pk", None) else None


def _confirm(membership: Membership, step: Step) -> dict:
    role = step.param("role") or membership.role
    if role not in MemberRole.values:
        raise ValidationError({"role": "请选择链上角色"})
    membership.role = role
    membership.decided_by, membership.decided_at = _actor(step), timezone.now()
    return {"enterprise": membership.enterprise.name, "node": membership.node.name, "role": role}


def _decide(membership: Membership, step: Step) -> dict:
    membership.decided_by, membership.decided_at = _actor(step), timezone.now()
    return {"enterprise": membership.enterprise.name, "node": membership.node.name}


def _record(membership: Membership, step: Step, data: dict) -> None:
    MembershipEvent.objects.create(membership=membership, transition=step.transition.name,
                                   to_status=membership.status, actor=_actor(step), note=step.reason[:300])


MEMBERSHIP_WORKFLOW = Workflow(
    name="chains.membership", noun="链上企业", model=Membership, roles=membership_roles, record=_record,
    lock_queryset=lambda: Membership.objects.select_related("chain", "node", "enterprise"),
    transitions=[
        transition("CONFIRM", "确认为链上企业", [S.SUGGESTED], S.CONFIRMED, ["taskforce"], effect=_confirm),
        transition("DISMISS", "排除", [S.SUGGESTED], S.DISMISSED, ["taskforce"], needs_reason=True, effect=_decide,
                   style="outline-danger"),
        transition("REMOVE", "移出产业链", [S.CONFIRMED], S.DISMISSED, ["taskforce"], needs_reason=True,
                   effect=_decide, style="outline-danger"),
    ],
)


# --- meeting actions -------------------------------------------------------------------------------------------


def _close(action: ActionItem, step: Step) -> dict:
    action.closed_on = step.today
    return {"title": action.title, "closed_on": step.today}


def _reopen(action: ActionItem, step: Step) -> dict:
    action.closed_on = None
    action.overdue_notified_on = None
    return {"title": action.title}


def _action_record(action: ActionItem, step: Step, data: dict) -> None:
    ActionNote.objects.create(action=action, kind=step.transition.name, note=step.reason[:500], by=_actor(step))


ACTION_WORKFLOW = Workflow(
    name="chains.action", noun="会议任务", model=ActionItem, roles=action_roles, record=_action_record,
    notify=notifications.action_changed,
    lock_queryset=lambda: ActionItem.objects.select_related("chain", "meeting"),
    transitions=[
        transition("CLOSE", "办结", [ActionStatus.OPEN], ActionStatus.CLOSED, ["owner", "taskforce"],
                   needs_reason=True, effect=_close),
        transition("REOPEN", "重新推进", [ActionStatus.CLOSED], ActionStatus.OPEN, ["taskforce"], needs_reason=True,
                   effect=_reopen, style="outline-secondary"),
    ],
)


# --- investment targets ----------------------------------------------------------------------------------------

T = TargetStatus


def _start_project(target: InvestmentTarget, step: Step) -> dict:
    """The signed target's project is registered in the assist room's approval chains; the step links it. A project
    belongs to one target, and to the target's firm when the target's USCC is known."""
    from gaoxin.assist.permissions import projects_visible_to

    project = step.param("project")
    if project is None or not projects_visible_to(step.actor).filter(pk=project.pk).exists():
        raise ValidationError({"project": "请选择已登记的审批链项目"})
    if InvestmentTarget.objects.filter(project=project).exclude(pk=target.pk).exists():
        raise ValidationError({"project": "该项目已关联其他招商目标"})
    if target.uscc and project.enterprise.uscc != target.uscc:
        raise ValidationError({"project": "该项目的企业与招商目标的统一社会信用代码不一致"})
    target.project = project
    return {"target": target.name, "project": project.name, "enterprise": project.enterprise.name}


def _drop(target: InvestmentTarget, step: Step) -> dict:
    target.drop_reason = step.reason[:300]
    return {"target": target.name}


def _target_record(target: InvestmentTarget, step: Step, data: dict) -> None:
    TargetEvent.objects.create(target=target, transition=step.transition.name, to_status=target.status,
                               actor=_actor(step), note=step.reason[:300])


TARGET_WORKFLOW = Workflow(
    name="chains.target", noun="招商目标", model=InvestmentTarget, roles=target_roles, record=_target_record,
    lock_queryset=lambda: InvestmentTarget.objects.select_related("chain", "node"),
    transitions=[
        transition("CONTACT", "已对接", [T.IDENTIFIED], T.CONTACTED, ["taskforce"]),
        transition("VISIT", "互访考察", [T.CONTACTED], T.VISITING, ["taskforce"]),
        transition("NEGOTIATE", "进入洽谈", [T.VISITING], T.NEGOTIATING, ["taskforce"]),
        transition("SIGN", "已签约", [T.NEGOTIATING], T.SIGNED, ["taskforce"]),
        transition("START", "项目落地", [T.SIGNED], T.PROJECT_STARTED, ["taskforce"], effect=_start_project),
        transition("DROP", "放弃", OPEN_TARGET_STATES, T.DROPPED, ["taskforce"], needs_reason=True, effect=_drop,
                   style="outline-danger"),
    ],
)
