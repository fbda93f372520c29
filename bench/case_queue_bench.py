"""The review queue and the case search with 1,000,000 cases in PostgreSQL, beside the same
pages with 1,000 cases, in one run: p95 page time and SQL queries per page. Prints figures.

    python bench/case_queue_bench.py [--large 1000000] [--small 1000] [--keep]

Needs the PostgreSQL server on 127.0.0.1:5432 (as on the CI machines); creates and drops
its own database `gaoxin_bench`.
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

DB = "gaoxin_bench"



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
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from gaoxin.accounts.models import User
    from gaoxin.cases.history import generate_history
    from gaoxin.cases.models import Case
    from gaoxin.demo import build_demo_zone

    call_command("migrate", verbosity=0)
    build_demo_zone(seed=3, enterprises=2000, history=0)

    def measure() -> list[tuple[str, float, int]]:
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        busiest = (Case.objects.values("department_id").order_by().annotate(n=Count("id")).order_by("-n")
                   .first()["department_id"])
        officer = User.objects.filter(role="dept_officer", org_unit_id=busiest).first()
        clerk = User.objects.get(username="clerk")
        sample = Case.objects.filter(enterprise__isnull=False).order_by("id")[Case.objects.count() // 2]
        pages = [
            ("review queue (department officer)", officer, "/cases/queue/review/"),
            ("review queue, page 20", officer, "/cases/queue/review/?page=20"),
            ("search: case number", clerk, f"/cases/?q={sample.number}"),
            ("search: USCC", clerk, f"/cases/?q={sample.enterprise.uscc}"),
            ("search: applicant name", clerk, f"/cases/?q={sample.applicant_name[2:6]}"),
            ("overdue queue", clerk, "/cases/queue/overdue/"),
        ]
        out = []
        for label, user, url in pages:
            client = Client()
            client.force_login(user)
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
            out.append((label, times[int(0.95 * (len(times) - 1))] * 1000, queries, statistics.median(times) * 1000))
        return out

    t0 = time.perf_counter()
    generate_history(n=args.small, seed=1, details=False, open_share=0.02)
    small = measure()
    generate_history(n=args.large - args.small, seed=2, details=False, open_share=0.02, chunk=50_000,
                     progress=lambda done, total: print(f"  … {done:,}/{total:,} cases", file=sys.stderr, flush=True))
    load = time.perf_counter() - t0
    large = measure()
    total = Case.objects.count()
    print(f"cases: {args.small:,} then {total:,} (PostgreSQL; loading took {load:.0f} s)")
    print(f"{'page':<36} {'p95 ms small':>12} {'p95 ms large':>12} {'queries':>8}")
    for (label, p95_small, q_small, _), (_, p95_large, q_large, _) in zip(small, large, strict=True):
        print(f"{label:<36} {p95_small:>12.1f} {p95_large:>12.1f} {q_small:>4}/{q_large:<3}")


if __name__ == "__main__":
    main()
