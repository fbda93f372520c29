"""Who is told what in the industry-chain room (through core.notify, after commit): the owner of a meeting's action
item when it is given; the owner and the chain chief when it is overdue (once per item and deadline); the chain
chief when an item is closed."""

from __future__ import annotations

from django.urls import reverse

from gaoxin.core.notify import notify


def _url(action) -> str:
    return reverse("chain_meeting", args=[action.chain.code, action.meeting_id])


def action_assigned(action) -> None:
    from .permissions import action_owners

    notify(action_owners(action), kind="chain_action", url=_url(action),
           message=f"{action.chain.name}会议任务：{action.title}，请于{action.due_on:%Y年%m月%d日}前办结。")


def action_overdue(action) -> None:
    from .permissions import action_owners

    people = action_owners(action) + ([action.chain.chief] if action.chain.chief_id else [])
    notify(people, kind="chain_action_overdue", url=_url(action), key=f"{action.pk}:{action.due_on:%Y-%m-%d}",
           message=f"{action.chain.name}会议任务已逾期：{action.title}（期限{action.due_on:%Y年%m月%d日}，"
                   f"责任：{action.owner_text}）。")


def action_changed(action, step) -> None:
    if step.transition.name == "CLOSE" and action.chain.chief_id and action.chain.chief_id != getattr(step.actor, "pk", None):
        notify([action.chain.chief], kind="chain_action", url=_url(action),
               message=f"{action.chain.name}会议任务已办结：{action.title}。")


def problem_tagged(tag, actor) -> None:
    """The chain's chief and task force (but the tagger) learn of a new chain problem."""
    from gaoxin.accounts.models import User

    chain = tag.chain
    people = User.objects.filter(is_active=True).filter(
        pk__in=[chain.chief_id, *chain.taskforce.values_list("user_id", flat=True)]).exclude(pk=actor.pk)
    notify(people, kind="chain_problem", url=f"{reverse('chain_detail', args=[chain.code])}?tab=appeals",
           message=f"诉求 {tag.appeal.number}（{tag.appeal.title}）已标记为{chain.name}的问题。")
