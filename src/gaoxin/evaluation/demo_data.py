"""Demo evaluation history: three released cycles (the three data years before last) and last
year's cycle waiting at enterprise confirmation. Cycle transitions, department uploads, events,
scoring and the open dispute go through the same services as the pages (so the audit log reads like
a real zone's); only the demo firms' confirmations are marked in bulk."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from gaoxin.accounts.models import OrgUnit, Role, User

from . import collection, objections, scoring, services
from .adjustments import adjustment_set
from .models import Cycle, CycleStatus, CycleValue, Participant

S = CycleStatus
D2 = Decimal("0.01")


class _Firm:
    """A firm's economics, drifting year over year so the zone's per-mu figures rise."""

    def __init__(self, rng: random.Random):
        self.sales = rng.uniform(800, 90000)
        self.tax_rate = rng.uniform(0.02, 0.08)
        self.energy = rng.uniform(0.02, 0.2)      # tce per 万元 of sales
        self.rd = rng.uniform(0.0, 0.06)
        self.va = rng.uniform(0.18, 0.35)
        self.staff = rng.uniform(0.004, 0.02)     # employees per 万元 of sales
        self.cod = rng.uniform(0.01, 0.3)         # kg per 万元
        self.growth = rng.uniform(0.0, 0.14)

    def year(self, rng: random.Random, k: int) -> dict[str, Decimal]:
        sales = self.sales * (1 + self.growth) ** k * rng.uniform(0.9, 1.1)
        return {
            "sales_wan": Decimal(sales).quantize(D2),
            "tax_wan": Decimal(sales * self.tax_rate * rng.uniform(0.85, 1.15)).quantize(D2),
            "value_added_wan": Decimal(sales * self.va).quantize(D2),
            "energy_tce": Decimal(sales * self.energy * (0.97 ** k)).quantize(D2),
            "rd_wan": Decimal(sales * self.rd).quantize(D2),
            "avg_employees": Decimal(max(5, round(sales * self.staff))),
            "cod_kg": Decimal(sales * self.cod).quantize(D2),
            "nh3n_kg": Decimal(sales * self.cod / 10).quantize(D2),
            "so2_kg": Decimal(sales * self.cod / 2).quantize(D2),
            "nox_kg": Decimal(sales * self.cod / 2).quantize(D2),
        }


def _supply(cycle: Cycle, actor, firms: dict[int, _Firm], rng: random.Random, k: int) -> None:
    """Each department uploads its own fields for every participating firm."""
    rows = {p.pk: (p.enterprise_id, p.group) for p in cycle.participants.filter(participating=True)}
    figures = {pid: firms.setdefault(eid, _Firm(rng)).year(rng, k) for pid, (eid, _g) in rows.items()}
    needed = {group: set(collection.needed_fields(cycle, group)) for group in {g for _e, g in rows.values()}}
    for unit, code, fields in collection.supplying_units(cycle):
        if unit is None or code == "natural-resources":  # land comes from the registry's parcels
            continue
        values = {(pid, f): figures[pid][f] for pid in figures for f in fields
                  if f in figures[pid] and f in needed[rows[pid][1]]}
        collection.department_import(actor=actor, cycle=cycle, unit=unit, values=values,
                                     source_name=f"{unit.short_name or unit.name}{cycle.data_year}年数据.xlsx")


def _recorder(rule_id: str, bureau):
    """The officer of the department that records the rule (its evidence source), else the bureau."""
    code = settings.GAOXIN_EVALUATION_ADJUSTMENT_OWNERS.get(rule_id)
    return User.objects.filter(role=Role.DEPT_OFFICER, org_unit__code=code, is_active=True).order_by("pk").first() \
        or bureau


def _penalties(cycle: Cycle, actor, rng: random.Random) -> None:
    """A few environmental penalties (and, one year, a serious accident) recorded with evidence by the
    departments that own them."""
    firms = list(cycle.participants.filter(participating=True, group="ABOVE").order_by("pk"))
    for n, p in enumerate(rng.sample(firms, min(3, len(firms)))):
        adjustment_set(actor=_recorder("ENV_PENALTY", actor), participant=p, rule_id="ENV_PENALTY", count=1 + n % 2,
                       evidence=f"湘潭环罚〔{cycle.data_year}〕{rng.randrange(10, 90)}号")
    if cycle.data_year % 2 and firms:
        adjustment_set(actor=_recorder("MAJOR_SAFETY", actor), participant=rng.choice(firms), rule_id="MAJOR_SAFETY", count=1,
                       evidence=f"湘潭应急〔{cycle.data_year}〕{rng.randrange(1, 9)}号事故调查报告")


def _score(cycle: Cycle, actor, note: str = "") -> None:
    from gaoxin.core.services import job_finish

    run = scoring.score_compute(scoring.score_start(actor=actor, cycle=cycle, note=note))
    job_finish(run.job, ok=True, message="测算完成（演示数据）", result={"run": run.pk})


def _released_cycle(year: int, actor, firms: dict[int, _Firm], rng: random.Random, k: int, doc: int,
                    applied: bool) -> Cycle:
    cycle = services.cycle_create(actor=actor, data_year=year, name=f"{year}年度工业企业亩产效益综合评价")
    services.participants_populate(actor=actor, cycle=cycle)
    for name in ("CONFIRM_SCOPE", "START_COLLECTION"):
        cycle = services.cycle_transition(actor=actor, cycle=cycle, name=name)
    _supply(cycle, actor, firms, rng, k)
    _penalties(cycle, actor, rng)
    for name in ("START_REVIEW", "REQUEST_CONFIRMATION"):
        cycle = services.cycle_transition(actor=actor, cycle=cycle, name=name)
    Participant.objects.filter(cycle=cycle, participating=True).update(record_status="CONFIRMED")
    _score(cycle, actor)
    cycle = services.cycle_transition(actor=actor, cycle=Cycle.objects.get(pk=cycle.pk), name="APPROVE",
                                      doc_no=f"湘高新管函〔{year + 1}〕{doc}号")
    cycle = services.cycle_transition(actor=actor, cycle=cycle, name="PUBLISH_NOTICE")
    start = dt.date(year + 1, 6, 20)
    Cycle.objects.filter(pk=cycle.pk).update(notice_start=start, notice_end=start + dt.timedelta(days=4))
    cycle = services.cycle_transition(actor=actor, cycle=Cycle.objects.get(pk=cycle.pk), name="RESOLVE_OBJECTIONS")
    cycle = services.cycle_transition(actor=actor, cycle=cycle, name="RELEASE",
                                      doc_no=f"湘高新管发〔{year + 1}〕{doc + 10}号")
    if applied:
        cycle = services.cycle_transition(actor=actor, cycle=cycle, name="APPLY_POLICY")
    return cycle


@transaction.atomic
def build_demo_evaluation(*, seed: int, today: dt.date, admin, enterprise_user) -> dict:
    rng = random.Random(seed * 7 + 6)
    firms: dict[int, _Firm] = {}
    last = today.year - 1
    released = [_released_cycle(year, admin, firms, rng, k, doc=3 + k, applied=year < last - 1)
                for k, year in enumerate(range(last - 3, last))]
    cycle = services.cycle_create(actor=admin, data_year=last, name=f"{last}年度工业企业亩产效益综合评价")
    services.participants_populate(actor=admin, cycle=cycle)
    for name in ("CONFIRM_SCOPE", "START_COLLECTION"):
        cycle = services.cycle_transition(actor=admin, cycle=cycle, name=name)
    _supply(cycle, admin, firms, rng, 3)
    _penalties(cycle, admin, rng)
    # Some firms reported their own figures; a few differ from the tax bureau's by more than the threshold.
    tax_rows = list(CycleValue.objects.filter(participant__cycle=cycle, field__in=("tax_wan", "sales_wan"))
                    .order_by("participant_id", "field")[:80])
    for row in tax_rows:
        row.reported = (row.verified * Decimal(rng.choice(["1", "1", "1.02", "0.85", "1.2"]))).quantize(D2)
    CycleValue.objects.bulk_update(tax_rows, ["reported"])
    for name in ("START_REVIEW", "REQUEST_CONFIRMATION"):
        cycle = services.cycle_transition(actor=admin, cycle=cycle, name=name)
    participants = list(cycle.participants.filter(participating=True).order_by("pk"))
    Participant.objects.filter(pk__in=[p.pk for p in participants[: len(participants) * 2 // 3]]).update(
        record_status="CONFIRMED")
    mine = cycle.participants.filter(participating=True, enterprise__in=enterprise_user.enterprise_memberships.values(
        "enterprise")).first()
    disputed = 0
    if mine is not None:
        Participant.objects.filter(pk=mine.pk).update(record_status="REVIEWED")
        mine.refresh_from_db()
        value = CycleValue.objects.get(participant=mine, field="sales_wan").value
        objections.objection_file(actor=enterprise_user, participant=mine, field="sales_wan",
                                  claimed=str((value * Decimal("1.08")).quantize(D2)),
                                  reason="税务数据未包含12月开票的出口销售收入，附增值税申报表。",
                                  evidence=ContentFile(b"%PDF-1.4 demo evidence", name="增值税申报表.pdf"))
        disputed = 1
    return {"released_cycles": len(released), "current_cycle": cycle.pk, "open_disputes": disputed,
            "units": OrgUnit.objects.count()}
