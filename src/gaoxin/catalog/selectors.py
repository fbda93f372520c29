"""Reads of the catalogue. Guides are public; management lists are for administrators."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from gaoxin.accounts.models import OrgUnit

from .models import Bundle, ItemStatus, ItemVersion, Material, ServiceItem, ServiceZone, Situation, Theme


def public_items(*, q: str = "", department: str = "", zone: str = "", theme: str = "") -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.filter(status=ItemStatus.PUBLISHED, current_version__isnull=False).select_related(
        "department", "zone", "current_version")
    if q:
        for word in q.lower().split():
            qs = qs.filter(search_text__contains=word)
    if department:
        qs = qs.filter(department__code=department)
    if zone:
        qs = qs.filter(zone__code=zone)
    if theme:
        qs = qs.filter(themes__code=theme)
    return qs.order_by("zone__sort_order", "implementation_code")


def public_item_get(code: str) -> ServiceItem:
    """The item with its current version, situations and materials (404 handled by caller)."""
    return (
        ServiceItem.objects.select_related("department", "zone", "current_version")
        .prefetch_related("themes", "windows", "bundles")
        .get(implementation_code=code, status__in=[ItemStatus.PUBLISHED, ItemStatus.SUSPENDED],
             current_version__isnull=False)
    )


def version_materials(version: ItemVersion) -> tuple[list[Situation], list[Material]]:
    situations = list(version.situations.all())
    materials = list(version.materials.prefetch_related("situations"))
    return situations, materials


def materials_for_situation(materials: list[Material], situation_id: int | None) -> list[Material]:
    """Materials with no situation apply to every situation."""
    if not situation_id:
        return materials
    return [m for m in materials if not m.situations.all() or any(s.pk == situation_id for s in m.situations.all())]


def browse_counts() -> dict:
    published = Q(items__status=ItemStatus.PUBLISHED)
    return {
        "zones": ServiceZone.objects.annotate(n=Count("items", filter=published)),
        "departments": OrgUnit.objects.filter(service_items__status=ItemStatus.PUBLISHED)
        .annotate(n=Count("service_items")).order_by("sort_order", "name"),
        "themes": Theme.objects.annotate(n=Count("items", filter=published)).filter(n__gt=0),
        "bundles": Bundle.objects.filter(is_published=True).select_related("zone", "lead_department"),
    }


def managed_items(*, q: str = "", status: str = "") -> QuerySet[ServiceItem]:
    qs = ServiceItem.objects.select_related("department", "zone", "current_version").annotate(
        drafts=Count("versions", filter=Q(versions__status="draft")))
    if q:
        qs = qs.filter(search_text__contains=q.lower())
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("zone__sort_order", "implementation_code")


def bundle_get(code: str) -> Bundle:
    return (
        Bundle.objects.select_related("zone", "lead_department")
        .prefetch_related(Prefetch("items", queryset=ServiceItem.objects.select_related("department", "current_version")
                                   .order_by("bundleitem__sort_order")))
        .get(code=code, is_published=True)
    )
