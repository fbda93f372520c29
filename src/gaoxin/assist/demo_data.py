"""Demo 帮代办 orders, a project approval chain with projects, and a station service log whose
totals resemble the source (600+ services, 260+ problems solved, 3,000+ jobs filled)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from gaoxin.accounts.models import OrgKind, OrgUnit, Role, User
from gaoxin.catalog.models import ServiceItem
from gaoxin.stations.models import Outcome, ServiceCategory, StationService

from . import services
from .models import AssistOrder, ChainStep, ChainTemplate, OrderEvent, OrderStatus

CHAIN = [  # name, catalogue item, predecessors (names)
    ("立项备案", "企业投资项目备案", []),
    ("用地预审", "建设项目用地预审与选址意见书核发", ["立项备案"]),
    ("节能审查", "节能审查", ["立项备案"]),
    ("用地规划许可", "建设用地规划许可证核发", ["用地预审"]),
    ("工程规划许可", "建设工程规划许可证核发", ["用地规划许可"]),
    ("施工许可", "建筑工程施工许可证核发", ["工程规划许可", "节能审查"]),
    ("竣工验收备案", "房屋建筑和市政基础设施工程竣工验收备案", ["施工许可"]),
    ("不动产首次登记", "不动产首次登记", ["竣工验收备案"]),
]
DESCRIPTIONS = {
    ServiceCategory.REGISTRATION: "指导企业办理变更登记", ServiceCategory.HIRING: "对接职业院校解决用工",
    ServiceCategory.SOCIAL: "代办社保增员", ServiceCategory.TALENT: "人才政策咨询与申报辅导",
    ServiceCategory.LOAN: "对接银行办理流动资金贷款", ServiceCategory.PROJECT: "项目审批帮办",
    ServiceCategory.CONSULT: "政策咨询", ServiceCategory.CERTIFICATE: "代办证照",
}


def build_demo_assist(*, rng: random.Random, enterprises: list, today: dt.date) -> dict:
    items = {i.name: i for i in ServiceItem.objects.filter(status="published")}
    template = ChainTemplate.objects.create(code="industrial", name="工业项目“拿地即开工”审批链")
    steps = {}
    for order, (name, item_name, preds) in enumerate(CHAIN):
        steps[name] = ChainStep.objects.create(template=template, name=name, item=items[item_name], order=order)
        steps[name].predecessors.set([steps[p] for p in preds])
    admin, clerk = User.objects.get(username="admin"), User.objects.get(username="clerk")
    agent = User.objects.get(username="agent")
    projects = []
    for i, name in enumerate(["铁姆肯新能源轴承项目", "金杯电工智能制造基地", "新松机器人产业园二期", "东方金谷标准厂房"]):
        land = today - dt.timedelta(days=40 + 30 * i)
        project = services.project_create(actor=admin, name=name, enterprise=enterprises[i], template=template,
                                          is_key=i < 2, investment=rng.choice([20000, 50000, 80000]), agent=agent,
                                          negotiation_on=land - dt.timedelta(days=60))
        services.project_set_milestones(project=project, actor=admin, land_delivered_on=land,
                                        construction_permit_on=land + dt.timedelta(days=rng.choice([0, 3, 20])))
        projects.append(project)
    # A live chain: the first step filed by the agent on the first project.
    first = projects[0].steps.get(step=steps["立项备案"])
    services.project_file_step(project=projects[0], step=first, actor=agent)

    stations = list(OrgUnit.objects.filter(kind=OrgKind.STATION).order_by("sort_order"))
    station_staff = {u.org_unit_id: u for u in User.objects.filter(role=Role.STATION_OFFICER).order_by("id")}
    departments = list(OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT))
    categories = list(DESCRIPTIONS)
    log = []
    for _ in range(620):
        station = rng.choice(stations)
        category = rng.choice(categories)
        outcome = Outcome.ON_THE_SPOT if rng.random() < 0.9 else Outcome.ESCALATED
        log.append(StationService(
            station=station, enterprise=rng.choice(enterprises), category=category, description=DESCRIPTIONS[category],
            outcome=outcome, escalated_to=rng.choice(departments) if outcome == Outcome.ESCALATED else None,
            problem=rng.random() < 0.43, jobs_filled=rng.randrange(5, 30) if category == ServiceCategory.HIRING else 0,
            provided_on=today - dt.timedelta(days=rng.randrange(1, 500)), provided_by=station_staff[station.pk]))
    StationService.objects.bulk_create(log, batch_size=2000)

    orders = []
    for i in range(40):
        enterprise = rng.choice(enterprises)
        order = AssistOrder.objects.create(
            number=f"BD{today:%Y}{i + 1:06d}", enterprise=enterprise, channel=rng.choice(["window", "station", "online", "visit"]),
            item=rng.choice(list(items.values())), description="企业委托代办", contact_name="联系人",
            contact_phone=f"139{rng.randrange(10**8):08d}", commission_signed_on=today - dt.timedelta(days=200),
            commission_valid_until=today + dt.timedelta(days=160), status=OrderStatus.COMPLETED, agent=agent,
            requested_by=clerk, completed_on=today - dt.timedelta(days=rng.randrange(1, 180)),
            rating=rng.choice([5, 5, 4]), handover="证照已当面交付")
        AssistOrder.objects.filter(pk=order.pk).update(
            requested_at=timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=rng.randrange(5, 270)), dt.time(10))))
        OrderEvent.objects.create(order=order, transition="COMPLETE", to_status=order.status, actor_repr="帮代办 陈杰")
        orders.append(order)
    live = services.order_create(actor=User.objects.get(username="station"), enterprise=enterprises[0], channel="station",
                                 description="企业开办一件事全程代办，一次不用跑", contact_name="张伟",
                                 contact_phone="13800001111", commission_signed_on=today,
                                 commission_valid_until=today + dt.timedelta(days=90))
    return {"orders": len(orders) + 1, "projects": len(projects), "station_services": len(log), "live_order": live.number}
