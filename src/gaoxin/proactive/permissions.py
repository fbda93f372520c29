"""Who sees and does what in 主动服务. Scopers return querysets, predicates booleans; everything defaults to deny.

The 一户式 view is for government staff; each of its tabs is cut by the scoper of the room that owns the records
(cases_visible_to, appeals_visible_to, orders_visible_to, …), so an officer sees on it exactly what the rooms let
them see elsewhere. Campaigns are run by the administration, departments and stations; their targets are assigned
to staff, who record visits to the firms assigned to them."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role, is_staff_role

from .models import Campaign, CampaignTarget, Coaching, Need, Visit

ORGANISERS = (Role.ZONE_ADMIN, Role.DEPT_OFFICER, Role.STATION_OFFICER)
OVERSEERS = (Role.ZONE_ADMIN, Role.LEADER)
ORGANISER, VISITOR = "organiser", "visitor"


def can_view_firm_view(user) -> bool:
    """一户式: government staff who serve firms (what each tab shows is the rooms' own business)."""
    return is_staff_role(user)


# --- campaigns -------------------------------------------------------------------------------

def can_view_campaigns(user) -> bool:
    return is_staff_role(user)


def can_create_campaign(user) -> bool:
    """发起走访: the administration, departments and stations."""
    return has_role(user, *ORGANISERS)


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    """Every member of staff sees the campaigns (their names, rules, coverage); the targets are cut below."""
    if is_staff_role(user):
        return Campaign.objects.all()
    return Campaign.objects.none()


def organises(user, campaign: Campaign) -> bool:
    return has_role(user, Role.ZONE_ADMIN) or (is_staff_role(user) and campaign.created_by_id == user.pk)


def can_manage_campaign(user, campaign: Campaign) -> bool:
    """Assign targets, close and reopen: the campaign's organiser and the administrator."""
    return organises(user, campaign)


def sees_all_targets(user, campaign: Campaign) -> bool:
    return organises(user, campaign) or has_role(user, Role.LEADER)


def targets_visible_to(user, campaign: Campaign | None = None) -> QuerySet[CampaignTarget]:
    """The organiser, the administrator and leaders see every target of a campaign; other staff the targets
    assigned to them."""
    qs = CampaignTarget.objects.all() if campaign is None else CampaignTarget.objects.filter(campaign=campaign)
    if not is_staff_role(user):
        return qs.none()
    if has_role(user, *OVERSEERS):
        return qs
    return qs.filter(Q(assignee=user) | Q(campaign__created_by=user))


def can_visit(user, target: CampaignTarget) -> bool:
    """登记走访: the staff member the firm is assigned to, or the organiser, while the campaign runs."""
    from .models import CampaignStatus

    if target.campaign.status != CampaignStatus.OPEN or not is_staff_role(user):
        return False
    return target.assignee_id == user.pk or organises(user, target.campaign)


def visits_visible_to(user) -> QuerySet[Visit]:
    if has_role(user, *OVERSEERS):
        return Visit.objects.all()
    if not is_staff_role(user):
        return Visit.objects.none()
    return Visit.objects.filter(Q(by=user) | Q(target__assignee=user) | Q(target__campaign__created_by=user))


def needs_visible_to(user) -> QuerySet[Need]:
    return Need.objects.filter(visit__in=visits_visible_to(user))


def campaign_roles(actor, campaign: Campaign) -> set[str]:
    return {ORGANISER} if organises(actor, campaign) else set()


def need_roles(actor, need: Need) -> set[str]:
    """Who turns a need into work: who recorded the visit, the firm's assigned visitor, the organiser."""
    if not is_staff_role(actor):
        return set()
    target = need.visit.target
    if actor.pk in (need.visit.by_id, target.assignee_id) or organises(actor, target.campaign):
        return {VISITOR}
    return set()


def assignable_staff() -> QuerySet:
    from gaoxin.accounts.models import User

    return User.objects.filter(is_active=True, role__in=[Role.STATION_OFFICER, Role.AGENT, Role.DEPT_OFFICER,
                                                         Role.WINDOW_CLERK]).select_related("org_unit")


# --- station areas and key firms -----------------------------------------------------------------

def can_set_areas(user) -> bool:
    """The parks each station serves: the administration."""
    return has_role(user, Role.ZONE_ADMIN)


def can_view_station_figures(user) -> bool:
    return is_staff_role(user)


def can_manage_key_firms(user) -> bool:
    """The 重点企业 list is kept by the administration."""
    return has_role(user, Role.ZONE_ADMIN)


def can_view_key_firms(user) -> bool:
    return is_staff_role(user)


# --- policy coaching (点对点辅导) ---------------------------------------------------------------------

COACHES = (Role.ZONE_ADMIN, Role.DEPT_OFFICER, Role.STATION_OFFICER, Role.AGENT, Role.WINDOW_CLERK)


def can_coach(user) -> bool:
    """登记政策辅导: staff who explain policies to firms (departments, stations, 帮代办 agents, windows)."""
    return has_role(user, *COACHES)


def coachings_visible_to(user) -> QuerySet[Coaching]:
    """The administrator and leaders see every record; other staff those they made, those of their unit and those
    about their department's policies; nobody else."""
    if has_role(user, *OVERSEERS):
        return Coaching.objects.all()
    if not is_staff_role(user):
        return Coaching.objects.none()
    q = Q(by=user)
    if user.org_unit_id:
        q |= Q(unit_id=user.org_unit_id) | Q(policy__issuer_id=user.org_unit_id)
    return Coaching.objects.filter(q)
