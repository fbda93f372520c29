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


# --- the firms an enterprise user acts for -------------------------------------------------------------

_FIRM_IDS = "_gaoxin_firm_ids"


def firm_ids_of(user) -> frozenset[int]:
    """The ids of the enterprises an enterprise user acts for (EnterpriseMembership): one small query, kept on the
    user object, so a request (whose `request.user` is loaded afresh) asks once. The rooms' scopers filter on these
    ids (`enterprise_id IN (…)`, an index range scan) instead of joining through the memberships (issue 17). Empty
    for anyone not logged in. A membership saved or deleted through the ORM clears the ids kept on its user object
    (`forget_firm_ids`, connected in accounts.apps)."""
    if not _active(user):
        return frozenset()
    ids = user.__dict__.get(_FIRM_IDS)
    if ids is None:
        from .models import EnterpriseMembership

        ids = frozenset(EnterpriseMembership.objects.filter(user_id=user.pk).values_list("enterprise_id", flat=True))
        user.__dict__[_FIRM_IDS] = ids
    return ids


def forget_firm_ids(sender=None, instance=None, **kwargs) -> None:
    """Signal receiver: a membership changed, so the ids kept on its (loaded) user object are stale."""
    user = instance._state.fields_cache.get("user") if hasattr(instance, "_state") else None
    if user is None and hasattr(instance, "enterprise_memberships"):  # m2m_changed from User.enterprises
        user = instance
    if user is not None:
        user.__dict__.pop(_FIRM_IDS, None)
