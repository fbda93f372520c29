"""Writes to cases. `case_submit` / `bundle_submit` file a case; `case_transition` applies every named
transition of `workflow.WORKFLOW` through the kernel's engine (row lock, role tokens for this case, guard,
timeline event, exactly one audit event, notifications after commit); `rectification_transition` does
the same for the 差评整改 table."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.catalog.models import CaseType, ItemStatus, ServiceItem
from gaoxin.core.numbering import next_number
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record
from gaoxin.core.uploads import check_upload
from gaoxin.core.validators import id_number_problem, normalize_code, uscc_problem
from gaoxin.core.workflow import Conflict

from . import application, notifications
from . import permissions as perms
from .models import (
    DECIDED,
    TERMINAL,
    ApplicantType,
    Case,
    CaseEvent,
    CaseMaterial,
    Decision,
    Kind,
    Rectification,
    Review,
    SharedMaterial,
    Status,
)
from .workflow import RECTIFICATION_WORKFLOW, WORKFLOW

CaseConflict = Conflict  # someone else changed the case first
NUMBER_PREFIX = "GX"  # case numbers: GX + YYYYMMDD + 5 digits


def today() -> dt.date:
    return timezone.localdate()


def _next_number(day: dt.date) -> str:
    """"GX" + the day received + a 5-digit sequence of that day, from the kernel's locked counter."""
    return next_number(NUMBER_PREFIX, on=day)


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


# 在办: received and not yet decided or ended (services.md §5.2: every state but 办结 and the ending ones).
IN_HANDLING = frozenset(set(Status) - TERMINAL - DECIDED)


def open_application(*, applicant: Applicant, item=None, bundle=None) -> Case | None:
    """The applicant's case of this item (on its own or inside a 一件事) or package of this bundle still in
    handling: the same firm, or for a natural person the same ID number."""
    qs = Case.objects.filter(status__in=IN_HANDLING).select_related("parent__bundle", "version", "bundle")
    qs = qs.filter(item=item) if item is not None else qs.filter(bundle=bundle, kind=Kind.PACKAGE)
    if applicant.type == ApplicantType.ENTERPRISE:
        qs = qs.filter(enterprise=applicant.enterprise)
    else:
        qs = qs.filter(applicant_type=ApplicantType.CITIZEN, applicant_id_number=normalize_code(applicant.id_number))
    return qs.order_by("-received_on", "-id").first()


def _refuse_duplicate(*, applicant: Applicant, actor, item=None, bundle=None) -> None:
    if actor is None or not perms.refuses_duplicate_applications(actor):
        return
    if (existing := open_application(applicant=applicant, item=item, bundle=bundle)) is None:
        return
    within = f"（“{existing.parent.bundle.name}”的子件）" if existing.parent_id else ""
    raise ValidationError(f"您已有一件在办的“{existing.title}”，办件编号{existing.number}{within}，请勿重复申请；"
                          f"可在“我的办件”中查看办理进度。")


# Channels where the applicant hands in materials only as uploads: the checklist is checked here.
ONLINE_CHANNELS = frozenset({"web", "mobile"})


def _new_case(*, item, version, applicant: Applicant, channel: str, actor, note: str, parent: Case | None,
              situation, kind: str | None = None, answers: dict | None = None) -> Case:
    received = today()
    return Case.objects.create(
        number=_next_number(received), kind=kind or (Kind.CHILD if parent else Kind.SINGLE), parent=parent,
        item=item, version=version, department=item.department, channel=channel, status=Status.RECEIVED,
        applicant_type=applicant.type, enterprise=applicant.enterprise, applicant_name=applicant.name.strip(),
        applicant_id_number=normalize_code(applicant.id_number or ""), contact_phone=applicant.phone, submitted_by=actor,
        station=_station_of(actor, channel), note=note, received_on=received, promised_limit=version.promised_limit,
        correction_notice_due=work_calendar().add_working_days(received, settings.GAOXIN_CORRECTION_NOTICE_WORKDAYS),
        situation=situation, answers=answers or {},
    )


def _check_situation(version, situation, field: str = "situation") -> None:
    if situation is not None and situation.version_id != version.pk:
        raise ValidationError({field: f"所选办理情形不属于“{version.name}”"})


def _check_files(uploads: dict) -> None:
    """Every file's extension, content and size (core.uploads), as the forms check them: {field: (label, file)}."""
    errors = {}
    for field, (label, upload) in uploads.items():
        try:
            check_upload(upload, label=label)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


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
    _refuse_duplicate(applicant=applicant, actor=actor, item=item)
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
    _check_files({f"material_{pk}": (by_pk[pk].name, upload) for pk, upload in files.items()})
    if online:
        missing = {f"material_{m.pk}": f"请上传“{m.name}”（必要材料）" for m in materials
                   if application.must_upload(m) and m.pk not in files}
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


@transaction.atomic
def case_apply_online(*, item: ServiceItem, applicant: Applicant, actor, files: dict | None = None, note: str = "",
                      situation=None, linked=None) -> tuple[Case, str]:
    """An application filed online (the applicant's own page, or one prefilled by a 云导办 guide): submitted on
    channel web and, for a 即办件, completed on the spot, all or nothing; `linked(case)` records in the same
    transaction what the case came from. Returns the case and what the applicant is told."""
    case = case_submit(item=item, channel="web", actor=actor, files=files, note=note, applicant=applicant,
                       situation=situation)
    if linked is not None:
        linked(case)
    if item.current_version.case_type == CaseType.IMMEDIATE:
        case = case_transition(case=case, name="COMPLETE_IMMEDIATE", actor=None)
        return case, f"即办件已办结，办件编号 {case.number}。"
    return case, f"申请已提交，办件编号 {case.number}，请留意受理通知。"


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
    _refuse_duplicate(applicant=applicant, actor=actor, bundle=bundle)
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
    _check_files({by_key[key].field_name: (by_key[key].name, upload) for key, upload in files.items()})
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
        applicant_name=applicant.name.strip(), applicant_id_number=normalize_code(applicant.id_number or ""),
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


def case_transition(*, case: Case, name: str, actor, reason: str = "", **params) -> Case:
    """Apply one transition of the table (see `workflow` for the inputs each takes). The day it takes
    effect is the services' `today()`."""
    params.setdefault("on", today())
    return WORKFLOW.apply(case, name, actor=actor, reason=reason, **params)


@transaction.atomic
def case_supply_owed(*, case: Case, material_id: int, actor, upload=None) -> CaseMaterial:
    """An owed (容缺) material arrives: by upload or handed in at the window."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.is_terminal:
        raise ValidationError("办件已结束")
    if not perms.can_supply_owed(actor, case):
        raise PermissionDenied("您无权补交材料")
    cm = case.materials.select_related("material").get(material_id=material_id, owed=True)
    if cm.supplied_on:
        raise ValidationError("该材料已补齐")
    if case.tolerance_due and today() > case.tolerance_due:
        raise ValidationError(f"容缺材料应于{case.tolerance_deadline_text}补齐，已逾期，本次容缺受理将终止办理")
    if upload is not None:
        _check_files({"file": (cm.material.name, upload)})
        cm.file.save(upload.name, upload, save=False)
    elif not perms.can_check_originals(actor, case):
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
    if not perms.can_add_case_materials(actor, case):
        raise PermissionDenied("只能为自己的办件补充材料")
    if not files:
        raise ValidationError({"files": "请选择要上传的材料"})
    rows = {cm.material_id: cm for cm in case.materials.select_related("material").filter(material_id__in=files)}
    if set(files) - rows.keys():
        raise ValidationError("材料不属于本办件")
    _check_files({f"material_{pk}": (rows[pk].material.name, upload) for pk, upload in files.items()})
    names = []
    for material_id, upload in files.items():
        cm = rows[material_id]
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


@transaction.atomic
def package_accept(*, package: Case, actor) -> Case:
    """One acceptance at the 综窗 accepts every child of a 一件事."""
    if package.kind != Kind.PACKAGE:
        raise ValidationError("不是一件事主件")
    package = Case.objects.select_for_update().get(pk=package.pk)  # the package first, then its parts by id
    for child in package.children.filter(status=Status.RECEIVED).order_by("id"):
        case_transition(case=child, name="ACCEPT", actor=actor)
    package.refresh_from_db()
    return package


@transaction.atomic
def review_submit(*, case: Case, level: int, comment: str, actor) -> Review:
    """好差评 after delivery; the two lowest levels open a rectification task (services.md §9)."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if case.status != Status.DELIVERED:
        raise ValidationError("办件送达后才能评价")
    if actor is not None and not perms.can_record_review(actor, case):
        raise PermissionDenied("只能评价自己的办件")
    if hasattr(case, "review"):
        raise ValidationError("该办件已评价")
    if level not in range(1, 6):
        raise ValidationError({"level": "请选择1至5星"})
    if level <= 2 and not comment.strip():
        raise ValidationError({"comment": "请说明不满意的原因，便于整改"})
    review = Review.objects.create(case=case, level=level, comment=comment.strip(), by=actor)
    after = {"level": level}
    due = None
    if review.is_bad:
        due = work_calendar().add_working_days(today(), settings.GAOXIN_RECTIFICATION_WORKDAYS)
        Rectification.objects.create(review=review, department=case.department, due_date=due)
        after["rectification_due"] = str(due)
    _event(case, "REVIEW", case.status, actor, note=comment.strip(), level=level)
    audit_record(event_type="case.reviewed", actor=actor, subject=case, after=after)
    if review.is_bad:
        notifications.bad_review(case, due)
    return review


def rectification_transition(*, rectification: Rectification, name: str, actor, reason: str = "",
                             **params) -> Rectification:
    """One step of the 差评整改 table: RECTIFY / EXPLAIN (`measures`), REVISIT (`visit_note`, `visit_result`)."""
    params.setdefault("on", today())
    return RECTIFICATION_WORKFLOW.apply(rectification, name, actor=actor, reason=reason, **params)
