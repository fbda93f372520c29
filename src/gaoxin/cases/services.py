"""Writes to cases. `case_submit` files a case; `case_transition` applies every named
transition of `workflow.TRANSITIONS`: it locks the row, checks role, scope and guard,
updates the case, appends a timeline event, writes exactly one audit event and sends
notifications after commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role
from gaoxin.catalog.models import CaseType, ItemStatus, LimitUnit, Necessity, ServiceItem
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record
from gaoxin.core.uploads import check_upload
from gaoxin.core.validators import id_number_problem, normalize_code, uscc_problem

from . import application, notifications
from .models import (
    DECIDED,
    DELIVER_METHODS,
    ApplicantType,
    Case,
    CaseCounter,
    CaseEvent,
    CaseMaterial,
    CreditRestriction,
    Decision,
    DecisionOutcome,
    DeliveryMethod,
    Kind,
    Rectification,
    RectificationStatus,
    Review,
    SharedMaterial,
    Status,
    Suspension,
)
from .workflow import SYSTEM, TRANSITIONS


class CaseConflict(ValidationError):
    """Someone else changed the case first."""


def today() -> dt.date:
    return timezone.localdate()


def _next_number(day: dt.date) -> str:
    counter, _ = CaseCounter.objects.select_for_update().get_or_create(day=day)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"GX{day:%Y%m%d}{counter.last:05d}"


def _actor_repr(actor) -> str:
    return actor.get_full_name() if actor else "系统"


def _event(case: Case, name: str, before: str, actor, note: str = "", **data) -> CaseEvent:
    return CaseEvent.objects.create(case=case, transition=name, from_status=before, to_status=case.status, actor=actor,
                                    actor_repr=_actor_repr(actor), note=note, data=data)


@dataclass
class Applicant:
    type: str
    name: str
    enterprise: object = None
    id_number: str = ""
    phone: str = ""


def _check_applicant(applicant: Applicant) -> None:
    if applicant.type == ApplicantType.ENTERPRISE and applicant.enterprise is None:
        raise ValidationError({"enterprise": "请选择申请企业"})
    if applicant.type == ApplicantType.CITIZEN:
        if problem := id_number_problem(applicant.id_number or ""):
            raise ValidationError({"applicant_id_number": problem})
    if not applicant.name.strip():
        raise ValidationError({"applicant_name": "申请人必填"})


# Channels where the applicant hands in materials only as uploads: the checklist is checked here.
ONLINE_CHANNELS = frozenset({"web", "mobile"})


def _new_case(*, item, version, applicant: Applicant, channel: str, actor, note: str, parent: Case | None,
              situation, kind: str | None = None, answers: dict | None = None) -> Case:
    received = today()
    return Case.objects.create(
        number=_next_number(received), kind=kind or (Kind.CHILD if parent else Kind.SINGLE), parent=parent,
        item=item, version=version, department=item.department, channel=channel, status=Status.RECEIVED,
        applicant_type=applicant.type, enterprise=applicant.enterprise, applicant_name=applicant.name.strip(),
        applicant_id_number=(applicant.id_number or "").upper(), contact_phone=applicant.phone, submitted_by=actor,
        station=_station_of(actor, channel), note=note, received_on=received, promised_limit=version.promised_limit,
        correction_notice_due=work_calendar().add_working_days(received, settings.GAOXIN_CORRECTION_NOTICE_WORKDAYS),
        situation=situation, answers=answers or {},
    )


def _check_situation(version, situation, field: str = "situation") -> None:
    if situation is not None and situation.version_id != version.pk:
        raise ValidationError({field: f"所选办理情形不属于“{version.name}”"})


@transaction.atomic
def case_submit(*, item: ServiceItem, applicant: Applicant, channel: str, actor, files: dict | None = None,
                originals_seen: set[int] = frozenset(), note: str = "", parent: Case | None = None,
                situation=None) -> Case:
    """File a case under the item's current version (the version stays with the case).
    files: material id -> uploaded file; originals_seen: material ids checked at the window.
    situation: the chosen 办理情形; the case then holds only that situation's materials (without
    one, every material of the version). Online, where uploads are the only way in, every
    required material the case holds must be uploaded."""
    if item.status != ItemStatus.PUBLISHED or item.current_version is None:
        raise ValidationError("该事项暂停或未发布，不能申请")
    version = item.current_version
    if channel not in version.channels and channel != "window":
        raise ValidationError({"channel": "该事项不支持此办理渠道"})
    _check_applicant(applicant)
    online = channel in ONLINE_CHANNELS
    if online and applicant.type == ApplicantType.CITIZEN and not application.accepts_citizens(version):
        raise ValidationError({"applicant_type": "本事项只受理企业（法人）申请"})
    _, all_materials = application.version_situations_and_materials(version)
    _check_situation(version, situation)
    materials = (application.situation_materials(all_materials, situation) if situation is not None
                 else all_materials)
    by_pk = {m.pk: m for m in materials}
    files = files or {}
    if unknown := [m.name for m in all_materials if m.pk in files and m.pk not in by_pk]:
        raise ValidationError(f"以下材料不属于所选办理情形：{'、'.join(unknown)}")
    if set(files) - by_pk.keys():
        raise ValidationError("上传的材料不属于本事项")
    if online:
        missing = {f"material_{m.pk}": f"请上传“{m.name}”（必要材料）" for m in materials
                   if m.necessity == Necessity.REQUIRED and m.pk not in files}
        if missing:
            raise ValidationError(missing)
    case = _new_case(item=item, version=version, applicant=applicant, channel=channel, actor=actor, note=note,
                     parent=parent, situation=situation,
                     answers={"situation": situation.name} if situation is not None else None)
    received = case.received_on
    CaseMaterial.objects.bulk_create([
        CaseMaterial(case=case, material=m, original_seen=pk in originals_seen,
                     received_on=received if (pk in files or pk in originals_seen) else None)
        for pk, m in by_pk.items()
    ])
    for pk, upload in files.items():
        cm = case.materials.get(material_id=pk)
        cm.file.save(upload.name, upload, save=True)
    _event(case, "SUBMIT", "", actor, channel=channel, **({"situation": situation.name} if situation else {}))
    audit_record(event_type="case.submitted", actor=actor, subject=case,
                 after={"status": case.status, "item": item.implementation_code, "version": version.number,
                        "channel": channel, **({"situation": situation.name} if situation else {})})
    notifications.case_changed(case, "SUBMIT")
    return case


def _station_of(actor, channel: str):
    """Cases filed at a station (驿站) count for that station's figures."""
    if channel == "station" and actor is not None and actor.org_unit_id and actor.org_unit.kind == "station":
        return actor.org_unit
    return None


@transaction.atomic
def bundle_submit(*, bundle, applicant: Applicant, channel: str, actor, note: str = "",
                  situations: dict | None = None, files: dict | None = None) -> Case:
    """一件事 (services.md §8): one package case and a child case per item, handled in parallel.
    One form (一表申请): the applicant once, the situation per item where the item has several
    (situations: item id -> Situation). One set of materials (一套材料): files are keyed by the
    material identity of `application.material_groups`; each is stored once (SharedMaterial)
    and every child case that needs it refers to that one file. Online, every required
    material of the combined checklist must be uploaded."""
    _check_applicant(applicant)
    situations = situations or {}
    files = files or {}
    parts = application.bundle_parts(bundle)
    if not parts:
        raise ValidationError("该一件事未包含可办理的事项")
    online = channel in ONLINE_CHANNELS
    if applicant.type == ApplicantType.CITIZEN and not application.bundle_accepts_citizens(parts):
        raise ValidationError({"applicant_type": f"“{bundle.name}”只受理企业（法人）申请"})
    for part in parts:
        if part.item.status != ItemStatus.PUBLISHED:
            raise ValidationError(f"“{part.item.name}”暂停办理，暂不能申请“{bundle.name}”")
        chosen = situations.get(part.item.pk)
        _check_situation(part.version, chosen, field=part.situation_field)
        if online and part.situations and chosen is None:
            raise ValidationError({part.situation_field: f"请选择“{part.item.name}”的办理情形"})
    groups = application.material_groups(bundle, parts, situations, applicant.type)
    by_key = {g.key: g for g in groups}
    if unknown := set(files) - by_key.keys():
        raise ValidationError(f"以下材料不属于本次申请：{'、'.join(sorted(unknown))}")
    if online:
        missing = {g.field_name: f"请上传“{g.name}”（必要材料）" for g in groups if g.required and g.key not in files}
        if missing:
            raise ValidationError(missing)
    answers = {"items": [
        {"item": p.item.implementation_code, "name": p.item.name,
         "situation": situations[p.item.pk].name if situations.get(p.item.pk) else ""}
        for p in parts]}
    received = today()
    package = Case.objects.create(
        number=_next_number(received), kind=Kind.PACKAGE, bundle=bundle, department=bundle.lead_department,
        channel=channel, status=Status.RECEIVED, applicant_type=applicant.type, enterprise=applicant.enterprise,
        applicant_name=applicant.name.strip(), applicant_id_number=(applicant.id_number or "").upper(),
        contact_phone=applicant.phone, submitted_by=actor, note=note, received_on=received,
        promised_limit=bundle.promised_limit, answers=answers,
        correction_notice_due=work_calendar().add_working_days(received, settings.GAOXIN_CORRECTION_NOTICE_WORKDAYS),
    )
    stored = {}
    for key, upload in files.items():
        shared = SharedMaterial(package=package, key=key, name=by_key[key].name)
        shared.file.save(upload.name, upload, save=True)
        stored[key] = shared
    shared_of = {(p.item.pk, m.pk): stored.get(g.key) for g in groups for p, m in g.members}
    for part in parts:
        chosen = situations.get(part.item.pk)
        child_channel = channel if channel in part.version.channels else "window"
        child = _new_case(item=part.item, version=part.version, applicant=applicant, channel=child_channel,
                          actor=actor, note=note, parent=package, situation=chosen,
                          answers={"situation": chosen.name} if chosen else None)
        rows = []
        for material in application.situation_materials(part.materials, chosen) if chosen else part.materials:
            shared = shared_of.get((part.item.pk, material.pk))
            rows.append(CaseMaterial(case=child, material=material, shared=shared,
                                     file=shared.file.name if shared else "",
                                     received_on=received if shared else None))
        CaseMaterial.objects.bulk_create(rows)
        _event(child, "SUBMIT", "", actor, channel=child_channel)
        audit_record(event_type="case.submitted", actor=actor, subject=child,
                     after={"status": child.status, "item": part.item.implementation_code,
                            "version": part.version.number, "channel": child_channel, "package": package.number})
    _event(package, "SUBMIT", "", actor, channel=channel)
    audit_record(event_type="case.submitted", actor=actor, subject=package,
                 after={"status": package.status, "bundle": bundle.code, "children": len(parts),
                        "shared_materials": [s.name for s in stored.values()]})
    notifications.case_changed(package, "SUBMIT")
    return package


REGISTERED = {Status.DECIDED_OK, Status.DECIDED_OK_TOLERANCE, Status.DELIVERED}


def registers_firm(case: Case) -> bool:
    """A natural person's case of a registration item (settings.GAOXIN_FIRM_REGISTRATION_ITEMS)
    that was approved and has no firm recorded yet."""
    return (case.applicant_type == ApplicantType.CITIZEN and case.status in REGISTERED and case.item_id is not None
            and case.registered_enterprise_id is None and case.item.name in settings.GAOXIN_FIRM_REGISTRATION_ITEMS)


@transaction.atomic
def case_register_enterprise(*, case: Case, actor, uscc: str, name: str, industry, address: str = ""):
    """The firm a founder's registration case created: enter its USCC. The firm enters the
    registry (一企一档) unless it is there already, is recorded on the case, and is bound to the
    founder's account (accounts.services.founders_bind, which tells the founder)."""
    from gaoxin.accounts.services import founders_bind
    from gaoxin.enterprises.models import Enterprise, SizeGroup

    case = Case.objects.select_for_update(of=("self",)).select_related("item").get(pk=case.pk)
    if not perms.can_record_new_firm(actor, case):
        raise PermissionDenied("您无权登记新设企业")
    if case.registered_enterprise_id:
        raise ValidationError("本办件已登记新设企业")
    if not registers_firm(case):
        raise ValidationError("只有自然人申请、已准予的设立登记办件可以登记新设企业")
    code = normalize_code(uscc or "")
    if problem := uscc_problem(code):
        raise ValidationError({"uscc": problem})
    enterprise = Enterprise.objects.filter(uscc=code).first()
    created = enterprise is None
    if created:
        errors = {}
        if not (name or "").strip():
            errors["name"] = "请填写企业名称"
        if industry is None:
            errors["industry"] = "请选择所属行业"
        if errors:
            raise ValidationError(errors)
        enterprise = Enterprise.objects.create(
            uscc=code, name=name.strip(), legal_representative=case.applicant_name, industry=industry,
            size_group=SizeGroup.BELOW, registered_on=today(), address=(address or "").strip())
    case.registered_enterprise = enterprise
    case.save(update_fields=["registered_enterprise", "updated_at"])
    bound = founders_bind(enterprise=enterprise, id_number=case.applicant_id_number, actor=actor,
                          source=f"办件{case.number}")
    _event(case, "REGISTER_ENTERPRISE", case.status, actor, note=f"{enterprise.name}（{enterprise.uscc}）",
           uscc=enterprise.uscc, bound=len(bound))
    audit_record(event_type="case.enterprise_registered", actor=actor, subject=case,
                 after={"uscc": enterprise.uscc, "enterprise": enterprise.name, "new_in_registry": created,
                        "bound_accounts": len(bound)})
    return enterprise


def _is_blacklisted(case: Case) -> bool:
    qs = CreditRestriction.objects.filter(active=True)
    if case.enterprise_id:
        return qs.filter(uscc=case.enterprise.uscc).exists()
    return bool(case.applicant_id_number) and qs.filter(id_number=case.applicant_id_number).exists()


def _in_scope(case: Case, actor) -> bool:
    """Who may act on this case besides having the role: officers of its department,
    applicants of their own case; clerks and administrators on every case."""
    if actor is None:
        return True
    if actor.role == Role.DEPT_OFFICER:
        return case.department_id == actor.org_unit_id
    if actor.role == Role.ENTERPRISE:
        return case.submitted_by_id == actor.pk or actor.enterprise_memberships.filter(enterprise_id=case.enterprise_id).exists()
    return actor.role in (Role.WINDOW_CLERK, Role.ZONE_ADMIN)


def _due(start: dt.date, limit: int, unit: str):
    cal = work_calendar()
    if unit == LimitUnit.NATURAL:
        due = start + dt.timedelta(days=limit)
        return due, cal.is_provisional(start, due)
    result = cal.due_date(start, limit, rule=settings.GAOXIN_NONWORKING_ACCEPTANCE_RULE)
    return result.date, result.provisional


def _accept(case: Case, on: dt.date) -> None:
    case.accepted_on = on
    unit = case.version.promised_unit if case.version_id else LimitUnit.WORKING
    case.due_date, case.due_provisional = _due(on, case.promised_limit, unit)
    if case.version_id:
        case.statutory_due, _ = _due(on, case.version.statutory_limit, case.version.statutory_unit)


def _missing_required(case: Case) -> list[str]:
    return [cm.material.name for cm in case.materials.select_related("material")
            if cm.material.necessity == Necessity.REQUIRED and not cm.present and not cm.owed]


@transaction.atomic
def case_transition(*, case: Case, name: str, actor, reason: str = "", **kwargs) -> Case:
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise ValidationError(f"未知操作 {name}")
    expected_status = case.status
    case = Case.objects.select_for_update(of=("self",)).select_related("version", "enterprise", "item").get(pk=case.pk)
    if case.status != expected_status:
        raise CaseConflict(f"办件状态已变为“{case.get_status_display()}”，请刷新后再操作")
    role = actor.role if actor else SYSTEM
    if role not in transition.roles or not _in_scope(case, actor):
        raise PermissionDenied("您无权执行此操作")
    if case.status not in transition.sources:
        raise ValidationError(f"“{case.get_status_display()}”状态下不能“{transition.label}”")
    reason = (reason or "").strip()
    if transition.needs_reason and not reason:
        raise ValidationError({"reason": f"“{transition.label}”需要填写原因或说明"})
    before = case.status
    data = _apply(case, name, actor=actor, reason=reason, **kwargs)
    if transition.target is not None:
        case.status = transition.target
    case.save()
    _event(case, name, before, actor, note=reason, **data)
    audit_record(event_type=f"case.{name.lower()}", actor=actor, subject=case,
                 before={"status": before}, after={"status": case.status, **data})
    if case.parent_id:
        _update_package(case.parent_id, actor)
    notifications.case_changed(case, name)
    return case


def _apply(case: Case, name: str, *, actor, reason: str, **kwargs) -> dict:
    """Guards and field changes of each transition; returns data for the timeline."""
    on = today()
    if name in ("ACCEPT", "COMPLETE_CORRECTION"):
        if missing := _missing_required(case):
            raise ValidationError(f"以下必要材料尚未收到：{'、'.join(missing)}")
        _accept(case, on)  # after 补正 the acceptance date is the completion date
        return {"accepted_on": str(on), "due_date": str(case.due_date)}
    if name == "DEEMED_ACCEPT":
        if on <= case.correction_notice_due:
            raise ValidationError("补正告知期限未过")
        _accept(case, case.received_on)  # deemed accepted on the day the materials were received
        return {"accepted_on": str(case.received_on), "due_date": str(case.due_date)}
    if name == "ACCEPT_TOLERANCE":
        return _accept_tolerance(case, on, owed=kwargs.get("owed", []), supply_days=kwargs.get("supply_days"),
                                 commitment=kwargs.get("commitment", False))
    if name == "TERMINATE_TOLERANCE":
        # The applicant may still supply on the last day: terminate only after it.
        if not case.tolerance_due or on <= case.tolerance_due:
            raise ValidationError(f"容缺材料补齐期限为{case.tolerance_deadline_text or '—'}，期限未过不能终止")
        if not case.materials.filter(owed=True, supplied_on__isnull=True).exists():
            raise ValidationError("容缺材料已全部补齐，不能终止")
        return {"tolerance_due": str(case.tolerance_due)}
    if name == "REQUEST_CORRECTION":
        if on > case.correction_notice_due:
            raise ValidationError("已超过5个工作日的补正告知期限，依法视为受理")
        return {"corrections": reason}
    if name == "COMPLETE_IMMEDIATE":
        if case.version.case_type != CaseType.IMMEDIATE:
            raise ValidationError("只有即办件可以当场办结")
        if missing := _missing_required(case):
            raise ValidationError(f"以下必要材料尚未收到：{'、'.join(missing)}")
        case.accepted_on = case.due_date = case.decided_on = case.delivered_on = on
        case.delivery_method = DeliveryMethod.ON_THE_SPOT
        return {"accepted_on": str(on)}
    if name == "START_REVIEW":
        case.officer = actor
        return {"officer": _actor_repr(actor)}
    if name == "SUSPEND":
        Suspension.objects.create(case=case, reason=reason, legal_basis=kwargs.get("legal_basis", ""), started_on=on)
        return {"started_on": str(on)}
    if name == "RESUME":
        suspension = case.suspensions.filter(ended_on__isnull=True).last()
        cal = work_calendar()
        # Days from the day after the start up to and including the end are not counted.
        days = max(cal.working_days_between(suspension.started_on, on), 0)
        suspension.ended_on, suspension.workdays = on, days
        suspension.save()
        case.suspended_days += days
        case.due_date = cal.add_working_days(case.due_date, days)
        if case.statutory_due:
            case.statutory_due = cal.add_working_days(case.statutory_due, days)
        return {"suspended_workdays": days, "due_date": str(case.due_date)}
    if name == "EXTEND":
        if case.due_date and on > case.due_date:
            raise ValidationError("已超过办结期限，不能再申请延长（按超时办结统计）")
        days = int(kwargs.get("days") or settings.GAOXIN_EXTENSION_WORKDAYS)
        if not 1 <= days <= settings.GAOXIN_EXTENSION_WORKDAYS:
            raise ValidationError({"days": f"延长天数应在1至{settings.GAOXIN_EXTENSION_WORKDAYS}个工作日之间"})
        case.extension_days += days
        case.due_date = work_calendar().add_working_days(case.due_date, days)
        if case.statutory_due:
            case.statutory_due = work_calendar().add_working_days(case.statutory_due, days)
        return {"extension_workdays": days, "due_date": str(case.due_date)}
    if name in ("APPROVE", "REFUSE"):
        return _decide(case, on, actor=actor, approved=name == "APPROVE", reasons=reason, **kwargs)
    if name == "DELIVER":
        return _deliver(case, on, **kwargs)
    return {}


DECISION_LIMITS = {"opinion": 2000, "licence_number": 60, "legal_basis": 500, "reason": 2000}


def decision_problems(*, approved: bool, opinion: str, licence_number: str = "", legal_basis: str = "",
                      reasons: str = "", result_file=None) -> dict[str, str]:
    """What is wrong with a decision's input, per field (the form, the API and the service agree):
    an opinion always; for 准予 the licence or approval number; for 不予许可 the legal basis and
    the reasons; an optional result file of an accepted type and size."""
    values = {"opinion": opinion, "licence_number": licence_number, "legal_basis": legal_basis, "reason": reasons}
    problems = {}
    if not (opinion or "").strip():
        problems["opinion"] = "请填写审查意见"
    if approved and not (licence_number or "").strip():
        problems["licence_number"] = "准予许可须填写证照编号或批准文号"
    if not approved and not (legal_basis or "").strip():
        problems["legal_basis"] = "不予许可须写明法律依据"
    if not approved and not (reasons or "").strip():
        problems["reason"] = "不予许可须说明理由"
    for field, limit in DECISION_LIMITS.items():
        if len((values[field] or "").strip()) > limit and field not in problems:
            problems[field] = f"不能超过{limit}个字"
    if result_file is not None:
        try:
            check_upload(result_file)
        except ValidationError as exc:
            problems["result_file"] = exc.messages[0]
    return problems


def _decide(case: Case, on: dt.date, *, actor, approved: bool, reasons: str, opinion: str = "",
            licence_number: str = "", legal_basis: str = "", result_file=None, **_) -> dict:
    """APPROVE / REFUSE: the decision is recorded with what its 决定书 states."""
    if problems := decision_problems(approved=approved, opinion=opinion, licence_number=licence_number,
                                     legal_basis=legal_basis, reasons=reasons, result_file=result_file):
        raise ValidationError(problems)
    if approved:
        owed = case.materials.filter(owed=True, supplied_on__isnull=True).exists()
        case.status = Status.DECIDED_OK_TOLERANCE if owed else Status.DECIDED_OK
    case.decided_on, case.decision_note = on, opinion.strip()
    decision = Decision(
        case=case, outcome=DecisionOutcome.APPROVED if approved else DecisionOutcome.REFUSED,
        notice_number=f"{'准许' if approved else '不许'}字〔{on.year}〕第{case.number}号",
        licence_number=licence_number.strip() if approved else "", opinion=opinion.strip(),
        legal_basis=legal_basis.strip(), reasons="" if approved else reasons.strip(), department=case.department,
        decided_by=actor, decided_on=on)
    if result_file is not None:
        decision.result_file.save(result_file.name.rsplit("/", 1)[-1], result_file, save=False)
    decision.save()
    data = {"decision": decision.outcome, "notice_number": decision.notice_number}
    if approved:
        data["licence_number"] = decision.licence_number
    return data


def delivery_problems(*, method: str, postal_recipient: str = "", postal_address: str = "",
                      tracking_number: str = "") -> dict[str, str]:
    """送达: a method of the list; by post the recipient, the address and the tracking number."""
    if method not in DELIVER_METHODS:
        return {"method": "请选择送达方式（窗口领取、邮寄或电子送达）"}
    problems = {}
    if method == DeliveryMethod.POST:
        for field, value, message, limit in (
                ("postal_recipient", postal_recipient, "邮寄送达须填写收件人", 50),
                ("postal_address", postal_address, "邮寄送达须填写邮寄地址", 200),
                ("tracking_number", tracking_number, "邮寄送达须填写快递单号", 40)):
            value = (value or "").strip()
            if not value:
                problems[field] = message
            elif len(value) > limit:
                problems[field] = f"不能超过{limit}个字"
    return problems


def _deliver(case: Case, on: dt.date, *, method: str = "", postal_recipient: str = "", postal_address: str = "",
             tracking_number: str = "", **_) -> dict:
    method = method or ""
    if problems := delivery_problems(method=method, postal_recipient=postal_recipient,
                                     postal_address=postal_address, tracking_number=tracking_number):
        raise ValidationError(problems)
    by_post = method == DeliveryMethod.POST
    case.delivered_on, case.delivery_method = on, method
    case.postal_recipient = postal_recipient.strip() if by_post else ""
    case.postal_address = postal_address.strip() if by_post else ""
    case.tracking_number = tracking_number.strip() if by_post else ""
    data = {"method": method}
    if by_post:
        data["tracking_number"] = case.tracking_number
    return data


def _accept_tolerance(case: Case, on: dt.date, *, owed: list[int], supply_days, commitment: bool) -> dict:
    """容缺受理 (services.md §6). The supply period is its own limit (at most
    GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS), counted in working days from the day after acceptance.
    The decision deadline stays the promised limit from acceptance ("在原承诺时限内准时出具"):
    if the supply day falls later, the department may decide first (办结（容缺通过）)."""
    version = case.version
    if not version.tolerance_allowed:
        raise ValidationError("该事项不在容缺受理清单内")
    if _is_blacklisted(case):
        raise ValidationError("申请人在信用限制名单内，不能适用容缺受理")
    if not commitment:
        raise ValidationError({"commitment": "申请人须签署《容缺受理承诺书》"})
    owed_materials = list(case.materials.filter(material_id__in=owed).select_related("material"))
    if not owed_materials:
        raise ValidationError({"owed": "请选择容缺（后补）的材料"})
    main = [cm.material.name for cm in owed_materials if cm.material.necessity != Necessity.TOLERANCE]
    if main:
        raise ValidationError({"owed": f"以下是主要材料，不能容缺：{'、'.join(main)}"})
    longest = settings.GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS
    if not isinstance(supply_days, int) or isinstance(supply_days, bool) or not 1 <= supply_days <= longest:
        raise ValidationError({"supply_days": f"补齐期限应为1至{longest}个工作日"})
    _accept(case, on)
    for cm in owed_materials:
        cm.owed = True
        cm.save(update_fields=["owed"])
    if missing := _missing_required(case):
        raise ValidationError(f"以下必要材料尚未收到：{'、'.join(missing)}")
    case.tolerance, case.commitment_signed = True, True
    case.tolerance_supply_days = supply_days
    case.tolerance_due = work_calendar().add_working_days(on, supply_days)
    return {"owed": [cm.material.name for cm in owed_materials], "supply_workdays": supply_days,
            "tolerance_due": str(case.tolerance_due), "due_date": str(case.due_date)}


@transaction.atomic
def case_supply_owed(*, case: Case, material_id: int, actor, upload=None) -> CaseMaterial:
    """An owed (容缺) material arrives: by upload or handed in at the window."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_terminal:
        raise ValidationError("办件已结束")
    if not _in_scope(case, actor) or actor.role not in (Role.WINDOW_CLERK, Role.ZONE_ADMIN, Role.ENTERPRISE):
        raise PermissionDenied("您无权补交材料")
    cm = case.materials.select_related("material").get(material_id=material_id, owed=True)
    if cm.supplied_on:
        raise ValidationError("该材料已补齐")
    if case.tolerance_due and today() > case.tolerance_due:
        raise ValidationError(f"容缺材料应于{case.tolerance_deadline_text}补齐，已逾期，本次容缺受理将终止办理")
    if upload is not None:
        cm.file.save(upload.name, upload, save=False)
    elif actor.role == Role.ENTERPRISE:
        raise ValidationError({"file": "请上传材料文件"})
    else:
        cm.original_seen = True
    cm.supplied_on = cm.received_on = today()
    cm.save()
    remaining = case.materials.filter(owed=True, supplied_on__isnull=True).count()
    if remaining == 0 and case.status == Status.DECIDED_OK_TOLERANCE:
        case.status = Status.DECIDED_OK
        case.save(update_fields=["status", "updated_at"])
    _event(case, "SUPPLY_OWED", case.status, actor, note=cm.material.name, remaining=remaining)
    audit_record(event_type="case.supply_owed", actor=actor, subject=case,
                 after={"material": cm.material.name, "remaining": remaining, "status": case.status})
    return cm


@transaction.atomic
def case_add_materials(*, case: Case, files: dict, actor) -> list[str]:
    """The applicant answers a correction request online: files for materials of the checklist.
    The window then checks them and completes the correction (COMPLETE_CORRECTION)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status not in (Status.RECEIVED, Status.CORRECTION):
        raise ValidationError("只有接件或补正中的办件可以补充材料")
    if not _in_scope(case, actor) or actor.role != Role.ENTERPRISE:
        raise PermissionDenied("只能为自己的办件补充材料")
    if not files:
        raise ValidationError({"files": "请选择要上传的材料"})
    names = []
    for material_id, upload in files.items():
        cm = case.materials.select_related("material").filter(material_id=material_id).first()
        if cm is None:
            raise ValidationError("材料不属于本办件")
        cm.file.save(upload.name, upload, save=False)
        cm.received_on = today()
        cm.save()
        names.append(cm.material.name)
    _event(case, "SUPPLY_CORRECTION", case.status, actor, note="、".join(names))
    audit_record(event_type="case.materials_added", actor=actor, subject=case, after={"materials": names})
    return names


@transaction.atomic
def case_material_open(*, case_material: CaseMaterial, actor, download: bool = False) -> None:
    """Someone opens an uploaded material. Materials are personal documents: every view or
    download by government staff is written to the audit log, naming the material."""
    if not perms.can_open_case_files(actor):
        raise PermissionDenied("您无权查看办件材料")
    if not perms.case_file_views_are_audited(actor):
        return
    audit_record(event_type="case.material_downloaded" if download else "case.material_viewed", actor=actor,
                 subject=case_material.case,
                 after={"material": case_material.material.name, "file": case_material.file.name.rsplit("/", 1)[-1]})


@transaction.atomic
def case_result_open(*, decision: Decision, actor, download: bool = False) -> None:
    """Someone opens the result file of a decision; staff openings are audited like materials."""
    if not perms.can_open_case_files(actor):
        raise PermissionDenied("您无权查看结果文件")
    if not perms.case_file_views_are_audited(actor):
        return
    audit_record(event_type="case.result_downloaded" if download else "case.result_viewed", actor=actor,
                 subject=decision.case,
                 after={"notice_number": decision.notice_number, "file": decision.result_file.name.rsplit("/", 1)[-1]})


def _update_package(package_id: int, actor) -> None:
    """A package completes when every child case has ended (统一出件)."""
    package = Case.objects.select_for_update().get(pk=package_id)
    children = list(package.children.values_list("status", flat=True))
    if package.is_terminal or not children:
        return
    before = package.status
    if all(s in {Status.DELIVERED} | DECIDED | {Status.WITHDRAWN, Status.CANCELLED, Status.TERMINATED,
                                                 Status.REFUSED_ACCEPT, Status.NOT_ACCEPTED, Status.WITHDRAWN_PRE}
           for s in children):
        package.status = Status.DELIVERED if all(s == Status.DELIVERED for s in children) else Status.DECIDED_OK
        package.decided_on = package.decided_on or today()
        if package.status == Status.DELIVERED:
            package.delivered_on = today()
    elif any(s in {Status.ACCEPTED, Status.IN_REVIEW, Status.SUSPENDED} | DECIDED for s in children):
        if package.status == Status.RECEIVED:
            package.status = Status.ACCEPTED
            package.accepted_on = today()
            package.due_date, package.due_provisional = _due(package.accepted_on, package.promised_limit, LimitUnit.WORKING)
    if package.status != before:
        package.save()
        _event(package, "PACKAGE_PROGRESS", before, actor)
        audit_record(event_type="case.package_progress", actor=actor, subject=package,
                     before={"status": before}, after={"status": package.status})


@transaction.atomic
def package_accept(*, package: Case, actor) -> Case:
    """One acceptance at the 综窗 accepts every child of a 一件事."""
    if package.kind != Kind.PACKAGE:
        raise ValidationError("不是一件事主件")
    for child in package.children.filter(status=Status.RECEIVED):
        case_transition(case=child, name="ACCEPT", actor=actor)
    package.refresh_from_db()
    return package


@transaction.atomic
def review_submit(*, case: Case, level: int, comment: str, actor) -> Review:
    """好差评 after delivery; the two lowest levels open a rectification task (services.md §9)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Status.DELIVERED:
        raise ValidationError("办件送达后才能评价")
    if actor is not None and not _in_scope(case, actor):
        raise PermissionDenied("只能评价自己的办件")
    if hasattr(case, "review"):
        raise ValidationError("该办件已评价")
    if level not in range(1, 6):
        raise ValidationError({"level": "请选择1至5星"})
    if level <= 2 and not comment.strip():
        raise ValidationError({"comment": "请说明不满意的原因，便于整改"})
    review = Review.objects.create(case=case, level=level, comment=comment.strip(), by=actor)
    after = {"level": level}
    if review.is_bad:
        due = work_calendar().add_working_days(today(), settings.GAOXIN_RECTIFICATION_WORKDAYS)
        Rectification.objects.create(review=review, department=case.department, due_date=due)
        after["rectification_due"] = str(due)
    _event(case, "REVIEW", case.status, actor, note=comment.strip(), level=level)
    audit_record(event_type="case.reviewed", actor=actor, subject=case, after=after)
    if review.is_bad:
        notifications.bad_review(case)
    return review


@transaction.atomic
def rectification_update(*, rectification: Rectification, actor, status: str, measures: str = "",
                         visit_note: str = "", visit_result: int | None = None) -> Rectification:
    rect = Rectification.objects.select_for_update(of=("self",)).select_related("review__case").get(pk=rectification.pk)
    if actor.role == Role.DEPT_OFFICER and rect.department_id != actor.org_unit_id:
        raise PermissionDenied("只能处理本部门的整改")
    if actor.role not in (Role.DEPT_OFFICER, Role.ZONE_ADMIN):
        raise PermissionDenied("您无权处理整改")
    allowed = {
        RectificationStatus.OPEN: {RectificationStatus.RECTIFIED, RectificationStatus.EXPLAINED},
        RectificationStatus.RECTIFIED: {RectificationStatus.REVISITED},
        RectificationStatus.EXPLAINED: {RectificationStatus.REVISITED},
        RectificationStatus.REVISITED: set(),
    }[RectificationStatus(rect.status)]
    if status not in allowed:
        raise ValidationError("不能进行该整改操作")
    if status in (RectificationStatus.RECTIFIED, RectificationStatus.EXPLAINED) and not measures.strip():
        raise ValidationError({"measures": "请填写整改措施或解释说明"})
    if status == RectificationStatus.REVISITED and (not visit_note.strip() or visit_result not in (1, 2, 3)):
        raise ValidationError({"visit_note": "请填写回访记录和申请人对整改的评价"})
    before = rect.status
    rect.status = status
    if measures.strip():
        rect.measures = measures.strip()
    if status == RectificationStatus.REVISITED:
        rect.visit_note, rect.visit_result, rect.closed_on = visit_note.strip(), visit_result, today()
    rect.save()
    audit_record(event_type="case.rectification", actor=actor, subject=rect.review.case,
                 before={"rectification": before}, after={"rectification": status})
    return rect
