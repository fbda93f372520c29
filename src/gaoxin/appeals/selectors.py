"""Appeal lists and the statistics of benefits.md §5.5 (三率 and more), per department and station."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet

from .models import Appeal, AppealStatus
from .permissions import appeals_visible_to


def appeal_list(*, user, status: str = "", q: str = "", talent_only: bool = False) -> QuerySet[Appeal]:
    """talent_only: the appeals flagged "talent" (人才服务: a talent's housing, medical, schooling, spouse-job requests)."""
    qs = appeals_visible_to(user).select_related("enterprise", "lead", "station", "talent")
    if status:
        qs = qs.filter(status=status)
    if talent_only:
        qs = qs.exclude(talent_service="")
    if q:
        qs = qs.filter(Q(number__iexact=q.strip()) | Q(title__icontains=q.strip()) | Q(enterprise__name__icontains=q.strip())
                       | Q(talent__name__icontains=q.strip()))
    return qs


def _rate(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def statistics(group_by: str) -> list[dict]:
    """group_by: "lead__name" (departments) or "station__name" (stations)."""
    w = settings.GAOXIN_APPEAL_BASIC_SATISFIED_WEIGHT
    rows = (Appeal.objects.exclude(**{f"{group_by}__isnull": True}).values(group_by).annotate(
        total=Count("id"),
        responded=Count("id", filter=Q(responded_on_time__isnull=False)),
        responded_on_time=Count("id", filter=Q(responded_on_time=True)),
        confirmed=Count("id", filter=Q(solved_confirmed__isnull=False)),
        solved=Count("id", filter=Q(solved_confirmed=True)),
        rated=Count("id", filter=Q(satisfaction__isnull=False)),
        satisfied=Count("id", filter=Q(satisfaction__gte=4)),
        basic=Count("id", filter=Q(satisfaction=3)),
        resolved=Count("id", filter=Q(resolved_on__isnull=False)),
        on_time=Count("id", filter=Q(resolved_on__isnull=False, resolved_on__lte=F("resolve_by"))),
        returned=Count("id", filter=Q(returns__gt=0)),
        reopened=Count("id", filter=Q(reopen_count__gt=0)),
        open=Count("id", filter=~Q(status__in=[AppealStatus.CLOSED, AppealStatus.REFERRED_OUT])),
    ).order_by(group_by))
    out = []
    for r in rows:
        out.append({
            "name": r[group_by], "total": r["total"], "open": r["open"],
            "response_rate": _rate(r["responded_on_time"], r["responded"]),
            "solve_rate": _rate(r["solved"], r["confirmed"]),
            "satisfaction_rate": _rate(r["satisfied"] + w * r["basic"], r["rated"]),
            "on_time_rate": _rate(r["on_time"], r["resolved"]),
            "return_rate": _rate(r["returned"], r["total"]),
            "reopen_rate": _rate(r["reopened"], r["resolved"]),
        })
    return out
