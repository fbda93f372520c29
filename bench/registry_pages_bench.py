"""Registry pages on a large zone: wall time and SQL queries per request, next to a
baseline request (/healthz) through the same stack, in one run. Prints figures.

    GAOXIN_VAR_DIR=/tmp/big gaoxin seed_demo --enterprises 100000
    GAOXIN_VAR_DIR=/tmp/big python bench/registry_pages_bench.py
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from gaoxin.accounts.models import User  # noqa: E402
from gaoxin.enterprises.models import Enterprise  # noqa: E402


def measure(client: Client, url: str, repeat: int = 5) -> tuple[float, int]:
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times), len(ctx.captured_queries)


def main() -> None:
    n = Enterprise.objects.count()
    client = Client()
    client.force_login(User.objects.get(username="clerk"))
    last_page = (n + 49) // 50
    some = Enterprise.objects.order_by("id")[n // 2]
    urls = [
        "/healthz",
        "/enterprises/",
        f"/enterprises/?page={last_page}",
        "/enterprises/?q=电工",
        f"/enterprises/?q={some.uscc}",
        "/enterprises/?section=C&size_group=ABOVE&qualification=hnte",
        f"/enterprises/{some.pk}/",
        "/api/v1/enterprises/?q=电工",
    ]
    print(f"enterprises in database: {n:,} ({connection.vendor})")
    base, _ = measure(client, urls[0])
    print(f"{'url':<62} {'median ms':>10} {'queries':>8} {'x baseline':>11}")
    for url in urls:
        t, q = measure(client, url)
        print(f"{url:<62} {t * 1000:>10.1f} {q:>8} {t / base:>11.1f}")


if __name__ == "__main__":
    main()
