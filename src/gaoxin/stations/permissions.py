"""Who sees and does what at the 政务服务驿站. Scopers return querysets, predicates booleans; everything
defaults to deny (CONVENTIONS §5)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from gaoxin.accounts.models import STAFF_ROLES, OrgAssignment, OrgKind, OrgUnit, Position, Role, User
from gaoxin.accounts.permissions import has_role, is_staff_role

from .models import StationService, TrainingSession


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


# --- staff training (人员培训: 集中培训、跟班学习、情景演练) ------------------------------------------------

# A station's staff: its own officers and its 1+1+X team (a department's liaison is not station staff).
TEAM_POSITIONS = (Position.HEAD, Position.WINDOW_SPECIALIST, Position.MOBILE_GUIDE)


def station_staff(station) -> QuerySet[User]:
    """The people whose training record the station keeps: the unit's own active staff and its team members."""
    return staff_of_stations(OrgUnit.objects.filter(pk=station.pk))


def staff_of_stations(stations: QuerySet[OrgUnit]) -> QuerySet[User]:
    team = OrgAssignment.objects.filter(org_unit__in=stations, position__in=TEAM_POSITIONS).values("user_id")
    return User.objects.filter(Q(org_unit__in=stations) | Q(pk__in=team), is_active=True, role__in=sorted(STAFF_ROLES))


def stations_of_staff(user) -> QuerySet[OrgUnit]:
    """The stations whose staff the user is: a station officer's own station and the teams they are on."""
    if not is_staff_role(user):
        return OrgUnit.objects.none()
    own = Q(assignments__user=user, assignments__position__in=TEAM_POSITIONS)
    if user.org_unit_id:
        own |= Q(pk=user.org_unit_id)
    return OrgUnit.objects.filter(pk__in=OrgUnit.objects.filter(own, kind=OrgKind.STATION).values("pk"))


def can_view_training(user) -> bool:
    """The training pages are for government staff; enterprises, talents and banks never see them."""
    return is_staff_role(user)


def can_read_all_training(user) -> bool:
    """The administrators (who organise the training) and the leaders read every session and record."""
    return has_role(user, Role.ZONE_ADMIN, Role.LEADER)


def trainings_visible_to(user) -> QuerySet[TrainingSession]:
    """Administrators and leaders: all; any member of staff: the sessions they attended or recorded; a station's
    staff also the sessions their station organised or any of its staff attended (the station's training record)."""
    if can_read_all_training(user):
        return TrainingSession.objects.all()
    if not can_view_training(user):
        return TrainingSession.objects.none()
    stations = stations_of_staff(user)
    mine = (Q(attendees=user) | Q(created_by=user) | Q(organiser__in=stations)
            | Q(attendees__in=staff_of_stations(stations).values("pk")))
    return TrainingSession.objects.filter(pk__in=TrainingSession.objects.filter(mine).values("pk"))


def can_view_station_training(user, station) -> bool:
    """A station's staff training record (sessions and hours per person): its own staff, administrators, leaders."""
    if can_read_all_training(user):
        return True
    return can_view_training(user) and stations_of_staff(user).filter(pk=station.pk).exists()


def training_organisers(user) -> QuerySet[OrgUnit]:
    """The units in whose name the user records a session: an administrator for the administration, the centre
    and every station; a station's head for the station they head."""
    if has_role(user, Role.ZONE_ADMIN):
        return OrgUnit.objects.filter(kind__in=[OrgKind.ADMINISTRATION, OrgKind.CENTRE, OrgKind.STATION],
                                      is_active=True)
    if not is_staff_role(user):
        return OrgUnit.objects.none()
    return OrgUnit.objects.filter(kind=OrgKind.STATION, assignments__user=user,
                                  assignments__position=Position.HEAD).distinct()


def can_organise_training(user) -> bool:
    """Record a training session: the administrators (管委会、政务服务中心) and a station's head."""
    return has_role(user, Role.ZONE_ADMIN) or (
        is_staff_role(user) and user.assignments.filter(position=Position.HEAD, org_unit__kind=OrgKind.STATION).exists())


def can_manage_training(user, session) -> bool:
    """Change a session's attendees: an administrator, or the head of the station that organised it."""
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return (is_staff_role(user) and session.organiser.kind == OrgKind.STATION
            and session.organiser.assignments.filter(user=user, position=Position.HEAD).exists())


def training_attendee_candidates() -> QuerySet[User]:
    """Who may be recorded as attending: active government staff (station staff, 帮代办 agents, window clerks…)."""
    return User.objects.filter(is_active=True, role__in=sorted(STAFF_ROLES))
