"""Who sees and does what in the enterprise registry (一企一档). Scopers return querysets, predicates
booleans; everything defaults to deny."""

from __future__ import annotations

from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role

from .models import Enterprise


def enterprises_visible_to(user) -> QuerySet[Enterprise]:
    """Government staff see the whole registry (they serve every enterprise); an enterprise user sees only
    the enterprises bound to them."""
    if is_staff_role(user):
        return Enterprise.objects.all()
    if has_role(user, Role.ENTERPRISE):
        return Enterprise.objects.filter(pk__in=sorted(firm_ids_of(user)))
    return Enterprise.objects.none()


def can_view_enterprise(user, enterprise) -> bool:
    if has_role(user, Role.ENTERPRISE):
        return enterprise.pk in firm_ids_of(user)  # the ids kept for the request: no query
    return enterprises_visible_to(user).filter(pk=enterprise.pk).exists()


def can_edit_enterprise(user, enterprise=None) -> bool:
    """The registry is kept by the zone administration and the hall's clerks."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK)


def can_import_enterprises(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN)


def can_export_enterprises(user) -> bool:
    return has_role(user, Role.ZONE_ADMIN, Role.LEADER)
