"""The evaluation cycle at zone scale: a scoring run (database → engine → stored results), the
released list with utility accounts, and the result pages, at a small and a large participant
count in one run (the small one is the baseline). Prints figures; asserts nothing about time.

    GAOXIN_VAR_DIR=$(mktemp -d) gaoxin migrate && GAOXIN_VAR_DIR=... python bench/evaluation_cycle_bench.py [N]

Uses its own scratch database (the GAOXIN_VAR_DIR one); N defaults to 100,000 participants.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gaoxin.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from registry_pages_bench import measure  # noqa: E402  (bench/ is the script's folder)

from gaoxin.accounts.models import Role, User  # noqa: E402
from gaoxin.core.validators import uscc_check_char  # noqa: E402
from gaoxin.enterprises.models import Enterprise, LandParcel  # noqa: E402
from gaoxin.evaluation import scoring  # noqa: E402
from gaoxin.evaluation.models import Cycle, CycleStatus, CycleValue, Participant  # noqa: E402
from gaoxin.evaluation.policies import write_release_list  # noqa: E402
from gaoxin.evaluation.tests.helpers import walk  # noqa: E402

S = CycleStatus


def _uscc(i: int) -> str:
    body = f"91430300M{i:08d}"
    return body + uscc_check_char(body)


@transaction.atomic
def build(n: int, offset: int, admin) -> Cycle:
    rng = random.Random(n)
    Enterprise.objects.bulk_create([
        Enterprise(uscc=_uscc(offset + i), name=f"基准测试{offset + i}号制造有限公司", legal_representative="张三",
                   industry_id=rng.choice(["26", "34", "35", "38", "39"]), size_group=rng.choice(["ABOVE", "BELOW"]),
                   power_account=f"0732{offset + i:08d}")
        for i in range(n)], batch_size=5000)
    firms = list(Enterprise.objects.filter(uscc__in=[_uscc(offset + i) for i in range(n)]).values_list("pk", flat=True))
    LandParcel.objects.bulk_create([LandParcel(enterprise_id=pk, kind="own", area_m2=Decimal(rng.randrange(3000, 90000)))
                                    for pk in firms], batch_size=5000)
    cycle = Cycle.objects.create(data_year=2000 + offset // 1000 % 100, name=f"基准 {n}", created_by=admin,
                                 status=S.ENTERPRISE_CONFIRM)
    Participant.objects.bulk_create([Participant(cycle=cycle, enterprise_id=pk, group=g)
                                     for pk, g in Enterprise.objects.filter(pk__in=firms).values_list("pk", "size_group")],
                                    batch_size=5000)
    values = []
    for pid in cycle.participants.values_list("pk", flat=True):
        sales = rng.uniform(500, 90000)
        values += [CycleValue(participant_id=pid, field="sales_wan", verified=Decimal(f"{sales:.2f}")),
                   CycleValue(participant_id=pid, field="tax_wan", verified=Decimal(f"{sales * rng.uniform(0.01, 0.08):.2f}")),
                   CycleValue(participant_id=pid, field="energy_tce", verified=Decimal(f"{sales * 0.05:.2f}"))]
    CycleValue.objects.bulk_create(values, batch_size=5000)
    return cycle


def timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def page(client, url, repeat=3):
    seconds, queries = measure(client, url, repeat)
    return seconds * 1000, queries


def main() -> None:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    admin = User.objects.filter(username="bench-admin").first() or User.objects.create_user(
        username="bench-admin", password="Bench-pass-123", role=Role.ZONE_ADMIN)
    client = Client()
    client.force_login(admin)
    print(f"database: {connection.vendor}")
    print(f"{'participants':>12} {'build s':>8} {'score s':>8} {'list s':>7} {'results ms':>11} {'q':>3} "
          f"{'tier D ms':>10} {'q':>3} {'deep page ms':>13} {'q':>3} {'notice ms':>10} {'card ms':>8} {'detail ms':>10}")
    for n, offset in ((1_000, 10_000_000), (big, 20_000_000)):
        built, cycle = timed(lambda n=n, offset=offset: build(n, offset, admin))
        scored, run = timed(lambda cycle=cycle: scoring.score_compute(scoring.score_start(actor=admin, cycle=cycle)))
        cycle = walk(Cycle.objects.get(pk=cycle.pk), admin, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE,
                     S.OBJECTION_RESOLUTION, S.RELEASED)
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            listed, _ = timed(lambda cycle=cycle, tmp=tmp: write_release_list(tmp.name, cycle.releases.get()))
        base = f"/evaluation/{cycle.pk}"
        results = page(client, f"{base}/results/")
        tier_d = page(client, f"{base}/results/?tier=D&group=ABOVE")
        deep = page(client, f"{base}/results/?page={max(n // 50 - 1, 1)}")
        notice = page(client, f"{base}/notice/")
        card = page(client, f"{base}/card/{cycle.participants.order_by('pk').values_list('pk', flat=True)[n // 2]}/")
        detail = page(client, f"{base}/")
        print(f"{n:>12,} {built:>8.1f} {scored:>8.2f} {listed:>7.2f} {results[0]:>11.0f} {results[1]:>3} "
              f"{tier_d[0]:>10.0f} {tier_d[1]:>3} {deep[0]:>13.0f} {deep[1]:>3} {notice[0]:>10.0f} {card[0]:>8.0f} "
              f"{detail[0]:>10.0f}")


if __name__ == "__main__":
    main()
