"""The talent benefit ledger's arithmetic (benefits.md §4 P13, §6.2). Pure: no Django, amounts as exact decimals.

- `iit_subsidy`: 个税奖补 = IIT paid − taxable income × rate, never below 0, capped (P13; rate 15 % by default).
- `instalment_plan`: a total split into yearly instalments, to the fen, the remainder on the last one.
- `clawback_due`: what a person who leaves within the commitment period pays back: everything paid, or (pro rata)
  the paid amount times the share of the commitment not served, counted in whole months.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
WAN = Decimal(10000)


def iit_subsidy(iit_paid: Decimal, taxable_income: Decimal, rate: Decimal, cap: Decimal | None = None) -> Decimal:
    """P13: the part of the IIT paid above `rate` of the taxable income; 0 when there is none; at most `cap`.
    Units are the caller's (万元 in the tests of the spec: taxable 200, IIT 60 → 30)."""
    subsidy = max(Decimal(iit_paid) - Decimal(taxable_income) * Decimal(rate), Decimal(0))
    if cap is not None:
        subsidy = min(subsidy, Decimal(cap))
    return subsidy


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later (29 February becomes 28 February in a common year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Instalment:
    seq: int
    due_on: dt.date
    amount: Decimal


def instalment_plan(total: Decimal, count: int, start: dt.date) -> list[Instalment]:
    """`count` yearly instalments from `start` (the first due at once): equal parts rounded down to the fen, the
    remainder on the last, so the parts always add up to the total."""
    total, count = Decimal(total).quantize(FEN), max(int(count), 1)
    part = (total / count).quantize(FEN, rounding=ROUND_DOWN)
    amounts = [part] * (count - 1) + [total - part * (count - 1)]
    return [Instalment(i + 1, add_years(start, i), amount) for i, amount in enumerate(amounts)]


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (0 when `end` is not after `start`)."""
    months = (end.year - start.year) * 12 + end.month - start.month - (end.day < start.day)
    return max(months, 0)


def clawback_due(paid: Decimal, since: dt.date, left_on: dt.date, years: int, *, prorata: bool = True) -> Decimal:
    """What to recover when a person leaves on `left_on`, having committed to stay `years` from `since`: nothing
    after the commitment (or without one), else everything paid, or pro rata the paid amount × months not served
    ÷ months committed, rounded to the fen."""
    paid = Decimal(paid)
    if years <= 0 or paid <= 0 or left_on >= add_years(since, years):
        return Decimal(0).quantize(FEN)
    if not prorata:
        return paid.quantize(FEN)
    committed = years * 12
    unserved = committed - min(months_between(since, left_on), committed)
    return (paid * unserved / committed).quantize(FEN, rounding=ROUND_HALF_UP)
