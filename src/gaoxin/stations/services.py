"""Writes for stations: a log entry, an event with its attendance, a department liaison."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgAssignment, OrgKind, Position
from gaoxin.core.services import audit_record

from . import permissions as perms
from .models import Outcome, StationEvent, StationService


@transaction.atomic
def service_log(*, station, actor, category: str, description: str, outcome: str, enterprise=None, person: str = "",
                escalated_to=None, problem: bool = False, provided_on=None) -> StationService:
    """One entry of the service log. People placed in jobs are not typed here: they are hires recorded against the
    firm's job demand (talent room) and confirmed by the firm, from which the 解决用工 figures are computed."""
    if station.kind != OrgKind.STATION:
        raise ValidationError("不是政务服务驿站")
    if not perms.can_log_at_station(actor, station):
        raise PermissionDenied("只有本驿站服务队可以记录台账")
    if outcome == Outcome.ESCALATED and escalated_to is None:
        raise ValidationError({"escalated_to": "转部门办理须选择部门"})
    if enterprise is None and not person.strip():
        raise ValidationError({"enterprise": "请选择企业或填写群众姓名"})
    entry = StationService(station=station, enterprise=enterprise, person=person.strip(), category=category,
                           description=description.strip(), outcome=outcome, escalated_to=escalated_to,
                           problem=problem, provided_by=actor,
                           provided_on=provided_on or timezone.localdate())
    entry.full_clean()
    entry.save()
    audit_record(event_type="station.service_logged", actor=actor, subject=entry,
                 after={"station": station.name, "category": category, "outcome": outcome})
    return entry


@transaction.atomic
def event_record(*, station, actor, title: str, held_on, organisers: str = "", description: str = "",
                 enterprises=(), attendees: int = 0) -> StationEvent:
    if station.kind != OrgKind.STATION:
        raise ValidationError("不是政务服务驿站")
    if not perms.can_log_at_station(actor, station):
        raise PermissionDenied("只有本驿站服务队可以记录活动")
    if not title.strip():
        raise ValidationError({"title": "请填写活动名称"})
    event = StationEvent.objects.create(station=station, title=title.strip(), held_on=held_on,
                                        organisers=organisers.strip(), description=description,
                                        attendees=max(attendees or 0, len(enterprises)),
                                        created_by=actor)
    event.enterprises.set(enterprises)
    audit_record(event_type="station.event_recorded", actor=actor, subject=event,
                 after={"title": event.title, "enterprises": len(enterprises), "attendees": event.attendees})
    return event


@transaction.atomic
def liaison_set(*, station, officer, actor) -> OrgAssignment:
    """One liaison officer per department for each station: the new one replaces the old."""
    if not perms.can_set_liaison(actor):
        raise PermissionDenied("只有管理员可以指定联络员")
    if not perms.can_be_liaison(officer):
        raise ValidationError({"officer": "联络员应为部门审批人员"})
    old = list(station.assignments.filter(position=Position.LIAISON, user__org_unit=officer.org_unit))
    station.assignments.filter(pk__in=[a.pk for a in old]).delete()
    assignment = OrgAssignment.objects.create(org_unit=station, user=officer, position=Position.LIAISON,
                                              since=timezone.localdate())
    audit_record(event_type="station.liaison_set", actor=actor, subject=station,
                 before={"liaisons": [a.user_id for a in old]}, after={"liaison": officer.pk,
                                                                         "department": officer.org_unit.name})
    return assignment
