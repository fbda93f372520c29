"""Demo station service log (服务台账): the six stations' services of the last year and a half, about nine in
ten resolved on the spot (services.md §10); the staff training of the past months (集中培训、跟班学习、情景演练)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.accounts.models import OrgKind, OrgUnit, Role, User

from .models import Outcome, ServiceCategory, StationService, TrainingKind

DESCRIPTIONS = {
    ServiceCategory.REGISTRATION: "指导企业办理变更登记", ServiceCategory.HIRING: "对接职业院校解决用工",
    ServiceCategory.SOCIAL: "代办社保增员", ServiceCategory.TALENT: "人才政策咨询与申报辅导",
    ServiceCategory.LOAN: "对接银行办理流动资金贷款", ServiceCategory.PROJECT: "项目审批帮办",
    ServiceCategory.CONSULT: "政策咨询", ServiceCategory.CERTIFICATE: "代办证照",
}


def build_demo_station_log(*, rng: random.Random, enterprises: list, today: dt.date, count: int = 620) -> int:
    stations = list(OrgUnit.objects.filter(kind=OrgKind.STATION).order_by("sort_order"))
    station_staff = {u.org_unit_id: u for u in User.objects.filter(role=Role.STATION_OFFICER).order_by("id")}
    departments = list(OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT))
    categories = list(DESCRIPTIONS)
    log = []
    for _ in range(count):
        station = rng.choice(stations)
        category = rng.choice(categories)
        outcome = Outcome.ON_THE_SPOT if rng.random() < 0.9 else Outcome.ESCALATED
        log.append(StationService(
            station=station, enterprise=rng.choice(enterprises), category=category, description=DESCRIPTIONS[category],
            outcome=outcome, escalated_to=rng.choice(departments) if outcome == Outcome.ESCALATED else None,
            problem=rng.random() < 0.43,
            provided_on=today - dt.timedelta(days=rng.randrange(1, 500)), provided_by=station_staff[station.pk]))
    StationService.objects.bulk_create(log, batch_size=2000)
    return len(log)


def build_demo_training(*, today: dt.date, admin) -> int:
    """Staff training as the 湘潭 stations train their people: the centre's and the administration's 集中培训 for every
    station team, window specialists and mobile guides shadowing the centre's windows (跟班学习), and three stations'
    own 情景演练 run by their heads; one session of last year, so the year filter has two years."""
    from . import services

    stations = {s.code.removeprefix("station-"): s for s in OrgUnit.objects.filter(kind=OrgKind.STATION)}
    centre = OrgUnit.objects.get(kind=OrgKind.CENTRE)
    administration = OrgUnit.objects.get(kind=OrgKind.ADMINISTRATION)
    users = {u.username: u for u in User.objects.filter(is_active=True)}

    def team(*codes, parts=("head", "window", "guide1", "guide2")):
        return [users[f"{c}-{p}"] for c in codes for p in parts if f"{c}-{p}" in users]

    every = list(stations)
    sessions = [
        (TrainingKind.CENTRAL, "2025年度驿站服务队岗前集中培训", 396, "8", centre, "政务服务中心三楼培训室", "李娜",
         "驿站职责与“1+1+X”服务队分工\n服务台账登记规范\n政务服务礼仪", admin, team(*every) + [users["station"]]),
        (TrainingKind.CENTRAL, "“一窗通办”与驿站业务集中培训", 152, "6", centre, "政务服务中心三楼培训室", "李娜",
         "商事登记全程网办\n社保医保经办\n帮代办服务规范", admin,
         team(*every) + [users["station"], users["clerk"], users["agent"]]),
        (TrainingKind.CENTRAL, "惠企政策与“免申即享”专题培训", 61, "3", administration, "管委会二楼会议室", "经济发展局",
         "惠企政策兑现流程\n“免申即享”政策清单", admin,
         team(*every, parts=("head", "window")) + [users["station"], users["clerk"]]),
        (TrainingKind.SHADOWING, "政务服务中心综合窗口跟班学习", 124, "16", centre, "政务服务中心综合窗口", "李娜",
         "综合窗口收件与一次性告知\n容缺受理", admin, team("jinrong", "zhongnan", "xinsong", parts=("window",))),
        (TrainingKind.SHADOWING, "帮代办专窗跟班学习", 96, "12", centre, "政务服务中心帮代办专窗", "陈杰",
         "帮代办下单与委托书\n项目审批全程代办", admin, team("wanyang", "dongfang", "jiajiamei", parts=("guide1", "guide2"))),
        (TrainingKind.SHADOWING, "市场监管登记窗口跟班学习", 45, "8", centre, "政务服务中心市场监管窗口", "王强",
         "企业变更登记\n经营范围规范表述", admin, team("dongfang", "jiajiamei", parts=("window",))),
        (TrainingKind.DRILL, "企业开办全流程情景演练", 33, "2", stations["jinrong"], "金荣政务服务驿站", "",
         "企业开办一件事\n材料不全时的一次性告知", users["jinrong-head"], team("jinrong") + [users["station"]]),
        (TrainingKind.DRILL, "群众投诉与突发情况应急处置演练", 26, "2", stations["zhongnan"], "中南政务服务驿站", "",
         "投诉接待与诉求登记\n停电、系统故障时的应急处置", users["zhongnan-head"], team("zhongnan")),
        (TrainingKind.DRILL, "帮代办上门服务情景演练", 12, "1.5", stations["wanyang"], "万洋众创城政务服务驿站", "",
         "上门走访与委托书签署\n代为申报材料核验", users["wanyang-head"], team("wanyang")),
    ]
    for kind, title, days_ago, hours, organiser, place, trainer, topics, actor, attendees in sessions:
        services.training_session_create(actor=actor, kind=kind, title=title, held_on=today - dt.timedelta(days=days_ago),
                                         hours=Decimal(hours), organiser=organiser, place=place, trainer=trainer,
                                         topics=topics, attendees=attendees)
    return len(sessions)
