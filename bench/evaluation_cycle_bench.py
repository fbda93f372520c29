"""The evaluation cycle at zone scale (issue 17 item 5): a scoring run (database → engine → stored results), the
released list with utility accounts, and the pages (results first, filtered and last page, objections first and
last page, public notice, report card, cycle dashboard), at a small participant count (the baseline) and a large
one, on SQLite and on PostgreSQL, in one run. Prints figures side by side; asserts nothing about time.

    python bench/evaluation_cycle_bench.py [N] [--small 1000] [--db sqlite,postgres] [--keep]

N defaults to 100,000 participants. Every database is a scratch one of its own: SQLite in a temporary
GAOXIN_VAR_DIR, PostgreSQL (the server on 127.0.0.1:5432, user postgres, as on the CI machines) a database
`gaoxin_cycle_bench` created and dropped by the bench. Each database runs in a child process of this script.
The last page is the one the first page's “末页” link opens; a page's time is the median of three views.
On PostgreSQL the scoring run is printed beside its floor: the same result rows, already as COPY text in memory,
written into a table with no index, constraint or foreign key and committed (`write_floor`).
With GAOXIN_BENCH_PROFILE=<folder> (and pyinstrument installed) the large size's steps are profiled into it.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
PG_DB = "gaoxin_cycle_bench"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_DB}"
OBJECTIONS_EVERY = 20  # one objection per 20 participants

# (key, heading, unit) of every figure, in the order printed
FIGURES = [
    ("build", "build data", "s"), ("score", "scoring run", "s"),
    ("write_floor", "  floor: its rows to a bare table", "s"), ("export", "released list export", "s"),
    ("results", "results, first page", "ms"), ("tier_d", "results, tier D + group", "ms"),
    ("last", "results, last page (末页)", "ms"), ("objections", "objections, first page", "ms"),
    ("objections_last", "objections, last page", "ms"), ("notice", "public notice", "ms"),
    ("card", "report card", "ms"), ("dashboard", "cycle dashboard", "ms"),
]


def _pg(*args: str, check: bool = True) -> None:
    subprocess.run([*args, "-h", "127.0.0.1", "-U", "postgres", PG_DB], check=check,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# --- the child: one database --------------------------------------------------------------------

def child(db: str, small: int, big: int, keep: bool) -> None:
    var = tempfile.mkdtemp(prefix="gaoxin-cycle-bench-")
    os.environ["GAOXIN_VAR_DIR"] = var
    os.environ["GAOXIN_LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    if db == "postgres":
        _pg("dropdb", "--if-exists")
        _pg("createdb")
        os.environ["DATABASE_URL"] = PG_URL
    else:
        os.environ.pop("DATABASE_URL", None)
    try:
        import django

        django.setup()
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        out = {n: measure_size(n, offset, profile=n == big) for n, offset in ((small, 10_000_000), (big, 20_000_000))}
        print("RESULT " + json.dumps({"db": db, "sizes": out}), flush=True)
    finally:
        from django.db import connections

        connections.close_all()
        if db == "postgres" and not keep:
            _pg("dropdb", "--if-exists", check=False)
        shutil.rmtree(var, ignore_errors=True)


def _uscc(i: int) -> str:
    from gaoxin.core.validators import uscc_check_char

    body = f"91430300M{i:08d}"
    return body + uscc_check_char(body)


def build(n: int, offset: int, admin):
    from django.conf import settings
    from django.db import transaction

    from gaoxin.enterprises.models import Enterprise, LandParcel
    from gaoxin.evaluation.models import Cycle, CycleStatus, CycleValue, Objection, Participant

    rng = random.Random(n)
    with transaction.atomic():
        Enterprise.objects.bulk_create([
            Enterprise(uscc=_uscc(offset + i), name=f"基准测试{offset + i}号制造有限公司", legal_representative="张三",
                       industry_id=rng.choice(["26", "34", "35", "38", "39"]), size_group=rng.choice(["ABOVE", "BELOW"]),
                       power_account=f"0732{offset + i:08d}")
            for i in range(n)], batch_size=5000)
        first, last = f"91430300M{offset:08d}", f"91430300M{offset + n - 1:08d}~"  # every bench USCC between
        firms = list(Enterprise.objects.filter(uscc__range=(first, last)).values_list("pk", flat=True))
        LandParcel.objects.bulk_create([LandParcel(enterprise_id=pk, kind="own", area_m2=Decimal(rng.randrange(3000, 90000)))
                                        for pk in firms], batch_size=5000)
        cycle = Cycle.objects.create(data_year=2000, name=f"基准 {n}", created_by=admin,
                                     status=CycleStatus.ENTERPRISE_CONFIRM)
        Participant.objects.bulk_create([Participant(cycle=cycle, enterprise_id=pk, group=g) for pk, g in
                                         Enterprise.objects.filter(uscc__range=(first, last)).values_list("pk", "size_group")],
                                        batch_size=5000)
        values, objections = [], []
        owner = settings.GAOXIN_EVALUATION_FIELD_OWNERS.get("tax_wan", "")
        for i, pid in enumerate(cycle.participants.values_list("pk", flat=True)):
            sales = rng.uniform(500, 90000)
            tax = Decimal(f"{sales * rng.uniform(0.01, 0.08):.2f}")
            values += [CycleValue(participant_id=pid, field="sales_wan", verified=Decimal(f"{sales:.2f}")),
                       CycleValue(participant_id=pid, field="tax_wan", verified=tax),
                       CycleValue(participant_id=pid, field="energy_tce", verified=Decimal(f"{sales * 0.05:.2f}"))]
            if i % OBJECTIONS_EVERY == 0:
                objections.append(Objection(cycle=cycle, participant_id=pid, stage="VERIFY", field="tax_wan",
                                            owner_code=owner, current=tax, claimed=tax + 1, reason="税收数据有误",
                                            evidence="evaluation/evidence/bench.pdf", status="REJECTED",
                                            decision_reason="核实无误", created_by=admin))
        CycleValue.objects.bulk_create(values, batch_size=5000)
        Objection.objects.bulk_create(objections, batch_size=5000)
    return cycle


def _analyze() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE")


PROFILE = os.environ.get("GAOXIN_BENCH_PROFILE")  # a folder: pyinstrument profiles of the large size there


def timed(fn, name: str = ""):
    profiler = None
    if PROFILE and name:
        from pyinstrument import Profiler  # not a dependency of the project: pip install pyinstrument to profile

        profiler = Profiler(interval=0.002)
        profiler.start()
    t0 = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - t0
    if profiler is not None:
        profiler.stop()
        Path(PROFILE).mkdir(parents=True, exist_ok=True)
        from django.db import connection

        Path(PROFILE, f"{connection.vendor}-{name}.txt").write_text(profiler.output_text(unicode=True, show_all=False))
    return seconds, out


def page(client, url, repeat=3, name: str = "") -> tuple[float, int, str]:
    """Median milliseconds of `repeat` views (after one warm-up view), the queries of the last, and its HTML."""
    import statistics

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    if PROFILE and name:
        timed(lambda: client.get(url), name)
    times = []
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            response = client.get(url)
            times.append(time.perf_counter() - t0)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times) * 1000, len(ctx.captured_queries), response.content.decode()


def write_floor(run) -> float:
    """Seconds to write the run's result rows, as COPY text already in memory, into a table of the same columns
    with no index, constraint or foreign key, and commit: what PostgreSQL needs for these bytes alone on this
    machine, the floor under the scoring run's write (which also keeps the indexes the pages read by and checks
    every row's run and participant)."""
    import io

    from django.db import connection, transaction

    from gaoxin.evaluation.models import ScoreResult

    table = connection.ops.quote_name(ScoreResult._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in ScoreResult._meta.concrete_fields if f.name != "id")
    data = io.BytesIO()
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY (SELECT {columns} FROM {table} WHERE run_id = %s) TO STDOUT", (run.pk,)) as out:
            for chunk in out:
                data.write(chunk)
        cursor.execute(f"CREATE TABLE bench_floor AS SELECT {columns} FROM {table} WITH NO DATA")
    try:
        t0 = time.perf_counter()
        with transaction.atomic(), connection.cursor() as cursor:
            with cursor.cursor.copy(f"COPY bench_floor ({columns}) FROM STDIN") as copy:
                copy.write(data.getvalue())
        return time.perf_counter() - t0
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE bench_floor")


def last_link(base: str, text: str) -> str:
    """The href of the page's “末页” link (whatever the paginator puts in it)."""
    found = re.search(r'href="([^"]*)"[^>]*>末页<', text)
    return base + html.unescape(found.group(1)) if found else base


def measure_size(n: int, offset: int, profile: bool = False) -> dict:
    from django.db import connection
    from django.test import Client

    from gaoxin.accounts.models import Role, User
    from gaoxin.evaluation import scoring
    from gaoxin.evaluation.models import Cycle, CycleStatus
    from gaoxin.evaluation.policies import write_release_list
    from gaoxin.evaluation.tests.helpers import walk

    S = CycleStatus
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_user(
        username="bench-admin", password="Bench-pass-123", role=Role.ZONE_ADMIN)
    client = Client()
    client.force_login(admin)
    out: dict[str, float | int] = {}
    out["build"], cycle = timed(lambda: build(n, offset, admin))
    if connection.vendor == "postgresql":
        _analyze()  # as autovacuum would after a bulk load
    tag = (lambda name: name) if profile else (lambda name: "")
    out["score"], run = timed(lambda: scoring.score_compute(scoring.score_start(actor=admin, cycle=cycle)), tag("score"))
    if connection.vendor == "postgresql":
        out["write_floor"] = write_floor(run)
    cycle = walk(Cycle.objects.get(pk=cycle.pk), admin, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE,
                 S.OBJECTION_RESOLUTION, S.RELEASED)
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        out["export"], _ = timed(lambda: write_release_list(tmp.name, cycle.releases.get()), tag("export"))
    if connection.vendor == "postgresql":
        _analyze()
    base = f"/evaluation/{cycle.pk}"
    pid = cycle.participants.order_by("pk").values_list("pk", flat=True)[n // 2]
    first_results = page(client, f"{base}/results/", name=tag("results"))
    first_objections = page(client, f"{base}/objections/", name=tag("objections"))
    urls = {
        "results": first_results, "tier_d": f"{base}/results/?tier=D&group=ABOVE",
        "last": last_link(f"{base}/results/", first_results[2]),
        "objections": first_objections, "objections_last": last_link(f"{base}/objections/", first_objections[2]),
        "notice": f"{base}/notice/", "card": f"{base}/card/{pid}/", "dashboard": f"{base}/",
    }
    for key, url in urls.items():
        ms, queries, _ = url if isinstance(url, tuple) else page(client, url, name=tag(key))
        out[key], out[f"{key}_q"] = ms, queries
    return out


# --- the parent: every database, side by side ------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", nargs="?", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--db", default="sqlite,postgres", help="comma-separated: sqlite, postgres")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL database")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.small, args.n, args.keep)
        return
    results = []
    for db in args.db.split(","):
        print(f"… {db}: {args.small:,} and {args.n:,} participants", file=sys.stderr, flush=True)
        done = subprocess.run([sys.executable, __file__, str(args.n), "--small", str(args.small), "--child", db,
                               *(["--keep"] if args.keep else [])], capture_output=True, text=True)
        line = next((x for x in done.stdout.splitlines() if x.startswith("RESULT ")), None)
        if done.returncode or line is None:
            sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:] + f"\n{db}: the bench failed\n")
            continue
        results.append(json.loads(line.removeprefix("RESULT ")))
    small, big = f"{args.small:,}", f"{args.n:,}"
    header = f"{'':<30}" + "".join(f"{r['db'] + ' ' + small:>18}{r['db'] + ' ' + big:>20}" for r in results)
    print(header)
    for key, label, unit in FIGURES:
        cells = ""
        for r in results:
            for size, width in ((str(args.small), 18), (str(args.n), 20)):
                got = r["sizes"][size]
                if key not in got:
                    cells += f"{'—':>{width}}"
                    continue
                value = f"{got[key]:.2f} s" if unit == "s" else f"{got[key]:.0f} ms"
                if f"{key}_q" in got:
                    value += f" ({got[f'{key}_q']} q)"
                cells += f"{value:>{width}}"
        print(f"{label:<30}{cells}")


if __name__ == "__main__":
    main()
