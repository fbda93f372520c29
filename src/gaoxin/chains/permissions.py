"""Who sees and does what with industry chains. Every member of staff and every firm user reads the public chain
information (chains, nodes, chief, gaps); staff read the member firms and the live lists (each list further scoped by
its own room); a firm sees only its own memberships. The zone administrator creates chains and sets their chief; the
chain chief (链长) and the task force (专班) manage their chain: nodes, roster, members, suggestions."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role, register_user_fact, user_fact

from .models import Chain, Membership, MembershipStatus, TaskForceMember

# A chain chief or task-force member: asked by the home page, read with the user's other facts in one query.
register_user_fact("chain_chief", lambda: Exists(Chain.objects.filter(chief=OuterRef("pk"))))
register_user_fact("chain_taskforce", lambda: Exists(TaskForceMember.objects.filter(user=OuterRef("pk"))))


def can_view_chains(user) -> bool:
    return is_staff_role(user) or (has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def chains_visible_to(user) -> QuerySet[Chain]:
    """A chain's name, nodes, chief and gaps are public to whoever may use the room."""
    return Chain.objects.all() if can_view_chains(user) else Chain.objects.none()


def can_view_chain_members(user) -> bool:
    """Staff read the firms on a chain and the lists around them; a firm does not read other firms'."""
    return is_staff_role(user)


def memberships_visible_to(user) -> QuerySet[Membership]:
    if is_staff_role(user):
        return Membership.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return Membership.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)),
                                         status=MembershipStatus.CONFIRMED)
    return Membership.objects.none()


def can_create_chain(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN)


def is_chief_or_taskforce(user, chain: Chain) -> bool:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if chain.chief_id == user.pk:
        return True
    return chain.taskforce.filter(user_id=user.pk).exists()


def can_manage_chain(user, chain: Chain) -> bool:
    """Nodes, roster and members: the chain's chief and task force, and the zone administrator."""
    return has_role(user, Role.ZONE_ADMIN) or is_chief_or_taskforce(user, chain)


def managed_chains(user) -> QuerySet[Chain]:
    if has_role(user, Role.ZONE_ADMIN):
        return Chain.objects.all()
    if not is_staff_role(user):
        return Chain.objects.none()
    return Chain.objects.filter(Q(chief=user) | Q(taskforce__user=user)).distinct()


def membership_roles(actor, membership: Membership) -> set[str]:
    """Suggestions are confirmed or dismissed by the chain's own chief and task force ("taskforce")."""
    return {"taskforce"} if is_chief_or_taskforce(actor, membership.chain) else set()


def chief_candidates() -> QuerySet:
    from gaoxin.accounts.models import User

    return User.objects.filter(role=Role.LEADER, is_active=True).order_by("full_name", "pk")


def taskforce_candidates() -> QuerySet:
    from gaoxin.accounts.models import STAFF_ROLES, User

    return User.objects.filter(role__in=sorted(STAFF_ROLES), is_active=True).order_by("full_name", "pk")


def works_on_a_chain(user) -> bool:
    """A chain chief or task-force member (the home page's card)."""
    return is_staff_role(user) and (user_fact(user, "chain_chief") or user_fact(user, "chain_taskforce"))


def action_owners(action) -> list:
    """The people an action item is on: its owner, else the active users of its owner unit."""
    from gaoxin.accounts.models import User

    if action.owner_user_id:
        return [action.owner_user]
    if action.owner_unit_id:
        return list(User.objects.filter(org_unit_id=action.owner_unit_id, is_active=True,
                                        role=Role.DEPT_OFFICER).order_by("pk")[:20])
    return []


def action_roles(actor, action) -> set[str]:
    """"owner": the person named, or an officer of the owner department; "taskforce": the chain's chief and task
    force."""
    roles = set()
    if is_chief_or_taskforce(actor, action.chain):
        roles.add("taskforce")
    if is_staff_role(actor) and (action.owner_user_id == actor.pk or (
            action.owner_unit_id and not action.owner_user_id and action.owner_unit_id == actor.org_unit_id)):
        roles.add("owner")
    return roles


def can_note_action(user, action) -> bool:
    return bool(action_roles(user, action))


def actions_actable_by(user) -> QuerySet:
    """The action items a user may add progress to or close: its chains' (as chief or task force) and its own
    (named, or of its department when no person is)."""
    from .models import ActionItem

    if not is_staff_role(user):
        return ActionItem.objects.none()
    worked = Chain.objects.filter(Q(chief=user) | Q(taskforce__user=user)).values("pk")
    mine = Q(chain__in=worked) | Q(owner_user=user)
    if user.org_unit_id:
        mine |= Q(owner_unit_id=user.org_unit_id, owner_user__isnull=True)
    return ActionItem.objects.filter(mine)


# --- investment targets ----------------------------------------------------------------------------------------


def targets_visible_to(user) -> QuerySet:
    """Investment targets are the zone's own work: staff read them (the contact phone masked unless they work the
    chain), firms never."""
    from .models import InvestmentTarget

    return InvestmentTarget.objects.all() if is_staff_role(user) else InvestmentTarget.objects.none()


def target_roles(actor, target) -> set[str]:
    """A target is worked ("taskforce") by its chain's chief and task force, the chain's investment-promotion
    team."""
    return {"taskforce"} if is_chief_or_taskforce(actor, target.chain) else set()


def can_work_target(user, target) -> bool:
    return bool(target_roles(user, target))


def can_add_target(user, chain: Chain) -> bool:
    return is_staff_role(user) and is_chief_or_taskforce(user, chain)


def targets_workable_by(user) -> QuerySet:
    """The targets a user may add contacts to and move on: its chains' (as chief or task force)."""
    from .models import InvestmentTarget

    if not is_staff_role(user):
        return InvestmentTarget.objects.none()
    return InvestmentTarget.objects.filter(chain__in=Chain.objects.filter(Q(chief=user) | Q(taskforce__user=user))
                                           .values("pk"))
