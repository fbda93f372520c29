"""Reads of the talent room: demand lists, hires waiting for the firm, and the 缺工 index."""

from __future__ import annotations

from django.db.models import Count, F, IntegerField, Q, QuerySet, Sum
from django.db.models.functions import Greatest

from . import permissions as perms
from .models import DemandStatus, Hire, HireStatus, JobDemand

LIVE = [DemandStatus.OPEN, DemandStatus.PARTLY_FILLED]
OPEN_PLACES = Greatest(F("quantity") - F("filled"), 0, output_field=IntegerField())


def demand_list(*, user, status: str = "", q: str = "") -> QuerySet[JobDemand]:
    qs = perms.demands_visible_to(user).select_related("enterprise")
    if status:
        qs = qs.filter(status=status)
    if q := q.strip():
        qs = qs.filter(Q(post__icontains=q) | Q(enterprise__name__icontains=q) | Q(number__iexact=q))
    return qs


def hires_to_confirm(*, user) -> list[Hire]:
    """Hires a firm user is asked to confirm (none for staff: they record, the firm confirms)."""
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.permissions import firm_ids_of, has_role

    firms = firm_ids_of(user) if has_role(user, Role.ENTERPRISE) else frozenset()
    if not firms:
        return []
    return list(Hire.objects.filter(demand__enterprise_id__in=sorted(firms), status=HireStatus.RECORDED)
                .select_related("demand__enterprise")[:50])


def shortage() -> dict:
    """缺工指数: open places of live demands per firm (largest first), park and industry, and the zone's total."""
    live = JobDemand.objects.filter(status__in=LIVE).annotate(vacant=OPEN_PLACES)
    firms = list(live.values("enterprise_id", "enterprise__name", "enterprise__park_area__name")
                 .annotate(places=Sum("vacant"), urgent=Sum("vacant", filter=Q(urgency="urgent"))).order_by("-places")[:50])
    parks = list(live.values("enterprise__park_area__name").annotate(places=Sum("vacant")).order_by("-places"))
    industries = list(live.values("enterprise__industry__name").annotate(places=Sum("vacant")).order_by("-places")[:20])
    total = live.aggregate(places=Sum("vacant"), demands=Count("id"))
    return {"firms": firms, "parks": parks, "industries": industries, "total": total["places"] or 0,
            "demands": total["demands"]}
