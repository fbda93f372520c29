"""Who sees and does what at the 政务服务驿站. Scopers return querysets, predicates booleans; everything
defaults to deny (CONVENTIONS §5)."""

from __future__ import annotations

from django.db.models import QuerySet

from gaoxin.accounts.models import OrgKind, OrgUnit, Role, User
from gaoxin.accounts.permissions import has_role, is_staff_role

from .models import StationService


def can_view_stations(user) -> bool:
    """The stations, their teams and service logs are for government staff."""
    return is_staff_role(user)


def stations_visible_to(user) -> QuerySet[OrgUnit]:
    if can_view_stations(user):
        return OrgUnit.objects.filter(kind=OrgKind.STATION)
    return OrgUnit.objects.none()


def can_read_every_station_log(user) -> bool:
    """The centre (administrators, window clerks) and the leaders read every station's service log."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER)


def station_services_visible_to(user) -> QuerySet[StationService]:
    """服务台账 names the people served: the centre and leaders read all of it; a station's officers and its
    1+1+X team their station's; a department the entries handed to it (转部门办理); nobody else any
    (issue 15 §2: every member of staff read every station's ledger)."""
    from django.db.models import Q

    if can_read_every_station_log(user):
        return StationService.objects.all()
    if not can_view_stations(user):
        return StationService.objects.none()
    own = Q(station__assignments__user=user)
    if has_role(user, Role.STATION_OFFICER) and user.org_unit_id:
        own |= Q(station_id=user.org_unit_id)
    if has_role(user, Role.DEPT_OFFICER) and user.org_unit_id:
        own |= Q(escalated_to_id=user.org_unit_id)
    return StationService.objects.filter(pk__in=StationService.objects.filter(own).values("pk"))


def can_log_at_station(user, station) -> bool:
    """Record the station's service log and events: the administrator, the station's own officers and
    the members of its 1+1+X team (the X mobile guides are assigned, not members of the unit)."""
    if has_role(user, Role.ZONE_ADMIN):
        return True
    if has_role(user, Role.STATION_OFFICER) and user.org_unit_id == station.pk:
        return True
    return is_staff_role(user) and station.assignments.filter(user=user).exists()


def can_set_liaison(user) -> bool:
    """Name a department's liaison officer for a station (一对一联络)."""
    return has_role(user, Role.ZONE_ADMIN)


def can_be_liaison(user) -> bool:
    """A liaison is an officer of an approval department."""
    return has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id)


def liaison_candidates() -> QuerySet[User]:
    return User.objects.filter(role=Role.DEPT_OFFICER, is_active=True, org_unit__isnull=False) \
        .select_related("org_unit").order_by("org_unit__sort_order", "full_name", "pk")


def can_view_centre_figures(user) -> bool:
    """The centre's figures page (驿站、帮代办、审批提速、诉求): the centre and leaders."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER)
