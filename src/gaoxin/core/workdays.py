"""Working-day arithmetic over an explicit calendar. Pure: no Django, no database.

The calendar is a set of working dates for the *confirmed* years (entered from the State
Council notice) plus plain Monday–Friday for every other year. A result that needed an
unconfirmed year is *provisional* (specs/services.md §13.3).

Rules (services.md §13.4): the start day is not counted; make-up working days (调休)
count as working days. Everything is done with one cumulative count array, so many
dates are computed at once with numpy (`add_working_days_many`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

_EPOCH = dt.date(1970, 1, 1)


def _ordinal(d: dt.date) -> int:
    return (d - _EPOCH).days


@dataclass(frozen=True)
class DueDate:
    date: dt.date
    provisional: bool  # the computation crossed a year whose holidays are not yet confirmed
    is_makeup_workday: bool  # the due date is a weekend working day (调休上班)


class CalendarRangeError(ValueError):
    """The date lies outside the span the calendar covers."""


class WorkCalendar:
    """Immutable working-day calendar.

    `workdays`: every working date of the confirmed years. `confirmed_years`: the years
    those dates describe completely. Years outside them fall back to Monday–Friday
    between `first_year` and `last_year`.
    """

    def __init__(
        self,
        workdays: Iterable[dt.date],
        confirmed_years: Iterable[int],
        *,
        first_year: int | None = None,
        last_year: int | None = None,
    ) -> None:
        self.confirmed_years = frozenset(confirmed_years)
        years = sorted(self.confirmed_years) or [dt.date.today().year]
        self.first_year = first_year or years[0]
        # Leave room for multi-year limits beyond the last confirmed year.
        self.last_year = last_year or max(years[-1], dt.date.today().year) + 5
        self.start = dt.date(self.first_year, 1, 1)
        self.end = dt.date(self.last_year, 12, 31)
        start_ord = _ordinal(self.start)
        n = _ordinal(self.end) - start_ord + 1
        ords = np.arange(start_ord, start_ord + n)
        # 1970-01-01 was a Thursday: weekday() = (ordinal + 3) % 7, Monday = 0.
        is_work = ((ords + 3) % 7) < 5
        years_arr = np.array(
            [dt.date(y, 1, 1) for y in range(self.first_year, self.last_year + 2)],
            dtype="datetime64[D]",
        ).astype(np.int64)
        year_of = self.first_year + np.searchsorted(years_arr, ords, side="right") - 1
        confirmed_mask = np.isin(year_of, list(self.confirmed_years))
        is_work[confirmed_mask] = False
        given = np.fromiter((_ordinal(d) for d in workdays), dtype=np.int64)
        given = given[(given >= start_ord) & (given < start_ord + n)]
        is_work[given - start_ord] = True
        self._start_ord = start_ord
        self._is_work = is_work
        self._weekend = ((ords + 3) % 7) >= 5
        self._cum = np.cumsum(is_work, dtype=np.int64)  # working days up to and including i
        self._unconfirmed_cum = np.cumsum(~confirmed_mask, dtype=np.int64)

    # -- helpers ---------------------------------------------------------------
    def _index(self, d: dt.date) -> int:
        i = _ordinal(d) - self._start_ord
        if i < 0 or i >= len(self._is_work):
            raise CalendarRangeError(f"{d} 不在工作日历范围内（{self.start} 至 {self.end}）")
        return i

    def _indices(self, dates: Sequence[dt.date] | np.ndarray) -> np.ndarray:
        arr = np.asarray(dates, dtype="datetime64[D]").astype(np.int64) - self._start_ord
        if arr.size and (arr.min() < 0 or arr.max() >= len(self._is_work)):
            raise CalendarRangeError(f"日期不在工作日历范围内（{self.start} 至 {self.end}）")
        return arr

    def _date(self, i: int) -> dt.date:
        return self.start + dt.timedelta(days=int(i))

    # -- single dates ----------------------------------------------------------
    def is_workday(self, d: dt.date) -> bool:
        return bool(self._is_work[self._index(d)])

    def is_confirmed(self, d: dt.date) -> bool:
        return d.year in self.confirmed_years

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (start itself not counted). n >= 0;
        n == 0 returns start."""
        if n < 0:
            raise ValueError("工作日数不能为负数")
        i = self._index(start)
        if n == 0:
            return start
        target = self._cum[i] + n
        j = int(np.searchsorted(self._cum, target, side="left"))
        if j >= len(self._cum):
            raise CalendarRangeError(f"期限超出工作日历范围（{self.end}）")
        return self._date(j)

    def next_workday(self, d: dt.date) -> dt.date:
        """d itself when it is a working day, otherwise the next working day."""
        return d if self.is_workday(d) else self.add_working_days(d, 1)

    def working_days_between(self, a: dt.date, b: dt.date) -> int:
        """Working days in (a, b]: a not counted, b counted. Negative when b < a."""
        i, j = self._index(a), self._index(b)
        return int(self._cum[j] - self._cum[i])

    def is_provisional(self, a: dt.date, b: dt.date) -> bool:
        """True when any day in [a, b] lies in an unconfirmed year."""
        i, j = sorted((self._index(a), self._index(b)))
        before = self._unconfirmed_cum[i - 1] if i > 0 else 0
        return bool(self._unconfirmed_cum[j] - before)

    def due_date(self, start: dt.date, n: int, *, rule: str = "next_day") -> DueDate:
        """Deadline for a limit of n working days from acceptance on `start`.

        rule "next_day" (default): count from the day after `start` whatever it is.
        rule "next_workday": acceptance on a non-working day is deemed to happen on the
        next working day (services.md §13.4, §17.2)."""
        if rule not in ("next_day", "next_workday"):
            raise ValueError(f"unknown acceptance rule {rule!r}")
        base = self.next_workday(start) if rule == "next_workday" else start
        due = self.add_working_days(base, n)
        return DueDate(
            date=due,
            provisional=self.is_provisional(start, due),
            is_makeup_workday=bool(self._weekend[self._index(due)] and self._is_work[self._index(due)]),
        )

    # -- many dates at once ----------------------------------------------------
    def add_working_days_many(self, starts: Sequence[dt.date] | np.ndarray, n: int | Sequence[int] | np.ndarray) -> np.ndarray:
        """Vectorised `add_working_days`: returns numpy datetime64[D] dates."""
        idx = self._indices(starts)
        steps = np.broadcast_to(np.asarray(n, dtype=np.int64), idx.shape)
        if (steps < 0).any():
            raise ValueError("工作日数不能为负数")
        target = self._cum[idx] + steps
        j = np.searchsorted(self._cum, target, side="left")
        j = np.where(steps == 0, idx, j)
        if j.size and j.max() >= len(self._cum):
            raise CalendarRangeError(f"期限超出工作日历范围（{self.end}）")
        return (j + self._start_ord).astype("datetime64[D]")

    def working_days_between_many(self, a: Sequence[dt.date] | np.ndarray, b: Sequence[dt.date] | np.ndarray) -> np.ndarray:
        return self._cum[self._indices(b)] - self._cum[self._indices(a)]
