"""The demo zone's 人才服务保障: two apartment buildings with 20 units, leases (one about to expire, one ended), an
allocation queue with an offer waiting to be signed, the leader paired with talents (contacts, one overdue, one
problem turned into a talent-flagged appeal) and a few talent service appeals. Uses the registry's talents; when the
talent room's demo has not made enough, adds its own with valid ID numbers (get_or_create, so both coexist)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from gaoxin.core.validators import id_check_char
from gaoxin.talent.models import Education, Recognition, Talent, TalentTier, TalentTitle

from . import services
from .models import ApplicationEvent, Contact, HousingApplication, Lease, LeaseEvent, Pairing, UnitEvent
from .workflow import APPLICATION_WORKFLOW, LEASE_WORKFLOW

NAMES = ["欧阳明", "谭晓峰", "黎思远", "彭博文", "龙海燕", "贺建新", "蒋文静", "易晨曦", "颜志强", "曾雨桐", "廖一鸣",
         "邓凯", "文秋实", "唐若愚", "毛可欣", "雷振华", "袁梦洁", "聂卫东", "石磊", "汤嘉怡", "罗致远", "胡清扬",
         "阳光辉", "肖雅琴"]
BUILDINGS = [("人才公寓一期（九华）", "湘潭高新区晓塘路9号"), ("人才公寓二期（双马）", "湘潭高新区双马街道芙蓉路88号")]


def _id_number(n: int) -> str:
    body = f"43030219{80 + n % 15:02d}0{1 + n % 9}{10 + n % 18:02d}{700 + n:03d}"
    return body + id_check_char(body)


def _talents(*, rng: random.Random, office, enterprises: list, today: dt.date, need: int) -> list[Talent]:
    """`need` talents with a valid recognition each (the registry's first, then ours)."""
    talents = list(Talent.objects.filter(recognitions__status="valid").distinct().order_by("pk")[:need])
    tiers = list(TalentTier.objects.order_by("rank"))
    title = TalentTitle.objects.order_by("pk").first()
    n = 0
    while len(talents) < need and n < len(NAMES) * 2:
        name = NAMES[n % len(NAMES)]
        talent, _ = Talent.objects.get_or_create(id_number=_id_number(n), defaults={
            "name": name, "phone": f"138{rng.randrange(10**8):08d}", "education": [Education.DOCTOR, Education.MASTER,
                                                                                  Education.BACHELOR][n % 3],
            "employer": enterprises[n % len(enterprises)] if enterprises else None, "work_location": "湘潭高新区",
            "insurance_location": "湘潭高新区", "created_by": office})
        n += 1
        if talent in talents:
            continue
        if title and tiers and not talent.recognitions.filter(status="valid").exists():
            tier = tiers[[0, 1, 2, 2, 3, 3, 4, 4][n % 8] % len(tiers)]
            Recognition.objects.create(talent=talent, title=title, tier=tier, basis="高新区人才认定",
                                       recognised_on=today - dt.timedelta(days=200 + n), created_by=office,
                                       valid_to=today + dt.timedelta(days=900))
        talents.append(talent)
    return talents


def build_demo_talentcare(*, rng: random.Random, office, leader, admin, enterprises: list, today: dt.date) -> dict:
    real = min(today, timezone.localdate())
    talents = _talents(rng=rng, office=office, enterprises=enterprises, today=real, need=24)
    units = []
    for name, address in BUILDINGS:
        building = services.building_create(actor=office, name=name, address=address)
        for i in range(10):
            rooms = [1, 1, 2, 2, 3][i % 5]
            units.append(services.unit_create(
                actor=office, building=building, number=f"{1 + i // 4}{(i % 4) + 1:02d}", rooms=rooms,
                area=Decimal([45, 52, 78, 86, 118][i % 5]), rent=Decimal([1200, 1350, 1900, 2100, 2800][i % 5])))
    # Applications, oldest first: the first 12 are housed, two were offered a flat, the rest wait in the queue.
    applications = []
    for n, talent in enumerate(talents[:20]):
        applied = timezone.make_aware(dt.datetime.combine(real - dt.timedelta(days=400 - 15 * n), dt.time(10)))
        applications.append(services.application_submit(
            actor=office, talent=talent, rooms_wanted=(rooms := [1, 2, 1, 3, 2][n % 5]),
            family_size=min(1 + n % 4, rooms + 1), applied_at=applied))  # at most one more person than rooms
    # The demo talent's own log-in (when the talent demo made one) waits in the queue: its page shows its place.
    own = Talent.objects.filter(user__isnull=False).exclude(pk__in=[t.pk for t in talents[:20]]).order_by("pk").first()
    if own is not None and not own.housing_applications.exists():
        services.application_submit(actor=office, talent=own, rooms_wanted=2, family_size=3,
                                    applied_at=timezone.now() - dt.timedelta(days=20), note="携家属来湘，需两居室")
    free = {rooms: [u for u in units if u.rooms >= rooms] for rooms in (1, 2, 3)}
    used = set()
    for n, application in enumerate(applications[:14]):
        unit = next(u for u in free[application.rooms_wanted] if u.pk not in used)
        used.add(unit.pk)
        APPLICATION_WORKFLOW.apply(application, "OFFER", actor=office, unit=unit, reason="演示：按排序配租")
        if n >= 12:
            continue  # offered, waiting to sign
        application.refresh_from_db()
        start = real - dt.timedelta(days=340 - 20 * n if n < 11 else 16)  # the last moved in two weeks ago
        # Two-year leases ending the day before the anniversary; the fourth is a one-year lease, ending the same way,
        # within the reminder window of the real today (the sweep reminds of it).
        if n == 3:
            end = timezone.localdate() + dt.timedelta(days=12)
            start = _years_after(end + dt.timedelta(days=1), -1)
        else:
            end = _years_after(start, 2) - dt.timedelta(days=1)
        APPLICATION_WORKFLOW.apply(application, "SIGN", actor=office, start_on=start, end_on=end,
                                   deposit=unit.rent)
    # One tenant moved out (not the demo talent's own log-in, which keeps its flat).
    lease = Lease.objects.filter(status="active", talent__user__isnull=True).order_by("pk").first()
    LEASE_WORKFLOW.apply(lease, "EXIT", actor=office, reason="房屋完好，钥匙两把已交回，水电已结清",
                         moved_out_on=real - dt.timedelta(days=5))
    if len(units) > 19:
        services.unit_transition(unit=units[19], name="MAINTAIN", actor=office, reason="卫生间漏水维修")
    _date_housing(real)
    # Leader–talent pairing (结对联系): the higher tiers paired with the leader, a few left uncovered.
    pairings = []
    for n, talent in enumerate(t for t in talents if _rank(t) <= 3):
        if n >= 6:
            break
        # Paired over the months, the first only last month (contacted since), the last long ago and never contacted.
        pairings.append(services.pairing_assign(actor=office, leader=leader, talent=talent,
                                                since=real - dt.timedelta(days=24 if n == 0 else 200)))
    for n, pairing in enumerate(pairings):
        if n == len(pairings) - 1:
            continue  # never contacted: overdue
        for k in range(1 + n % 3):
            services.contact_log(actor=leader, pairing=pairing, contacted_on=real - dt.timedelta(days=10 + 40 * k + 50 * (n == 2)),
                                 way=["visit", "talk", "phone"][k], notes=["到企业实验室走访，了解研发进展", "参加青年人才座谈会",
                                                                          "电话问候，了解生活情况"][k],
                                 problems="孩子明年秋季入学，希望就近安排学位" if n == 0 and k == 0 else "")
    contact = Contact.objects.filter(problems__gt="").order_by("pk").first()
    if contact is not None:
        services.contact_raise_appeal(actor=leader, contact=contact, talent_service="schooling", title="子女就近入学")
    # Talent service appeals (人才服务) filed by the talent office for its talents.
    for n, (kind, title, text) in enumerate([
            ("medical", "就医绿色通道", "父亲需到市中心医院复查，请协助预约专家号"),
            ("spouse_job", "配偶就业", "配偶为中学教师，希望调入高新区学校"),
            ("housing", "购房补贴咨询", "咨询人才购房补贴的申请条件与材料")]):
        services.talent_appeal_file(actor=office, talent=talents[n + 1], talent_service=kind, title=title,
                                    description=text)
    return {"units": len(units), "applications": HousingApplication.objects.count(),
            "leases": Lease.objects.count(), "pairings": Pairing.objects.count()}


def _date_housing(real: dt.date) -> None:
    """The housed talents' records dated as it happened, not all at seeding: offered a week before moving in,
    signed on the first day of the lease, the move-out on its day (the lease, application and unit records)."""
    def at(day: dt.date):
        return timezone.make_aware(dt.datetime.combine(min(day, real), dt.time(10)))

    for lease in Lease.objects.select_related("application"):
        offered = max(lease.start_on - dt.timedelta(days=7), timezone.localtime(lease.application.applied_at).date())
        HousingApplication.objects.filter(pk=lease.application_id).update(offered_on=offered)
        days = {"OFFER": at(offered), "SIGN": at(lease.start_on)}
        if lease.moved_out_on:
            days["EXIT"] = at(lease.moved_out_on)
        for events in (LeaseEvent.objects.filter(lease=lease), ApplicationEvent.objects.filter(application_id=lease.application_id),
                       UnitEvent.objects.filter(unit_id=lease.unit_id)):
            for transition, day in days.items():
                events.filter(transition=transition).update(at=day)


def _rank(talent: Talent) -> int:
    rec = talent.recognitions.filter(status="valid").select_related("tier").order_by("tier__rank").first()
    return rec.tier.rank if rec else 99


def _years_after(day: dt.date, years: int) -> dt.date:
    """The same day `years` years later (or earlier); 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
