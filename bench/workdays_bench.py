"""Working-day deadlines for many cases at once: the vectorised calendar
(`WorkCalendar.add_working_days_many`, numpy) against the app's own scalar
`WorkCalendar.add_working_days` (one cumulative-count lookup per case, what a page computes
for a single case) called once per case over the same calendar, in one run. Both must give
identical dates (checked). Prints figures.

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

    add = cal.add_working_days
    t0 = time.perf_counter()
    scalar = [add(s, k) for s, k in zip(starts, limits, strict=True)]
    loop = time.perf_counter() - t0

    assert fast.astype(object).tolist() == scalar, "vectorised and scalar results differ"
    print(f"cases: {n:,}")
    print(f"calendar build:                          {build * 1000:8.1f} ms")
    print(f"vectorised add_working_days_many:        {vector * 1000:8.1f} ms")
    print(f"baseline add_working_days once per case: {loop * 1000:8.1f} ms")
    print(f"ratio (baseline / vectorised):           {loop / vector:8.1f} x; identical dates")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
