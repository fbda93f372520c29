"""Writes of the talent room: each a keyword-only service in one transaction with one audit event; state changes go
through the room's workflows (workflow.py)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role
from gaoxin.core.numbering import next_number
from gaoxin.core.services import audit_record
from gaoxin.core.validators import PHONE_PATTERN, id_number_problem, normalize_code

from . import notifications
from . import permissions as perms
from .models import (
    AgreementActivity,
    AgreementStatus,
    CheckIn,
    DemandSource,
    Hire,
    HireStatus,
    Intent,
    JobDemand,
    MatchEvent,
    SchoolAgreement,
)
from .workflow import AGREEMENT_WORKFLOW, DEMAND_WORKFLOW, HIRE_WORKFLOW, LIVE, confirm_hire, refill

MAX_QUANTITY = 10_000


def demand_create(*, actor, enterprise, post: str, quantity: int, skill_level: str, pay_min: int, pay_max: int,
                  location: str, urgency: str = "normal", description: str = "", station_service=None) -> JobDemand:
    if not perms.can_post_demand(actor):
        raise PermissionDenied("您无权登记用工需求")
    firms = perms.firms_for_demand(actor)
    if firms is not None and not firms.filter(pk=enterprise.pk).exists():
        raise PermissionDenied("只能为本企业发布用工需求")
    errors = {}
    if not 1 <= quantity <= MAX_QUANTITY:
        errors["quantity"] = f"需求人数应为 1 至 {MAX_QUANTITY}"
    if pay_min > pay_max:
        errors["pay_max"] = "月薪上限不能低于下限"
    if errors:
        raise ValidationError(errors)
    source = (DemandSource.ENTERPRISE if has_role(actor, Role.ENTERPRISE) else
              DemandSource.STATION if has_role(actor, *perms.FIELD_STAFF) else DemandSource.OFFICE)
    with transaction.atomic():
        demand = JobDemand.objects.create(
            number=next_number("YG"), enterprise=enterprise, post=post.strip(), quantity=quantity,
            skill_level=skill_level, pay_min=pay_min, pay_max=pay_max, urgency=urgency, location=location.strip(),
            description=description.strip(), source=source, station_service=station_service, created_by=actor)
        audit_record(event_type="talent.demand.create", actor=actor, subject=demand,
                     after={"enterprise": enterprise.name, "post": demand.post, "quantity": quantity,
                            "source": demand.get_source_display()})
        notifications.demand_posted(demand)
    return demand


def demand_transition(*, demand: JobDemand, name: str, actor, reason: str = "") -> JobDemand:
    return DEMAND_WORKFLOW.apply(demand, name, actor=actor, reason=reason)


def hire_record(*, actor, demand: JobDemand, name: str, id_number: str, hired_on: dt.date, phone: str = "",
                event: MatchEvent | None = None) -> Hire:
    """A person on the job against a demand. Recorded by a station, an agent or the talent office, the firm is asked
    to confirm it; recorded by the firm itself, it is confirmed at once."""
    if not perms.can_record_hire(actor, demand):
        raise PermissionDenied("您无权登记到岗")
    id_number = normalize_code(id_number)
    errors = {}
    if problem := id_number_problem(id_number):
        errors["id_number"] = problem
    if phone and not re.match(PHONE_PATTERN, phone):
        errors["phone"] = "手机号码格式不正确"
    if hired_on > timezone.localdate():
        errors["hired_on"] = "到岗日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    by_firm = has_role(actor, Role.ENTERPRISE)
    station = actor.org_unit if has_role(actor, Role.STATION_OFFICER) else None
    try:
        with transaction.atomic():
            locked = JobDemand.objects.select_for_update().get(pk=demand.pk)
            if locked.status not in LIVE:
                raise ValidationError(f"该需求{locked.get_status_display()}，不能再登记到岗")
            hire = Hire(demand=locked, name=name.strip(), id_number=id_number, phone=phone, hired_on=hired_on,
                        event=event, station=station, recorded_by=actor)
            if by_firm:
                hire.status = HireStatus.CONFIRMED
                confirm_hire(hire, timezone.localdate())
            hire.save()
            refill(locked)
            audit_record(event_type="talent.hire.create", actor=actor, subject=hire,
                         after={"demand": locked.number, "name": hire.name, "id_number": hire.masked_id_number,
                                "hired_on": hired_on.isoformat(), "status": hire.status})
            notifications.hire_recorded(hire)
    except IntegrityError as exc:
        raise ValidationError({"id_number": "此人已登记在该需求下"}) from exc
    return hire


def hire_transition(*, hire: Hire, name: str, actor, reason: str = "", **params) -> Hire:
    return HIRE_WORKFLOW.apply(hire, name, actor=actor, reason=reason, **params)


# --- events ----------------------------------------------------------------------------------------------------


def event_create(*, actor, title: str, kind: str, organiser, held_on: dt.date, place: str, programme: str = "") -> MatchEvent:
    if not perms.can_manage_events(actor):
        raise PermissionDenied("您无权组织对接活动")
    with transaction.atomic():
        event = MatchEvent.objects.create(title=title.strip(), kind=kind, organiser=organiser, held_on=held_on,
                                          place=place.strip(), programme=programme.strip(), created_by=actor)
        audit_record(event_type="talent.event.create", actor=actor, subject=event,
                     after={"title": event.title, "held_on": held_on.isoformat()})
    return event


def event_register(*, event: MatchEvent, actor, enterprise=None, school=None, demands=()) -> None:
    """A firm (with the posts it offers) or a school takes part."""
    if not perms.can_manage_events(actor):
        firms = perms.firms_for_demand(actor)
        if enterprise is None or firms is None or not firms.filter(pk=enterprise.pk).exists() or school is not None:
            raise PermissionDenied("您无权为其他单位报名")
    if enterprise is None and school is None:
        raise ValidationError("请选择参会企业或院校")
    demands = list(demands)
    if any(d.enterprise_id != getattr(enterprise, "pk", None) or d.status not in LIVE for d in demands):
        raise ValidationError({"demands": "只能提供本企业招聘中的岗位"})
    with transaction.atomic():
        if enterprise is not None:
            event.firms.add(enterprise)
            event.demands.add(*demands)
        if school is not None:
            event.schools.add(school)
        audit_record(event_type="talent.event.register", actor=actor, subject=event,
                     after={"enterprise": getattr(enterprise, "name", ""), "school": getattr(school, "name", ""),
                            "demands": [d.number for d in demands]})


def checkin_create(*, event: MatchEvent, name: str, phone: str, school: str = "", major: str = "", resume=None,
                   today: dt.date | None = None) -> CheckIn:
    """A job seeker checks in at the door with the event's QR code (no log-in), on the event's day or the day before."""
    today = today or timezone.localdate()
    if not event.held_on - dt.timedelta(days=1) <= today <= event.held_on:
        raise ValidationError(f"签到仅在活动当天（{event.held_on:%Y年%m月%d日}）开放")
    if not re.match(PHONE_PATTERN, phone or ""):
        raise ValidationError({"phone": "请填写正确的手机号码"})
    if resume is not None:
        from gaoxin.core.uploads import check_upload

        try:
            check_upload(resume, kind="material", label="简历")
        except ValidationError as exc:
            raise ValidationError({"resume": exc.messages}) from exc
    try:
        with transaction.atomic():
            checkin = CheckIn.objects.create(event=event, name=name.strip(), phone=phone, school=school.strip(),
                                             major=major.strip(), resume=resume or "")
            audit_record(event_type="talent.event.checkin", actor=None, subject=event,
                         after={"name": checkin.name, "phone": checkin.masked_phone})
    except IntegrityError as exc:
        raise ValidationError({"phone": "该手机号码已签到"}) from exc
    return checkin


def intent_record(*, event: MatchEvent, actor, enterprise, person: str, demand: JobDemand | None = None,
                  checkin: CheckIn | None = None, signed_on: dt.date | None = None) -> Intent:
    if not perms.can_record_intent(actor, event):
        raise PermissionDenied("您无权登记签约意向")
    if not event.firms.filter(pk=enterprise.pk).exists():
        raise ValidationError({"enterprise": "该企业未报名本次活动"})
    if demand is not None and demand.enterprise_id != enterprise.pk:
        raise ValidationError({"demand": "岗位不属于该企业"})
    with transaction.atomic():
        intent = Intent.objects.create(event=event, enterprise=enterprise, demand=demand, checkin=checkin,
                                       person=person.strip(), signed_on=signed_on or event.held_on, recorded_by=actor)
        audit_record(event_type="talent.event.intent", actor=actor, subject=event,
                     after={"enterprise": enterprise.name, "person": intent.person})
    return intent


# --- school agreements -----------------------------------------------------------------------------------------


def agreement_create(*, actor, school, enterprise, kind: str, title: str, signed_on: dt.date, expires_on: dt.date,
                     places: int = 0) -> SchoolAgreement:
    if not perms.can_manage_agreements(actor):
        raise PermissionDenied("您无权登记校企合作协议")
    if expires_on <= signed_on:
        raise ValidationError({"expires_on": "到期日期应晚于签订日期"})
    with transaction.atomic():
        agreement = SchoolAgreement.objects.create(school=school, enterprise=enterprise, kind=kind, title=title.strip(),
                                                   signed_on=signed_on, expires_on=expires_on, places=places,
                                                   last_activity_on=signed_on, created_by=actor)
        audit_record(event_type="talent.agreement.create", actor=actor, subject=agreement,
                     after={"school": school.name, "enterprise": enterprise.name, "kind": agreement.get_kind_display(),
                            "expires_on": expires_on.isoformat()})
    return agreement


def agreement_log(*, agreement: SchoolAgreement, actor, held_on: dt.date, note: str, people: int = 0) -> AgreementActivity:
    if not perms.can_log_agreement_activity(actor, agreement):
        raise PermissionDenied("您无权登记该协议的活动")
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": "活动日期不能晚于今天"})
    if held_on < agreement.signed_on:
        raise ValidationError({"held_on": "活动日期不能早于协议签订日期"})
    with transaction.atomic():
        locked = SchoolAgreement.objects.select_for_update().get(pk=agreement.pk)
        if locked.status != AgreementStatus.ACTIVE:
            raise ValidationError("协议已到期或终止")
        activity = AgreementActivity.objects.create(agreement=locked, held_on=held_on, note=note.strip(),
                                                    people=people, recorded_by=actor)
        if locked.last_activity_on is None or held_on > locked.last_activity_on:
            locked.last_activity_on = held_on
            locked.save(update_fields=["last_activity_on"])
        audit_record(event_type="talent.agreement.activity", actor=actor, subject=locked,
                     after={"held_on": held_on.isoformat(), "note": activity.note, "people": people})
    return activity


def agreement_transition(*, agreement: SchoolAgreement, name: str, actor, reason: str = "") -> SchoolAgreement:
    return AGREEMENT_WORKFLOW.apply(agreement, name, actor=actor, reason=reason)


# --- the daily sweep -------------------------------------------------------------------------------------------


def sweep(*, today: dt.date | None = None) -> dict:
    """Retention checks due → the firm is asked (once per check); agreements about to expire → the talent office and
    the firm are told (once); agreements past their date end. Idempotent."""
    today = today or timezone.localdate()
    asked = 0
    for hire in Hire.objects.select_related("demand").filter(status=HireStatus.CONFIRMED, short_check_due__lte=today):
        notifications.retention_due(hire, f"到岗{settings.GAOXIN_TALENT_RETENTION_DAYS[0]}天")
        asked += 1
    for hire in Hire.objects.select_related("demand").filter(status=HireStatus.RETAINED_SHORT, long_check_due__lte=today):
        notifications.retention_due(hire, f"到岗{settings.GAOXIN_TALENT_RETENTION_DAYS[1]}天")
        asked += 1
    soon = today + dt.timedelta(days=settings.GAOXIN_TALENT_AGREEMENT_REMINDER_DAYS)
    expiring = SchoolAgreement.objects.filter(status=AgreementStatus.ACTIVE, expires_on__gte=today, expires_on__lte=soon)
    for agreement in expiring:
        notifications.agreement_expiring(agreement)
    ended = 0
    for agreement in SchoolAgreement.objects.filter(status=AgreementStatus.ACTIVE, expires_on__lt=today):
        AGREEMENT_WORKFLOW.apply(agreement, "END", actor=None)
        ended += 1
    return {"retention_asked": asked, "agreements_expiring": expiring.count(), "agreements_ended": ended}

