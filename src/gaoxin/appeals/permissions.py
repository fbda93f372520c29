"""Who sees and does what with appeals (企业诉求). Scopers return querysets; predicates booleans; default deny."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role

from .models import Appeal

CENTRE_ROLES = (Role.ZONE_ADMIN, Role.WINDOW_CLERK)


def appeals_visible_to(user) -> QuerySet[Appeal]:
    """The centre and leaders see all; a department the appeals it leads or cooperates on; a station
    officer or agent those they registered or of their station; an enterprise user its firms' appeals."""
    if has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER):
        return Appeal.objects.all()
    if has_role(user, Role.DEPT_OFFICER):
        mine = Q(lead_id=user.org_unit_id) | Q(cooperating=user.org_unit_id)
        if is_talent_service_office(user):
            mine |= Q(talent__isnull=False)
        return Appeal.objects.filter(mine).distinct()
    if has_role(user, Role.STATION_OFFICER, Role.AGENT):
        return Appeal.objects.filter(Q(received_by=user) | Q(station_id=user.org_unit_id)).distinct()
    if has_role(user, Role.ENTERPRISE):
        return Appeal.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    if has_role(user, Role.TALENT):
        return Appeal.objects.filter(talent__user=user)
    return Appeal.objects.none()


def files_as_talent(user) -> bool:
    """A talent's own log-in (人才): their requests are 人才服务诉求, kept on their own service page."""
    return has_role(user, Role.TALENT)


def is_talent_service_office(user) -> bool:
    """The talent office (GAOXIN_TALENT_DEPARTMENT_CODES) follows every talent-flagged appeal (人才服务), whichever
    department leads it. Read from the setting: appeals sits below the talent rooms and imports none of them."""
    return (has_role(user, Role.DEPT_OFFICER) and user.org_unit is not None
            and user.org_unit.code in settings.GAOXIN_TALENT_DEPARTMENT_CODES)


def appeal_roles(actor, appeal: Appeal) -> set[str]:
    """The actor's roles in the appeal's workflow: centre, lead, cooperating, enterprise."""
    roles = set()
    if has_role(actor, *CENTRE_ROLES):
        roles.add("centre")
    if has_role(actor, Role.DEPT_OFFICER) and actor.org_unit_id:
        if actor.org_unit_id == appeal.lead_id:
            roles.add("lead")
        if appeal.cooperating.filter(pk=actor.org_unit_id).exists():
            roles.add("cooperating")
    if has_role(actor, Role.ENTERPRISE) and appeal.enterprise_id and appeal.enterprise_id in firm_ids_of(actor):
        roles.add("enterprise")
    if has_role(actor, Role.TALENT) and appeal.talent_id and appeal.talent.user_id == actor.pk:
        roles.add("enterprise")  # the party who raised it: confirms, rates or asks to reopen
    return roles


def can_submit_appeal(user) -> bool:
    """Enterprises raise appeals online; the centre, stations and agents register them for a firm."""
    return has_role(user, Role.ENTERPRISE, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.STATION_OFFICER, Role.AGENT)


def firms_for_appeal(user) -> QuerySet | None:
    """The firms a user may raise an appeal for: an enterprise user its own; staff any (None: not limited)."""
    from gaoxin.enterprises.models import Enterprise

    if has_role(user, Role.ENTERPRISE):
        return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user)))
    return None


def can_view_appeal_statistics(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER, Role.DEPT_OFFICER)


def can_see_contact(user, appeal: Appeal) -> bool:
    """A confidential appeal's contact is for the centre only."""
    return not appeal.confidential or has_role(user, *CENTRE_ROLES)


def can_call_contact(user, appeal: Appeal) -> bool:
    """The contact's full phone number is for who calls back: the centre, the lead department's officers, the
    station that took the appeal in and the firm itself; cooperating departments, other stations and leaders
    see it masked (issue 15 §2)."""
    if not can_see_contact(user, appeal):
        return False
    if has_role(user, *CENTRE_ROLES):
        return True
    if has_role(user, Role.DEPT_OFFICER):
        return bool(user.org_unit_id) and user.org_unit_id == appeal.lead_id
    if has_role(user, Role.STATION_OFFICER, Role.AGENT):
        return appeal.received_by_id == user.pk or (bool(user.org_unit_id) and user.org_unit_id == appeal.station_id)
    if has_role(user, Role.ENTERPRISE):
        return bool(appeal.enterprise_id) and appeal.enterprise_id in firm_ids_of(user)
    if has_role(user, Role.TALENT):
        return bool(appeal.talent_id) and appeal.talent.user_id == user.pk
    return False


def is_station_intake(user) -> bool:
    return has_role(user, Role.STATION_OFFICER)


def intake_channel(user, chosen: str = "") -> str:
    """The channel an appeal came in by: a firm's own is 平台, a station's 驿站, other staff choose (窗口, 电话…)."""
    if firms_for_appeal(user) is not None:
        return "平台"
    return "驿站" if is_station_intake(user) else (chosen or "窗口")
