"""Re-matching every published policy after a registry import, on SQLite, as a user feels it: while the re-match
runs, a second connection makes one small write every 20 ms (what a log-in or a form does) and records how long
each waited for the write lock and how many gave up ("database is locked" after the 5 s busy timeout: a 500 for
the user). Baseline in the same run: the single-transaction write the re-match used before (`match_write`, still
the path for one firm's own profile), which read, matched and wrote inside one transaction. Then the batched
`match_rewrite` (per policy, GAOXIN_MATCH_WRITE_BATCH firms a transaction). Both start from no stored matches and
end with the same rows (checked). Prints figures; asserts nothing about time.

    GAOXIN_VAR_DIR=$(mktemp -d) gaoxin migrate && GAOXIN_VAR_DIR=... python bench/policy_rematch_bench.py [N]

Uses its own scratch database (the GAOXIN_VAR_DIR one); N defaults to 20,000 enterprises with the demo's profile
facts (about 35 each) and the 14 policies of benefits.md §4.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import OperationalError, connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from gaoxin.accounts.models import OrgKind, OrgUnit  # noqa: E402
from gaoxin.benefits import services  # noqa: E402
from gaoxin.benefits.demo_data import demo_facts  # noqa: E402
from gaoxin.benefits.models import MatchResult, Policy, PolicyStatus, ProfileFact  # noqa: E402
from gaoxin.benefits.policy_data import PERSON_POLICIES  # noqa: E402
from gaoxin.benefits.policy_data import POLICIES as CATALOGUE  # noqa: E402

POLICIES = [p for p in CATALOGUE if p[0] not in PERSON_POLICIES]  # firms only: P13 reads a person's facts
from gaoxin.core.models import CalendarYear  # noqa: E402
from gaoxin.core.validators import uscc_check_char  # noqa: E402
from gaoxin.enterprises.models import Enterprise  # noqa: E402


def _uscc(i: int) -> str:
    body = f"91430300B{i:08d}"
    return body + uscc_check_char(body)


@transaction.atomic
def build(n: int) -> list[Policy]:
    rng = random.Random(n)
    Enterprise.objects.bulk_create([
        Enterprise(uscc=_uscc(i), name=f"匹配基准{i}号科技有限公司", legal_representative="张三",
                   industry_id=rng.choice(["26", "34", "35", "38", "39", "65"]), size_group=rng.choice(["ABOVE", "BELOW"]))
        for i in range(n)], batch_size=5000)
    firms = list(Enterprise.objects.filter(uscc__in=[_uscc(i) for i in range(n)]).values_list("pk", "size_group"))
    ProfileFact.objects.bulk_create(demo_facts(rng, firms), batch_size=5000)
    unit, _ = OrgUnit.objects.get_or_create(code="bench-issuer", defaults={"name": "基准测试发文部门",
                                                                            "kind": OrgKind.DEPARTMENT})
    return [Policy.objects.create(code=f"b{code.lower()}", title=title, document_number=doc, issuer=unit, level=level,
                                  kind=kind, mode=mode, rule=rule, formula=formula, amount_cap=cap,
                                  effective_from=dt.date(2023, 1, 1), effective_to=to, status=PolicyStatus.PUBLISHED)
            for code, title, doc, _issuer, level, kind, mode, rule, formula, cap, to, _summary in POLICIES]


def probe(stop, ready, results) -> None:
    """Small writes every 20 ms until stopped, in a process of its own as the web server is (a thread would also
    wait for this process's GIL, which Polars holds while it builds a frame)."""
    waits, failed = [], 0
    while not stop.wait(0.02):
        t0 = time.perf_counter()
        try:
            with transaction.atomic():
                CalendarYear.objects.filter(year=2026).update(updated_at=timezone.now())
            waits.append(time.perf_counter() - t0)
        except OperationalError:  # busy timeout passed: the user got a server error
            failed += 1
        ready.set()
    results.put((waits, failed))


def measured(label: str, work) -> dict:
    MatchResult.objects.all().delete()
    context = multiprocessing.get_context("spawn")
    stop, ready, results = context.Event(), context.Event(), context.Queue()
    writer = context.Process(target=probe, args=(stop, ready, results))
    writer.start()
    ready.wait(60)  # the probe writes before the re-match starts
    t0 = time.perf_counter()
    work()
    seconds = time.perf_counter() - t0
    stop.set()
    waits, failed = results.get(timeout=60)
    writer.join()
    waits.sort()
    out = {"label": label, "seconds": seconds, "rows": MatchResult.objects.count(), "writes": len(waits),
           "failed": failed, "longest": waits[-1] if waits else 0.0,
           "p95": waits[int(len(waits) * 0.95)] if waits else 0.0}
    print(f"{label:<48} {seconds:7.1f} s  {out['rows']:>8,} rows   probe: {out['writes']:>5} writes, "
          f"longest wait {out['longest'] * 1000:8.0f} ms, p95 {out['p95'] * 1000:5.0f} ms, {out['failed']} failed")
    return out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    assert connection.vendor == "sqlite", "this benchmark is about SQLite's one writer at a time"
    t0 = time.perf_counter()
    policies = build(n)
    print(f"{n:,} enterprises, {ProfileFact.objects.count():,} profile facts, {len(policies)} policies "
          f"(built in {time.perf_counter() - t0:.0f} s); batch {settings.GAOXIN_MATCH_WRITE_BATCH:,} firms\n")
    before = measured("one transaction (match_write, the old re-match)",
                      lambda: services.match_write(policies=policies))
    after = measured("batched (match_rewrite)", lambda: services.match_rewrite(policies=policies))
    assert before["rows"] == after["rows"], "both paths store the same matches"
    print(f"\nlongest wait of a concurrent write: {before['longest']:.1f} s → {after['longest'] * 1000:.0f} ms; "
          f"writes given up (server errors): {before['failed']} → {after['failed']}")


if __name__ == "__main__":
    main()
