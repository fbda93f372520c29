"""The demo zone's talent room: schools, job demands of many firms (the demo enterprise's own among them), two
matchmaking events with check-ins and intents, hires at every stage (one waiting for the demo firm to confirm),
school agreements (one about to expire, one dormant). Written through the services where a person would act, dated
over the months before `today`."""

from __future__ import annotations

import datetime as dt
import random

from django.urls import reverse
from django.utils import timezone

from gaoxin.core.models import Notification
from gaoxin.core.numbering import next_number
from gaoxin.core.validators import id_check_char

from .models import Hire, HireEvent, HireStatus, JobDemand, MatchEvent, School, SchoolAgreement
from .services import (
    agreement_create,
    agreement_log,
    demand_create,
    event_create,
    event_register,
    hire_record,
    intent_record,
)
from .workflow import HIRE_WORKFLOW, refill

SCHOOLS = [("湘潭大学", "university"), ("湖南科技大学", "university"), ("湖南工程学院", "university"),
           ("湘潭医卫职业技术学院", "vocational"), ("湖南电气职业技术学院", "vocational"), ("湘潭技师学院", "technical")]
POSTS = [("数控车工", "skilled", 5500, 8000), ("电工", "skilled", 5000, 7500), ("装配工", "general", 4200, 5500),
         ("质检员", "college", 4500, 6000), ("焊工", "senior", 6500, 9500), ("机械设计工程师", "bachelor", 8000, 14000),
         ("电气工程师", "bachelor", 8500, 15000), ("研发工程师", "master", 12000, 22000), ("叉车司机", "general", 4500, 6000)]
SURNAMES = "王李张刘陈杨黄赵周吴徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英"


def _id_number(rng: random.Random) -> str:
    born = dt.date(1985, 1, 1) + dt.timedelta(days=rng.randrange(0, 5000))
    body = f"430302{born:%Y%m%d}{rng.randrange(100, 999)}"
    return body + id_check_char(body)


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice([1, 2])))


def build_demo_talent(*, rng: random.Random, enterprises: list, office, station_officer, enterprise_user,
                      admin, today: dt.date) -> dict:
    real = min(today, timezone.localdate())
    schools = [School.objects.create(name=n, kind=k, contact=_person(rng), phone=f"0731-58{rng.randrange(10**5, 10**6)}")
               for n, k in SCHOOLS]
    own = list(enterprise_user.enterprises.all())
    demands = []
    for i, firm in enumerate(own + enterprises[:40]):
        post, level, low, high = POSTS[i % len(POSTS)]
        actor = enterprise_user if firm in own else (station_officer if i % 3 else office)
        demands.append(demand_create(actor=actor, enterprise=firm, post=post, quantity=rng.choice([2, 3, 5, 8, 10, 20]),
                                     skill_level=level, pay_min=low, pay_max=high, location="湘潭高新区",
                                     urgency="urgent" if i % 5 == 0 else "normal",
                                     description="五险一金，包食宿，倒班" if level == "general" else ""))
    # Spread the postings over the last months (history is dated; the services date them today).
    # The first twelve are offered at the fair 75 days ago, so they were posted before it; the rest since.
    posted_on = {demand.pk: real - dt.timedelta(days=80 + 3 * n if n < 12 else 3 + 4 * (n - 12))
                 for n, demand in enumerate(demands)}
    for demand in demands:
        # Numbered on the day it was posted (YG + that date), as the service numbers a demand posted that day; the
        # notices already sent about it follow it to its new number.
        demand.created_at = timezone.make_aware(dt.datetime.combine(posted_on[demand.pk], dt.time(9)))
        old_url = reverse("talent_demand", args=[demand.number])
        demand.number = next_number("YG", on=posted_on[demand.pk])
        JobDemand.objects.filter(pk=demand.pk).update(created_at=demand.created_at, number=demand.number)
        Notification.objects.filter(url=old_url).update(url=reverse("talent_demand", args=[demand.number]))
    fair = event_create(actor=office, title=f"{(real - dt.timedelta(days=75)).year}年“千企百校”校企对接会", kind="thousand", organiser=office.org_unit,
                        held_on=real - dt.timedelta(days=75), place="高新区人力资源市场",
                        programme="09:00 开幕式\n09:30 企业岗位推介\n10:30 校企洽谈、现场签约\n12:00 结束")
    upcoming = event_create(actor=office, title="政校企交流促进会", kind="gov_school", organiser=office.org_unit,
                            held_on=real + dt.timedelta(days=10), place="高新区管委会三楼会议室",
                            programme="14:30 政策解读\n15:00 院校专业介绍\n15:30 订单班合作洽谈")
    for event in (fair, upcoming):
        for demand in demands[:12]:
            event_register(event=event, actor=office, enterprise=demand.enterprise, demands=[demand])
        for school in schools[:4]:
            event_register(event=event, actor=office, school=school)
    from .models import CheckIn

    CheckIn.objects.bulk_create([CheckIn(event=fair, name=_person(rng), phone=f"139{rng.randrange(10**8):08d}",
                                         school=rng.choice(schools).name, major=rng.choice(["机电一体化", "数控技术", "电气自动化", "护理"]))
                                 for _ in range(60)])
    from django.core.files.base import ContentFile

    with_resume = CheckIn.objects.filter(event=fair).order_by("pk").first()
    if with_resume is not None:  # one job seeker left a résumé at the door
        with_resume.resume.save("简历.pdf", ContentFile(PDF), save=True)
    for demand in demands[:8]:
        intent_record(event=fair, actor=office, enterprise=demand.enterprise, person=_person(rng), demand=demand)
    hires = []
    for n, demand in enumerate(demands[:24]):
        for _ in range(min(demand.quantity, 1 + n % 3)):
            # Hired after the demand was posted (and the fair's hires on the fair's day or later).
            earliest = max(posted_on[demand.pk], fair.held_on) if n < 8 else posted_on[demand.pk]
            hired_on = earliest + dt.timedelta(days=rng.randrange(1, max(2, (real - earliest).days)))
            hire = hire_record(actor=station_officer if n % 2 else office, demand=demand, name=_person(rng),
                               id_number=_id_number(rng), hired_on=hired_on, event=fair if n < 8 else None)
            hires.append(hire)
    firm_user = {f.pk: enterprise_user for f in own}
    for n, hire in enumerate(hires):
        demand = hire.demand
        if demand.enterprise_id in firm_user and n == 0:
            continue  # waits for the demo enterprise to confirm
        HIRE_WORKFLOW.apply(hire, "CONFIRM", actor=admin)
        hire.refresh_from_db()
        if hire.short_check_due <= real and n % 4:
            HIRE_WORKFLOW.apply(hire, "RETAIN", actor=admin)
            hire.refresh_from_db()
            if hire.long_check_due <= real and n % 3:
                HIRE_WORKFLOW.apply(hire, "RETAIN", actor=admin)
        elif n % 7 == 0:
            HIRE_WORKFLOW.apply(hire, "LEAVE", actor=admin, left_on=min(hire.hired_on + dt.timedelta(days=20), real))
    # Confirmed on the day after hiring, as a firm would, not all today; each hire's record dated as it happened:
    # the confirmation that day, each retention check on the day it fell due, a departure on its date.
    for hire in Hire.objects.exclude(status=HireStatus.RECORDED):
        confirmed = hire.hired_on + dt.timedelta(days=1)
        Hire.objects.filter(pk=hire.pk).update(confirmed_on=confirmed)
        on = {"CONFIRM": [confirmed], "RETAIN": [hire.short_check_due, hire.long_check_due],
              "LEAVE": [hire.left_on or real]}
        for event in HireEvent.objects.filter(hire=hire).order_by("pk"):
            day = on[event.transition].pop(0) if on.get(event.transition) else real
            HireEvent.objects.filter(pk=event.pk).update(at=timezone.make_aware(dt.datetime.combine(
                min(day, real), dt.time(10))))
    for demand in JobDemand.objects.all():
        refill(demand)
    agreements = []
    for n, school in enumerate(schools):
        firm = (own + enterprises)[n]
        signed = real - dt.timedelta(days=300 + 60 * n)
        agreements.append(agreement_create(
            actor=office, school=school, enterprise=firm, kind=["order_class", "internship", "training", "upskill",
                                                               "postgrad", "order_class"][n],
            title=f"{school.name}—{firm.name}{['订单班', '实习基地', '员工培训', '技能提升', '研究生工作站', '订单班'][n]}合作协议",
            signed_on=signed, expires_on=real + dt.timedelta(days=[20, 200, 400, 90, 600, 150][n]),
            places=[40, 30, 100, 60, 5, 45][n]))
    for n, agreement in enumerate(agreements):
        if n != 3:  # the fourth stays dormant: no activity since signing
            agreement_log(agreement=agreement, actor=office, held_on=real - dt.timedelta(days=20 + 15 * n),
                          note=["订单班开班", "实习生进厂", "岗前培训", "", "联合课题开题", "企业导师授课"][n], people=12 + n)
    # The day's sweep, as the scheduled run would have done it: the retention checks due are asked of the firms, the
    # agreement about to expire is announced, and none that is past its date still reads 履行中.
    from .services import sweep

    sweep(today=real)
    return {"demands": len(demands), "hires": len(hires), "events": MatchEvent.objects.count(),
            "agreements": SchoolAgreement.objects.count()}


def _date_round(round, now: dt.date) -> None:
    """The demo round's records dated as it happened, not all at seeding: applications over its first weeks, each
    formally checked two days after it came in, applications closed early twelve days ago (before the published
    deadline, as its reason says), scored and concluded in the days after, the notice published today."""
    from .models import ApplicationEvent, ReviewScore, RoundEvent

    def at(day: dt.date, hour: int = 10):
        return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))

    closed = now - dt.timedelta(days=12)
    for n, application in enumerate(round.applications.order_by("pk")):
        submitted = round.opens_on + dt.timedelta(days=2 + 2 * n)
        type(application).objects.filter(pk=application.pk).update(submitted_at=at(submitted, 9))
        ApplicationEvent.objects.filter(application=application, transition__in=["PASS_CHECK", "REJECT"]).update(
            at=at(submitted + dt.timedelta(days=2)))
        ReviewScore.objects.filter(application=application).update(scored_at=at(closed + dt.timedelta(days=3 + n % 4)))
        ApplicationEvent.objects.filter(application=application, transition="CONCLUDE").update(
            at=at(now - dt.timedelta(days=2)))
    RoundEvent.objects.filter(round=round, transition="CLOSE").update(at=at(closed, 17))


# --- the talent registry and recognition rounds -------------------------------------------------------------------

PRO_TITLES = ["高级工程师", "正高级工程师", "工程师", "研究员", "副研究员", "高级经济师", "主任医师", ""]
GRADES = ["", "", "grade3", "grade2", "grade1"]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _registry_id(k: int) -> str:
    """Deterministic and distinct (a birth date per person, sequence 3xx), never a random clash."""
    born = dt.date(1970, 1, 1) + dt.timedelta(days=97 * k)
    body = f"430304{born:%Y%m%d}{300 + k % 600:03d}"
    return body + id_check_char(body)


def build_demo_registry(*, rng: random.Random, enterprises: list, office, enterprise_user, talent_user, reviewers,
                        today: dt.date) -> dict:
    """110 talents of the demo registry's firms (three of the demo enterprise's), recognitions across the tier table
    and titles (some expired, one revoked), evidence for a few; the demo talent's own log-in bound by the ID number;
    one round in its public notice with an objection waiting for the office and one round open for applications.
    Through the services where a person would act."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from . import services
    from .models import Recognition, RecognitionStatus, Talent, TalentTier, TalentTitle

    real = min(today, timezone.localdate())
    tiers = list(TalentTier.objects.order_by("rank"))
    titles = list(TalentTitle.objects.order_by("name"))
    own = list(enterprise_user.enterprises.all())
    employers = own + enterprises[:60]
    talents = []
    for k in range(110):
        employer = own[k % len(own)] if k < 3 and own else employers[k % len(employers)]
        education = ["doctor", "master", "master", "bachelor", "bachelor", "college"][k % 6]
        talents.append(services.talent_create(
            actor=office, id_number=_registry_id(k), name="欧阳博文" if k == 0 else _person(rng), education=education,
            phone=f"136{rng.randrange(10**8):08d}", professional_title=PRO_TITLES[k % len(PRO_TITLES)],
            skill_grade=GRADES[k % len(GRADES)] if education in ("college", "bachelor") else "", employer=employer,
            work_location="湘潭高新区", insurance_location="湘潭高新区" if k % 9 else "长沙市岳麓区",
            residence=rng.choice(["湘潭市岳塘区", "湘潭市雨湖区", "长沙市", "株洲市"])))
    # Recognitions: most talents hold one (tiers weighted towards D and E), a few two titles, some lapsed.
    weights = [1, 3, 8, 18, 25]
    for k, talent in enumerate(talents):
        if k % 10 == 9:
            continue  # registered, not (yet) recognised
        tier = rng.choices(tiers, weights=weights[:len(tiers)])[0]
        if k == 0:  # the demo talent: 车城人才, C 类
            tier = next((t for t in tiers if t.code == "C"), tier)
        title = titles[k % len(titles)]
        if title.name == "领军人才" and tier.rank > tiers[min(2, len(tiers) - 1)].rank:
            tier = tiers[min(2, len(tiers) - 1)]  # 领军人才 are recognised at A–C only, as its rounds offer
        lapsed = k % 13 == 5
        on = real - dt.timedelta(days=(1300 if lapsed else rng.randrange(30, 900)))
        if k % 19 == 7 and not lapsed:  # a few recognised in the last weeks: the month's figures are not empty
            on = real - dt.timedelta(days=3 + 7 * (k // 19))
        valid_to = on + dt.timedelta(days=365 * title.validity_years - 1)
        services.recognition_grant(actor=office, talent=talent, title=title, tier=tier, recognised_on=on,
                                   valid_to=valid_to if valid_to > on else on + dt.timedelta(days=1),
                                   basis=f"{on.year}年度{title.name}认定（第一批，{tier.code}类）")
        if k % 17 == 3 and len(titles) > 1:
            other = titles[(k + 1) % len(titles)]
            services.recognition_grant(actor=office, talent=talent, title=other, tier=tiers[min(2, len(tiers) - 1)],
                                       recognised_on=real - dt.timedelta(days=60),
                                       basis=f"{(real - dt.timedelta(days=60)).year}年度{other.name}认定（第一批）")
    services.sweep(today=real)  # the lapsed ones expire as the daily sweep would
    revoked = Recognition.objects.filter(status=RecognitionStatus.VALID, talent__in=talents[40:]).first()
    if revoked:
        services.recognition_transition(recognition=revoked, name="REVOKE", actor=office,
                                        reason="经核查，申报材料与事实不符")
    # The demo talent: the first entry, bound to the log-in by the checked ID number.
    me = talents[0]
    Talent.objects.filter(pk=me.pk).update(user=talent_user)
    type(talent_user).objects.filter(pk=talent_user.pk).update(id_number=me.id_number, full_name=me.name)
    for talent, label in ((me, "博士学位证书"), (me, "高级工程师职称证书"), (talents[1], "劳动合同"),
                          (talents[2], "社保缴纳证明")):
        services.evidence_add(actor=office, talent=talent, label=label,
                              file=SimpleUploadedFile(f"{label}.pdf", PDF, content_type="application/pdf"))

    now = timezone.localdate()  # the services date applications, scores and the notice on the real today
    # A round in its public notice: eight applied, the office checked them, two reviewers scored, notice published;
    # an objection waits for the office.
    cars = next((t for t in titles if t.name == "车城人才"), titles[0])
    leaders = next((t for t in titles if t.name == "领军人才"), titles[-1])
    first = services.round_create(
        actor=office, title=f"{now.year}年度车城人才认定（第二批）", talent_title=cars, tiers=tiers[2:],
        opens_on=now - dt.timedelta(days=40), closes_on=now + dt.timedelta(days=1), quota=6, pass_score=70,
        score_method="trimmed" if len(reviewers) >= 3 else "mean", reviewers=reviewers)
    candidates = [t for t in talents[60:] if not t.recognitions.filter(title=cars, status=RecognitionStatus.VALID)
                  .exists()][:8]
    applications = []
    for n, talent in enumerate(candidates):
        evidence = [("学历学位证书", SimpleUploadedFile("学位证书.pdf", PDF, content_type="application/pdf"))]
        applications.append(services.application_submit(
            actor=office, round=first, talent=talent, tier=tiers[2 + n % (len(tiers) - 2)] if len(tiers) > 2 else tiers[0],
            statement=f"在{talent.employer.name if talent.employer else '本区企业'}从事研发与技术管理工作，主持完成省级科技项目{1 + n % 3}项。",
            evidence=evidence))
    applications = [services.application_transition(application=a, name="REJECT", actor=office,
                                                    reason="社保缴纳地不在本区，不符合申报条件") if n == 7 else
                    services.application_transition(application=a, name="PASS_CHECK", actor=office)
                    for n, a in enumerate(applications)]
    first = services.round_transition(round=first, name="CLOSE", actor=office,
                                      reason="申报材料已齐，经人才工作领导小组同意提前截止")
    for n, application in enumerate(applications[:7]):
        for m, reviewer in enumerate(reviewers):
            services.score_enter(actor=reviewer, application=application, score=[88, 82, 79, 91, 76, 85, 62][n] + m,
                                 comment="业绩突出" if n % 2 == 0 else "")
        services.application_transition(application=application, name="CONCLUDE", actor=office)
    first.refresh_from_db()
    first = services.round_transition(round=first, name="PUBLISH_NOTICE", actor=office)
    _date_round(first, now)
    on_notice = applications[1]
    services.objection_file(actor=enterprise_user, application=on_notice, contact="0731-58581234",
                            reason=f"据了解，{on_notice.talent.name}所报省级科技项目的完成时间与实际不符，请核查。")

    # A round open for applications (the demo talent may apply).
    services.round_create(
        actor=office, title=f"{now.year}年度领军人才认定（第二批）", talent_title=leaders, tiers=tiers[:3],
        opens_on=now - dt.timedelta(days=5), closes_on=now + dt.timedelta(days=25), pass_score=75,
        reviewers=reviewers)
    return {"talents": len(talents), "recognitions": Recognition.objects.count()}
