# The preset calendar 2004–2026 from a frozen data file beside this migration (data/calendar_2004_2026.json), not from
# the chinesecalendar package: a migration must write the same rows on every install, whatever version of a package
# or of our own modules is installed later (issue 16 §7). core/tests/test_reference_data.py checks the file against
# the package.

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent / "data" / "calendar_2004_2026.json"


def calendar_days(data: dict):
    """(date, is_workday, kind, name) for every day of the file's years: the listed days as listed, the others
    Monday–Friday working days and weekend rest days."""
    special = {dt.date.fromisoformat(d): (w, k, n) for d, w, k, n in data["days"]}
    day, end = dt.date(data["first_year"], 1, 1), dt.date(data["last_year"], 12, 31)
    while day <= end:
        yield (day, *special.get(day, (day.weekday() < 5, "normal", "")))
        day += dt.timedelta(days=1)


def seed(apps, schema_editor):
    data = json.loads(DATA.read_text(encoding="utf-8"))
    CalendarYear, CalendarDay = apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay")
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, confirmed=True, source_document=data["source"])
         for y in range(data["first_year"], data["last_year"] + 1)], ignore_conflicts=True)
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, is_workday=w, kind=k, name=n, source=data["source"]) for d, w, k, n in calendar_days(data)],
        batch_size=2000, ignore_conflicts=True)


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__lte=2026).delete()
    apps.get_model("core", "CalendarYear").objects.filter(year__lte=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
