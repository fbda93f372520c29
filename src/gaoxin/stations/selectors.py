"""Reads for stations that more than one page or the API share: the training sessions a user may read and a station's
staff training record (sessions and hours per person in a year)."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, DecimalField, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from gaoxin.accounts.models import User

from . import permissions as perms
from .models import TrainingSession


def training_list(*, user, kind: str = "", year: int | None = None, station=None) -> QuerySet[TrainingSession]:
    """The sessions the user may read, newest first, with their organiser and attendee count (one query a page)."""
    qs = perms.trainings_visible_to(user).select_related("organiser").annotate(attendee_count=Count("attendees"))
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(held_on__year=year)
    if station is not None:
        qs = qs.filter(pk__in=TrainingSession.objects.filter(
            Q(organiser=station) | Q(attendees__in=perms.station_staff(station).values("pk"))).values("pk"))
    return qs.order_by("-held_on", "-id")


def training_years(*, user) -> list[int]:
    return sorted({d.year for d in perms.trainings_visible_to(user).dates("held_on", "year")}, reverse=True)


def station_training_record(*, station, year: int) -> list[User]:
    """Each of the station's staff with `sessions` and `hours` attended in the year (zero for who attended none),
    most hours first: one query."""
    in_year = Q(training_sessions__held_on__year=year)
    return list(perms.station_staff(station).select_related("org_unit").annotate(
        sessions=Count("training_sessions", filter=in_year),
        hours=Coalesce(Sum("training_sessions__hours", filter=in_year), Value(Decimal("0")),
                       output_field=DecimalField(max_digits=8, decimal_places=1)),
    ).order_by("-hours", "full_name", "pk"))
