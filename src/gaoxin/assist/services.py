"""帮代办 orders and project approval chains: every change through a service, audited once."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.cases import services as case_services
from gaoxin.cases.models import DECIDED, Status
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record, lock_for_transition

from .models import AssistOrder, AssistVisit, OrderEvent, OrderStatus, Project, ProjectStep

O = OrderStatus
# name: (sources, target, who, label, needs_reason)
ORDER_TRANSITIONS = {
    "ASSIGN": ({O.REQUESTED}, O.ASSIGNED, "centre", "指派专员", False),
    "REASSIGN": ({O.ASSIGNED, O.IN_PROGRESS}, O.ASSIGNED, "centre", "改派专员", True),
    "START": ({O.ASSIGNED}, O.IN_PROGRESS, "agent", "开始代办", False),
    "SUSPEND": ({O.IN_PROGRESS}, O.SUSPENDED, "agent", "中止（代办服务中止单）", True),
    "RESUME": ({O.SUSPENDED}, O.IN_PROGRESS, "agent", "续办（续办委托）", False),
    "COMPLETE": ({O.IN_PROGRESS}, O.COMPLETED, "agent", "办结（办结单）", True),
    "TERMINATE": ({O.REQUESTED, O.ASSIGNED, O.IN_PROGRESS, O.SUSPENDED}, O.TERMINATED, "centre_or_enterprise",
                  "终止（终止单）", True),
}


def _order_roles(actor, order: AssistOrder) -> set[str]:
    roles = set()
    if actor.role in (Role.ZONE_ADMIN, Role.WINDOW_CLERK):
        roles |= {"centre", "centre_or_enterprise"}
    if actor.role == Role.AGENT and order.agent_id == actor.pk:
        roles.add("agent")
    if actor.role == Role.ENTERPRISE and actor.enterprise_memberships.filter(enterprise_id=order.enterprise_id).exists():
        roles |= {"enterprise", "centre_or_enterprise"}
    return roles


def _order_number() -> str:
    today = timezone.localdate()
    return f"BD{today:%Y%m%d}{AssistOrder.objects.filter(requested_at__date=today).count() + 1:05d}"


@transaction.atomic
def order_create(*, actor, enterprise, channel: str, description: str, contact_name: str, contact_phone: str,
                 commission_signed_on: dt.date, commission_valid_until: dt.date, item=None, bundle=None,
                 project=None, commission_file=None) -> AssistOrder:
    """An enterprise, or a station officer on its behalf, orders free help; the 委托书 is captured."""
    if actor.role == Role.ENTERPRISE:
        if not actor.enterprise_memberships.filter(enterprise=enterprise).exists():
            raise PermissionDenied("只能为本企业下单")
    elif actor.role not in (Role.STATION_OFFICER, Role.WINDOW_CLERK, Role.ZONE_ADMIN, Role.AGENT):
        raise PermissionDenied("无权下单")
    if not description.strip():
        raise ValidationError({"description": "请说明需要代办的事项"})
    if commission_valid_until < commission_signed_on:
        raise ValidationError({"commission_valid_until": "委托有效期不能早于签署日期"})
    station = actor.org_unit if actor.role == Role.STATION_OFFICER and actor.org_unit and \
        actor.org_unit.kind == OrgKind.STATION else None
    order = AssistOrder(number=_order_number(), enterprise=enterprise, channel=channel, station=station, item=item,
                        bundle=bundle, project=project, description=description.strip(),
                        contact_name=contact_name.strip(), contact_phone=contact_phone.strip(),
                        commission_signed_on=commission_signed_on, commission_valid_until=commission_valid_until,
                        requested_by=actor)
    order.full_clean(exclude=["commission_file", "requested_by"])
    order.save()
    if commission_file is not None:
        order.commission_file.save(commission_file.name, commission_file, save=True)
    OrderEvent.objects.create(order=order, transition="REQUEST", to_status=order.status, actor_repr=actor.get_full_name())
    audit_record(event_type="assist.order_created", actor=actor, subject=order, after={"status": order.status})
    return order


@transaction.atomic
def order_transition(*, order: AssistOrder, name: str, actor, reason: str = "", agent=None) -> AssistOrder:
    order, (sources, target, who, label, needs_reason) = lock_for_transition(
        order, transitions=ORDER_TRANSITIONS, name=name, actor=actor, roles=_order_roles, noun="订单")
    if needs_reason and not reason.strip():
        raise ValidationError({"reason": f"“{label}”需要填写说明"})
    if name in ("ASSIGN", "REASSIGN"):
        if agent is None or agent.role != Role.AGENT:
            raise ValidationError({"agent": "请选择帮代办专员"})
        if name == "REASSIGN" and agent.pk == order.agent_id:
            raise ValidationError({"agent": "改派应选择其他专员"})
        order.agent = agent
    if name == "START" and timezone.localdate() > order.commission_valid_until:
        raise ValidationError("委托书已过有效期，请企业续签")
    if name == "COMPLETE":
        order.completed_on, order.handover = timezone.localdate(), reason.strip()[:200]
    before = order.status
    order.status = target
    order.save()
    OrderEvent.objects.create(order=order, transition=name, to_status=order.status, actor_repr=actor.get_full_name(),
                              note=reason.strip() + (f"（专员：{agent.get_full_name()}）" if agent else ""))
    audit_record(event_type=f"assist.order_{name.lower()}", actor=actor, subject=order,
                 before={"status": before}, after={"status": order.status, "agent": order.agent_id})
    return order


def order_actions(order: AssistOrder, actor) -> list[tuple[str, str, bool]]:
    roles = _order_roles(actor, order)
    return [(n, label, needs) for n, (sources, _, who, label, needs) in ORDER_TRANSITIONS.items()
            if order.status in sources and who in roles]


@transaction.atomic
def order_log_visit(*, order: AssistOrder, actor, kind: str, note: str, visited_on=None) -> AssistVisit:
    if "agent" not in _order_roles(actor, order):
        raise PermissionDenied("只有承办专员可以记录走访")
    if order.status not in (O.ASSIGNED, O.IN_PROGRESS):
        raise ValidationError("订单不在代办中")
    if not note.strip():
        raise ValidationError({"note": "请填写记录"})
    visit = AssistVisit.objects.create(order=order, kind=kind, note=note.strip(), by=actor,
                                       visited_on=visited_on or timezone.localdate())
    audit_record(event_type="assist.visit_logged", actor=actor, subject=order, after={"kind": kind})
    return visit


@transaction.atomic
def order_file_case(*, order: AssistOrder, actor, item, note: str = ""):
    """The agent files a case for the enterprise (channel 帮代办) with the complete set of materials."""
    if "agent" not in _order_roles(actor, order) or order.status != O.IN_PROGRESS:
        raise PermissionDenied("只有代办中的承办专员可以代为申报")
    required = {m.pk for m in item.current_version.materials.all() if m.necessity == "required"}
    applicant = case_services.Applicant(type="enterprise", name=order.enterprise.name, enterprise=order.enterprise,
                                        phone=order.contact_phone)
    channel = "proxy" if "proxy" in item.current_version.channels else "window"
    case = case_services.case_submit(item=item, applicant=applicant, channel=channel, actor=actor,
                                     originals_seen=required, note=note or f"帮代办订单 {order.number}")
    order.cases.add(case)
    return case


@transaction.atomic
def order_rate(*, order: AssistOrder, actor, rating: int, comment: str = "") -> AssistOrder:
    order = AssistOrder.objects.select_for_update().get(pk=order.pk)
    if "enterprise" not in _order_roles(actor, order):
        raise PermissionDenied("只有下单企业可以评价")
    if order.status != O.COMPLETED or order.rating:
        raise ValidationError("办结后可评价一次")
    if rating not in range(1, 6):
        raise ValidationError({"rating": "请选择1至5星"})
    order.rating, order.rating_comment = rating, comment.strip()[:300]
    order.save(update_fields=["rating", "rating_comment"])
    audit_record(event_type="assist.order_rated", actor=actor, subject=order, after={"rating": rating})
    return order


# --- project approval chains ---------------------------------------------------------------

@transaction.atomic
def project_create(*, actor, name: str, enterprise, template, is_key: bool = False, investment=None,
                   agent=None, negotiation_on=None) -> Project:
    if actor.role not in (Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.AGENT):
        raise PermissionDenied("无权登记项目")
    project = Project.objects.create(name=name.strip(), enterprise=enterprise, template=template, is_key=is_key,
                                     investment=investment, agent=agent, negotiation_on=negotiation_on)
    ProjectStep.objects.bulk_create([ProjectStep(project=project, step=s) for s in template.steps.all()])
    audit_record(event_type="assist.project_created", actor=actor, subject=project,
                 after={"template": template.code, "key": is_key})
    return project


def step_done(step: ProjectStep) -> bool:
    return step.case_id is not None and step.case.status in DECIDED | {Status.DELIVERED}


def step_ready(step: ProjectStep, steps_by_chain_step: dict) -> bool:
    """Parallel steps have no predecessors; a step may start when every predecessor is decided."""
    return step.case_id is None and all(step_done(steps_by_chain_step[p.pk]) for p in step.step.predecessors.all())


@transaction.atomic
def project_file_step(*, project: Project, step: ProjectStep, actor):
    if actor.role not in (Role.AGENT, Role.WINDOW_CLERK, Role.ZONE_ADMIN):
        raise PermissionDenied("无权申报")
    steps = {s.step_id: s for s in project.steps.select_related("step", "case")}
    step = steps[step.step_id]
    if step.case_id:
        raise ValidationError("该环节已申报")
    if not step_ready(step, steps):
        raise ValidationError("前置环节尚未办结")
    item = step.step.item
    required = {m.pk for m in item.current_version.materials.all() if m.necessity == "required"}
    applicant = case_services.Applicant(type="enterprise", name=project.enterprise.name, enterprise=project.enterprise)
    channel = "proxy" if actor.role == Role.AGENT and "proxy" in item.current_version.channels else "window"
    case = case_services.case_submit(item=item, applicant=applicant, channel=channel, actor=actor,
                                     originals_seen=required, note=f"项目：{project.name}（{step.step.name}）")
    step.case = case
    step.save(update_fields=["case"])
    audit_record(event_type="assist.project_step_filed", actor=actor, subject=project,
                 after={"step": step.step.name, "case": case.number})
    return case


MILESTONES = ["negotiation_on", "land_delivered_on", "construction_permit_on", "completed_on", "certificate_on",
              "handover_on", "handover_certificate_on"]


@transaction.atomic
def project_set_milestones(*, project: Project, actor, **dates) -> Project:
    if actor.role not in (Role.AGENT, Role.WINDOW_CLERK, Role.ZONE_ADMIN):
        raise PermissionDenied("无权修改")
    project = Project.objects.select_for_update().get(pk=project.pk)
    before = {k: str(getattr(project, k) or "") for k in MILESTONES}
    for key, value in dates.items():
        if key not in MILESTONES:
            raise ValidationError({key: "未知节点"})
        setattr(project, key, value)
    project.save()
    audit_record(event_type="assist.project_milestones", actor=actor, subject=project, before=before,
                 after={k: str(getattr(project, k) or "") for k in MILESTONES})
    return project


def project_metrics(project: Project) -> dict:
    """The four 即 and the speed-up against the statutory total (longest path of statutory limits)."""
    steps = list(project.steps.select_related("step__item__current_version", "case").prefetch_related("step__predecessors"))
    permit = project.construction_permit_on or next(
        (s.case.decided_on for s in steps if "施工许可" in s.step.name and s.case_id and s.case.decided_on), None)
    land_days, cert_days = settings.GAOXIN_LAND_TO_START_DAYS, settings.GAOXIN_COMPLETION_TO_CERT_DAYS

    def within(a, b, days):
        return None if not (a and b) else (b - a).days <= days

    longest: dict[int, int] = {}
    for s in sorted(steps, key=lambda x: x.step.order):
        before = max((longest.get(p.pk, 0) for p in s.step.predecessors.all()), default=0)
        longest[s.step_id] = before + s.step.item.current_version.statutory_limit
    statutory = max(longest.values(), default=0)
    decided = [s.case for s in steps if s.case_id and s.case.decided_on and s.case.accepted_on]
    actual = speed_up = None
    if decided and len(decided) == len(steps):
        start = min(c.accepted_on for c in decided)
        end = max(c.decided_on for c in decided)
        actual = work_calendar().working_days_between(start, end)
        speed_up = round(100 * (1 - actual / statutory), 1) if statutory else None
    return {
        "negotiation_service": bool(project.negotiation_on and project.agent_id),
        "land_to_start": within(project.land_delivered_on, permit, land_days),
        "completion_to_certificate": within(project.completed_on, project.certificate_on, cert_days),
        "handover_with_certificate": within(project.handover_on, project.handover_certificate_on, 0),
        "permit_on": permit, "statutory_workdays": statutory, "actual_workdays": actual, "speed_up": speed_up,
        "done": sum(1 for s in steps if step_done(s)), "total": len(steps),
    }
