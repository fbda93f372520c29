"""Historical cases for the demo zone and the benchmarks: a year of finished cases across
every channel and station, written in bulk as a migration of legacy records would be (the
services are for live work; history is loaded, not replayed). Deterministic for a seed.

With details (the demo), a few percent of the cases went through intake the longer way, as live
cases do: accepted under 容缺 (an owed material supplied later, or never, and the case terminated)
or after a one-time correction notice (一次性告知补正). Those choices come from a random stream of
their own."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import numpy as np
from django.conf import settings
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


# Of the finished cases (details only): accepted under 容缺 where the item allows it, and of those the share
# whose owed material never came (terminated); accepted after a correction notice.
TOLERANCE_SHARE = 0.3  # of the cases of items on the 容缺 list (about a tenth of the catalogue's cases)
TOLERANCE_UNSUPPLIED = 0.08
CORRECTION_SHARE = 0.04
CORRECTIONS = ["申请表缺法定代表人签字，请补签", "请提供住所使用证明原件核验", "股东会决议日期与章程不一致，请更正后提交",
               "身份证复印件不清晰，请重新提供", "委托书未注明委托事项和权限，请补充"]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _workdays_before(cal, day: dt.date, n: int) -> dt.date:
    for _ in range(n):
        day -= dt.timedelta(days=1)
        while not cal.is_workday(day):
            day -= dt.timedelta(days=1)
    return day


def _intake_plan(case_status, item_id: int, accepted: dt.date, owed_by_item: dict, cal, today: dt.date, rng: random.Random) -> dict | None:
    """How a finished case came through intake when not the plain way: {"tolerance": …} or {"correction": …}."""
    if case_status == Status.DELIVERED and owed_by_item.get(item_id) and rng.random() < TOLERANCE_SHARE:
        longest = settings.GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS
        days = min(rng.choice([3, 5, 5, 10]), longest)
        due = cal.add_working_days(accepted, days)
        if cal.add_working_days(due, 1) < today:  # its end is history too
            owed = rng.choice(owed_by_item[item_id])
            if rng.random() < TOLERANCE_UNSUPPLIED:
                return {"tolerance": {"days": days, "due": due, "owed": owed, "supplied": None,
                                      "terminated": cal.add_working_days(due, 1)}}
            return {"tolerance": {"days": days, "due": due, "owed": owed,
                                  "supplied": cal.add_working_days(accepted, rng.randint(1, days))}}
    if case_status in (Status.DELIVERED, Status.DECIDED_REFUSED) and rng.random() < CORRECTION_SHARE:
        received = _workdays_before(cal, accepted, rng.choice([1, 1, 2, 3]))
        if received >= today - dt.timedelta(days=365):
            return {"correction": {"received": received, "note": rng.choice(CORRECTIONS)}}
    return None


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
    # Materials that may be owed under 容缺, by item (only items on the 容缺 list), and every material's name.
    owed_by_item = {it.pk: [m.pk for m in it.current_version.materials.all() if m.necessity == "tolerance"]
                    for it in items if it.current_version.tolerance_allowed}
    material_names = {m.pk: m.name for it in items for m in it.current_version.materials.all()}
    intake = random.Random(f"{seed}:intake")
    plans: dict[str, dict] = {}
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
            decided_on = (min(decided[i], today - dt.timedelta(days=1))
                          if status not in (Status.WITHDRAWN_PRE, Status.IN_REVIEW) else None)
            plan = _intake_plan(status, item.pk, day, owed_by_item, cal, today, intake) if details else None
            tolerance = (plan or {}).get("tolerance")
            received_on = plan["correction"]["received"] if plan and "correction" in plan else day
            if tolerance and tolerance["supplied"] is None:
                status, decided_on = Status.TERMINATED, None
            delivered_on = decided_on
            if tolerance and tolerance["supplied"] and decided_on and tolerance["supplied"] > decided_on:
                # Decided first (办结（容缺通过）); delivered when the owed material came.
                delivered_on = tolerance["supplied"]
            sequence[received_on] += 1
            number = f"GX{received_on:%Y%m%d}{sequence[received_on]:05d}"
            if plan:
                plans[number] = plan
            cases.append(Case(
                number=number, item=item, version=item.current_version,
                department=item.department, officer=officers.get(item.department_id), channel=channel, station=station,
                status=status, applicant_type=ApplicantType.ENTERPRISE, enterprise_id=enterprise_id,
                applicant_name=name, contact_phone=f"139{rng.randrange(10**8):08d}", submitted_by=submitter,
                received_on=received_on, correction_notice_due=cal.add_working_days(received_on, 5),
                accepted_on=day if status != Status.WITHDRAWN_PRE else None, promised_limit=limits[i],
                due_date=due[i] if status != Status.WITHDRAWN_PRE else None, statutory_due=None,
                decided_on=decided_on, delivered_on=delivered_on if status == Status.DELIVERED else None,
                delivery_method=rng.choice(["window", "post", "electronic"]) if status == Status.DELIVERED else "",
                tolerance=bool(tolerance), commitment_signed=bool(tolerance),
                tolerance_supply_days=tolerance["days"] if tolerance else 0,
                tolerance_due=tolerance["due"] if tolerance else None,
            ))
        with transaction.atomic():
            Case.objects.bulk_create(cases, batch_size=5000)
            if details:
                _details(cases, required, rng, clerk, officers, plans, material_names)
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


def _supply_owed(case: Case, tolerance: dict, before: str, after: str, clerk, material_names: dict) -> CaseEvent:
    """The owed material handed in at the window (the case leaves 办结（容缺通过） when it was decided first)."""
    return CaseEvent(case=case, transition="SUPPLY_OWED", from_status=before, to_status=after,
                     at=_at(tolerance["supplied"], 9, 30), actor=clerk, actor_repr=clerk.get_full_name() if clerk else "",
                     note=material_names[tolerance["owed"]], data={"remaining": 0})


def _details(cases: list[Case], required: dict, rng: random.Random, clerk, officers, plans: dict,
             material_names: dict) -> None:
    saved = {c.number: c for c in Case.objects.filter(number__in=[c.number for c in cases])
             .select_related("submitted_by", "department")}
    materials, events, reviews, decisions = [], [], [], []
    clerk_name = clerk.get_full_name() if clerk else ""
    for c in cases:
        case = saved[c.number]
        plan = plans.get(case.number, {})
        tolerance, correction = plan.get("tolerance"), plan.get("correction")
        materials += [CaseMaterial(case=case, material_id=m, original_seen=True, received_on=case.received_on)
                      for m in required[case.item_id]]
        events.append(CaseEvent(case=case, transition="SUBMIT", to_status=Status.RECEIVED, at=_at(case.received_on, 9),
                                actor=case.submitted_by, actor_repr=case.submitted_by.get_full_name() if case.submitted_by else "申请人"))
        if case.status == Status.WITHDRAWN_PRE:
            events.append(CaseEvent(case=case, transition="WITHDRAW_PRE", from_status=Status.RECEIVED, to_status=case.status,
                                    at=_at(case.received_on, 15), actor_repr="申请人", note="申请人主动撤件"))
            continue
        officer = officers.get(case.department_id)
        officer_name = officer.get_full_name() if officer else ""
        if correction:  # told once what to correct on the day of receipt; accepted when it was complete
            events += [
                CaseEvent(case=case, transition="REQUEST_CORRECTION", from_status=Status.RECEIVED,
                          to_status=Status.CORRECTION, at=_at(case.received_on, 11), actor=clerk, actor_repr=clerk_name,
                          note=correction["note"], data={"corrections": correction["note"]}),
                CaseEvent(case=case, transition="COMPLETE_CORRECTION", from_status=Status.CORRECTION,
                          to_status=Status.ACCEPTED, at=_at(case.accepted_on, 10), actor=clerk, actor_repr=clerk_name,
                          data={"accepted_on": case.accepted_on.isoformat(), "due_date": case.due_date.isoformat()}),
            ]
        elif tolerance:
            owed = tolerance["owed"]
            materials.append(CaseMaterial(case=case, material_id=owed, owed=True, original_seen=bool(tolerance["supplied"]),
                                          received_on=tolerance["supplied"], supplied_on=tolerance["supplied"]))
            events.append(CaseEvent(case=case, transition="ACCEPT_TOLERANCE", from_status=Status.RECEIVED,
                                    to_status=Status.ACCEPTED, at=_at(case.accepted_on, 10), actor=clerk,
                                    actor_repr=clerk_name,
                                    data={"owed": [material_names[owed]], "supply_workdays": tolerance["days"],
                                          "tolerance_due": tolerance["due"].isoformat(),
                                          "due_date": case.due_date.isoformat()}))
        else:
            events.append(CaseEvent(case=case, transition="ACCEPT", from_status=Status.RECEIVED, to_status=Status.ACCEPTED,
                                    at=_at(case.accepted_on, 10), actor=clerk, actor_repr=clerk_name))
        events.append(CaseEvent(case=case, transition="START_REVIEW", from_status=Status.ACCEPTED, to_status=Status.IN_REVIEW,
                                at=_at(case.accepted_on, 14), actor=officer, actor_repr=officer_name))
        if case.status == Status.TERMINATED:  # the owed material never came
            events.append(CaseEvent(case=case, transition="TERMINATE_TOLERANCE", from_status=Status.IN_REVIEW,
                                    to_status=case.status, at=_at(tolerance["terminated"], 8), actor_repr="系统",
                                    data={"tolerance_due": tolerance["due"].isoformat()}))
            continue
        approved = case.status == Status.DELIVERED
        decisions.append(decision_for(case, approved=approved, on=case.decided_on, actor=officer,
                                      licence_number=f"湘高新许字〔{case.decided_on.year}〕第{case.number[-9:]}号",
                                      **(APPROVAL if approved else REFUSAL)))
        supplied = tolerance["supplied"] if tolerance else None
        if supplied and supplied <= case.decided_on:
            events.append(_supply_owed(case, tolerance, Status.IN_REVIEW, Status.IN_REVIEW, clerk, material_names))
        decided_ok = Status.DECIDED_OK_TOLERANCE if supplied and supplied > case.decided_on else Status.DECIDED_OK
        events.append(CaseEvent(case=case, transition="APPROVE" if approved else "REFUSE",
                                from_status=Status.IN_REVIEW, to_status=decided_ok if approved else case.status,
                                at=_at(case.decided_on, 11), actor=officer, actor_repr=officer_name,
                                note="" if approved else REFUSAL["reasons"]))
        if supplied and supplied > case.decided_on:
            events.append(_supply_owed(case, tolerance, Status.DECIDED_OK_TOLERANCE, Status.DECIDED_OK, clerk,
                                       material_names))
        if approved:
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
