"""Who may use the kernel's own pages: the working-day calendar, the deadline calculator, the audit log
and background jobs. Role primitives come from accounts; the kernel knows no domain room."""

from __future__ import annotations

from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import _active, has_role, is_staff_role

from .models import AuditEvent, Job


def can_manage_calendar(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN)


def can_use_deadline_calculator(user) -> bool:
    return is_staff_role(user)


def can_view_audit(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN)


def audit_events_visible_to(user) -> QuerySet[AuditEvent]:
    if can_view_audit(user):
        return AuditEvent.objects.all()
    return AuditEvent.objects.none()


def jobs_visible_to(user) -> QuerySet[Job]:
    """The administrator sees every background job; others the jobs they started."""
    if has_role(user, Role.ZONE_ADMIN):
        return Job.objects.all()
    if _active(user):
        return Job.objects.filter(created_by=user)
    return Job.objects.none()
