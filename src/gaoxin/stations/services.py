"""Writes for stations: a log entry, an event with its attendance, a department liaison, a staff training session
and its attendees."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgAssignment, OrgKind, Position
from gaoxin.core.services import audit_record

from . import permissions as perms
from .models import Outcome, StationEvent, StationService, TrainingKind, TrainingSession


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


def _check_attendees(attendees) -> list:
    people = list(dict.fromkeys(attendees))
    if not people:
        raise ValidationError({"attendees": "请选择参训人员"})
    allowed = set(perms.training_attendee_candidates().filter(pk__in=[p.pk for p in people]).values_list("pk", flat=True))
    outsiders = [p.get_full_name() or p.get_username() for p in people if p.pk not in allowed]
    if outsiders:
        raise ValidationError({"attendees": f"参训人员应为在岗工作人员：{'、'.join(outsiders)}"})
    return people


@transaction.atomic
def training_session_create(*, actor, kind: str, title: str, held_on, hours, organiser, attendees, topics: str = "",
                            place: str = "", trainer: str = "") -> TrainingSession:
    """Record a training session (集中培训、跟班学习、情景演练) with who attended, in the organiser's name."""
    if not perms.can_organise_training(actor):
        raise PermissionDenied("只有管委会管理员和驿站负责人可以登记培训")
    errors = {}
    if kind not in TrainingKind.values:
        errors["kind"] = "请选择培训方式"
    if not (title or "").strip():
        errors["title"] = "请填写培训名称"
    if held_on is None:
        errors["held_on"] = "请填写培训日期"
    elif held_on > timezone.localdate():
        errors["held_on"] = "培训日期不能晚于今天（登记的是已举办的培训）"
    try:
        hours = Decimal(str(hours))
    except (InvalidOperation, ValueError):
        hours = None
    if hours is None or not hours.is_finite() or hours <= 0:
        errors["hours"] = "学时应大于 0"
    elif hours > 999 or hours != hours.quantize(Decimal("0.1")):
        errors["hours"] = "学时最多 999 小时、保留一位小数"
    if organiser is None or not perms.training_organisers(actor).filter(pk=organiser.pk).exists():
        errors["organiser"] = "请选择您可以代表的组织单位"
    try:
        people = _check_attendees(attendees)
    except ValidationError as exc:
        errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    session = TrainingSession(kind=kind, title=title.strip(), topics=(topics or "").strip(), held_on=held_on,
                              hours=hours, place=(place or "").strip(), trainer=(trainer or "").strip(),
                              organiser=organiser, created_by=actor)
    session.full_clean()
    session.save()
    session.attendees.set(people)
    audit_record(event_type="station.training_recorded", actor=actor, subject=session,
                 after={"kind": kind, "title": session.title, "held_on": held_on.isoformat(), "hours": str(hours),
                        "organiser": organiser.name, "attendees": sorted(p.pk for p in people)})
    return session


def _locked_session(session) -> TrainingSession:
    return TrainingSession.objects.select_for_update().select_related("organiser").get(pk=session.pk)


@transaction.atomic
def training_attendee_add(*, session, user, actor) -> TrainingSession:
    """Add a person who attended (a late sign-in sheet, a name left out)."""
    session = _locked_session(session)
    if not perms.can_manage_training(actor, session):
        raise PermissionDenied("只有管委会管理员和组织培训的驿站负责人可以修改参训人员")
    _check_attendees([user])
    if session.attendees.filter(pk=user.pk).exists():
        raise ValidationError({"attendee": f"{user.get_full_name()}已在参训名单中"})
    session.attendees.add(user)
    audit_record(event_type="station.training_attendee_added", actor=actor, subject=session,
                 after={"attendee": user.pk, "name": user.get_full_name()})
    return session


@transaction.atomic
def training_attendee_remove(*, session, user, actor) -> TrainingSession:
    """Take a person off the list (recorded by mistake); a session keeps at least one attendee."""
    session = _locked_session(session)
    if not perms.can_manage_training(actor, session):
        raise PermissionDenied("只有管委会管理员和组织培训的驿站负责人可以修改参训人员")
    if not session.attendees.filter(pk=user.pk).exists():
        raise ValidationError({"attendee": "该人员不在参训名单中"})
    if session.attendees.count() == 1:
        raise ValidationError({"attendee": "培训至少应有一名参训人员"})
    session.attendees.remove(user)
    audit_record(event_type="station.training_attendee_removed", actor=actor, subject=session,
                 before={"attendee": user.pk, "name": user.get_full_name()})
    return session
