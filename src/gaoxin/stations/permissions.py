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


def station_services_visible_to(user) -> QuerySet[StationService]:
    if can_view_stations(user):
        return StationService.objects.all()
    return StationService.objects.none()


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
