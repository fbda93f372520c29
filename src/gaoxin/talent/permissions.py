"""Who sees and does what in talent and employment. The talent office is the human-resources bureau's officers
(GAOXIN_TALENT_DEPARTMENT_CODES) and the zone administrators; a firm sees its own demands, hires and agreements;
station officers and agents register demands and hires for the firms they serve; leaders read. A hired person's ID
number is shown in full to the talent office only."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role

from .models import Hire, JobDemand, MatchEvent, SchoolAgreement

FIELD_STAFF = (Role.STATION_OFFICER, Role.AGENT)


def is_talent_office(user) -> bool:
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return (has_role(user, Role.DEPT_OFFICER) and user.org_unit is not None
            and user.org_unit.code in settings.GAOXIN_TALENT_DEPARTMENT_CODES)


def can_view_talent(user) -> bool:
    return (is_talent_office(user) or has_role(user, Role.LEADER, *FIELD_STAFF)
            or (has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user))))


def demands_visible_to(user) -> QuerySet[JobDemand]:
    """Posts are not personal data: staff who match people to jobs see every demand; a firm its own."""
    if is_talent_office(user) or has_role(user, Role.LEADER, *FIELD_STAFF):
        return JobDemand.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return JobDemand.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return JobDemand.objects.none()


def hires_visible_to(user) -> QuerySet[Hire]:
    if is_talent_office(user) or has_role(user, Role.LEADER):
        return Hire.objects.all()
    if has_role(user, *FIELD_STAFF):
        own = Q(recorded_by=user)
        if user.org_unit_id:
            own |= Q(station_id=user.org_unit_id)
        return Hire.objects.filter(own)
    if has_role(user, Role.ENTERPRISE):
        return Hire.objects.filter(demand__enterprise_id__in=sorted(firm_ids_of(user)))
    return Hire.objects.none()


def can_view_id_numbers(user) -> bool:
    return is_talent_office(user)


def can_post_demand(user) -> bool:
    return is_talent_office(user) or has_role(user, *FIELD_STAFF) or (
        has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def firms_for_demand(user) -> QuerySet | None:
    """The firms a user may post for: an enterprise user its own; staff any (None)."""
    from gaoxin.enterprises.models import Enterprise

    if has_role(user, Role.ENTERPRISE):
        return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user)))
    return None


def can_record_hire(user, demand: JobDemand) -> bool:
    if is_talent_office(user) or has_role(user, *FIELD_STAFF):
        return True
    return has_role(user, Role.ENTERPRISE) and demand.enterprise_id in firm_ids_of(user)


def demand_roles(actor, demand: JobDemand) -> set[str]:
    roles = set()
    if is_talent_office(actor):
        roles.add("office")
    if has_role(actor, Role.ENTERPRISE) and demand.enterprise_id in firm_ids_of(actor):
        roles.add("firm")
    if has_role(actor, *FIELD_STAFF) and demand.created_by_id == actor.pk:
        roles.add("recorder")
    return roles


def hire_roles(actor, hire: Hire) -> set[str]:
    roles = set()
    if is_talent_office(actor):
        roles.add("office")
    if has_role(actor, Role.ENTERPRISE) and hire.demand.enterprise_id in firm_ids_of(actor):
        roles.add("firm")
    return roles


def can_manage_events(user) -> bool:
    return is_talent_office(user)


def events_visible_to(user) -> QuerySet[MatchEvent]:
    """Matchmaking events are announced to every firm and staff member who can use the room."""
    return MatchEvent.objects.all() if can_view_talent(user) else MatchEvent.objects.none()


def can_record_intent(user, event: MatchEvent) -> bool:
    return is_talent_office(user) or has_role(user, *FIELD_STAFF)


def agreements_visible_to(user) -> QuerySet[SchoolAgreement]:
    if is_talent_office(user) or has_role(user, Role.LEADER):
        return SchoolAgreement.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return SchoolAgreement.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return SchoolAgreement.objects.none()


def can_manage_agreements(user) -> bool:
    return is_talent_office(user)


def can_log_agreement_activity(user, agreement: SchoolAgreement) -> bool:
    return is_talent_office(user) or (has_role(user, Role.ENTERPRISE) and agreement.enterprise_id in firm_ids_of(user))


def can_view_shortage(user) -> bool:
    return is_talent_office(user) or has_role(user, Role.LEADER, *FIELD_STAFF)
