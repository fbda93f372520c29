"""The preset calendar 2004–2026: the frozen data file the migration reads (migrations/data/calendar_2004_2026.json,
issue 16 §7), and the chinesecalendar package it was frozen from, kept for the cross-check
(core/tests/test_reference_data.py; services.md §13.3)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

SOURCE = "国务院办公厅历年节假日安排通知（系统预置）"
FROZEN = Path(__file__).resolve().parent / "migrations" / "data" / "calendar_2004_2026.json"


def frozen_days():
    """(date, is_workday, kind, name) for every day of the frozen file's years (what migration 0002 writes)."""
    data = json.loads(FROZEN.read_text(encoding="utf-8"))
    special = {dt.date.fromisoformat(d): (w, k, n) for d, w, k, n in data["days"]}
    day, end = dt.date(data["first_year"], 1, 1), dt.date(data["last_year"], 12, 31)
    while day <= end:
        yield (day, *special.get(day, (day.weekday() < 5, "normal", "")))
        day += dt.timedelta(days=1)


def package_days(first_year: int = 2004, last_year: int = 2026):
    """Yield (date, is_workday, kind, name) for every day of the covered years."""
    import chinese_calendar as cc

    names = {h.value: h.chinese for h in cc.Holiday}
    day = dt.date(first_year, 1, 1)
    end = dt.date(last_year, 12, 31)
    while day <= end:
        work = cc.is_workday(day)
        weekend = day.weekday() >= 5
        _, name = cc.get_holiday_detail(day)
        cn = names.get(name, "") if name else ""
        if work and weekend:
            kind = "make_up_workday"
        elif not work and cc.is_in_lieu(day):
            kind = "in_lieu"
        elif not work and name:
            kind = "holiday"
        else:
            kind, cn = "normal", ""
        yield day, work, kind, cn
        day += dt.timedelta(days=1)


def seed_calendar(CalendarYear, CalendarDay, first_year: int = 2004, last_year: int = 2026) -> None:
    """Insert the frozen years as confirmed; existing rows are left as edited.
    Takes the model classes so migrations can pass their historical models."""
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, confirmed=True, source_document=SOURCE) for y in range(first_year, last_year + 1)],
        ignore_conflicts=True,
    )
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=w, kind=k, name=n, source=SOURCE) for d, w, k, n in frozen_days()
         if first_year <= d.year <= last_year],
        batch_size=2000,
        ignore_conflicts=True,
    )
