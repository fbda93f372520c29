"""The leaders' dashboard with 1,000,000 cases in PostgreSQL, beside the same pages with 1,000 cases, in one run:
the time of recomputing the stored figures (full, and over the lookback window), p50/p95 page time and SQL queries
per page for /dashboard/ and a figure's page with the records behind it. Prints figures and whether the target of
issue 18 is met (p95 at the large size within 2× the small one, the same query count).

    python bench/dashboard_bench.py [--large 1000000] [--small 1000] [--repeat 20] [--keep]

Needs the PostgreSQL server on 127.0.0.1:5432 (as on the CI machines); creates and drops its own database
`gaoxin_bench_dash`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
from pg_scratch import scratch_postgres  # noqa: E402  (bench/ is the script's folder)

DB = "gaoxin_bench_dash"



def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    with scratch_postgres(DB, keep=args.keep):
        run(args)


def run(args) -> None:
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gaoxin.accounts.models import User
    from gaoxin.cases.history import generate_history
    from gaoxin.cases.models import Case
    from gaoxin.dashboard import periods as P
    from gaoxin.dashboard.models import FigureDay
    from gaoxin.dashboard.services import figures_refresh
    from gaoxin.demo import build_demo_zone

    call_command("migrate", verbosity=0)
    build_demo_zone(seed=3, enterprises=2000, history=0)
    leader = User.objects.get(username="leader")
    period = P.parse("", today=timezone.localdate())  # the dashboard's default period: the last full month
    token = period.token
    pages = [
        ("dashboard", f"/dashboard/?period={token}"),
        ("figure: on-time rate + records", f"/dashboard/figures/cases.on_time_rate/?period={token}"),
        ("figure: records page 3", f"/dashboard/figures/cases.on_time_rate/?period={token}&page=3"),
    ]

    def refresh(full: bool) -> float:
        t0 = time.perf_counter()
        figures_refresh(full=full)
        return time.perf_counter() - t0

    def measure() -> list[tuple[str, float, float, int]]:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        out = []
        for label, url in pages:
            client = Client()
            client.force_login(leader)
            client.get(url)  # warm
            times, queries = [], 0
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as ctx:
                    t0 = time.perf_counter()
                    response = client.get(url)
                    times.append(time.perf_counter() - t0)
                assert response.status_code == 200, (url, response.status_code)
                queries = len(ctx.captured_queries)
            times.sort()
            out.append((label, statistics.median(times) * 1000, times[int(0.95 * (len(times) - 1))] * 1000, queries))
        return out

    generate_history(n=args.small, seed=1, details=False, open_share=0.02)
    small_full = refresh(full=True)
    small_rows = FigureDay.objects.count()
    closed_in_period = Case.objects.filter(decided_on__gte=period.start, decided_on__lte=period.end)
    small_records = closed_in_period.count()
    small = measure()
    t0 = time.perf_counter()
    generate_history(n=args.large - args.small, seed=2, details=False, open_share=0.02, chunk=50_000,
                     progress=lambda done, total: print(f"  … {done:,}/{total:,} cases", file=sys.stderr, flush=True))
    load = time.perf_counter() - t0
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    large_full = refresh(full=True)
    large_window = refresh(full=False)
    large_rows = FigureDay.objects.count()
    large_records = closed_in_period.count()
    large = measure()
    total = Case.objects.count()

    print(f"cases: {args.small:,} then {total:,} (PostgreSQL; loading took {load:.0f} s); period {token}: "
          f"{small_records:,} then {large_records:,} cases closed; stored figure rows {small_rows:,} then {large_rows:,}")
    print(f"figures_refresh: full {small_full:.1f} s at {args.small:,}; at {total:,} full {large_full:.1f} s, "
          f"lookback window ({settings_lookback()} days) {large_window:.1f} s")
    print(f"{'page':<32} {'p50 ms':>8} {'p95 ms':>8} {'p50 ms':>8} {'p95 ms':>8} {'p95 ×':>6} {'queries':>8}")
    print(f"{'':<32} {'small':>8} {'small':>8} {'large':>8} {'large':>8}")
    met = True
    for (label, p50_s, p95_s, q_s), (_, p50_l, p95_l, q_l) in zip(small, large, strict=True):
        ratio = p95_l / p95_s
        ok = ratio <= 2 and q_s == q_l
        met &= ok
        print(f"{label:<32} {p50_s:>8.1f} {p95_s:>8.1f} {p50_l:>8.1f} {p95_l:>8.1f} {ratio:>6.2f} {q_s:>4}/{q_l:<3}"
              f" {'ok' if ok else 'MISSED'}")
    print(f"target (p95 at {total:,} ≤ 2× p95 at {args.small:,}, same query count): {'met' if met else 'NOT met'}")


def settings_lookback() -> int:
    from django.conf import settings

    return settings.GAOXIN_FIGURES_LOOKBACK_DAYS


if __name__ == "__main__":
    main()
