"""Who sees the figures (platform.md §7): the zone's leaders and the centre's administrators see the whole zone; a
department head (a department officer holding the head post of their department) sees their department's figures
and its rank; the administrators generate, edit and publish the monthly report, which leaders and heads read."""

from __future__ import annotations

from gaoxin.accounts.models import Position, Role
from gaoxin.accounts.permissions import has_role


def is_department_head(user) -> bool:
    if not has_role(user, Role.DEPT_OFFICER) or not user.org_unit_id:
        return False
    cached = getattr(user, "_is_department_head", None)
    if cached is None:
        cached = user._is_department_head = user.assignments.filter(
            org_unit_id=user.org_unit_id, position=Position.HEAD).exists()
    return cached


def can_view_dashboard(user) -> bool:
    return has_role(user, Role.LEADER, Role.ZONE_ADMIN) or is_department_head(user)


def dashboard_scope(user) -> str | None:
    """None: the whole zone; a department id (as stored in the figures' keys): that department only."""
    if has_role(user, Role.LEADER, Role.ZONE_ADMIN):
        return None
    return str(user.org_unit_id)


def can_view_reports(user) -> bool:
    return can_view_dashboard(user)


def can_manage_reports(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN)


def reports_visible_to(user):
    from .models import MonthlyReport, ReportStatus

    if can_manage_reports(user):
        return MonthlyReport.objects.all()
    if can_view_reports(user):
        return MonthlyReport.objects.filter(status=ReportStatus.PUBLISHED)
    return MonthlyReport.objects.none()
