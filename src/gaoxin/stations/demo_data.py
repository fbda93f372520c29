"""Demo station service log (服务台账): the six stations' services of the last year and a half, about nine in
ten resolved on the spot (services.md §10)."""

from __future__ import annotations

import datetime as dt
import random

from gaoxin.accounts.models import OrgKind, OrgUnit, Role, User

from .models import Outcome, ServiceCategory, StationService

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
