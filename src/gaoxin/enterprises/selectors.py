"""Reads of the enterprise registry, always starting from the permission scope."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from gaoxin.core.validators import normalize_code, uscc_is_valid

from .models import Contact, Enterprise, LandParcel, Qualification
from .permissions import enterprises_visible_to


def enterprise_list(*, user, q: str = "", section: str = "", industry: str = "", size_group: str = "",
                    park_area: str = "", qualification: str = "") -> QuerySet[Enterprise]:
    qs = enterprises_visible_to(user).select_related("industry", "park_area")
    if q:
        code = normalize_code(q)
        if len(code) == 18 and uscc_is_valid(code):
            qs = qs.filter(uscc=code)  # a whole code: use the unique index
        elif code.isalnum() and code.isascii() and len(code) >= 4:
            qs = qs.filter(Q(uscc__startswith=code) | Q(name__icontains=q.strip()))
        else:
            qs = qs.filter(Q(name__icontains=q.strip()) | Q(legal_representative=q.strip()))
    if section:
        qs = qs.filter(industry__section=section)
    if industry:
        qs = qs.filter(industry_id=industry)
    if size_group:
        qs = qs.filter(size_group=size_group)
    if park_area:
        qs = qs.filter(park_area_id=park_area)
    if qualification:
        today = timezone.localdate()
        qs = qs.filter(_has_valid_qualification(qualification, today))
    return qs.prefetch_related("parcels", "qualifications")


def _has_valid_qualification(kind: str, today):
    return Exists(
        Qualification.objects.filter(enterprise_id=OuterRef("pk"), kind=kind, valid_from__lte=today).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today)
        )
    )


def enterprise_get(*, user, pk: int) -> Enterprise:
    """Raises Enterprise.DoesNotExist (a 404) when the user may not see it."""
    return (
        enterprises_visible_to(user)
        .select_related("industry", "park_area")
        .prefetch_related("parcels", "qualifications", "contacts")
        .get(pk=pk)
    )


def enterprises_for_export(*, user):
    base = enterprises_visible_to(user)
    ids = base.values("id")
    return (
        base.select_related("industry", "park_area").order_by("id"),
        LandParcel.objects.filter(enterprise_id__in=ids).select_related("enterprise").order_by("enterprise_id", "id"),
        Qualification.objects.filter(enterprise_id__in=ids).select_related("enterprise").order_by("enterprise_id", "id"),
        Contact.objects.filter(enterprise_id__in=ids).select_related("enterprise").order_by("enterprise_id", "id"),
    )
