"""The newspaper's way of writing a figure: "600余次", "260余个", "提速40%以上", "2.5亿余元". Pure: no Django.

Counts of 100 and more keep `digits` significant digits (default 2, GAOXIN_REPORT_ROUND_DIGITS) rounded down, and say
"余" when something was cut off; smaller counts are written exactly. Shares are rounded down to a multiple of `step`
percent and say "以上" when something was cut off. Amounts in 万元 of 10,000 and more are written in 亿."""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, Decimal


def _floor_significant(value: Decimal, digits: int) -> Decimal:
    if value <= 0:
        return Decimal(0)
    magnitude = value.adjusted()  # exponent of the leading digit
    quantum = Decimal(1).scaleb(magnitude - digits + 1)
    return (value / quantum).to_integral_value(rounding=ROUND_FLOOR) * quantum


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def count_yu(n: int | Decimal, unit: str = "", *, digits: int = 2) -> str:
    """634 → "630余"; 600 → "600"; 2150 → "2100余"; 47 → "47" (with the unit after: "630余次")."""
    value = Decimal(n)
    if value < 100:
        return f"{_plain(value)}{unit}"
    floored = _floor_significant(value, digits)
    return f"{_plain(floored)}{'余' if floored != value else ''}{unit}"


def share_above(percent: float | Decimal, *, step: int = 5) -> str:
    """43.7 → "40%以上"; 95.0 → "95%"; 99.5 → "95%以上" (step 5)."""
    value = Decimal(str(percent))
    floored = Decimal(math.floor(value / step) * step)
    return f"{_plain(floored)}%{'以上' if floored != value else ''}"


def amount_wan(wan: Decimal | float, *, digits: int = 2) -> str:
    """Amount in 万元: 25310 → "2.5亿余元"; 3120 → "3100余万元"; 86.5 → "86.5万元"."""
    value = Decimal(str(wan))
    if value >= 10000:
        yi = value / 10000
        floored = _floor_significant(yi, digits)
        return f"{_plain(floored)}亿{'余' if floored != yi else ''}元"
    if value >= 100:
        return count_yu(value, "万元", digits=digits)
    return f"{_plain(value.quantize(Decimal('0.01')))}万元"
