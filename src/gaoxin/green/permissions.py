"""Who sees and keeps green labels. The zone's economic bureau (GAOXIN_GREEN_DEPARTMENT_CODES) and the zone
administrator keep them; every member of staff reads them (they are public recognitions); a firm sees its own."""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role

from .models import GreenLabel


def is_green_office(user) -> bool:
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return (has_role(user, Role.DEPT_OFFICER) and user.org_unit is not None
            and user.org_unit.code in settings.GAOXIN_GREEN_DEPARTMENT_CODES)


def can_view_green(user) -> bool:
    return is_staff_role(user) or (has_role(user, Role.ENTERPRISE) and bool(firm_ids_of(user)))


def labels_visible_to(user) -> QuerySet[GreenLabel]:
    if is_staff_role(user):
        return GreenLabel.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return GreenLabel.objects.filter(enterprise_id__in=sorted(firm_ids_of(user)))
    return GreenLabel.objects.none()


def can_manage_labels(user) -> bool:
    return is_green_office(user)


def label_roles(actor, label: GreenLabel) -> set[str]:
    return {"office"} if is_green_office(actor) else set()


def can_view_carbon(user) -> bool:
    """Grades compare a firm with its industry: staff read all; a firm its own (on the same page)."""
    return can_view_green(user)


def can_view_all_carbon(user) -> bool:
    return is_staff_role(user)
