"""Writes of appeals (企业诉求, benefits.md §5.4): raising one, and every transition of its table through
the kernel's engine (appeals/workflow.py)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from gaoxin.accounts.models import OrgKind
from gaoxin.core.numbering import next_number
from gaoxin.core.services import audit_record

from . import notifications
from .models import Appeal, AppealEvent, Category, RequestType, TalentService
from .permissions import can_submit_appeal, firms_for_appeal, is_station_intake
from .workflow import WORKFLOW


@transaction.atomic
def appeal_submit(*, actor, enterprise, channel: str, category: str, request_type: str, title: str,
                  description: str, contact_name: str, contact_phone: str, urgency: str = "normal",
                  confidential: bool = False) -> Appeal:
    if not can_submit_appeal(actor):
        raise PermissionDenied("您无权登记诉求")
    firms = firms_for_appeal(actor)
    if firms is not None and not firms.filter(pk=enterprise.pk).exists():
        raise PermissionDenied("只能为本企业提出诉求")
    if not title.strip() or not description.strip():
        raise ValidationError({"title": "请填写标题和诉求内容"})
    station = actor.org_unit if is_station_intake(actor) and actor.org_unit and \
        actor.org_unit.kind == OrgKind.STATION else None
    appeal = Appeal(
        number=next_number("SQ"), channel=channel, enterprise=enterprise, station=station,
        contact_name=contact_name.strip(), contact_phone=contact_phone.strip(), confidential=confidential,
        category=category, request_type=request_type, urgency=urgency, title=title.strip(),
        description=description.strip(), received_by=actor,
    )
    appeal.full_clean(exclude=["number", "received_by", "lead"])
    appeal.save()
    AppealEvent.objects.create(appeal=appeal, transition="SUBMIT", to_status=appeal.status,
                               actor_repr=actor.get_full_name(), unit=station.name if station else "")
    audit_record(event_type="appeal.submitted", actor=actor, subject=appeal, after={"status": appeal.status})
    notifications.appeal_submitted(appeal)
    return appeal


@transaction.atomic
def talent_appeal_submit(*, actor, talent, talent_service: str, title: str, description: str, contact_name: str,
                         contact_phone: str, channel: str, urgency: str = "normal") -> Appeal:
    """A talent's own request (住房、就医、子女入学、配偶就业) as an appeal flagged "talent": no firm, the talent as the
    party, category 人才; dispatch, deadlines and rating as for any appeal. Who may file for the talent (the talent
    itself, the talent office, a paired leader) is checked by the talent rooms, which are the only callers."""
    if talent is None:
        raise ValidationError("请指定人才")
    if talent_service not in TalentService.values:
        raise ValidationError({"talent_service": "请选择服务类别"})
    if not title.strip() or not description.strip():
        raise ValidationError({"title": "请填写标题和诉求内容"})
    appeal = Appeal(
        number=next_number("SQ"), channel=channel, enterprise=None, talent=talent, talent_service=talent_service,
        contact_name=contact_name.strip(), contact_phone=contact_phone.strip(), category=Category.TALENT,
        request_type=RequestType.HELP, urgency=urgency, title=title.strip(), description=description.strip(),
        received_by=actor,
    )
    appeal.full_clean(exclude=["number", "received_by", "lead", "talent"])
    appeal.save()
    AppealEvent.objects.create(appeal=appeal, transition="SUBMIT", to_status=appeal.status,
                               actor_repr=actor.get_full_name(), unit="")
    audit_record(event_type="appeal.submitted", actor=actor, subject=appeal,
                 after={"status": appeal.status, "talent_service": talent_service})
    notifications.appeal_submitted(appeal)
    return appeal


def appeal_transition(*, appeal: Appeal, name: str, actor, reason: str = "", **params) -> Appeal:
    """Apply one transition of the table (see workflow.WORKFLOW for the inputs each takes)."""
    return WORKFLOW.apply(appeal, name, actor=actor, reason=reason, **params)
