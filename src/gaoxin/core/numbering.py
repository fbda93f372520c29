"""Document numbers: one locked counter per prefix and period (CONVENTIONS: no `count() + 1`).

`next_number("SQ", on=date)` gives "SQ2026113000001", "SQ2026113000002", … for that day; two transactions
asking at once queue on the counter's row lock and get distinct numbers. The counter row is created with
INSERT … ON CONFLICT DO NOTHING, so the first two submissions of a day do not race on creating it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from .models import DocumentCounter


def next_sequence(prefix: str, period: str) -> int:
    """The next number of a counter. Call inside the transaction that uses it: a rolled-back submission
    gives its number back."""
    with transaction.atomic():
        DocumentCounter.objects.bulk_create([DocumentCounter(prefix=prefix, period=period)], ignore_conflicts=True)
        counter = DocumentCounter.objects.select_for_update().get(prefix=prefix, period=period)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last


def next_number(prefix: str, *, on: dt.date | None = None, width: int = 5, yearly: bool = False) -> str:
    """prefix + YYYYMMDD (or YYYY) + a zero-padded sequence, e.g. "GX2026113000001"."""
    on = on or timezone.localdate()
    period = f"{on:%Y}" if yearly else f"{on:%Y%m%d}"
    return f"{prefix}{period}{next_sequence(prefix, period):0{width}d}"
