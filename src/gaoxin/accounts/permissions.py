"""Permission predicates `can_<verb>_<object>(user, obj)` and queryset scopers
`<objects>_visible_to(user)`. Everything defaults to deny (CONVENTIONS §5)."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Exists, OuterRef, QuerySet

from gaoxin.core.statements import Statement

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
        ids = frozenset(_FIRMS_OF_USER.fetch(user=user.pk))
        user.__dict__[_FIRM_IDS] = ids
    return ids


def _firms_of_user(variant, user):
    from .models import EnterpriseMembership

    return EnterpriseMembership.objects.filter(user_id=user).values_list("enterprise_id", flat=True)


_FIRMS_OF_USER = Statement(_firms_of_user)  # asked on most requests of an enterprise user: compiled once


def forget_firm_ids(sender=None, instance=None, **kwargs) -> None:
    """Signal receiver: a membership changed, so the ids kept on its (loaded) user object are stale."""
    user = instance._state.fields_cache.get("user") if hasattr(instance, "_state") else None
    if user is None and hasattr(instance, "enterprise_memberships"):  # m2m_changed from User.enterprises
        user = instance
    if user is not None:
        user.__dict__.pop(_FIRM_IDS, None)


# --- what a page asks about its user, in one query ------------------------------------------------------------------

_FACTS = "_gaoxin_user_facts"
_FACT_EXPRESSIONS: dict[str, Callable] = {}


def register_user_fact(name: str, expression: Callable) -> None:
    """A room declares a fact about a user that its predicates ask on most pages (is a reviewer of a round, chairs a
    chain, heads their unit, has unread notices…): `expression()` is an annotation over `User` in which
    `OuterRef("pk")` is the user. Declared at import of the room's permissions module."""
    _FACT_EXPRESSIONS[name] = expression


def user_facts(user) -> dict:
    """Every declared fact about the user, read together with the user's org unit in one query and kept on the user
    object, so a request (whose `request.user` is loaded afresh) asks once however many rooms' navigation entries,
    home cards and predicates look (the org unit is then no query of its own either). Empty for anyone not logged in.
    A fact declared after the first read (its room imported late) reads them again."""
    if not _active(user):
        return {}
    facts = user.__dict__.get(_FACTS)
    if facts is None or not facts.keys() >= _FACT_EXPRESSIONS.keys():
        from .models import User

        names = list(_FACT_EXPRESSIONS)
        row = (User.objects.filter(pk=user.pk).select_related("org_unit")
               .annotate(**{name: _FACT_EXPRESSIONS[name]() for name in names}).first())
        if row is None:
            return {}
        field = User._meta.get_field("org_unit")
        if not field.is_cached(user) and row.org_unit_id == user.org_unit_id:
            field.set_cached_value(user, row.org_unit)
        facts = user.__dict__[_FACTS] = {name: getattr(row, name) for name in names}
    return facts


def user_fact(user, name: str, default=False):
    return user_facts(user).get(name, default)


def forget_user_facts(user) -> None:
    """The facts kept on a loaded user object are stale (a service changed what they say)."""
    user.__dict__.pop(_FACTS, None)


def _heads_own_unit():
    from .models import OrgAssignment, Position

    return Exists(OrgAssignment.objects.filter(user=OuterRef("pk"), org_unit=OuterRef("org_unit"),
                                               position=Position.HEAD))


register_user_fact("heads_own_unit", _heads_own_unit)
