"""Reads of the shared kernel."""

from __future__ import annotations

import threading

from django.conf import settings
from django.db.models import Count, Max, Sum

from .models import CalendarDay, CalendarYear
from .workdays import WorkCalendar

_lock = threading.Lock()
_cached: tuple[object, WorkCalendar] | None = None


def work_calendar() -> WorkCalendar:
    """The working-day calendar from the database, rebuilt only when it was edited.
    One small query per call tells whether the cached calendar is still current."""
    global _cached
    stamp = CalendarYear.objects.aggregate(r=Sum("revision"), c=Count("year"), n=Max("year"))
    key = (stamp["r"], stamp["c"], stamp["n"], settings.GAOXIN_MAKEUP_DAYS_COUNT)
    with _lock:
        if _cached is not None and _cached[0] == key:
            return _cached[1]
    years = list(CalendarYear.objects.values_list("year", "confirmed"))
    days = CalendarDay.objects.filter(is_workday=True)
    if not settings.GAOXIN_MAKEUP_DAYS_COUNT:
        days = days.exclude(kind="make_up_workday")
    # Unconfirmed years are computed on weekdays only, so only confirmed years' days are loaded.
    confirmed = [y for y, ok in years if ok]
    workdays = list(days.filter(date__year__in=confirmed).values_list("date", flat=True)) if confirmed else []
    all_years = [y for y, _ in years]
    cal = WorkCalendar(
        workdays, confirmed,
        first_year=min(all_years) if all_years else None,
        last_year=(max(all_years) + 5) if all_years else None,
    )
    with _lock:
        _cached = (key, cal)
    return cal


def audit_event_list(*, user, subject_type: str = "", event_type: str = "", q: str = ""):
    from .permissions import audit_events_visible_to

    qs = audit_events_visible_to(user).select_related("actor")
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if event_type:
        qs = qs.filter(event_type__startswith=event_type)
    if q:
        qs = qs.filter(subject_repr__icontains=q)
    return qs
