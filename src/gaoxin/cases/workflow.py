"""The case (办件) state machine, services.md §5.2–§5.3, and the 差评整改 rectification, §9, on the kernel's
transition engine (core.workflow). Any transition not in a table is refused.

Roles are tokens relative to the case (`permissions.case_roles`): "clerk" (the centre's window),
"admin" (the zone administrator), "officer" (the handling department), "applicant"; SYSTEM is the daily
sweep. Each transition's guard and effect are small functions of `(case, step)`; an effect returns data
for the timeline and the audit event. The engine locks, checks, records, audits and notifies; a child of
a 一件事 then updates its package (`after`).

Transition inputs (keyword arguments of `services.case_transition`):
- ACCEPT_TOLERANCE: `owed` (material ids), `supply_days`, `commitment`;
- EXTEND: `days`; SUSPEND: `legal_basis`;
- APPROVE / REFUSE: `opinion`, `licence_number` (approve), `legal_basis`, `result_file`; the reasons of a
  refusal are the transition's reason;
- DELIVER: `method`, and by post `postal_recipient`, `postal_phone`, `postal_address`, `tracking_number`;
- `on`: the day the step takes effect (the case services' clock; defaults to today).

A 一件事 package is handled on its children: every step of the table applies to single cases and children only,
except WITHDRAW_PACKAGE, which applies to packages only (the applicant withdraws the whole 一件事 before it is
accepted: each child gets its own WITHDRAW_PRE, then the package follows). COMPLETE_IMMEDIATE applies to 即办件
only (a 承诺件 is never offered it)."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.core.exceptions import ValidationError

from gaoxin.catalog.models import CaseType, LimitUnit, Necessity
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record
from gaoxin.core.uploads import check_upload
from gaoxin.core.workflow import SYSTEM, Step, Workflow, transition

from . import notifications
from .application import is_electronic_licence
from .models import (
    DECIDED,
    DELIVER_METHODS,
    PHONE_REGEX,
    TERMINAL,
    Case,
    CaseEvent,
    CreditRestriction,
    Decision,
    DecisionOutcome,
    DeliveryMethod,
    Kind,
    Rectification,
    RectificationStatus,
    Status,
    Suspension,
)
from .permissions import ADMIN, APPLICANT, CLERK, OFFICER, case_roles, rectification_roles

S = Status
NON_TERMINAL = frozenset(set(Status) - TERMINAL)


def _on(step: Step) -> dt.date:
    return step.param("on") or step.today


def _actor_repr(actor) -> str:
    return actor.get_full_name() if actor else "系统"


# --- shared pieces of the guards and effects -------------------------------------------------------

def due(start: dt.date, limit: int, unit: str) -> tuple[dt.date, bool]:
    """The deadline `limit` days (working or natural) after `start` (the start day not counted)."""
    cal = work_calendar()
    if unit == LimitUnit.NATURAL:
        end = start + dt.timedelta(days=limit)
        return end, cal.is_provisional(start, end)
    result = cal.due_date(start, limit, rule=settings.GAOXIN_NONWORKING_ACCEPTANCE_RULE)
    return result.date, result.provisional


def _set_accepted(case: Case, on: dt.date) -> None:
    case.accepted_on = on
    unit = case.version.promised_unit if case.version_id else LimitUnit.WORKING
    case.due_date, case.due_provisional = due(on, case.promised_limit, unit)
    if case.version_id:
        case.statutory_due, _ = due(on, case.version.statutory_limit, case.version.statutory_unit)


def missing_required(case: Case) -> list[str]:
    """Required materials not received (an 电子证照 is received through data sharing)."""
    return [cm.material.name for cm in case.materials.select_related("material")
            if cm.material.necessity == Necessity.REQUIRED and not cm.present and not cm.owed
            and not is_electronic_licence(cm.material)]


def _materials_complete(case: Case) -> None:
    if missing := missing_required(case):
        raise ValidationError(f"以下必要材料尚未收到：{'、'.join(missing)}")


def is_blacklisted(case: Case) -> bool:
    qs = CreditRestriction.objects.filter(active=True)
    if case.enterprise_id:
        return qs.filter(uscc=case.enterprise.uscc).exists()
    return bool(case.applicant_id_number) and qs.filter(id_number=case.applicant_id_number).exists()


# --- intake -------------------------------------------------------------------------------------------

def _accept(case: Case, step: Step) -> dict:
    """ACCEPT / COMPLETE_CORRECTION: after 补正 the acceptance date is the completion date."""
    _materials_complete(case)
    on = _on(step)
    _set_accepted(case, on)
    return {"accepted_on": on, "due_date": case.due_date}


def _deemed_accept(case: Case, step: Step) -> dict:
    """No correction notice within 5 WD: deemed accepted on the day the materials were received."""
    if _on(step) <= case.correction_notice_due:
        raise ValidationError("补正告知期限未过")
    _set_accepted(case, case.received_on)
    return {"accepted_on": case.received_on, "due_date": case.due_date}


def _request_correction(case: Case, step: Step) -> dict:
    if _on(step) > case.correction_notice_due:
        raise ValidationError("已超过5个工作日的补正告知期限，依法视为受理")
    return {"corrections": step.reason}


def is_package(case: Case) -> bool:
    return case.kind == Kind.PACKAGE


def is_not_package(case: Case) -> bool:
    return case.kind != Kind.PACKAGE


def is_immediate(case: Case) -> bool:
    """即办件 (services.md §3.6): completed on the spot; a 承诺件 is not."""
    return is_not_package(case) and case.version_id is not None and case.version.case_type == CaseType.IMMEDIATE


def _complete_immediate(case: Case, step: Step) -> dict:
    _materials_complete(case)
    on = _on(step)
    case.accepted_on = case.due_date = case.decided_on = case.delivered_on = on
    case.delivery_method = DeliveryMethod.ON_THE_SPOT
    return {"accepted_on": on}


def _accept_tolerance(case: Case, step: Step) -> dict:
    """容缺受理 (services.md §6). The supply period is its own limit (at most
    GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS), counted in working days from the day after acceptance.
    The decision deadline stays the promised limit from acceptance ("在原承诺时限内准时出具"):
    if the supply day falls later, the department may decide first (办结（容缺通过）)."""
    owed, supply_days = step.param("owed") or [], step.param("supply_days")
    if not case.version.tolerance_allowed:
        raise ValidationError("该事项不在容缺受理清单内")
    if is_blacklisted(case):
        raise ValidationError("申请人在信用限制名单内，不能适用容缺受理")
    if not step.param("commitment"):
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
    on = _on(step)
    _set_accepted(case, on)
    for cm in owed_materials:
        cm.owed = True
        cm.save(update_fields=["owed"])
    _materials_complete(case)
    case.tolerance, case.commitment_signed = True, True
    case.tolerance_supply_days = supply_days
    case.tolerance_due = work_calendar().add_working_days(on, supply_days)
    return {"owed": [cm.material.name for cm in owed_materials], "supply_workdays": supply_days,
            "tolerance_due": case.tolerance_due, "due_date": case.due_date}


def _terminate_tolerance(case: Case, step: Step) -> dict:
    # The applicant may still supply on the last day: terminate only after it.
    if not case.tolerance_due or _on(step) <= case.tolerance_due:
        raise ValidationError(f"容缺材料补齐期限为{case.tolerance_deadline_text or '—'}，期限未过不能终止")
    if not case.materials.filter(owed=True, supplied_on__isnull=True).exists():
        raise ValidationError("容缺材料已全部补齐，不能终止")
    return {"tolerance_due": case.tolerance_due}


# Children a package withdrawal withdraws (the others have already ended at intake).
WITHDRAWABLE = (S.RECEIVED, S.CORRECTION)
ENDED_AT_INTAKE = (S.WITHDRAWN_PRE, S.NOT_ACCEPTED, S.REFUSED_ACCEPT)


def _withdraw_package(package: Case, step: Step) -> dict:
    """撤件 of a whole 一件事 before acceptance: every child still at intake is withdrawn by its own WITHDRAW_PRE
    (its timeline row, audit event and notifications), then the package is withdrawn (the engine's one event)."""
    children = list(package.children.select_for_update().order_by("id"))
    if any(c.status not in WITHDRAWABLE + ENDED_AT_INTAKE for c in children):
        raise ValidationError("已有事项受理，不能整件撤回；请在已受理的子件上申请撤回")
    withdrawn = []
    for child in children:
        if child.status in WITHDRAWABLE:
            WORKFLOW.apply(child, "WITHDRAW_PRE", actor=step.actor, reason=step.reason, on=_on(step),
                           within_package=True)
            withdrawn.append(child.number)
    return {"children": withdrawn}


# --- review ---------------------------------------------------------------------------------------------

def _start_review(case: Case, step: Step) -> dict:
    case.officer = step.actor
    return {"officer": _actor_repr(step.actor)}


def _suspend(case: Case, step: Step) -> dict:
    on = _on(step)
    Suspension.objects.create(case=case, reason=step.reason, legal_basis=(step.param("legal_basis") or "").strip(),
                              started_on=on)
    return {"started_on": on}


def _resume(case: Case, step: Step) -> dict:
    on = _on(step)
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
    return {"suspended_workdays": days, "due_date": case.due_date}


def _extend(case: Case, step: Step) -> dict:
    if case.due_date and _on(step) > case.due_date:
        raise ValidationError("已超过办结期限，不能再申请延长（按超时办结统计）")
    longest = settings.GAOXIN_EXTENSION_WORKDAYS
    days = step.param("days") or longest
    if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= longest:
        raise ValidationError({"days": f"延长天数应在1至{longest}个工作日之间"})
    cal = work_calendar()
    case.extension_days += days
    case.due_date = cal.add_working_days(case.due_date, days)
    if case.statutory_due:
        case.statutory_due = cal.add_working_days(case.statutory_due, days)
    return {"extension_workdays": days, "due_date": case.due_date}


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
            check_upload(result_file, label="结果文件")
        except ValidationError as exc:
            problems["result_file"] = exc.messages[0]
    return problems


def decision_for(case: Case, *, approved: bool, on: dt.date, opinion: str, licence_number: str = "",
                 legal_basis: str = "", reasons: str = "", actor=None) -> Decision:
    """The decision record (unsaved) as APPROVE / REFUSE writes it, with its 决定书's number; earlier years'
    cases loaded in bulk (`history`) get theirs from here too, so every decided case has its 决定书."""
    return Decision(
        case=case, outcome=DecisionOutcome.APPROVED if approved else DecisionOutcome.REFUSED,
        notice_number=f"{'准许' if approved else '不许'}字〔{on.year}〕第{case.number}号",
        licence_number=licence_number.strip() if approved else "", opinion=opinion.strip(),
        legal_basis=legal_basis.strip(), reasons="" if approved else reasons.strip(), department=case.department,
        decided_by=actor, decided_on=on)


def _decide(case: Case, step: Step) -> dict:
    """APPROVE / REFUSE: the decision is recorded with what its 决定书 states. An approval with 容缺
    materials still owed is 办结（容缺通过）."""
    approved = step.transition.name == "APPROVE"
    opinion, licence_number = step.param("opinion") or "", step.param("licence_number") or ""
    legal_basis, result_file = step.param("legal_basis") or "", step.param("result_file")
    if problems := decision_problems(approved=approved, opinion=opinion, licence_number=licence_number,
                                     legal_basis=legal_basis, reasons=step.reason, result_file=result_file):
        raise ValidationError(problems)
    on = _on(step)
    if approved:
        owed = case.materials.filter(owed=True, supplied_on__isnull=True).exists()
        step.target = S.DECIDED_OK_TOLERANCE if owed else S.DECIDED_OK
    case.decided_on, case.decision_note = on, opinion.strip()
    decision = decision_for(case, approved=approved, on=on, opinion=opinion, licence_number=licence_number,
                            legal_basis=legal_basis, reasons=step.reason, actor=step.actor)
    if result_file is not None:
        decision.result_file.save(result_file.name.rsplit("/", 1)[-1], result_file, save=False)
    decision.save()
    data = {"decision": decision.outcome, "notice_number": decision.notice_number}
    if approved:
        data["licence_number"] = decision.licence_number
    return data


# --- delivery --------------------------------------------------------------------------------------------

POSTAL_FIELDS = ("postal_recipient", "postal_phone", "postal_address", "tracking_number")


def delivery_problems(*, method: str, postal_recipient: str = "", postal_phone: str = "", postal_address: str = "",
                      tracking_number: str = "") -> dict[str, str]:
    """送达: a method of the list; by post the recipient, the recipient's phone (the courier calls), the address
    and the tracking number."""
    if method not in DELIVER_METHODS:
        return {"method": "请选择送达方式（窗口领取、邮寄或电子送达）"}
    problems = {}
    if method == DeliveryMethod.POST:
        for field, value, message, limit in (
                ("postal_recipient", postal_recipient, "邮寄送达须填写收件人", 50),
                ("postal_phone", postal_phone, "邮寄送达须填写收件人电话", 20),
                ("postal_address", postal_address, "邮寄送达须填写邮寄地址", 200),
                ("tracking_number", tracking_number, "邮寄送达须填写快递单号", 40)):
            value = (value or "").strip()
            if not value:
                problems[field] = message
            elif len(value) > limit:
                problems[field] = f"不能超过{limit}个字"
        phone = (postal_phone or "").strip()
        if phone and "postal_phone" not in problems and not re.fullmatch(PHONE_REGEX, phone):
            problems["postal_phone"] = "请填写正确的手机号或座机号"
    return problems


def _deliver(case: Case, step: Step) -> dict:
    method = step.param("method") or ""
    postal = {f: step.param(f) or "" for f in POSTAL_FIELDS}
    if problems := delivery_problems(method=method, **postal):
        raise ValidationError(problems)
    by_post = method == DeliveryMethod.POST
    case.delivered_on, case.delivery_method = _on(step), method
    for field, value in postal.items():
        setattr(case, field, value.strip() if by_post else "")
    data = {"method": method}
    if by_post:
        data["tracking_number"] = case.tracking_number
    return data


# --- history, aggregate, notifications --------------------------------------------------------------------

def _record(case: Case, step: Step, data: dict) -> None:
    CaseEvent.objects.create(case=case, transition=step.transition.name, from_status=step.before,
                             to_status=case.status, actor=step.actor, actor_repr=_actor_repr(step.actor),
                             note=step.reason, data=data)


CHILD_ENDED = {S.DELIVERED} | DECIDED | {S.WITHDRAWN, S.CANCELLED, S.TERMINATED, S.REFUSED_ACCEPT, S.NOT_ACCEPTED,
                                         S.WITHDRAWN_PRE}
CHILD_STARTED = {S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED} | DECIDED


def lock_package_first(case: Case) -> None:
    """Locks are taken package first, then parts by id, on every path (a part's step updates its package)."""
    if case.parent_id:
        Case.objects.select_for_update().filter(pk=case.parent_id).first()


def update_package(package_id: int, actor, on: dt.date) -> None:
    """A package is accepted when a child is, and completes when every child has ended (统一出件); when every
    child was withdrawn before acceptance, the package is withdrawn too."""
    package = Case.objects.select_for_update().get(pk=package_id)
    children = list(package.children.values_list("status", flat=True))
    if package.is_terminal or not children:
        return
    before = package.status
    if package.status == S.RECEIVED and all(s == S.WITHDRAWN_PRE for s in children):
        package.status = S.WITHDRAWN_PRE
    elif all(s in CHILD_ENDED for s in children):
        package.status = S.DELIVERED if all(s == S.DELIVERED for s in children) else S.DECIDED_OK
        package.decided_on = package.decided_on or on
        if package.status == S.DELIVERED:
            package.delivered_on = on
    elif any(s in CHILD_STARTED for s in children) and package.status == S.RECEIVED:
        package.status = S.ACCEPTED
        package.accepted_on = on
        package.due_date, package.due_provisional = due(on, package.promised_limit, LimitUnit.WORKING)
    if package.status != before:
        package.save()
        CaseEvent.objects.create(case=package, transition="PACKAGE_PROGRESS", from_status=before,
                                 to_status=package.status, actor=actor, actor_repr=_actor_repr(actor))
        audit_record(event_type="case.package_progress", actor=actor, subject=package,
                     before={"status": before}, after={"status": package.status})


def _after(case: Case, step: Step) -> None:
    # A child withdrawn as part of its package's withdrawal leaves the package's state to that transition.
    if case.parent_id and not step.param("within_package"):
        update_package(case.parent_id, step.actor, _on(step))


def _notify(case: Case, step: Step) -> None:
    notifications.case_changed(case, step.transition.name)


CLERKS, OFFICERS = [CLERK], [OFFICER]
ON_CHILDREN = "一件事在各子件上办理"


def case_step(name: str, label: str, sources, target, roles, **options):
    """A transition of a single case or a 一件事's child (a package is handled on its children)."""
    options.setdefault("applies_to", is_not_package)
    options.setdefault("not_applicable", ON_CHILDREN)
    return transition(name, label, sources, target, roles, **options)


WORKFLOW = Workflow(
    name="case", noun="办件", model=Case, roles=case_roles, record=_record, notify=_notify, after=_after,
    lock_queryset=lambda: Case.objects.select_related("version", "enterprise", "item"),
    lock_first=lambda case: lock_package_first(case),
    transitions=[
        case_step("ACCEPT", "受理", [S.RECEIVED], S.ACCEPTED, CLERKS, effect=_accept),
        case_step("ACCEPT_TOLERANCE", "容缺受理", [S.RECEIVED, S.CORRECTION], S.ACCEPTED, CLERKS,
                  effect=_accept_tolerance, style="warning"),
        case_step("COMPLETE_IMMEDIATE", "即办办结", [S.RECEIVED], S.DELIVERED, [CLERK, SYSTEM],
                  effect=_complete_immediate, style="success", applies_to=is_immediate,
                  not_applicable="只有即办件可以当场办结"),
        case_step("REQUEST_CORRECTION", "一次性告知补正", [S.RECEIVED], S.CORRECTION, CLERKS, needs_reason=True,
                  effect=_request_correction, style="warning"),
        case_step("COMPLETE_CORRECTION", "补正材料已齐，受理", [S.CORRECTION], S.ACCEPTED, CLERKS, effect=_accept),
        case_step("NOT_ACCEPT", "不受理（退回）", [S.RECEIVED], S.NOT_ACCEPTED, CLERKS, needs_reason=True,
                  style="outline-danger"),
        case_step("REFUSE_ACCEPT", "不予受理", [S.RECEIVED, S.CORRECTION], S.REFUSED_ACCEPT, CLERKS,
                  needs_reason=True, style="danger"),
        case_step("WITHDRAW_PRE", "撤件", [S.RECEIVED, S.CORRECTION], S.WITHDRAWN_PRE, [CLERK, APPLICANT],
                  needs_reason=True, style="outline-secondary"),
        case_step("WITHDRAW_PACKAGE", "撤件（整件撤回一件事）", [S.RECEIVED], S.WITHDRAWN_PRE, [CLERK, APPLICANT],
                  needs_reason=True, effect=_withdraw_package, style="outline-secondary", applies_to=is_package,
                  not_applicable="只有一件事可以整件撤回，单个事项请用“撤件”"),
        case_step("DEEMED_ACCEPT", "逾期未告知补正，视为受理", [S.RECEIVED], S.ACCEPTED, [SYSTEM],
                  effect=_deemed_accept),
        case_step("START_REVIEW", "开始审查", [S.ACCEPTED], S.IN_REVIEW, OFFICERS, effect=_start_review),
        case_step("SUSPEND", "特别程序（暂停计时）", [S.IN_REVIEW], S.SUSPENDED, OFFICERS, needs_reason=True,
                  effect=_suspend, style="warning"),
        case_step("RESUME", "特别程序结束（恢复计时）", [S.SUSPENDED], S.IN_REVIEW, OFFICERS, effect=_resume),
        case_step("EXTEND", "延长办理期限", [S.IN_REVIEW], S.IN_REVIEW, OFFICERS, needs_reason=True,
                  effect=_extend, style="outline-warning"),
        case_step("APPROVE", "准予（办结）", [S.IN_REVIEW], None, OFFICERS, effect=_decide, style="success"),
        case_step("REFUSE", "不予许可（办结）", [S.IN_REVIEW], S.DECIDED_REFUSED, OFFICERS, needs_reason=True,
                  effect=_decide, style="danger"),
        case_step("DELIVER", "送达（出件）", DECIDED, S.DELIVERED, [CLERK, OFFICER], effect=_deliver,
                  style="success"),
        case_step("REQUEST_WITHDRAWAL", "申请撤回", [S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED], S.WITHDRAW_PENDING,
                  [CLERK, APPLICANT], needs_reason=True, style="outline-secondary"),
        case_step("CONFIRM_WITHDRAWAL", "确认撤回", [S.WITHDRAW_PENDING], S.WITHDRAWN, [CLERK, OFFICER]),
        case_step("TERMINATE_TOLERANCE", "容缺材料逾期未补，终止",
                  [S.ACCEPTED, S.IN_REVIEW, S.SUSPENDED, S.DECIDED_OK_TOLERANCE], S.TERMINATED, [SYSTEM],
                  effect=_terminate_tolerance),
        case_step("CANCEL", "撤销办件", NON_TERMINAL, S.CANCELLED, [ADMIN], needs_reason=True,
                  style="outline-danger"),
    ],
)


# --- 差评整改 (services.md §9) ------------------------------------------------------------------------------

R = RectificationStatus
DEPARTMENT = "department"


def _measures(rect: Rectification, step: Step) -> dict:
    measures = (step.param("measures") or "").strip()
    if not measures:
        raise ValidationError({"measures": "请填写整改措施或解释说明"})
    rect.measures = measures
    return {"measures": measures}


def _revisit(rect: Rectification, step: Step) -> dict:
    note, result = (step.param("visit_note") or "").strip(), step.param("visit_result")
    if not note or result not in (1, 2, 3):
        raise ValidationError({"visit_note": "请填写回访记录和申请人对整改的评价"})
    rect.visit_note, rect.visit_result, rect.closed_on = note, result, _on(step)
    return {"visit_result": rect.get_visit_result_display()}


def _record_rectification(rect: Rectification, step: Step, data: dict) -> None:
    """The rectification's steps are on the case's timeline: the applicant sees the answer to the 差评."""
    case = rect.review.case
    CaseEvent.objects.create(case=case, transition=step.transition.name, from_status=case.status,
                             to_status=case.status, actor=step.actor, actor_repr=_actor_repr(step.actor),
                             note=rect.measures if step.transition.name != "REVISIT" else rect.visit_note,
                             data={"rectification": rect.status, **data})


def _notify_rectification(rect: Rectification, step: Step) -> None:
    notifications.rectification_changed(rect, step.transition.name)


RECTIFICATION_WORKFLOW = Workflow(
    name="case.rectification", noun="差评整改", model=Rectification, roles=rectification_roles,
    record=_record_rectification, notify=_notify_rectification, audit_state_key="rectification",
    lock_queryset=lambda: Rectification.objects.select_related("review__case__version", "review__case__bundle"),
    transitions=[
        transition("RECTIFY", "已整改", [R.OPEN], R.RECTIFIED, [DEPARTMENT, ADMIN], effect=_measures),
        transition("EXPLAIN", "解释说明", [R.OPEN], R.EXPLAINED, [DEPARTMENT, ADMIN], effect=_measures),
        transition("REVISIT", "回访", [R.RECTIFIED, R.EXPLAINED], R.REVISITED, [DEPARTMENT, ADMIN], effect=_revisit),
    ],
)
