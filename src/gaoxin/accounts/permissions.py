"""Permission predicates `can_<verb>_<object>(user, obj)` and queryset scopers
`<objects>_visible_to(user)`. Everything defaults to deny (CONVENTIONS §5)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import STAFF_ROLES, Role


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def has_role(user, *roles: str) -> bool:
    return _active(user) and user.role in roles


def is_staff_role(user) -> bool:
    return _active(user) and user.role in STAFF_ROLES


# --- personal data ---------------------------------------------------------------

def can_view_personal_data(user) -> bool:
    """Unmasked phones and ID numbers: administrators and clerks at work only."""
    return has_role(user, Role.ZONE_ADMIN, Role.WINDOW_CLERK)


# --- organisation ------------------------------------------------------------------

def org_units_visible_to(user) -> QuerySet:
    from .models import OrgUnit

    if is_staff_role(user):
        return OrgUnit.objects.all()
    return OrgUnit.objects.none()
