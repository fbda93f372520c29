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


def retention_checks(*, user, today):
    """待回访: the user's hires (scoped as hires are) whose next retention check (30 / 90 days) is due, oldest check
    first; each with `check_due`, `check_label` and `overdue` (unanswered GAOXIN_TALENT_RETENTION_GRACE_DAYS after
    its date)."""
    from django.conf import settings
    from django.db.models import Case, DateField, When

    short, long = settings.GAOXIN_TALENT_RETENTION_DAYS
    return (perms.hires_visible_to(user)
            .filter(Q(status=HireStatus.CONFIRMED, short_check_due__lte=today)
                    | Q(status=HireStatus.RETAINED_SHORT, long_check_due__lte=today))
            .annotate(check_due=Case(When(status=HireStatus.CONFIRMED, then=F("short_check_due")),
                                     default=F("long_check_due"), output_field=DateField()))
            .select_related("demand__enterprise", "station").order_by("check_due", "pk"))


def retention_overdue_before(today):
    """Checks dated before this day are overdue (逾期)."""
    import datetime as dt

    from django.conf import settings

    return today - dt.timedelta(days=settings.GAOXIN_TALENT_RETENTION_GRACE_DAYS)


def shortage(firms: list[int] | None = None) -> dict:
    """缺工指数: open places of live demands per firm (largest first), park and industry, and the zone's total;
    with `firms` (a firm user's own), those firms' figures and their open places by post."""
    live = JobDemand.objects.filter(status__in=LIVE).annotate(vacant=OPEN_PLACES)
    if firms is not None:
        live = live.filter(enterprise_id__in=firms)
        total = live.aggregate(places=Sum("vacant"), demands=Count("id"))
        posts = list(live.values("enterprise__name", "post").annotate(
            places=Sum("vacant"), urgent=Sum("vacant", filter=Q(urgency="urgent")), demands=Count("id"))
            .order_by("-places", "post")[:100])
        return {"own": True, "posts": posts, "total": total["places"] or 0, "demands": total["demands"],
                "several": len(firms) > 1}
    firms = list(live.values("enterprise_id", "enterprise__name", "enterprise__park_area__name")
                 .annotate(places=Sum("vacant"), urgent=Sum("vacant", filter=Q(urgency="urgent"))).order_by("-places")[:50])
    parks = list(live.values("enterprise__park_area__name").annotate(places=Sum("vacant")).order_by("-places"))
    industries = list(live.values("enterprise__industry__name").annotate(places=Sum("vacant")).order_by("-places")[:20])
    total = live.aggregate(places=Sum("vacant"), demands=Count("id"))
    return {"firms": firms, "parks": parks, "industries": industries, "total": total["places"] or 0,
            "demands": total["demands"]}


# --- talent registry and recognition rounds ----------------------------------------------------------------------


def talent_list(*, user, q: str = "", tier=None, title=None, employer: str = "") -> QuerySet:
    """The registry as the user may see it, searched by name or employer and filtered by the tier or title of a valid
    recognition and by the employer's USCC; each row's valid recognitions prefetched (a constant number of queries
    per page)."""
    from django.db.models import Prefetch

    from gaoxin.core.validators import normalize_code

    from .models import Recognition, RecognitionStatus

    qs = perms.talents_visible_to(user).select_related("employer")
    if q := q.strip():
        qs = qs.filter(Q(name__icontains=q) | Q(employer__name__icontains=q))
    if tier is not None or title is not None:
        valid = Q(recognitions__status=RecognitionStatus.VALID)
        if tier is not None:
            valid &= Q(recognitions__tier=tier)
        if title is not None:
            valid &= Q(recognitions__title=title)
        qs = qs.filter(pk__in=perms.talents_visible_to(user).filter(valid).values("pk"))
    if employer := normalize_code(employer or ""):
        qs = qs.filter(employer__uscc=employer)
    return qs.prefetch_related(Prefetch(
        "recognitions", to_attr="valid_recognitions",
        queryset=Recognition.objects.filter(status=RecognitionStatus.VALID).select_related("title", "tier")))


def registry_counts() -> dict:
    """Talents with a valid recognition by tier and by title (the registry page's summary and the figures)."""
    from .models import Recognition, RecognitionStatus

    valid = Recognition.objects.filter(status=RecognitionStatus.VALID)
    return {"tiers": list(valid.values("tier__code", "tier__name").annotate(n=Count("talent", distinct=True))
                          .order_by("tier__rank", "tier__code")),
            "titles": list(valid.values("title__name").annotate(n=Count("talent", distinct=True)).order_by("title__name"))}


def rounds_on_notice() -> QuerySet:
    """Recognition rounds whose 拟认定人选 are on public notice now (公示), newest first: the public notices page."""
    from .models import RecognitionRound, RoundStatus

    return (RecognitionRound.objects.filter(status=RoundStatus.NOTICE).select_related("talent_title")
            .order_by("-notice_start", "-pk"))


def talent_office():
    """The talent office's unit (the first of GAOXIN_TALENT_DEPARTMENT_CODES): its address and phone on public
    pages, where objections by letter or phone go."""
    from django.conf import settings

    from gaoxin.accounts.models import OrgUnit

    codes = list(settings.GAOXIN_TALENT_DEPARTMENT_CODES)
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    return next((units[c] for c in codes if c in units), None)
