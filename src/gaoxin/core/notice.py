"""Public notice (公示) windows and the objections they accept, shared by every room that puts a result on public
notice (the evaluation's results, a talent recognition round): a notice lasts a configured number of calendar or
working days counting its first day (a working-day notice starts on the next working day of the calendar); an
objection is accepted on the notice's days only, with one wording for a notice that has ended ("逾期不再受理") and
one that has not begun."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .selectors import work_calendar

CALENDAR = "calendar"
WORKING = "working"
UNITS = ((CALENDAR, "自然日"), (WORKING, "工作日"))


def notice_window(start: dt.date, length: int, unit: str) -> tuple[dt.date, dt.date]:
    """First and last day of a notice of `length` calendar or working days counting the first day."""
    if unit == WORKING:
        cal = work_calendar()
        start = cal.next_workday(start)
        return start, cal.add_working_days(start, max(length - 1, 0))
    return start, start + dt.timedelta(days=max(length - 1, 0))


def notice_open(start: dt.date | None, end: dt.date | None, today: dt.date | None = None) -> bool:
    """Whether objections are accepted today: between the notice's first and last day, both included."""
    today = today or timezone.localdate()
    return start is not None and end is not None and start <= today <= end


def notice_refusal(end: dt.date | None, today: dt.date | None = None, *, what: str = "异议") -> str:
    """Why an objection is refused outside the window, in the words of the notice."""
    today = today or timezone.localdate()
    if end is not None and today > end:
        return f"公示期已于{end:%Y年%m月%d日}结束，逾期不再受理{what}"
    return "公示尚未开始"
