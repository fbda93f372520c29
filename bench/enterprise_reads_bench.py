"""Enterprise API reads under load on the production server (issue 17 items 2–4), in one run:

- N concurrent clients (threads, one keep-alive connection each) against `gaoxin serve` (gunicorn, its production
  defaults) on PostgreSQL: a bare view (/healthz: no database, no session) as the baseline, the case detail API
  and an enterprise's case list API (token of the demo `enterprise` user, who acts for two firms), and the public
  tracking POST (/track/, its per-address throttle raised for the bench): req/s, p50, p99, in rounds (each kind in
  turn, so a worker's replacement after max_requests or a busy moment of the shared machine lands in one round of
  one kind, not in a whole kind): the median round's req/s and the p50/p99 of all rounds;
- sequential p95 of the enterprise's case list and of the applicant-name search (the clerk's API, `?q=` with one
  firm's full name) at the small and the large case count; that firm's cases are written first and the fill never
  uses it, so the search returns the same hits at both counts and only the table around them grows (a fragment
  shared by many firms would compare an empty page with a full one);
- the targets: detail and /track/ at ≥ 25 % of the bare view's throughput with p99 ≤ 100 ms; the enterprise's list
  and the name search within 2× from the small to the large count.

    python bench/enterprise_reads_bench.py [--small 1000] [--large 1000000] [--clients 32] [--seconds 5] [--rounds 3] [--keep]

The zone is the demo's (2,000 firms); its `enterprise` user's two firms get 60 cases each and the user 10 of its
own (no firm), at both sizes; the other cases go to the other firms, written with INSERT … SELECT from
generate_series in chunks (a copy of one demo case with its number, firm, applicant name and dates varied).
Needs the PostgreSQL server on 127.0.0.1:5432; creates and drops its own database `gaoxin_reads_bench`.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
DB = "gaoxin_reads_bench"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
OWN_CASES_PER_FIRM = 60
OWN_PERSONAL_CASES = 10
NEEDLE_CASES = 30  # the searched firm's cases: more than one page (20), the same at both counts


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """One keep-alive connection, its cookies, and the request kinds of the bench."""

    def __init__(self, port: int, token: str | None = None):
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        sent = dict(headers or {})
        if self.token:
            sent["Authorization"] = f"Token {self.token}"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=sent)
                response = self.conn.getresponse()
                data = response.read()
                break
            except (http.client.HTTPException, OSError):  # the server closed the kept-alive connection
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                if attempt:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        if response.getheader("Connection", "").lower() == "close":
            self.conn.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        return response.status, data


def track_client(port: int) -> tuple[Client, str]:
    """A visitor with the CSRF cookie and the form's token, as a browser has after opening /track/."""
    client = Client(port)
    status, page = client.request("GET", "/track/")
    assert status == 200, status
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1).decode()
    return client, token


def load(label: str, make_request, clients: int, seconds: float) -> dict:
    """`clients` threads, each with its own connection, for `seconds`; every answer must be 200."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []
    start = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def run(i: int) -> None:
        send = make_request(i)
        send()  # a warm connection
        start.wait()
        mine = latencies[i]
        while time.perf_counter() < stop_at[0]:
            t0 = time.perf_counter()
            status = send()
            mine.append(time.perf_counter() - t0)
            if status != 200 and len(errors) < 5:
                errors.append(f"{label}: HTTP {status}")

    threads = [threading.Thread(target=run, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    stop_at[0] = time.perf_counter() + 1e9
    start.wait()
    began = time.perf_counter()
    stop_at[0] = began + seconds
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - began
    assert not errors, errors
    every = [x for one in latencies for x in one]
    return {"label": label, "rps": len(every) / elapsed, "latencies": every}


def percentiles(latencies: list[float]) -> dict:
    """p50 and p99 in milliseconds of latencies in seconds."""
    every = sorted(latencies)
    return {"p50": every[len(every) // 2] * 1000, "p99": every[int(0.99 * (len(every) - 1))] * 1000}


def sequential_p95(client: Client, path: str, repeat: int) -> tuple[float, bytes]:
    client.request("GET", path)
    times, body = [], b""
    for _ in range(repeat):
        t0 = time.perf_counter()
        status, body = client.request("GET", path)
        times.append(time.perf_counter() - t0)
        assert status == 200, (path, status, body[:300])
    times.sort()
    return times[int(0.95 * (len(times) - 1))] * 1000, body


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=5, help="seconds of one round of one kind of request")
    parser.add_argument("--rounds", type=int, default=3, help="rounds, each kind once per round in turn")
    parser.add_argument("--repeat", type=int, default=40, help="requests per sequential p95")
    parser.add_argument("--chunk", type=int, default=100_000, help="cases per INSERT … SELECT")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    args = parser.parse_args()

    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", DB], check=True)
    os.environ["DATABASE_URL"] = URL
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")
    os.environ["GAOXIN_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from rest_framework.authtoken.models import Token

    from gaoxin.accounts.models import User
    from gaoxin.cases.models import Case
    from gaoxin.demo import build_demo_zone
    from gaoxin.enterprises.models import Enterprise

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    build_demo_zone(seed=3, enterprises=2000, history=0)
    print(f"demo zone (2,000 firms) in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
    user = User.objects.get(username="enterprise")
    clerk = User.objects.get(username="clerk")
    own_firms = list(user.enterprise_memberships.values_list("enterprise_id", flat=True))
    others = list(Enterprise.objects.exclude(pk__in=own_firms).order_by("pk").values_list("pk", flat=True))
    # The searched firm (the middle one of the others) is kept out of the fill: its hits stay the same.
    needle = Enterprise.objects.get(pk=others.pop(len(others) // 2))
    # Live demo cases of the user's firms stay (they are its list too); the template is a case of another firm.
    template = Case.objects.filter(kind="single", enterprise_id__in=others, item__isnull=False).order_by("pk").first()
    columns = [f.column for f in Case._meta.concrete_fields if f.column != "id"]
    varied = {
        "number": "'GX9' || lpad((%(offset)s + g)::text, 12, '0')",
        "enterprise_id": "f.id",
        "applicant_name": "f.name",
        "received_on": "t.received_on - ((%(offset)s + g) %% 365)",
        "created_at": "t.created_at - ((%(offset)s + g) %% 365) * interval '1 day'",
        "updated_at": "t.updated_at",
        "submitted_by_id": "t.submitted_by_id",
    }
    select = ", ".join(varied.get(c, f"t.{c}") for c in columns)
    with connection.cursor() as cur:
        cur.execute("CREATE TABLE bench_firms (rn int PRIMARY KEY, id bigint, name text)")
        cur.execute("INSERT INTO bench_firms SELECT row_number() OVER (ORDER BY id) - 1, id, name "
                    "FROM enterprises_enterprise WHERE id = ANY(%s)", [others])
        cur.execute("CREATE TABLE bench_own (rn int PRIMARY KEY, id bigint, name text)")
        cur.execute("INSERT INTO bench_own SELECT row_number() OVER (ORDER BY id) - 1, id, name "
                    "FROM enterprises_enterprise WHERE id = ANY(%s)", [own_firms])
        cur.execute("CREATE TABLE bench_needle (rn int PRIMARY KEY, id bigint, name text)")
        cur.execute("INSERT INTO bench_needle SELECT 0, id, name FROM enterprises_enterprise WHERE id = %s",
                    [needle.pk])
    offset = [0]

    def insert(n: int, firms: str, count: int, personal: bool = False) -> None:
        sql = (f"INSERT INTO cases_case ({', '.join(columns)}) SELECT {select} FROM cases_case t, "
               f"generate_series(1, %(n)s) g JOIN {firms} f ON f.rn = g %% %(count)s WHERE t.id = %(template)s")
        if personal:
            sql = sql.replace("f.id", "NULL").replace("f.name", "'个人申请'").replace(
                "t.submitted_by_id", "%(user)s")
        with connection.cursor() as cur:
            cur.execute(sql, {"n": n, "count": count, "template": template.pk, "offset": offset[0], "user": user.pk})
        offset[0] += n

    def fill_to(total: int) -> float:
        began = time.perf_counter()
        while (missing := total - Case.objects.count()) > 0:
            insert(min(missing, args.chunk), "bench_firms", len(others))
            print(f"  … {Case.objects.count():,}/{total:,} cases", file=sys.stderr, flush=True)
        with connection.cursor() as cur:
            cur.execute("VACUUM ANALYZE cases_case")
        return time.perf_counter() - began

    insert(OWN_CASES_PER_FIRM * len(own_firms), "bench_own", len(own_firms))
    insert(OWN_PERSONAL_CASES, "bench_own", len(own_firms), personal=True)
    insert(NEEDLE_CASES, "bench_needle", 1)
    fill_to(args.small)
    own_numbers = list(Case.objects.filter(enterprise_id__in=own_firms).values_list("number", flat=True)[:200])
    own_uscc = dict(Enterprise.objects.filter(pk__in=own_firms).values_list("pk", "uscc"))
    tracked = [(n, own_uscc[e]) for n, e in Case.objects.filter(number__in=own_numbers)
               .values_list("number", "enterprise_id")]
    token = Token.objects.create(user=user).key
    clerk_token = Token.objects.create(user=clerk).key
    fragment = needle.name
    search_path = "/api/v1/cases/?q=" + urllib.parse.quote(fragment)
    connection.close()

    port = free_port()
    var = Path(os.environ.get("TMPDIR", "/tmp")) / f"gaoxin-reads-bench-{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GAOXIN_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "gaoxin.settings", "DATABASE_URL": URL, "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH")])),
        "GAOXIN_VAR_DIR": str(var), "GAOXIN_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
        "GAOXIN_ALLOWED_HOSTS": "127.0.0.1", "GAOXIN_BIND": f"127.0.0.1:{port}", "GAOXIN_LOG_LEVEL": "WARNING",
        "GAOXIN_TRACK_ATTEMPTS": str(10**9),  # the public tracking's per-address throttle, raised for the bench
    })
    log = var.with_suffix(".log")
    with log.open("w") as out:
        server = subprocess.Popen([sys.executable, "-m", "gaoxin.cli", "serve"], env=env, stdout=out,
                                  stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
            time.sleep(0.3)

        def sequential() -> dict:
            mine = Client(port, token)
            p95_list, body = sequential_p95(mine, "/api/v1/cases/", args.repeat)
            count = int(re.search(rb'"count":(\d+)', body).group(1))
            p95_search, body = sequential_p95(Client(port, clerk_token), search_path, args.repeat)
            hits = int(re.search(rb'"count":(\d+)', body).group(1))
            return {"list": p95_list, "list_count": count, "search": p95_search, "hits": hits}

        small = sequential()
        small_total = args.small
        print("loading the large count …", file=sys.stderr, flush=True)
        connection.connect()
        load_seconds = fill_to(args.large)
        large_total = Case.objects.count()
        connection.close()
        large = sequential()

        def bare(i):
            c = Client(port)
            return lambda: c.request("GET", "/healthz")[0]

        def detail(i):
            c = Client(port, token)
            pick = iter(range(i * 7, 10**9))
            return lambda: c.request("GET", f"/api/v1/cases/{own_numbers[next(pick) % len(own_numbers)]}/")[0]

        def listing(i):
            c = Client(port, token)
            return lambda: c.request("GET", "/api/v1/cases/")[0]

        def track(i):
            c, csrf = track_client(port)
            number, identity = tracked[i % len(tracked)]
            body = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "number": number, "identity": identity}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded"}
            return lambda: c.request("POST", "/track/", body=body, headers=headers)[0]

        kinds = (("bare view (/healthz)", bare), ("case detail API", detail), ("/track/ (POST)", track),
                 ("enterprise case list API", listing))
        rounds: dict[str, list[dict]] = {label: [] for label, _ in kinds}
        for _ in range(args.rounds):  # interleaved, so a worker's replacement or a busy moment hits one round
            for label, make in kinds:
                rounds[label].append(load(label, make, args.clients, args.seconds))
        runs = []
        for label, done in rounds.items():
            rates = sorted(r["rps"] for r in done)
            runs.append({"label": label, "rps": statistics.median(rates), "low": rates[0], "high": rates[-1],
                         **percentiles([x for r in done for x in r["latencies"]])})
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()

    boots = log.read_text(errors="replace").count("Booting worker")
    baseline = runs[0]["rps"]
    print(f"\ncases: {small_total:,} then {large_total:,} (PostgreSQL; loading the large count took {load_seconds:.0f} s); "
          f"the enterprise user's list: {small['list_count']} then {large['list_count']} cases; "
          f"name search '{fragment}': {small['hits']:,} then {large['hits']:,} hits")
    print(f"\n{args.clients} clients, {args.rounds} rounds × {args.seconds:.0f} s of each kind in turn, at {large_total:,} cases, "
          f"gaoxin serve (production defaults); req/s: the median round (and the rounds' range), p50/p99 over all rounds")
    print(f"{'request':<28} {'req/s':>8} {'rounds':>12} {'p50 ms':>8} {'p99 ms':>8} {'of bare':>8}   target")
    for r in runs:
        share = r["rps"] / baseline
        target = ""
        if r["label"] in ("case detail API", "/track/ (POST)"):
            ok = share >= 0.25 and r["p99"] <= 100
            target = f"≥ 25 %, p99 ≤ 100 ms: {'met' if ok else 'NOT met'}"
        spread = f"{r['low']:.0f}–{r['high']:.0f}"
        print(f"{r['label']:<28} {r['rps']:>8.0f} {spread:>12} {r['p50']:>8.1f} {r['p99']:>8.1f} {share:>7.0%}   {target}")
    print(f"gunicorn workers booted: {boots} (2 at start; the rest replaced after max_requests, ~10,000 requests each: "
          f"the bare view's runs recycle them most)")
    print(f"\nsequential p95 (ms)           {small_total:>9,} {large_total:>11,}   ratio   target")
    for key, label in (("list", "enterprise case list API"), ("search", "applicant-name search API")):
        ratio = large[key] / small[key]
        print(f"{label:<28} {small[key]:>10.1f} {large[key]:>11.1f} {ratio:>7.1f}×  ≤ 2×: "
              f"{'met' if ratio <= 2 else 'NOT met'}")
    if not args.keep:
        shutil.rmtree(var, ignore_errors=True)
        log.unlink(missing_ok=True)
        subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", DB], check=True)


if __name__ == "__main__":
    main()
