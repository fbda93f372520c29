"""Reporting periods: a month, quarter, year or custom range, with the period before it and the same period a year
earlier (for 环比 and 同比). Pure: no Django."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

KINDS = {"month": "月", "quarter": "季度", "year": "年", "custom": "自定义"}


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return f"{self.start.year}年{self.start.month}月"
        if self.kind == "quarter":
            return f"{self.start.year}年第{(self.start.month - 1) // 3 + 1}季度"
        if self.kind == "year":
            return f"{self.start.year}年"
        return f"{self.start:%Y-%m-%d} 至 {self.end:%Y-%m-%d}"

    @property
    def token(self) -> str:
        """The period as the dashboard's URL writes it (?period=2026-11, 2026-Q4, 2026, 2026-01-05~2026-02-01)."""
        if self.kind == "month":
            return f"{self.start:%Y-%m}"
        if self.kind == "quarter":
            return f"{self.start.year}-Q{(self.start.month - 1) // 3 + 1}"
        if self.kind == "year":
            return str(self.start.year)
        return f"{self.start:%Y-%m-%d}~{self.end:%Y-%m-%d}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period just before (环比): the previous month, quarter or year; a custom range of the same length."""
        if self.kind == "month":
            return month(*_shift_month(self.start.year, self.start.month, -1))
        if self.kind == "quarter":
            y, m = _shift_month(self.start.year, self.start.month, -3)
            return quarter(y, (m - 1) // 3 + 1)
        if self.kind == "year":
            return year(self.start.year - 1)
        end = self.start - dt.timedelta(days=1)
        return Period("custom", end - dt.timedelta(days=self.days - 1), end)

    def year_before(self) -> Period:
        """The same period a year earlier (同比); 29 February falls back to the 28th."""
        return Period(self.kind, _year_back(self.start), _year_back(self.end))


def _year_back(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


def _shift_month(y: int, m: int, by: int) -> tuple[int, int]:
    index = y * 12 + (m - 1) + by
    return index // 12, index % 12 + 1


def month(y: int, m: int) -> Period:
    return Period("month", dt.date(y, m, 1), dt.date(y, m, calendar.monthrange(y, m)[1]))


def quarter(y: int, q: int) -> Period:
    first = 3 * (q - 1) + 1
    return Period("quarter", dt.date(y, first, 1), dt.date(y, first + 2, calendar.monthrange(y, first + 2)[1]))


def year(y: int) -> Period:
    return Period("year", dt.date(y, 1, 1), dt.date(y, 12, 31))


class PeriodError(ValueError):
    """A period the user typed that does not parse; the message is for the user (Chinese)."""


MAX_CUSTOM_DAYS = 3660


FIRST_YEAR, LAST_YEAR = 2000, 2100  # the working-day calendar's years: a period beyond them has no figures


def parse(token: str, *, today: dt.date) -> Period:
    """Read a period token; an empty token is the last complete month (a month's figures are read after it ends)."""
    period = _parse(token, today=today)
    # The trend, 环比 and 同比 reach a year around it: a year 9999 would make them dates no calendar has.
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise PeriodError(f"统计期间应在 {FIRST_YEAR} 年至 {LAST_YEAR} 年之间")
    return period


def _parse(token: str, *, today: dt.date) -> Period:
    token = (token or "").strip()
    try:
        if not token:
            return month(*_shift_month(today.year, today.month, -1))
        if "~" in token:
            a, b = (dt.date.fromisoformat(part.strip()) for part in token.split("~", 1))
            if b < a:
                raise PeriodError("自定义期间的结束日期不能早于开始日期")
            if (b - a).days >= MAX_CUSTOM_DAYS:
                raise PeriodError("自定义期间不能超过十年")
            return Period("custom", a, b)
        if "-Q" in token.upper():
            y, q = token.upper().split("-Q")
            if not 1 <= int(q) <= 4:
                raise PeriodError("季度应为 1 至 4")
            return quarter(int(y), int(q))
        if "-" in token:
            y, m = token.split("-")
            if not 1 <= int(m) <= 12:
                raise PeriodError("月份应为 1 至 12")
            return month(int(y), int(m))
        return year(int(token))
    except PeriodError:
        raise
    except ValueError as exc:
        raise PeriodError("统计期间格式不正确（例如 2026-11、2026-Q4、2026 或 2026-01-01~2026-03-31）") from exc


def choices(today: dt.date, *, months: int = 13) -> list[Period]:
    """Recent periods for the picker: the last `months` months, the quarters and years they touch."""
    out = [month(*_shift_month(today.year, today.month, -i)) for i in range(months)]
    quarters = dict.fromkeys((p.start.year, (p.start.month - 1) // 3 + 1) for p in out)
    out += [quarter(y, q) for y, q in quarters]
    out += [year(y) for y in dict.fromkeys(p.start.year for p in out)]
    return out
