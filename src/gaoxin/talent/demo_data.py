"""The demo zone's talent room: schools, job demands of many firms (the demo enterprise's own among them), two
matchmaking events with check-ins and intents, hires at every stage (one waiting for the demo firm to confirm),
school agreements (one about to expire, one dormant). Written through the services where a person would act, dated
over the months before `today`."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from gaoxin.core.validators import id_check_char

from .models import Hire, HireStatus, JobDemand, MatchEvent, School, SchoolAgreement
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
    for n, demand in enumerate(demands):
        JobDemand.objects.filter(pk=demand.pk).update(
            created_at=timezone.make_aware(dt.datetime.combine(real - dt.timedelta(days=3 + 4 * n), dt.time(9))))
    fair = event_create(actor=office, title="2026年“千企百校”校企对接会", kind="thousand", organiser=office.org_unit,
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
    for demand in demands[:8]:
        intent_record(event=fair, actor=office, enterprise=demand.enterprise, person=_person(rng), demand=demand)
    hires = []
    for n, demand in enumerate(demands[:24]):
        for _ in range(min(demand.quantity, 1 + n % 3)):
            hired_on = real - dt.timedelta(days=rng.randrange(5, 150))
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
    # Confirmed on the day after hiring, as a firm would, not all today.
    for hire in Hire.objects.exclude(status=HireStatus.RECORDED):
        Hire.objects.filter(pk=hire.pk).update(confirmed_on=hire.hired_on + dt.timedelta(days=1))
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
    return {"demands": len(demands), "hires": len(hires), "events": MatchEvent.objects.count(),
            "agreements": SchoolAgreement.objects.count()}
