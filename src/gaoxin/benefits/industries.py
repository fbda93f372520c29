"""Whether a firm's industry is on the zone's list of restricted and prohibited industries (国家限制和禁止行业,
benefits.md §4 P5, P6). Pure: no Django.

The list holds GB/T 4754 codes of any depth (a 2-digit division, a 3-digit group, a 4-digit class); an entry
covers every code that starts with it. A firm whose code is missing is UNKNOWN; so is a firm known only to a coarser
level than an entry inside it (a division 30 firm when the list names class 3011: it may or may not be a 3011)."""

from __future__ import annotations

from collections.abc import Iterable


def restricted_flag(code: str | None, entries: Iterable[str]) -> bool | None:
    """True when an entry covers the code, False when none can, None (UNKNOWN) when it cannot be told."""
    code = (code or "").strip()
    if not code:
        return None
    unknown = False
    for entry in entries:
        if code.startswith(entry):
            return True
        if entry.startswith(code):
            unknown = True  # the entry is finer than what the registry knows of the firm
    return None if unknown else False
