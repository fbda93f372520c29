"""Working-day deadlines for many cases at once: the vectorised calendar against a
day-by-day Python loop over the same calendar, in one run. Prints figures; no assertions.

    python bench/workdays_bench.py [N]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from gaoxin.core.calendar_seed import package_days  # noqa: E402
from gaoxin.core.workdays import WorkCalendar  # noqa: E402


def naive_add(workdays: set[dt.date], start: dt.date, n: int) -> dt.date:
    day = start
    while n:
        day += dt.timedelta(days=1)
        if day in workdays:
            n -= 1
    return day


def main(n: int = 100_000) -> None:
    workdays = {d for d, work, _, _ in package_days(2015, 2026) if work}
    t0 = time.perf_counter()
    cal = WorkCalendar(workdays, range(2015, 2027), first_year=2015, last_year=2031)
    build = time.perf_counter() - t0

    rng = random.Random(1)
    starts = [dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3650)) for _ in range(n)]
    limits = [rng.choice([1, 3, 5, 10, 15, 20, 30, 60]) for _ in range(n)]

    t0 = time.perf_counter()
    fast = cal.add_working_days_many(starts, limits)
    vector = time.perf_counter() - t0

    t0 = time.perf_counter()
    slow = [naive_add(workdays, s, k) for s, k in zip(starts, limits, strict=True)]
    loop = time.perf_counter() - t0

    assert [d.astype(object) for d in fast] == slow, "vectorised and loop results differ"
    print(f"cases: {n:,}")
    print(f"calendar build:           {build * 1000:8.1f} ms")
    print(f"vectorised (numpy):       {vector * 1000:8.1f} ms")
    print(f"baseline day-by-day loop: {loop * 1000:8.1f} ms")
    print(f"speed-up:                 {loop / vector:8.1f} x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
