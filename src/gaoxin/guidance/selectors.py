"""Reads of 云导办, each starting from the permission scoper."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from operator import and_, or_

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gaoxin.catalog.selectors import guide_search_terms

from . import permissions as perms
from . import services
from .models import ACTIVE, FaqEntry, FaqStatus, GuidanceSession, Outcome, SessionStatus

WHEN = {"today": "今天", "upcoming": "即将开始", "past": "已过去", "all": "全部"}


def session_list(*, user, when: str = "upcoming", status: str = "", now: dt.datetime | None = None) -> QuerySet:
    """The sessions a user may see: today's, the upcoming ones (from now on), the past ones or all; with the
    related rows one page needs in the same query."""
    now = now or timezone.now()
    qs = perms.sessions_visible_to(user).select_related("item", "enterprise", "booked_by", "guide", "case",
                                                          "started_case")
    local = timezone.localtime(now)
    start_of_day = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if when == "today":
        qs = qs.filter(starts_at__gte=start_of_day, starts_at__lt=start_of_day + dt.timedelta(days=1))
    elif when == "upcoming":
        qs = qs.filter(ends_at__gt=now)
    elif when == "past":
        qs = qs.filter(ends_at__lte=now).order_by("-starts_at", "-pk")
    if status in SessionStatus.values:
        qs = qs.filter(status=status)
    return qs


def session_get(*, user, number: str) -> GuidanceSession:
    return perms.sessions_visible_to(user).select_related(
        "item__current_version", "item__department", "enterprise", "booked_by", "guide", "case", "started_case",
        "faq", "order", "appeal", "prefill_situation").get(number=number)


def availability(*, today: dt.date | None = None, now: dt.datetime | None = None) -> list[dict]:
    """The bookable days and their slots with the places left (one query for all the bookings in the range)."""
    now = now or timezone.now()
    today = today or timezone.localtime(now).date()
    days = services.bookable_days(today)
    table = services.timetable()
    tz = timezone.get_current_timezone()
    first = dt.datetime.combine(days[0], dt.time.min, tzinfo=tz)
    last = dt.datetime.combine(days[-1] + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    taken = dict(GuidanceSession.objects.filter(starts_at__gte=first, starts_at__lt=last, status__in=ACTIVE)
                 .values_list("starts_at").annotate(n=Count("pk")).values_list("starts_at", "n"))
    taken = {timezone.localtime(k).replace(tzinfo=None): v for k, v in taken.items()}
    result = []
    for day in days:
        entries = []
        for slot in table:
            naive = dt.datetime.combine(day, slot.start)
            starts_at = dt.datetime.combine(day, slot.start, tzinfo=tz)
            left = max(settings.GAOXIN_GUIDANCE_PARALLEL - taken.get(naive, 0), 0)
            past = starts_at <= now
            entries.append({"starts_at": starts_at, "label": slot.label, "left": 0 if past else left, "past": past,
                            "value": starts_at.strftime("%Y-%m-%dT%H:%M")})
        result.append({"day": day, "slots": entries, "open": sum(1 for e in entries if e["left"] > 0),
                       "expired": all(e["past"] for e in entries)})
    return result


def counts(*, user) -> dict:
    """Sessions by state and closed sessions by outcome, among those the user may see (two queries)."""
    qs = perms.sessions_visible_to(user)
    by_status = dict(qs.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    by_outcome = dict(qs.filter(status=SessionStatus.CLOSED).values_list("outcome").annotate(n=Count("pk"))
                      .values_list("outcome", "n"))
    return {"status": [(label, by_status.get(value, 0)) for value, label in SessionStatus.choices],
            "outcome": [(label, by_outcome.get(value, 0)) for value, label in Outcome.choices]}


# --- FAQ ---------------------------------------------------------------------------------------------------------

def guide_faqs(item) -> QuerySet:
    """The published entries of the item's current version (the guide page)."""
    return FaqEntry.objects.filter(version_id=item.current_version_id, status=FaqStatus.PUBLISHED).order_by("pk")


def _search(qs: QuerySet, q: str) -> QuerySet:
    """Every word must be found: in the question or the answer (or a synonym's meaning, as the guide search reads
    the zone's 近义词 list), or in the pinyin and initials of the question, the item's name and keywords."""
    terms = guide_search_terms(q)
    if not terms:
        return qs
    conditions = []
    for term in terms:
        alternatives = [Q(question__icontains=a) | Q(answer__icontains=a) | Q(item__name__icontains=a)
                        for a in term.alternatives]
        alternatives += [Q(search_text__contains=a) for a in term.latin]
        conditions.append(reduce(or_, alternatives))
    return qs.filter(reduce(and_, conditions))


def public_faqs(*, q: str = "", item: str = "") -> QuerySet:
    """Published entries of items' current versions, searchable; public."""
    from django.db.models import F

    qs = FaqEntry.objects.filter(status=FaqStatus.PUBLISHED, item__status="published",
                                 version_id=F("item__current_version_id")).select_related("item")
    if item:
        qs = qs.filter(item__implementation_code=item)
    return _search(qs, q).order_by("item__implementation_code", "pk")


def managed_faqs(*, user, q: str = "", status: str = "") -> QuerySet:
    """The entries of the items' current versions (by status), or with status "history" those of earlier versions
    (a new version carries the published ones over as copies)."""
    from django.db.models import F

    qs = perms.faqs_managed_by(user).select_related("item", "version", "source_session", "created_by",
                                                    "carried_from__version")
    current = Q(version_id=F("item__current_version_id"))
    qs = qs.exclude(current) if status == "history" else qs.filter(current)
    if status in FaqStatus.values:
        qs = qs.filter(status=status)
    return _search(qs, q)
