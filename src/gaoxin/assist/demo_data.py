"""Demo 帮代办 orders, a project approval chain with projects, and a station service log whose
totals resemble the source (600+ services, 260+ problems solved, 3,000+ jobs filled)."""

from __future__ import annotations

import datetime as dt
import logging
import random

from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from django.utils import timezone

from gaoxin.accounts.models import Role, User
from gaoxin.cases import services as case_services
from gaoxin.cases.models import Case, CaseEvent
from gaoxin.catalog.models import Bundle, Necessity, ServiceItem
from gaoxin.core.numbering import next_number
from gaoxin.core.selectors import work_calendar
from gaoxin.enterprises.models import Contact

from . import services
from .models import AssistOrder, ChainStep, ChainTemplate, OrderEvent, OrderStatus, Project, ProvenMilestone

log = logging.getLogger(__name__)

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
# The milestones the chain's steps prove: a project on the chain takes these dates from the steps' decisions.
PROVES = {"施工许可": ProvenMilestone.CONSTRUCTION_PERMIT, "不动产首次登记": ProvenMilestone.FIRST_REGISTRATION}
# The finished chain of the first demo project: working days each step took from acceptance to
# decision (the statutory limits of the same steps add up to 123 working days on the critical path).
FINISHED = {"立项备案": 0, "用地预审": 6, "节能审查": 8, "用地规划许可": 3, "工程规划许可": 5, "施工许可": 2,
            "竣工验收备案": 2, "不动产首次登记": 0}


def _originals(step) -> set[int]:
    """The agent brought the originals of the step's required materials to the window and they were seen."""
    return {m.pk for m in services.step_materials(step) if m.necessity == Necessity.REQUIRED}


def _finish_chain(project: Project, *, steps: dict, clerk, agent, negotiation: dt.date, land: dt.date | None = None,
                  building_days: int = 425) -> dict[str, dt.date]:
    """Walk every step of the project's chain through the case services, then date the cases as they
    happened: each step accepted the day its predecessors were decided (the agent prepared the materials
    in parallel) and decided within FINISHED working days; the construction permit applied for on the
    land day (`land`; without it the land is delivered the day the permit is granted), `building_days`
    of building, and the first registration applied for the day the completion acceptance is filed.
    Returns each step's decision date: the chain proves the permit and the first registration."""
    calendar = work_calendar()
    officers = {u.org_unit_id: u for u in User.objects.filter(role=Role.DEPT_OFFICER).order_by("id")}
    decided: dict[str, dt.date] = {}
    for name, _item, preds in CHAIN:
        step = project.steps.get(step=steps[name])
        case = services.project_file_step(project=project, step=step, actor=agent, originals_seen=_originals(step))
        if case.version.case_type == "immediate":
            case_services.case_transition(case=case, name="COMPLETE_IMMEDIATE", actor=clerk)
        else:
            officer = officers[case.department_id]
            case = case_services.case_transition(case=case, name="ACCEPT", actor=clerk)
            case = case_services.case_transition(case=case, name="START_REVIEW", actor=officer)
            case = case_services.case_transition(case=case, name="APPROVE", actor=officer,
                                                 opinion="申请材料齐全，符合法定条件、标准。",
                                                 licence_number=f"湘高新许字〔{case.received_on.year}〕第{case.number[-5:]}号")
            case_services.case_transition(case=case, name="DELIVER", actor=clerk, method="window")
        if not preds:
            accepted = calendar.add_working_days(negotiation, 5)
        elif name == "竣工验收备案":
            accepted = calendar.next_workday(decided["施工许可"] + dt.timedelta(days=building_days))
        elif name == "施工许可" and land is not None:
            accepted = calendar.next_workday(max(max(decided[p] for p in preds), land))
        else:
            accepted = max(decided[p] for p in preds)
        decided[name] = calendar.add_working_days(accepted, FINISHED[name])
        version = case.version
        Case.objects.filter(pk=case.pk).update(
            received_on=accepted, accepted_on=accepted, decided_on=decided[name], delivered_on=decided[name],
            correction_notice_due=calendar.add_working_days(accepted, 5),
            due_date=calendar.add_working_days(accepted, version.promised_limit),
            statutory_due=calendar.add_working_days(accepted, version.statutory_limit), due_provisional=False)
        CaseEvent.objects.filter(case_id=case.pk).update(
            at=timezone.make_aware(dt.datetime.combine(decided[name], dt.time(10))))
        if hasattr(case, "decision"):
            type(case.decision).objects.filter(pk=case.decision.pk).update(decided_on=decided[name])
    return decided


def _commission_letter(order: AssistOrder) -> None:
    """The signed 代办服务委托书 as the enterprise would upload it (a PDF rendered from a template)."""
    html = render_to_string("assist/demo/commission_letter.html", {"order": order})
    try:
        from weasyprint import HTML

        pdf = HTML(string=html).write_pdf()
    except (ImportError, OSError):  # no WeasyPrint or Pango here: the demo order keeps no scan
        log.warning("WeasyPrint unavailable: demo order %s has no 委托书 scan", order.number)
        return
    order.commission_file.save("代办服务委托书.pdf", ContentFile(pdf), save=True)


def build_demo_assist(*, rng: random.Random, enterprises: list, today: dt.date) -> dict:
    items = {i.name: i for i in ServiceItem.objects.filter(status="published")}
    template = ChainTemplate.objects.create(code="industrial", name="工业项目“拿地即开工”审批链")
    steps = {}
    for order, (name, item_name, preds) in enumerate(CHAIN):
        steps[name] = ChainStep.objects.create(template=template, name=name, item=items[item_name], order=order,
                                               milestone=PROVES.get(name, ""))
        steps[name].predecessors.set([steps[p] for p in preds])
    admin, clerk = User.objects.get(username="admin"), User.objects.get(username="clerk")
    agent = User.objects.get(username="agent")
    # Milestones may not lie in the future (checked against the real date), whatever day the demo pretends.
    anchor = min(today, timezone.localdate())
    calendar = work_calendar()
    projects = []
    # The permit and the first registration are the chain's (PROVES): a project shows them, and the reforms
    # that end on them, only once its 施工许可 / 不动产首次登记 step is granted.
    for i, name in enumerate(["铁姆肯新能源轴承项目", "金杯电工智能制造基地", "新松机器人产业园二期", "东方金谷标准厂房"]):
        land = anchor - dt.timedelta(days=40 + 30 * i) if i != 3 else anchor - dt.timedelta(days=190)
        negotiation = calendar.next_workday(anchor - dt.timedelta(days=730) if i == 0 else land - dt.timedelta(days=60))
        project = services.project_create(actor=admin, name=name, enterprise=enterprises[i], template=template,
                                          is_key=i < 2, investment=rng.choice([20000, 50000, 80000]), agent=agent,
                                          negotiation_on=negotiation)
        projects.append(services.project_set_milestones(
            project=project, actor=admin, plan_issued_on=calendar.add_working_days(negotiation, rng.choice([1, 1, 3]))))
        if i in (1, 2):
            services.project_set_milestones(project=project, actor=admin, land_delivered_on=land)
    # 铁姆肯: registered at negotiation two years ago; land and construction permit on one day (拿地即开工), fourteen
    # months of building, completion acceptance and first registration on one day (竣工即办证).
    decided = _finish_chain(projects[0], steps=steps, clerk=clerk, agent=agent, negotiation=projects[0].negotiation_on)
    services.project_set_milestones(project=projects[0], actor=agent, land_delivered_on=decided["施工许可"],
                                    completed_on=decided["竣工验收备案"])
    # 东方金谷标准厂房: steel-frame plant units sold to firms. The permit came two working days after the land (拿地即开工
    # not reached); the units were handed over with their certificates (交房即交证).
    land = calendar.next_workday(anchor - dt.timedelta(days=190))
    decided = _finish_chain(projects[3], steps=steps, clerk=clerk, agent=agent, negotiation=projects[3].negotiation_on,
                            land=land, building_days=80)
    handover = calendar.add_working_days(decided["不动产首次登记"], 10)
    services.project_set_milestones(project=projects[3], actor=admin, land_delivered_on=land,
                                    completed_on=decided["竣工验收备案"], handover_on=handover,
                                    handover_certificate_on=handover)
    # A live chain: the first step filed by the agent on the second project.
    first = projects[1].steps.get(step=steps["立项备案"])
    services.project_file_step(project=projects[1], step=first, actor=agent, originals_seen=_originals(first))


    orders = []
    contacts = {c.enterprise_id: c  # ordered so that the primary contact is the one kept
                for c in Contact.objects.filter(enterprise__in=enterprises).order_by("is_primary", "-id")}
    for _ in range(40):
        enterprise = rng.choice(enterprises)
        phone = f"139{rng.randrange(10**8):08d}"
        contact = contacts.get(enterprise.pk)
        requested = today - dt.timedelta(days=rng.randrange(5, 270))
        order = AssistOrder.objects.create(
            # Numbered as every order is (BD + the day it was placed + sequence), from the same counter.
            number=next_number("BD", on=requested), enterprise=enterprise,
            channel=rng.choice(["window", "station", "online", "visit"]),
            item=rng.choice(list(items.values())), description="企业委托代办",
            contact_name=contact.name if contact else enterprise.legal_representative,
            contact_phone=contact.phone if contact and contact.phone else phone,
            commission_signed_on=today - dt.timedelta(days=200),
            commission_valid_until=today + dt.timedelta(days=160), status=OrderStatus.COMPLETED, agent=agent,
            requested_by=clerk, completed_on=today - dt.timedelta(days=rng.randrange(1, 180)),
            rating=rng.choice([5, 5, 4]), handover="证照已当面交付")
        AssistOrder.objects.filter(pk=order.pk).update(
            requested_at=timezone.make_aware(dt.datetime.combine(requested, dt.time(10))))
        OrderEvent.objects.create(order=order, transition="COMPLETE", to_status=order.status, actor_repr="陈杰")
        orders.append(order)
    signed = timezone.localdate()  # live orders are signed now, so their 委托书 is valid today
    live = services.order_create(actor=User.objects.get(username="station"), enterprise=enterprises[0], channel="station",
                                 description="企业开办一件事全程代办，一次不用跑", contact_name="张伟",
                                 contact_phone="13800001111", commission_signed_on=signed,
                                 commission_valid_until=signed + dt.timedelta(days=90),
                                 bundle=Bundle.objects.filter(code="startup-one").first())
    _commission_letter(live)
    # An order the agent is working: the 委托书 uploaded, a visit made, the case not yet filed (代为申报
    # material by material is the agent's next step in the demo).
    ent_user = User.objects.get(username="enterprise")
    own = ent_user.enterprises.order_by("id").first()
    working = services.order_create(actor=ent_user, enterprise=own, channel="online",
                                    description="变更注册地址和经营范围，请专员上门收取材料", contact_name="张伟",
                                    contact_phone=ent_user.phone or "13800002222", commission_signed_on=signed,
                                    commission_valid_until=signed + dt.timedelta(days=180), item=items["企业变更登记"])
    _commission_letter(working)
    working = services.order_transition(order=working, name="ASSIGN", actor=clerk, agent=agent)
    working = services.order_transition(order=working, name="START", actor=agent)
    services.order_log_visit(order=working, actor=agent, kind="door", note="上门核对营业执照原件，收取股东会决议")
    return {"orders": len(orders) + 2, "projects": len(projects), "live_order": live.number,
            "working_order": working.number}
