"""Who keeps the service catalogue. Guides themselves are public (no log-in); everything else here
defaults to deny. Views, the API and templates (through context flags) ask these predicates."""

from __future__ import annotations

from django.db.models import QuerySet

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role

KEEPER = "keeper"  # the workflow's role token: whoever keeps the catalogue


def can_manage_catalog(user) -> bool:
    """The centre's administrators keep the catalogue: items, guide versions, keywords, synonyms, imports."""
    return has_role(user, Role.ZONE_ADMIN)


def managed_items_visible_to(user) -> QuerySet:
    """Every item, drafts and cancelled ones included, for the catalogue's keepers; nothing for others."""
    from .models import ServiceItem

    return ServiceItem.objects.all() if can_manage_catalog(user) else ServiceItem.objects.none()


def item_roles(actor, item) -> set[str]:
    """The actor's role tokens in an item's workflow."""
    return {KEEPER} if can_manage_catalog(actor) else set()
