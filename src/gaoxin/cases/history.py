"""Historical cases for the demo zone and the benchmarks: a year of finished cases across
every channel and station, written in bulk as a migration of legacy records would be (the
services are for live work; history is loaded, not replayed). Deterministic for a seed."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import numpy as np
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, OrgUnit, Role, User
from gaoxin.catalog.models import ItemStatus, ServiceItem
from gaoxin.core.models import DocumentCounter
from gaoxin.core.selectors import work_calendar
from gaoxin.enterprises.models import Enterprise

from .models import (
    ApplicantType,
    Case,
    CaseEvent,
    CaseMaterial,
    Decision,
    Rectification,
    RectificationStatus,
    Review,
    Status,
)
from .workflow import decision_for

CHANNEL_WEIGHTS = {"window": 34, "web": 28, "mobile": 10, "kiosk": 10, "station": 12, "proxy": 6}
LEVELS = [5] * 62 + [4] * 24 + [3] * 9 + [2] * 3 + [1] * 2


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


def generate_history(*, n: int, seed: int = 7, today: dt.date | None = None, details: bool = True,
                     open_share: float = 0.0, chunk: int = 20_000, progress=None) -> int:
    """Write n cases received over the 365 days before `today`, finished except for `open_share`
    of them, which are still under review (received in the last 30 days). details: also the
    materials, timeline, reviews and rectifications (the demo); without: cases only (benchmarks)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    cal = work_calendar()
    items = list(ServiceItem.objects.filter(status=ItemStatus.PUBLISHED).select_related("current_version", "department"))
    if not items:
        return 0
    stations = list(OrgUnit.objects.filter(kind=OrgKind.STATION))
    station_staff = {u.org_unit_id: u for u in User.objects.filter(role=Role.STATION_OFFICER).order_by("id")}
    agent = User.objects.filter(role=Role.AGENT).first()
    clerk = User.objects.filter(role=Role.WINDOW_CLERK).first()
    officers = {u.org_unit_id: u for u in User.objects.filter(role=Role.DEPT_OFFICER).order_by("id")}
    enterprises = list(Enterprise.objects.values_list("id", "name")[:5000])
    channels, weights = list(CHANNEL_WEIGHTS), list(CHANNEL_WEIGHTS.values())
    required = {it.pk: [m.pk for m in it.current_version.materials.all() if m.necessity == "required"] for it in items}
    # Continue each day's numbering where earlier loads (or live cases) left it.
    sequence: dict[dt.date, int] = defaultdict(int, (
        (dt.datetime.strptime(period, "%Y%m%d").date(), last)
        for period, last in DocumentCounter.objects.filter(prefix="GX").values_list("period", "last")))
    written = 0
    for start in range(0, n, chunk):
        size = min(chunk, n - start)
        received = [today - dt.timedelta(days=rng.randrange(1, 366)) for _ in range(size)]
        picked = [rng.choice(items) for _ in range(size)]
        limits = [max(it.current_version.promised_limit, 0) for it in picked]
        # Acceptance on the day of receipt; due dates for the whole chunk in one vectorised call.
        due = cal.add_working_days_many(received, limits).astype(object)
        spent = np.array([rng.choice([0, 0, 1, 1, 2, 3]) if lim else 0 for lim in limits])
        late = np.array([rng.random() < 0.04 for _ in range(size)])
        decided = cal.add_working_days_many(received, np.where(late, np.array(limits) + 2, np.minimum(spent, limits))).astype(object)
        cases = []
        for i in range(size):
            item, day = picked[i], received[i]
            channel = rng.choices(channels, weights)[0]
            if channel not in item.current_version.channels and channel not in ("window", "station", "proxy"):
                channel = "window"
            station = rng.choice(stations) if channel == "station" and stations else None
            submitter = {"station": station_staff.get(station.pk) if station else None, "proxy": agent,
                         "window": clerk}.get(channel)
            enterprise_id, name = rng.choice(enterprises) if enterprises else (None, "王某")
            outcome = rng.random()
            status = (Status.DELIVERED if outcome < 0.95 else Status.DECIDED_REFUSED if outcome < 0.98
                      else Status.WITHDRAWN_PRE)
            if open_share and rng.random() < open_share:
                status = Status.IN_REVIEW
            sequence[day] += 1
            decided_on = (min(decided[i], today - dt.timedelta(days=1))
                          if status not in (Status.WITHDRAWN_PRE, Status.IN_REVIEW) else None)
            cases.append(Case(
                number=f"GX{day:%Y%m%d}{sequence[day]:05d}", item=item, version=item.current_version,
                department=item.department, officer=officers.get(item.department_id), channel=channel, station=station,
                status=status, applicant_type=ApplicantType.ENTERPRISE, enterprise_id=enterprise_id,
                applicant_name=name, contact_phone=f"139{rng.randrange(10**8):08d}", submitted_by=submitter,
                received_on=day, correction_notice_due=cal.add_working_days(day, 5),
                accepted_on=day if status != Status.WITHDRAWN_PRE else None, promised_limit=limits[i],
                due_date=due[i] if status != Status.WITHDRAWN_PRE else None, statutory_due=None,
                decided_on=decided_on, delivered_on=decided_on if status == Status.DELIVERED else None,
                delivery_method=rng.choice(["window", "post", "electronic"]) if status == Status.DELIVERED else "",
            ))
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=5000)
            if details:
                _details(cases, required, rng, clerk, officers)
        written += size
        if progress:
            progress(written, n)
    with transaction.atomic():
        for day, last in sequence.items():
            counter, _ = DocumentCounter.objects.select_for_update().get_or_create(prefix="GX", period=f"{day:%Y%m%d}")
            counter.last = max(counter.last, last)
            counter.save(update_fields=["last"])
    return written


# What the decisions of earlier years state (their 决定书 are printed from these).
APPROVAL = {"opinion": "申请材料齐全、符合法定形式，经审查符合法定条件、标准。",
            "legal_basis": "《中华人民共和国行政许可法》第三十八条第一款"}
REFUSAL = {"opinion": "经审查，申请不符合法定条件、标准。", "legal_basis": "《中华人民共和国行政许可法》第三十八条第二款",
           "reasons": "不符合法定条件"}


def _details(cases: list[Case], required: dict, rng: random.Random, clerk, officers) -> None:
    saved = {c.number: c for c in Case.objects.filter(number__in=[c.number for c in cases])}
    materials, events, reviews, decisions = [], [], [], []
    for c in cases:
        case = saved[c.number]
        materials += [CaseMaterial(case=case, material_id=m, original_seen=True, received_on=case.received_on)
                      for m in required[case.item_id]]
        events.append(CaseEvent(case=case, transition="SUBMIT", to_status=Status.RECEIVED, at=_at(case.received_on, 9),
                                actor=case.submitted_by, actor_repr=case.submitted_by.get_full_name() if case.submitted_by else "申请人"))
        if case.status == Status.WITHDRAWN_PRE:
            events.append(CaseEvent(case=case, transition="WITHDRAW_PRE", from_status=Status.RECEIVED, to_status=case.status,
                                    at=_at(case.received_on, 15), actor_repr="申请人", note="申请人主动撤件"))
            continue
        officer = officers.get(case.department_id)
        approved = case.status == Status.DELIVERED
        decisions.append(decision_for(case, approved=approved, on=case.decided_on, actor=officer,
                                      licence_number=f"湘高新许字〔{case.decided_on.year}〕第{case.number[-9:]}号",
                                      **(APPROVAL if approved else REFUSAL)))
        events += [
            CaseEvent(case=case, transition="ACCEPT", from_status=Status.RECEIVED, to_status=Status.ACCEPTED,
                      at=_at(case.received_on, 10), actor=clerk, actor_repr=clerk.get_full_name() if clerk else ""),
            CaseEvent(case=case, transition="START_REVIEW", from_status=Status.ACCEPTED, to_status=Status.IN_REVIEW,
                      at=_at(case.received_on, 14), actor=officer, actor_repr=officer.get_full_name() if officer else ""),
            CaseEvent(case=case, transition="APPROVE" if case.status == Status.DELIVERED else "REFUSE",
                      from_status=Status.IN_REVIEW, to_status=Status.DECIDED_OK if case.status == Status.DELIVERED else case.status,
                      at=_at(case.decided_on, 11), actor=officer, actor_repr=officer.get_full_name() if officer else "",
                      note="" if case.status == Status.DELIVERED else REFUSAL["reasons"]),
        ]
        if case.status == Status.DELIVERED:
            events.append(CaseEvent(case=case, transition="DELIVER", from_status=Status.DECIDED_OK, to_status=case.status,
                                    at=_at(case.delivered_on, 16), actor=clerk, data={"method": case.delivery_method}))
            if rng.random() < 0.6:
                level = rng.choice(LEVELS)
                reviews.append(Review(case=case, level=level,
                                      comment=rng.choice(["排队时间长", "材料要求没有一次说清", "工作人员态度生硬"]) if level <= 2 else ""))
    CaseMaterial.objects.bulk_create(materials, batch_size=5000)
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    Decision.objects.bulk_create(decisions, batch_size=5000)
    Review.objects.bulk_create(reviews, batch_size=5000)
    cal = work_calendar()
    bad = Review.objects.filter(case__number__in=[c.number for c in cases], level__lte=2).select_related("case")
    Rectification.objects.bulk_create([
        Rectification(review=r, department_id=r.case.department_id,
                      due_date=cal.add_working_days(r.case.delivered_on, 5), status=RectificationStatus.REVISITED,
                      measures="已约谈窗口人员并优化流程", visit_note="电话回访，申请人认可整改", visit_result=3,
                      closed_on=cal.add_working_days(r.case.delivered_on, 3))
        for r in bad
    ])
