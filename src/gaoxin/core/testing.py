"""Helpers for the test suite and its tooling. Nothing here imports Django at import time (conftest files load
this module before settings are configured)."""

from __future__ import annotations

import os

_TRUE = {"1", "true", "yes"}


def running_in_ci(environ: dict[str, str] | None = None) -> bool:
    """True when the CI environment variable says so ("1", "true" or "yes", any case).
    `CI=false`, `CI=0` or an empty value is a local run: a set-but-false variable is not CI."""
    value = (os.environ if environ is None else environ).get("CI", "")
    return value.strip().lower() in _TRUE


_TEST_DAY = []


def test_day():
    """The day this test run calls "today": the zone's local date when first asked (a test module's `TODAY`, at
    import). `held_on_test_day` keeps the clock on it, so a run that crosses midnight (16:00 UTC for Asia/Shanghai)
    does not find the services dating things a day after the tests' `TODAY`."""
    if not _TEST_DAY:
        import datetime as dt

        from django.utils import timezone

        # GAOXIN_TEST_DAY=YYYY-MM-DD names an earlier day: a run then behaves as one started before midnight
        # that crossed it (how a midnight failure is reproduced at any hour).
        forced = os.environ.get("GAOXIN_TEST_DAY")
        _TEST_DAY.append(dt.date.fromisoformat(forced) if forced else timezone.localdate())
    return _TEST_DAY[0]


def held_on_test_day():
    """A context manager: nothing while the local date is still `test_day()`; after midnight, the clock moved back
    to noon of that day (ticking) for the duration of the block. Only for code that shares this process' clock: a
    browser (whose HTTP cache dates responses by its own clock) or a worker process would be hours apart from it."""
    import contextlib
    import datetime as dt

    from django.utils import timezone

    day = test_day()
    if timezone.localdate() == day:
        return contextlib.nullcontext()
    import time_machine

    noon = dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())
    return time_machine.travel(noon, tick=True)


def held_at(day, time, *, tick: bool = True):
    """A context manager: the clock at `time` (local) of `day` for the duration of the block, ticking by default.
    For tests whose outcome depends on the hour (a hall's opening hours) and not only on the day."""
    import datetime as dt

    import time_machine
    from django.utils import timezone

    return time_machine.travel(dt.datetime.combine(day, time, tzinfo=timezone.get_current_timezone()), tick=tick)
