"""The guidance timetable (导办时段) of one day: pure arithmetic on times, no models, no request.

`GAOXIN_GUIDANCE_HOURS` is a list of periods "09:00-11:30,14:00-17:00"; each is cut into slots of
`GAOXIN_GUIDANCE_SLOT_MINUTES`; a slot that would run past the period's end is not offered."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")


class HoursError(ValueError):
    """A timetable setting that cannot be read (said at start-up by a system check)."""


@dataclass(frozen=True)
class Slot:
    start: dt.time
    end: dt.time

    @property
    def label(self) -> str:
        return f"{self.start:%H:%M}–{self.end:%H:%M}"

    @property
    def key(self) -> str:
        return f"{self.start:%H%M}"


def parse_hours(text: str) -> list[tuple[dt.time, dt.time]]:
    """"09:00-11:30,14:00-17:00" → [(09:00, 11:30), (14:00, 17:00)]; periods in order, not overlapping."""
    periods = []
    for part in (p for p in (text or "").split(",") if p.strip()):
        match = _PERIOD.match(part)
        if not match:
            raise HoursError(f"导办时间“{part.strip()}”应写作 09:00-11:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
            raise HoursError(f"导办时间“{part.strip()}”不是有效的时刻")
        start, end = dt.time(h1, m1), dt.time(h2, m2)
        if end <= start:
            raise HoursError(f"导办时间“{part.strip()}”的结束应晚于开始")
        if periods and start < periods[-1][1]:
            raise HoursError(f"导办时间“{part.strip()}”与前一时段重叠或顺序颠倒")
        periods.append((start, end))
    if not periods:
        raise HoursError("请至少设置一个导办时段")
    return periods


def day_slots(hours: str, minutes: int) -> list[Slot]:
    """The slots of one working day."""
    if minutes <= 0:
        raise HoursError("每个导办时段的分钟数应大于0")
    slots = []
    step = dt.timedelta(minutes=minutes)
    for start, end in parse_hours(hours):
        at = dt.datetime.combine(dt.date(2000, 1, 1), start)
        stop = dt.datetime.combine(at.date(), end)
        while at + step <= stop:
            slots.append(Slot(at.time(), (at + step).time()))
            at += step
    return slots


def slot_at(hours: str, minutes: int, start: dt.time) -> Slot | None:
    """The timetable's slot starting at `start`, or None (not a slot of the timetable)."""
    return next((s for s in day_slots(hours, minutes) if s.start == start), None)


def overlaps(a_start: dt.datetime, a_end: dt.datetime, b_start: dt.datetime, b_end: dt.datetime) -> bool:
    return a_start < b_end and b_start < a_end
