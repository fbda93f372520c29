"""帮代办 orders and project approval chains: every change through a service, audited once."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.cases import services as case_services
from gaoxin.cases.models import DECIDED, DecisionOutcome, Status
from gaoxin.catalog.models import Necessity
from gaoxin.core.numbering import next_number
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record
from gaoxin.core.uploads import check_upload

from . import milestones as ms
from . import notifications
from . import permissions as perms
from .models import AssistOrder, AssistVisit, OrderChannel, OrderEvent, OrderStatus, Project, ProjectStep
from .workflow import WORKFLOW

O = OrderStatus


def _checked_upload(field: str, upload, label: str) -> None:
    """Extension, content and size of an uploaded file, the same check as every case material (core.uploads)."""
    try:
        check_upload(upload, label=label)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


@transaction.atomic
def order_create(*, actor, enterprise, channel: str, description: str, contact_name: str, contact_phone: str,
                 commission_signed_on: dt.date, commission_valid_until: dt.date, item=None, bundle=None,
                 project=None, commission_file=None, kiosk_verified: bool = False) -> AssistOrder:
    """An enterprise, or a station officer on its behalf, orders free help; the 委托书 is captured.
    Numbered "BD" + date + sequence by the locked counter; the centre is told at once. An enterprise's
    own order carries a channel the system sets (`permissions.order_channels_for`).
    kiosk_verified: placed at a kiosk (智能微厅) by a person whose identity and firm the kiosk checked
    (`kiosk.services.kiosk_order_place`); the actor is the person's account, or None without one."""
    if kiosk_verified:
        if channel != OrderChannel.KIOSK:
            raise ValidationError({"channel": "智能微厅下单的渠道只能是“智能微厅”"})
    else:
        if not perms.can_place_order(actor):
            raise PermissionDenied("无权下单")
        firms = perms.firms_for_order(actor)
        if firms is not None and not firms.filter(pk=enterprise.pk).exists():
            raise PermissionDenied("只能为本企业下单")
        if channel not in perms.order_channels_for(actor):
            raise ValidationError({"channel": "企业下单的渠道由系统确定（平台/小程序，或上门预约）"})
    if not description.strip():
        raise ValidationError({"description": "请说明需要代办的事项"})
    if commission_valid_until < commission_signed_on:
        raise ValidationError({"commission_valid_until": "委托有效期不能早于签署日期"})
    if commission_file is not None:
        _checked_upload("commission_file", commission_file, "委托书")
    order = AssistOrder(number=next_number("BD"), enterprise=enterprise, channel=channel,
                        station=perms.station_of(actor), item=item, bundle=bundle, project=project,
                        description=description.strip(), contact_name=contact_name.strip(),
                        contact_phone=contact_phone.strip(), commission_signed_on=commission_signed_on,
                        commission_valid_until=commission_valid_until, requested_by=actor)
    order.full_clean(exclude=["commission_file", "requested_by"])
    order.save()
    if commission_file is not None:
        order.commission_file.save(commission_file.name, commission_file, save=True)
    who = actor.get_full_name() if actor is not None else f"{order.contact_name.strip()}（智能微厅）"
    OrderEvent.objects.create(order=order, transition="REQUEST", to_status=order.status, actor_repr=who)
    audit_record(event_type="assist.order_created", actor=actor, subject=order, after={"status": order.status})
    notifications.order_created(order, actor)
    return order


def order_transition(*, order: AssistOrder, name: str, actor, reason: str = "", **params) -> AssistOrder:
    """Apply one transition of the order's table (assist/workflow.py); ASSIGN and REASSIGN take `agent`."""
    return WORKFLOW.apply(order, name, actor=actor, reason=reason, **params)


@transaction.atomic
def order_log_visit(*, order: AssistOrder, actor, kind: str, note: str, visited_on=None,
                    attachment=None) -> AssistVisit:
    if perms.AGENT not in perms.order_roles(actor, order):
        raise PermissionDenied("只有承办专员可以记录走访")
    if not perms.can_log_visit(actor, order):
        raise ValidationError("订单不在代办中")
    if not note.strip():
        raise ValidationError({"note": "请填写记录"})
    if attachment is not None:
        _checked_upload("attachment", attachment, "走访附件")
    visit = AssistVisit.objects.create(order=order, kind=kind, note=note.strip()[:300], by=actor,
                                       visited_on=visited_on or timezone.localdate())
    if attachment is not None:
        visit.attachment.save(attachment.name, attachment, save=True)
    audit_record(event_type="assist.visit_logged", actor=actor, subject=order,
                 after={"kind": kind, "attachment": bool(attachment)})
    return visit


def order_items(order: AssistOrder) -> list:
    """The items the order was placed for: its item, or the items of its 一件事."""
    if order.item_id:
        return [order.item]
    if order.bundle_id:
        return list(order.bundle.items.order_by("name"))
    return []


def _checked_materials(item, files: dict, originals_seen: set[int]) -> None:
    """Per material of the item's current version: the uploaded file, or the original the filer has
    seen; a required material needs one of the two, an optional or 容缺 material may be left for later.
    Errors are keyed `material_<id>`, so each sits beside its material."""
    version = item.current_version
    if version is None:
        raise ValidationError({"item": "该事项未发布，不能申报"})
    materials = list(version.materials.all())
    if (set(files) | originals_seen) - {m.pk for m in materials}:
        raise ValidationError({"item": "材料不属于所选事项，请重新选择"})
    errors: dict[str, list[str]] = {}
    for m in materials:
        if m.pk in files:
            try:
                check_upload(files[m.pk], label=m.name)
            except ValidationError as exc:
                errors[f"material_{m.pk}"] = exc.messages
        elif m.necessity == Necessity.REQUIRED and m.pk not in originals_seen:
            errors[f"material_{m.pk}"] = [f"“{m.name}”是必要材料：请上传文件，或核验原件后勾选“已核验原件”"]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def order_file_case(*, order: AssistOrder, actor, item, files: dict | None = None,
                    originals_seen: set[int] | frozenset = frozenset(), note: str = ""):
    """The agent files a case for the enterprise (channel 帮代办), material by material
    (`_checked_materials`)."""
    if not perms.can_file_for_order(actor, order):
        raise PermissionDenied("只有代办中的承办专员可以代为申报")
    if timezone.localdate() > order.commission_valid_until:
        raise ValidationError("委托书已过有效期，请企业续签后再代为申报")
    files = dict(files or {})
    originals_seen = set(originals_seen)
    _checked_materials(item, files, originals_seen)
    applicant = case_services.Applicant(type="enterprise", name=order.enterprise.name, enterprise=order.enterprise,
                                        phone=order.contact_phone)
    channel = "proxy" if "proxy" in item.current_version.channels else "window"
    case = case_services.case_submit(item=item, applicant=applicant, channel=channel, actor=actor, files=files,
                                     originals_seen=originals_seen,
                                     note=note.strip() or f"帮代办订单 {order.number}")
    order.cases.add(case)
    OrderEvent.objects.create(order=order, transition="FILE_CASE", to_status=order.status,
                              actor_repr=actor.get_full_name(), note=f"{case.number} {item.name}")
    audit_record(event_type="assist.case_filed", actor=actor, subject=order,
                 after={"case": case.number, "uploaded": sorted(files), "originals_seen": sorted(originals_seen)})
    notifications.case_filed(order, case, actor)
    return case


def order_files(order: AssistOrder) -> list[dict]:
    """The files attached to the order (the 委托书) and to its visits, with a Chinese download name."""
    result = []
    if order.commission_file:
        result.append({"kind": "commission", "id": 0, "field": order.commission_file,
                       "label": "代办服务委托书", "name": f"代办服务委托书（{order.number}）"})
    for visit in order.visits.all():
        if visit.attachment:
            result.append({"kind": "visit", "id": visit.pk, "field": visit.attachment,
                           "label": f"{visit.visited_on:%Y-%m-%d} {visit.get_kind_display()}附件",
                           "name": f"{visit.get_kind_display()}附件（{order.number}，{visit.visited_on:%Y-%m-%d}）"})
    for f in result:
        stored = f["field"].name.rsplit("/", 1)[-1]
        if "." in stored:
            f["name"] += "." + stored.rsplit(".", 1)[-1].lower()
    return result


@transaction.atomic
def order_file_open(*, order: AssistOrder, actor, kind: str, file_id: int = 0) -> dict | None:
    """Hand out one file of the order (None when there is no such file). 委托书 and visit
    attachments are personal documents: every opening by government staff is audited."""
    if not perms.can_open_order_files(actor, order):
        raise PermissionDenied("无权查看该订单的附件")
    found = next((f for f in order_files(order) if f["kind"] == kind and f["id"] == file_id), None)
    if found is None:
        return None
    if perms.order_file_openings_are_audited(actor):
        audit_record(event_type="assist.file_downloaded", actor=actor, subject=order,
                     after={"file": found["name"], "kind": kind})
    return found


@transaction.atomic
def order_rate(*, order: AssistOrder, actor, rating: int, comment: str = "") -> AssistOrder:
    order = AssistOrder.objects.select_for_update().get(pk=order.pk)
    if perms.ENTERPRISE not in perms.order_roles(actor, order):
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
    if not perms.can_register_project(actor):
        raise PermissionDenied("无权登记项目")
    _check_milestones({"negotiation_on": negotiation_on}, {"negotiation_on"})
    project = Project.objects.create(name=name.strip(), enterprise=enterprise, template=template, is_key=is_key,
                                     investment=investment, agent=agent, negotiation_on=negotiation_on)
    ProjectStep.objects.bulk_create([ProjectStep(project=project, step=s) for s in template.steps.all()])
    audit_record(event_type="assist.project_created", actor=actor, subject=project,
                 after={"template": template.code, "key": is_key})
    return project


def step_done(step: ProjectStep) -> bool:
    return step.case_id is not None and step.case.status in DECIDED | {Status.DELIVERED}


def step_granted_on(step: ProjectStep) -> dt.date | None:
    """The day the step's case was decided in the firm's favour (准予, also once delivered); None while it
    is not filed, not decided or refused (不予许可)."""
    case = step.case if step.case_id else None
    if case is None or case.decided_on is None or case.status == Status.DECIDED_REFUSED:
        return None
    if case.status not in (Status.DECIDED_OK, Status.DECIDED_OK_TOLERANCE, Status.DELIVERED):
        return None
    try:
        refused = case.decision.outcome == DecisionOutcome.REFUSED
    except ObjectDoesNotExist:  # 即办件 are closed on the spot without a 决定书
        refused = False
    return None if refused else case.decided_on


@dataclasses.dataclass(frozen=True)
class ChainProof:
    """A milestone the project's approval chain proves: the step, and its date (None until granted)."""

    step: ProjectStep
    on: dt.date | None

    @property
    def pending(self) -> str:
        """Why the milestone has no date yet, in the words of the page."""
        case = self.step.case if self.step.case_id else None
        state = "尚未申报" if case is None else ("不予许可" if case.status == Status.DECIDED_REFUSED or step_done(self.step)
                                               else f"{case.get_status_display()}，尚未准予")
        return f"以审批链“{self.step.step.name}”环节的准予日期为准，该环节{state}"


def chain_proofs(steps) -> dict[str, ChainProof]:
    """The milestones the chain's steps prove (ChainStep.milestone), by milestone field."""
    return {s.step.milestone: ChainProof(s, step_granted_on(s)) for s in steps if s.step.milestone}


def project_dates(project: Project, steps) -> dict[str, dt.date | None]:
    """The project's milestone dates as they stand: what was recorded, except a milestone its chain
    proves, which is the proving step's decision date (None until it is granted), whatever was typed."""
    dates = {k: getattr(project, k) for k in MILESTONES}
    return dates | {k: proof.on for k, proof in chain_proofs(steps).items()}


def step_ready(step: ProjectStep, steps_by_chain_step: dict) -> bool:
    """Parallel steps have no predecessors; a step may start when every predecessor is decided."""
    return step.case_id is None and all(step_done(steps_by_chain_step[p.pk]) for p in step.step.predecessors.all())


def item_materials(item) -> list:
    """The materials of an item's current version, for a filing form (none without an item)."""
    version = item.current_version if item is not None else None
    return list(version.materials.prefetch_related("situations")) if version else []


def step_materials(step: ProjectStep) -> list:
    return item_materials(step.step.item)


@transaction.atomic
def project_file_step(*, project: Project, step: ProjectStep, actor, files: dict | None = None,
                      originals_seen: set[int] | frozenset = frozenset(), note: str = ""):
    """File the case of a ready step of the chain, material by material as an order's case is filed
    (`_checked_materials`): only what was uploaded or whose original was seen is marked so."""
    if not perms.can_work_projects(actor):
        raise PermissionDenied("无权申报")
    steps = {s.step_id: s for s in project.steps.select_related("step__item__current_version", "case")}
    step = steps.get(step.step_id)
    if step is None:
        raise ValidationError("环节不存在")
    if step.case_id:
        raise ValidationError("该环节已申报")
    if not step_ready(step, steps):
        raise ValidationError("前置环节尚未办结")
    item = step.step.item
    files = dict(files or {})
    originals_seen = set(originals_seen)
    _checked_materials(item, files, originals_seen)
    applicant = case_services.Applicant(type="enterprise", name=project.enterprise.name, enterprise=project.enterprise)
    channel = "proxy" if perms.is_agent(actor) and "proxy" in item.current_version.channels else "window"
    case = case_services.case_submit(item=item, applicant=applicant, channel=channel, actor=actor, files=files,
                                     originals_seen=originals_seen,
                                     note=note.strip() or f"项目：{project.name}（{step.step.name}）")
    step.case = case
    step.save(update_fields=["case"])
    audit_record(event_type="assist.project_step_filed", actor=actor, subject=project,
                 after={"step": step.step.name, "case": case.number, "uploaded": sorted(files),
                        "originals_seen": sorted(originals_seen)})
    return case


MILESTONES = list(ms.MILESTONES)


def milestone_labels() -> dict[str, str]:
    return {k: str(Project._meta.get_field(k).verbose_name) for k in MILESTONES}


def _check_milestones(values: dict, changed: set[str], proofs: dict[str, ChainProof] | None = None) -> None:
    fixed = {k: p.pending for k, p in (proofs or {}).items()}
    errors = ms.milestone_errors(values, today=timezone.localdate(), labels=milestone_labels(), changed=changed,
                                 fixed=fixed)
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


@transaction.atomic
def project_set_milestones(*, project: Project, actor, **dates) -> Project:
    """Record milestone dates (None clears one). The dates must follow the project's natural order
    (services.md §11), each after the milestones it needs (a first registration needs the completion
    acceptance), and none may lie in the future. A milestone the project's chain proves (施工许可,
    不动产首次登记) is the proving step's decision date: it is not typed, and a typed date other than that
    one is refused. On any error nothing is written."""
    if not perms.can_work_projects(actor):
        raise PermissionDenied("无权修改")
    project = Project.objects.select_for_update().get(pk=project.pk)
    unknown = set(dates) - set(MILESTONES)
    if unknown:
        raise ValidationError({k: "未知节点" for k in sorted(unknown)})
    proofs = chain_proofs(metric_steps().filter(project=project))
    refused = {}
    for key in set(dates) & set(proofs):
        proof = proofs[key]
        if dates[key] == proof.on or dates[key] is None:  # as the chain says, or not typed
            continue
        label = milestone_labels()[key]
        refused[key] = [f"{label}{proof.pending}，不能填写" if proof.on is None else
                        f"{label}以审批链“{proof.step.step.name}”环节的准予日期（{ms.cn_date(proof.on)}）为准，不能另填"]
    if refused:
        raise ValidationError(refused)
    dates = {k: v for k, v in dates.items() if k not in proofs}
    before = {k: getattr(project, k) for k in MILESTONES}
    after = before | dates
    chain = {k: p.on for k, p in proofs.items()}
    _check_milestones(after | chain, {k for k in dates if dates[k] != before[k]}, proofs)
    if after == before:
        return project
    for key, value in dates.items():
        setattr(project, key, value)
    project.save(update_fields=list(dates))
    audit_record(event_type="assist.project_milestones", actor=actor, subject=project,
                 before={k: str(v or "") for k, v in before.items() if k not in proofs},
                 after={k: str(v or "") for k, v in after.items() if k not in proofs})
    return project


def _reform_kpis() -> dict[str, int]:
    return {
        "negotiation_service": settings.GAOXIN_NEGOTIATION_TO_PLAN_WORKDAYS,
        "land_to_start": settings.GAOXIN_LAND_TO_PERMIT_WORKDAYS,
        "completion_to_certificate": settings.GAOXIN_COMPLETION_TO_REGISTRATION_WORKDAYS,
        "handover_with_certificate": settings.GAOXIN_HANDOVER_TO_CERTIFICATE_WORKDAYS,
    }


def metric_steps():
    """The steps with what `project_metrics` reads of them, in one query plus the predecessors."""
    return ProjectStep.objects.select_related("step__item__current_version", "case__decision").prefetch_related(
        "step__predecessors")


def project_metrics(project: Project, *, calendar=None) -> dict:
    """The four 即 (gap in working days and whether within the KPI) and the speed-up (提速) of the
    approval chain: the critical path of the actual handling times (acceptance to decision, in
    working days) against the critical path of the statutory limits. The time between steps
    (waiting for land, building) is not approval time and does not count. A list page passes one
    `calendar` (core.selectors.work_calendar()) for all its projects."""
    if "steps" in getattr(project, "_prefetched_objects_cache", {}):
        steps = list(project.steps.all())  # a list page prefetched them (selectors.project_list)
    else:
        steps = list(metric_steps().filter(project=project))
    dates = project_dates(project, steps)
    permit = dates["construction_permit_on"]
    calendar = calendar or work_calendar()
    reforms = ms.reforms(dates, kpis=_reform_kpis(), workdays_between=calendar.working_days_between)
    if not project.agent_id:  # 洽谈即服务 also needs the service team (a 帮代办 agent) assigned
        reforms = [dataclasses.replace(r, achieved=False) if r.key == "negotiation_service" and r.achieved else r
                   for r in reforms]
    ordered = [s.step_id for s in sorted(steps, key=lambda x: x.step.order)]
    predecessors = {s.step_id: [p.pk for p in s.step.predecessors.all()] for s in steps}
    statutory = ms.critical_path({s.step_id: s.step.item.current_version.statutory_limit for s in steps},
                                 predecessors, ordered)
    actual = speed_up = None
    decided = {s.step_id: s.case for s in steps if s.case_id and s.case.decided_on and s.case.accepted_on}
    if steps and len(decided) == len(steps):
        actual = ms.critical_path({k: max(calendar.working_days_between(c.accepted_on, c.decided_on), 0)
                                   for k, c in decided.items()}, predecessors, ordered)
        speed_up = round(100 * (1 - actual / statutory), 1) if statutory else None
    return {
        "reforms": reforms, "dates": dates, **{r.key: r.achieved for r in reforms},
        "permit_on": permit, "statutory_workdays": statutory, "actual_workdays": actual, "speed_up": speed_up,
        "done": sum(1 for s in steps if step_done(s)), "total": len(steps),
    }
