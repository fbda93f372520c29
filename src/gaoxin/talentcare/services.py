"""Writes of 人才服务保障: each a keyword-only service in one transaction with one audit event; state changes go through
the room's workflows (workflow.py). A talent's housing, medical, schooling and spouse-job requests become appeals
flagged "talent" through the appeals room's own service."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role
from gaoxin.core.services import audit_record
from gaoxin.core.validators import PHONE_PATTERN

from . import notifications, selectors
from . import permissions as perms
from .models import ApartmentUnit, Building, Contact, HousingApplication, Lease, Pairing
from .workflow import APPLICATION_WORKFLOW, LEASE_WORKFLOW, UNIT_WORKFLOW

MAX_ROOMS = 10


def building_create(*, actor, name: str, address: str, park=None) -> Building:
    if not perms.can_manage_housing(actor):
        raise PermissionDenied("您无权登记人才公寓")
    if Building.objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": "已有同名楼栋"})
    with transaction.atomic():
        building = Building.objects.create(name=name.strip(), address=address.strip(), park=park, created_by=actor)
        audit_record(event_type="talentcare.building.create", actor=actor, subject=building,
                     after={"name": building.name, "address": building.address})
    return building


def unit_create(*, actor, building: Building, number: str, rooms: int, area: Decimal, rent: Decimal) -> ApartmentUnit:
    if not perms.can_manage_housing(actor):
        raise PermissionDenied("您无权登记人才公寓")
    errors = {}
    if not 1 <= rooms <= MAX_ROOMS:
        errors["rooms"] = f"居室数应为 1 至 {MAX_ROOMS}"
    if area <= 0:
        errors["area"] = "面积应大于 0"
    if rent < 0:
        errors["rent"] = "月租金不能为负数"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            unit = ApartmentUnit.objects.create(building=building, number=number.strip(), rooms=rooms, area=area,
                                                rent=rent)
            audit_record(event_type="talentcare.unit.create", actor=actor, subject=unit,
                         after={"unit": str(unit), "rooms": rooms, "area": str(area), "rent": str(rent)})
    except IntegrityError as exc:
        raise ValidationError({"number": "该楼栋已有此房号"}) from exc
    return unit


def unit_transition(*, unit: ApartmentUnit, name: str, actor, reason: str = "") -> ApartmentUnit:
    return UNIT_WORKFLOW.apply(unit, name, actor=actor, reason=reason)


# --- the allocation queue --------------------------------------------------------------------------------------


def application_submit(*, actor, talent, rooms_wanted: int = 1, family_size: int = 1, note: str = "",
                       applied_at: dt.datetime | None = None) -> HousingApplication:
    """A registered talent applies for a flat (itself, or the office for it) and joins the queue."""
    if not (perms.can_manage_housing(actor) or perms.can_file_for_talent(actor, talent)):
        raise PermissionDenied("您无权为该人才申请人才公寓")
    errors = {}
    if not 1 <= rooms_wanted <= MAX_ROOMS:
        errors["rooms_wanted"] = f"居室数应为 1 至 {MAX_ROOMS}"
    if not 1 <= family_size <= 20:
        errors["family_size"] = "同住人数应为 1 至 20"
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            application = HousingApplication.objects.create(
                talent=talent, rooms_wanted=rooms_wanted, family_size=family_size, note=note.strip(),
                applied_at=applied_at or timezone.now(), created_by=actor)
            audit_record(event_type="talentcare.application.create", actor=actor, subject=application,
                         after={"talent": talent.name, "rooms_wanted": rooms_wanted, "family_size": family_size})
            notifications.application_submitted(application)
    except IntegrityError as exc:
        raise ValidationError("已有在办的人才公寓申请或在租房源，不能重复申请") from exc
    return application


def application_transition(*, application: HousingApplication, name: str, actor, reason: str = "",
                           **params) -> HousingApplication:
    """OFFER (unit=), SIGN (start_on=, end_on=, deposit=), DECLINE, WITHDRAW (reason)."""
    return APPLICATION_WORKFLOW.apply(application, name, actor=actor, reason=reason, **params)


def lease_transition(*, lease: Lease, name: str, actor, reason: str = "", **params) -> Lease:
    """RENEW (end_on=), EXIT (moved_out_on=, the inspection note as the reason)."""
    return LEASE_WORKFLOW.apply(lease, name, actor=actor, reason=reason, **params)


# --- leader–talent pairing -------------------------------------------------------------------------------------


def pairing_assign(*, actor, leader, talent, since: dt.date | None = None) -> Pairing:
    if not perms.can_assign_pairing(actor):
        raise PermissionDenied("您无权安排结对联系")
    if not has_role(leader, Role.LEADER) or not leader.is_active:
        raise ValidationError({"leader": "请选择一位领导"})
    since = since or timezone.localdate()
    if since > timezone.localdate():
        raise ValidationError({"since": "结对日期不能晚于今天"})
    try:
        with transaction.atomic():
            pairing = Pairing.objects.create(leader=leader, talent=talent, since=since, assigned_by=actor)
            audit_record(event_type="talentcare.pairing.assign", actor=actor, subject=pairing,
                         after={"leader": leader.get_full_name(), "talent": talent.name, "since": since.isoformat()})
            notifications.pairing_assigned(pairing)
    except IntegrityError as exc:
        raise ValidationError({"talent": "该人才已有结对联系的领导"}) from exc
    return pairing


def pairing_end(*, actor, pairing: Pairing, reason: str) -> Pairing:
    if not perms.can_assign_pairing(actor):
        raise PermissionDenied("您无权调整结对联系")
    if not reason.strip():
        raise ValidationError({"reason": "请说明结束结对的原因"})
    with transaction.atomic():
        locked = Pairing.objects.select_for_update().get(pk=pairing.pk)
        if locked.ended_on is not None:
            raise ValidationError("该结对已结束")
        locked.ended_on = timezone.localdate()
        locked.save(update_fields=["ended_on"])
        audit_record(event_type="talentcare.pairing.end", actor=actor, subject=locked,
                     before={"ended_on": None}, after={"ended_on": locked.ended_on.isoformat(), "reason": reason.strip()})
    return locked


def contact_log(*, actor, pairing: Pairing, contacted_on: dt.date, way: str, notes: str, problems: str = "") -> Contact:
    if not perms.can_log_contact(actor, pairing):
        raise PermissionDenied("您无权登记该人才的联系情况")
    errors = {}
    if contacted_on > timezone.localdate():
        errors["contacted_on"] = "联系日期不能晚于今天"
    elif contacted_on < pairing.since:
        errors["contacted_on"] = "联系日期不能早于结对日期"
    if not notes.strip():
        errors["notes"] = "请填写联系情况"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        contact = Contact.objects.create(pairing=pairing, contacted_on=contacted_on, way=way, notes=notes.strip(),
                                         problems=problems.strip(), recorded_by=actor)
        audit_record(event_type="talentcare.contact.create", actor=actor, subject=pairing,
                     after={"contacted_on": contacted_on.isoformat(), "way": contact.get_way_display(),
                            "problems": bool(contact.problems)})
    return contact


def _phone_for(talent, actor) -> str:
    for phone in (talent.phone, getattr(actor, "phone", "")):
        if phone and re.match(PHONE_PATTERN, phone):
            return phone
    return ""


def talent_appeal_file(*, actor, talent, talent_service: str, title: str, description: str, contact_phone: str = "",
                       urgency: str = "normal", channel: str = ""):
    """A talent-flagged appeal (人才服务): filed by the talent itself or by the talent office for it."""
    from gaoxin.appeals.services import talent_appeal_submit

    if not perms.can_file_for_talent(actor, talent):
        raise PermissionDenied("您无权为该人才提出服务诉求")
    phone = contact_phone or _phone_for(talent, actor)
    if not phone or not re.match(PHONE_PATTERN, phone):
        raise ValidationError({"contact_phone": "请填写正确的联系电话"})
    own = perms.talent_of(actor)
    return talent_appeal_submit(actor=actor, talent=talent, talent_service=talent_service, title=title,
                                description=description, contact_name=talent.name, contact_phone=phone,
                                urgency=urgency, channel=channel or ("人才本人" if own is not None else "人才办"))


def contact_raise_appeal(*, actor, contact: Contact, talent_service: str, title: str = ""):
    """A problem raised in a contact becomes a talent-flagged appeal, linked from the contact (once)."""
    from gaoxin.appeals.services import talent_appeal_submit

    pairing = contact.pairing
    if not perms.can_log_contact(actor, pairing):
        raise PermissionDenied("您无权处理该联系记录")
    with transaction.atomic():
        locked = Contact.objects.select_for_update().select_related("pairing__talent").get(pk=contact.pk)
        if locked.appeal_id:
            raise ValidationError("该问题已转为人才服务诉求")
        if not locked.problems:
            raise ValidationError("该次联系没有登记反映的问题")
        talent = locked.pairing.talent
        phone = _phone_for(talent, actor)
        if not phone:
            raise ValidationError("该人才没有可用的联系电话，请先在人才库中补充")
        appeal = talent_appeal_submit(
            actor=actor, talent=talent, talent_service=talent_service,
            title=(title or locked.problems.splitlines()[0])[:120],
            description=f"{locked.contacted_on:%Y年%m月%d日}结对联系（{locked.get_way_display()}）中反映：{locked.problems}",
            contact_name=talent.name, contact_phone=phone, channel="领导结对联系")
        locked.appeal = appeal
        locked.save(update_fields=["appeal"])
        audit_record(event_type="talentcare.contact.appeal", actor=actor, subject=locked.pairing,
                     after={"contact": locked.pk, "appeal": appeal.number})
    return appeal


# --- the daily sweep -------------------------------------------------------------------------------------------


def sweep(*, today: dt.date | None = None) -> dict:
    """Leases ending within GAOXIN_TALENTCARE_EXPIRY_REMINDER_WORKDAYS working days (or past their date and not yet
    renewed or ended) → the office and the talent are told, once per lease end date; current pairings without a
    contact for GAOXIN_TALENTCARE_CONTACT_DAYS days → the leader is told, once per last contact. Idempotent."""
    today = today or timezone.localdate()
    expiring = 0
    for lease in selectors.expiring_leases(today=today).select_related("talent__user", "unit__building"):
        notifications.lease_expiring(lease)
        expiring += 1
    overdue = 0
    due_since = selectors.contact_due_since(today)
    for pairing in selectors.leader_pairings(Pairing.objects.filter(ended_on__isnull=True)).filter(overdue=True):
        if (pairing.last_contact or pairing.since) < due_since:
            notifications.contact_overdue(pairing, pairing.last_contact)
            overdue += 1
    return {"leases_expiring": expiring, "contacts_overdue": overdue}
