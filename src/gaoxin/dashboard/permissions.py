"""Who sees the figures (platform.md §7): the zone's leaders and the centre's administrators see the whole zone; a
department head (a department officer holding the head post of their department) sees their department's figures
and its rank; the administrators generate, edit and publish the monthly report, which leaders and heads read."""

from __future__ import annotations

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role, user_fact


def is_department_head(user) -> bool:
    """A department officer holding the head post of their own unit (read with the user's other facts, one query)."""
    return has_role(user, Role.DEPT_OFFICER) and bool(user.org_unit_id) and user_fact(user, "heads_own_unit")


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
