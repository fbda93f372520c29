"""The states of a campaign and of a need found on a visit, on the kernel (core.workflow).

A campaign is closed by its organiser (or the administrator) and may be reopened. A need is turned, in one step,
into an appeal (appeals.services.appeal_submit), a 帮代办 order (assist.services.order_create) or a job demand
(talent.services.demand_create) — the room's own service creates the record with its own audit event and
notifications, the kernel writes this need's one — or settled on the spot with a note."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.workflow import Step, Workflow, transition

from .models import Campaign, CampaignEvent, CampaignStatus, Need, NeedKind, NeedStatus
from .permissions import ORGANISER, VISITOR, campaign_roles, need_roles


def _record_campaign(campaign: Campaign, step: Step, data: dict) -> None:
    CampaignEvent.objects.create(campaign=campaign, transition=step.transition.name, to_status=campaign.status,
                                 actor=step.actor if getattr(step.actor, "pk", None) else None, note=step.reason[:300])


CAMPAIGN_WORKFLOW = Workflow(
    name="proactive.campaign", noun="走访活动", model=Campaign, roles=campaign_roles, record=_record_campaign,
    transitions=[
        transition("CLOSE", "结束走访", [CampaignStatus.OPEN], CampaignStatus.CLOSED, [ORGANISER], style="secondary"),
        transition("REOPEN", "重新开启", [CampaignStatus.CLOSED], CampaignStatus.OPEN, [ORGANISER],
                   needs_reason=True, style="secondary"),
    ],
)


def _need_firm(need: Need):
    return need.visit.target.enterprise


def _contact(step: Step, need: Need) -> tuple[str, str]:
    name, phone = (step.param("contact_name") or "").strip(), (step.param("contact_phone") or "").strip()
    if not name or not phone:
        raise ValidationError({"contact_name": "请填写企业联系人和联系电话"})
    return name, phone


def _convert_appeal(need: Need, step: Step) -> dict:
    from gaoxin.appeals.permissions import intake_channel
    from gaoxin.appeals.services import appeal_submit

    name, phone = _contact(step, need)
    appeal = appeal_submit(
        actor=step.actor, enterprise=_need_firm(need), channel=intake_channel(step.actor, "服务专员"),
        category=step.param("category") or "other", request_type=step.param("request_type") or "help",
        title=(step.param("title") or need.description[:60]).strip(), description=need.description,
        contact_name=name, contact_phone=phone, urgency=step.param("urgency") or "normal")
    need.kind, need.appeal = NeedKind.APPEAL, appeal
    return _converted(need, step, appeal.number)


def _convert_order(need: Need, step: Step) -> dict:
    from gaoxin.assist.permissions import default_order_channel
    from gaoxin.assist.services import order_create

    name, phone = _contact(step, need)
    signed = step.param("commission_signed_on") or step.today
    until = step.param("commission_valid_until") or (signed + dt.timedelta(days=180))
    order = order_create(actor=step.actor, enterprise=_need_firm(need), channel=default_order_channel(step.actor),
                         description=need.description, contact_name=name, contact_phone=phone,
                         commission_signed_on=signed, commission_valid_until=until, item=step.param("item"))
    need.kind, need.order = NeedKind.ORDER, order
    return _converted(need, step, order.number)


def _settle(need: Need, step: Step) -> dict:
    """当场解决: what was done on the spot is the need's record (the visit page and the API show it)."""
    need.settled_note = step.reason.strip()[:300]
    return {"note": need.settled_note}


def _convert_demand(need: Need, step: Step) -> dict:
    from gaoxin.talent.services import demand_create

    values = {k: step.param(k) for k in ("post", "quantity", "skill_level", "pay_min", "pay_max", "location")}
    missing = [k for k, v in values.items() if v in (None, "")]
    if missing:
        raise ValidationError({missing[0]: "请填写岗位、人数、要求、月薪范围和工作地点"})
    demand = demand_create(actor=step.actor, enterprise=_need_firm(need), description=need.description[:500],
                           **values)
    need.kind, need.demand = NeedKind.DEMAND, demand
    return _converted(need, step, demand.number)


def _converted(need: Need, step: Step, number: str) -> dict:
    need.converted_by, need.converted_at = step.actor, timezone.now()
    return {"enterprise": _need_firm(need).name, "number": number}


def _settle(need: Need, step: Step) -> dict:
    need.settled_note = step.reason[:300]
    need.converted_by, need.converted_at = step.actor, timezone.now()
    return {"enterprise": _need_firm(need).name}


NEED_WORKFLOW = Workflow(
    name="proactive.need", noun="走访需求", model=Need, roles=need_roles,
    lock_queryset=lambda: Need.objects.select_related("visit__target__enterprise", "visit__target__campaign"),
    transitions=[
        transition("TO_APPEAL", "转为企业诉求", [NeedStatus.OPEN], NeedStatus.CONVERTED, [VISITOR],
                   effect=_convert_appeal),
        transition("TO_ORDER", "转为帮代办", [NeedStatus.OPEN], NeedStatus.CONVERTED, [VISITOR], effect=_convert_order),
        transition("TO_DEMAND", "转为用工需求", [NeedStatus.OPEN], NeedStatus.CONVERTED, [VISITOR],
                   effect=_convert_demand),
        transition("SETTLE", "当场解决", [NeedStatus.OPEN], NeedStatus.SETTLED, [VISITOR], needs_reason=True,
                   effect=_settle, style="secondary"),
    ],
)
