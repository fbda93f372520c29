"""Writes of the kiosk: terminals, visits (log-in, log-out, idle wipe), items completed on the spot and 帮代办
orders placed at the terminal. Each state change in one transaction with one audit event; a completed item is
the cases room's own submission and 即办办结 (channel 智能微厅), each audited there, and an order is the assist
room's own order (channel 智能微厅)."""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.assist import services as assist_services
from gaoxin.assist.models import AssistOrder, OrderChannel
from gaoxin.cases import services as case_services
from gaoxin.cases.models import ApplicantType, Case
from gaoxin.core.masking import mask_id_number, mask_phone
from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Enterprise

from .eligibility import kiosk_enabled, unavailable_reason
from .models import STEP_ORDER, Action, ActionKind, CoverageDay, EndReason, Handoff, Terminal, Visit, VisitStep
from .selectors import Person, key_digest, person_for_user


def _station(station):
    from gaoxin.accounts.models import OrgKind

    if station is not None and station.kind != OrgKind.STATION:
        raise ValidationError({"station": "请选择政务服务驿站"})
    return station


@transaction.atomic
def terminal_register(*, name: str, location: str, actor, key: str = "", station=None) -> tuple[Terminal, str]:
    """A new terminal and its key (shown once; only its digest is kept). `key` is given only by the demo; `station`
    is the station nearest the terminal (asked to call back a person whose business cannot be done here)."""
    if not name.strip() or not location.strip():
        raise ValidationError("请填写终端名称和放置地点")
    if Terminal.objects.filter(name=name.strip()).exists():
        raise ValidationError({"name": "已有同名终端"})
    key = key or secrets.token_urlsafe(18)
    terminal = Terminal.objects.create(name=name.strip(), location=location.strip(), key_hash=key_digest(key),
                                       station=_station(station))
    audit_record(event_type="kiosk.terminal_registered", actor=actor, subject=terminal,
                 after={"name": terminal.name, "location": terminal.location,
                        "station": station.name if station else ""})
    return terminal, key


@transaction.atomic
def terminal_set_station(*, terminal: Terminal, station, actor) -> Terminal:
    """The station nearest the terminal (None: no station takes its call-back requests)."""
    terminal = Terminal.objects.select_for_update(of=("self",)).select_related("station").get(pk=terminal.pk)
    before = terminal.station.name if terminal.station else ""
    terminal.station = _station(station)
    terminal.save(update_fields=["station"])
    audit_record(event_type="kiosk.terminal_station", actor=actor, subject=terminal, before={"station": before},
                 after={"station": station.name if station else ""})
    return terminal


@transaction.atomic
def terminal_set_active(*, terminal: Terminal, active: bool, actor) -> Terminal:
    terminal = Terminal.objects.select_for_update().get(pk=terminal.pk)
    if terminal.is_active == active:
        return terminal
    terminal.is_active = active
    terminal.save(update_fields=["is_active"])
    audit_record(event_type="kiosk.terminal_enabled" if active else "kiosk.terminal_disabled", actor=actor,
                 subject=terminal, before={"is_active": not active}, after={"is_active": active})
    return terminal


@transaction.atomic
def terminal_activate(*, terminal: Terminal) -> None:
    """A browser was set up as this terminal (the key typed on it): audited, nothing else changes."""
    audit_record(event_type="kiosk.terminal_activated", actor=None, subject=terminal,
                 after={"location": terminal.location})


@transaction.atomic
def login_refuse(*, terminal: Terminal, id_number: str, reason: str) -> None:
    """A log-in that found nobody: audited with the masked number, so repeated tries are visible."""
    audit_record(event_type="kiosk.login_refused", actor=None, subject=terminal,
                 after={"id_number": mask_id_number(id_number), "reason": reason})


@transaction.atomic
def visit_start(*, terminal: Terminal, person: Person) -> Visit:
    visit = Visit.objects.create(terminal=terminal, id_number_masked=mask_id_number(person.id_number),
                                 person_name=person.name, user_id=person.user_id, identity_source=person.source)
    audit_record(event_type="kiosk.login", actor=visit.user, subject=visit,
                 after={"terminal": terminal.name, "location": terminal.location, "source": person.source,
                        "id_number": visit.id_number_masked, "firms": len(person.firm_ids)})
    return visit


@transaction.atomic
def handoff_open(*, terminal: Terminal) -> tuple[Handoff, str]:
    """手机扫码登录 asked for at the terminal: a one-time link (its token returned once, only its digest kept)."""
    token = secrets.token_urlsafe(24)
    handoff = Handoff.objects.create(
        terminal=terminal, token_hash=key_digest(token),
        expires_at=timezone.now() + dt.timedelta(seconds=settings.GAOXIN_KIOSK_HANDOFF_SECONDS))
    audit_record(event_type="kiosk.handoff_opened", actor=None, subject=handoff,
                 after={"terminal": terminal.name, "location": terminal.location})
    return handoff, token


def handoff_problem(handoff: Handoff | None) -> str | None:
    if handoff is None:
        return "二维码无效，请在自助终端上重新点击“手机扫码登录”。"
    if handoff.visit_id is not None:
        return "该二维码已使用过，请在自助终端上重新生成。"
    if handoff.expires_at <= timezone.now():
        return "二维码已过期，请在自助终端上重新点击“手机扫码登录”。"
    return None


@transaction.atomic
def handoff_confirm(*, handoff: Handoff, user) -> Handoff:
    """The person, logged in on the phone, confirms the terminal's QR code: that terminal may start a visit as this
    account. Refused when the link is used or expired, confirmed by someone else, or the account acts for no firm
    and has no ID number."""
    handoff = Handoff.objects.select_for_update(of=("self",)).select_related("terminal").get(pk=handoff.pk)
    if problem := handoff_problem(handoff):
        raise ValidationError(problem)
    if handoff.confirmed_by_id is not None:
        if handoff.confirmed_by_id == user.pk:
            return handoff
        raise ValidationError("该二维码已由其他账号确认，请在自助终端上重新生成。")
    if not user.is_active or person_for_user(user) is None:
        raise ValidationError("您的账号没有关联企业，也没有登记身份证号码，不能在自助终端办理。请到窗口咨询。")
    handoff.confirmed_by, handoff.confirmed_at = user, timezone.now()
    handoff.save(update_fields=["confirmed_by", "confirmed_at"])
    audit_record(event_type="kiosk.handoff_confirmed", actor=user, subject=handoff,
                 after={"terminal": handoff.terminal.name, "location": handoff.terminal.location})
    return handoff


@transaction.atomic
def handoff_redeem(*, handoff_id: int, terminal: Terminal) -> tuple[Visit, Person] | None:
    """The terminal collects a confirmed hand-off: the visit starts as the confirming account (the log-in is the one
    audit event) and the link is spent. None while it waits for the phone (or when it is spent or expired)."""
    handoff = (Handoff.objects.select_for_update(of=("self",)).select_related("confirmed_by")
               .filter(pk=handoff_id, terminal=terminal).first())
    if handoff is None or handoff.confirmed_by is None or handoff_problem(handoff):
        return None
    person = person_for_user(handoff.confirmed_by)
    if person is None:
        return None
    visit = visit_start(terminal=terminal, person=person)
    handoff.visit = visit
    handoff.save(update_fields=["visit"])
    return visit, person


@transaction.atomic
def visit_end(*, visit_id: int, reason: str) -> Visit | None:
    """Log-out, the idle timer or the next person: ends the visit once (a second call changes nothing)."""
    if reason not in EndReason.values:
        raise ValidationError("未知的退出原因")
    visit = Visit.objects.select_for_update(of=("self",)).filter(pk=visit_id).select_related("terminal", "user").first()
    if visit is None or visit.ended_at is not None:
        return visit
    visit.ended_at, visit.end_reason = timezone.now(), reason
    visit.save(update_fields=["ended_at", "end_reason"])
    audit_record(event_type="kiosk.logout", actor=visit.user, subject=visit,
                 after={"reason": reason, "terminal": visit.terminal.name,
                        "actions": visit.actions.count(), "step": visit.get_last_step_display()})
    return visit


def visit_reach(*, visit: Visit, step: str) -> None:
    """The visit got as far as `step` (only ever forward): where a person who leaves without finishing gave up,
    for the drop-off per step figure. A progress marker, not a change of anything: the log-out's audit event
    carries the step reached."""
    if step not in STEP_ORDER:
        raise ValidationError("未知的步骤")
    if STEP_ORDER.index(step) > STEP_ORDER.index(visit.last_step):
        Visit.objects.filter(pk=visit.pk, ended_at__isnull=True).exclude(last_step=VisitStep.DONE).update(last_step=step)
        visit.last_step = step


@transaction.atomic
def kiosk_coverage_record(*, day: dt.date | None = None) -> int:
    """Kiosk coverage of 即办 items on `day` (default today) from the catalogue: a row for each published item whose
    current version is 即办, saying whether that version is offered at the kiosk. Rewritten when run again the same
    day (the 15-minute job). Returns the number of items."""
    from gaoxin.catalog.models import ServiceItem

    day = day or timezone.localdate()
    items = (ServiceItem.objects.filter(status="published", current_version__case_type="immediate")
             .select_related("current_version").only("pk", "department_id", "status", "current_version__case_type",
                                                     "current_version__channels"))
    CoverageDay.objects.filter(day=day).delete()
    rows = [CoverageDay(day=day, item_id=i.pk, department_id=i.department_id,
                        kiosk_enabled=kiosk_enabled(i, i.current_version)) for i in items]
    CoverageDay.objects.bulk_create(rows)
    return len(rows)


def _actor(person: Person):
    from gaoxin.accounts.models import User

    return User.objects.filter(pk=person.user_id, is_active=True).first() if person.user_id else None


def _applicant(person: Person, choice: str, phone: str):
    if choice == "self":
        if not person.id_number:
            raise ValidationError({"applicant": "扫码登录的账号未登记身份证号码，只能为名下企业办理"})
        return case_services.Applicant(type=ApplicantType.CITIZEN, name=person.name, id_number=person.id_number,
                                       phone=phone)
    firm_id = int(choice.removeprefix("firm:")) if choice.startswith("firm:") else 0
    if firm_id not in person.firm_ids:
        raise ValidationError({"applicant": "请选择您名下的企业"})
    firm = Enterprise.objects.get(pk=firm_id)
    return case_services.Applicant(type=ApplicantType.ENTERPRISE, name=firm.name, enterprise=firm, phone=phone)


@transaction.atomic
def kiosk_item_complete(*, visit: Visit, person: Person, item, applicant: str, phone: str,
                        situation=None, files: dict | None = None) -> Case:
    """Apply for a 即办 item at the terminal and complete it on the spot: the cases room's `case_submit`
    (channel 智能微厅) then 即办办结, all or nothing. Refused for an item the kiosk does not offer."""
    if visit.ended_at is not None:
        raise ValidationError("本次自助服务已结束，请重新刷身份证")
    version = item.current_version
    reason = unavailable_reason(item, version, has_firms=bool(person.firm_ids), as_self=bool(person.id_number))
    if reason is not None or not kiosk_enabled(item, version):
        raise ValidationError(reason or "该事项暂不能自助办理。")
    note = f"智能微厅自助办理（{visit.terminal.name}）"
    if person.is_guest:
        note += "；申请人未注册账号，姓名和手机号码由本人在终端填写"
    case = case_services.case_submit(item=item, applicant=_applicant(person, applicant, phone), channel="kiosk",
                                     actor=_actor(person), files=files or {}, situation=situation, note=note)
    case = case_services.case_transition(case=case, name="COMPLETE_IMMEDIATE", actor=None)
    Action.objects.create(visit=visit, kind=ActionKind.COMPLETED, item=item, case=case)
    visit_reach(visit=visit, step=VisitStep.DONE)
    return case


@transaction.atomic
def kiosk_order_place(*, visit: Visit, person: Person, item, enterprise_id: int, phone: str, consent: bool,
                      note: str = "") -> AssistOrder:
    """"Not possible here" → a free 帮代办 order for one of the person's firms, with the person's consent;
    the assist room's `order_create` (channel 智能微厅), the commission dated today."""
    if visit.ended_at is not None:
        raise ValidationError("本次自助服务已结束，请重新刷身份证")
    if not consent:
        raise ValidationError({"consent": "请确认同意委托帮代办专员代为办理"})
    if enterprise_id not in person.firm_ids:
        raise ValidationError({"enterprise": "请选择您名下的企业"})
    today = timezone.localdate()
    reason = unavailable_reason(item, item.current_version, has_firms=True) or "需要专员协助办理"
    order = assist_services.order_create(
        actor=_actor(person), enterprise=Enterprise.objects.get(pk=enterprise_id), channel=OrderChannel.KIOSK,
        description=f"在智能微厅（{visit.terminal.location}）申请代办“{item.name}”：{reason}"
                    + (f"\n补充说明：{note.strip()}" if note.strip() else ""),
        contact_name=person.name, contact_phone=phone, item=item, commission_signed_on=today,
        commission_valid_until=today + dt.timedelta(days=settings.GAOXIN_KIOSK_COMMISSION_DAYS),
        kiosk_verified=True)
    Action.objects.create(visit=visit, kind=ActionKind.ASSIST_ORDER, item=item, order=order)
    visit_reach(visit=visit, step=VisitStep.DONE)
    return order


@transaction.atomic
def kiosk_station_call(*, visit: Visit, person: Person, item, phone: str, consent: bool, note: str = "") -> Action:
    """"Not possible here" → the station nearest the terminal is asked to call the person back, with the person's
    consent to be called on this phone. Its staff are told (inbox); one audit event (phone masked)."""
    from gaoxin.accounts.models import Role, User

    if visit.ended_at is not None:
        raise ValidationError("本次自助服务已结束，请重新刷身份证")
    if not consent:
        raise ValidationError({"consent": "请确认同意驿站工作人员使用该电话联系您"})
    station = visit.terminal.station
    if station is None:
        raise ValidationError("本终端未设置就近驿站，请到窗口咨询或排队取号。")
    action = Action.objects.create(visit=visit, kind=ActionKind.STATION_CALL, item=item, station=station,
                                   contact_phone=phone.strip(), note=note.strip())
    visit_reach(visit=visit, step=VisitStep.DONE)
    audit_record(event_type="kiosk.station_call", actor=_actor(person), subject=action,
                 after={"terminal": visit.terminal.name, "station": station.name, "item": item.name,
                        "person": person.name, "phone": mask_phone(phone)})
    from django.urls import reverse

    staff = User.objects.filter(role=Role.STATION_OFFICER, org_unit=station, is_active=True)
    notify(staff, message=f"智能微厅（{visit.terminal.location}）：{person.name}办理“{item.name}”需要帮助，请电话联系",
           url=reverse("kiosk_station_calls"), kind="kiosk_station_call", key=str(action.pk))
    return action


@transaction.atomic
def station_call_handle(*, action: Action, actor) -> Action:
    """The station called the person back: recorded once (a second time is refused)."""
    from .permissions import can_handle_station_call

    action = Action.objects.select_for_update(of=("self",)).select_related("item").get(pk=action.pk)
    if not can_handle_station_call(actor, action):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied("您无权处理该请求")
    if action.handled_at is not None:
        raise ValidationError("该请求已登记为已联系")
    action.handled_at, action.handled_by = timezone.now(), actor
    action.save(update_fields=["handled_at", "handled_by"])
    audit_record(event_type="kiosk.station_call_handled", actor=actor, subject=action,
                 before={"handled": False}, after={"handled": True, "item": action.item.name})
    return action
