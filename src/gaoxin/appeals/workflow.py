"""The appeal (企业诉求) state machine, benefits.md §5.4, on the kernel's transition engine.

Roles are relative to the appeal: "centre" (the service centre's clerks and administrators), "lead" (the
lead department's officers), "cooperating" (a cooperating department's officers), "enterprise" (users of
the appealing firm). Each transition's guard and effect are small functions; the engine locks, checks,
records, audits and notifies."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError

from gaoxin.accounts.models import OrgKind
from gaoxin.core.selectors import work_calendar
from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import Appeal, AppealEvent, AppealStatus, Result
from .permissions import appeal_roles

S = AppealStatus
OPEN = frozenset({S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS})
CENTRE, LEAD, COOPERATING, ENTERPRISE = "centre", "lead", "cooperating", "enterprise"
SUPERVISION_LEVELS = ["催办", "督办", "通报"]


def limits(appeal: Appeal) -> tuple[int, int]:
    """(respond, resolve) in working days after dispatch, by urgency and request type (§5.4 defaults)."""
    table = settings.GAOXIN_APPEAL_LIMITS
    key = appeal.urgency if appeal.urgency in ("urgent", "complex") else appeal.request_type
    respond, resolve = table[key]
    return int(respond), int(resolve)


# --- guards and effects ------------------------------------------------------------------------

def _dispatch(appeal: Appeal, step: Step) -> dict:
    lead = step.param("lead")
    if lead is None or lead.kind != OrgKind.DEPARTMENT:
        raise ValidationError({"lead": "请选择主办单位（部门）"})
    if step.transition.name == "REASSIGN":
        if lead.pk == appeal.lead_id:
            raise ValidationError({"lead": "改派应选择其他单位"})
        appeal.returns += 1
    appeal.lead = lead
    respond, resolve = limits(appeal)
    cal = work_calendar()
    appeal.dispatched_on = step.today
    appeal.respond_by = cal.add_working_days(step.today, respond)
    appeal.resolve_by = cal.add_working_days(step.today, resolve)
    cooperating = step.param("cooperating")
    if cooperating is not None:
        appeal.cooperating.set([c for c in cooperating if c.pk != lead.pk])
    return {"unit": lead.name, "lead": lead.name,
            "cooperating": [c.name for c in appeal.cooperating.all()]}


def _accept(appeal: Appeal, step: Step) -> dict:
    appeal.accepted_on = step.today
    appeal.responded_on_time = step.today <= appeal.respond_by if appeal.respond_by else None
    return {}


def _extend(appeal: Appeal, step: Step) -> dict:
    if appeal.resolve_by and step.today >= appeal.resolve_by:
        raise ValidationError("延期须在办结期限前至少1个工作日批准")
    days = step.param("days") or settings.GAOXIN_APPEAL_EXTENSION_WORKDAYS
    appeal.resolve_by = work_calendar().add_working_days(appeal.resolve_by or step.today, days)
    appeal.extended = True
    return {"resolve_by": appeal.resolve_by}


def _urge(appeal: Appeal, step: Step) -> dict:
    current = SUPERVISION_LEVELS.index(appeal.supervision) + 1 if appeal.supervision in SUPERVISION_LEVELS else 0
    appeal.supervision = SUPERVISION_LEVELS[min(current, len(SUPERVISION_LEVELS) - 1)]
    return {"unit": appeal.supervision}


def _resolve(appeal: Appeal, step: Step) -> dict:
    result = step.param("result") or ""
    if result not in Result.values:
        raise ValidationError({"result": "请选择办理结果"})
    appeal.result, appeal.resolution, appeal.resolved_on = result, step.reason, step.today
    return {"result": Result(result).label}


def _confirm(appeal: Appeal, step: Step) -> dict:
    satisfaction, solved = step.param("satisfaction"), step.param("solved")
    if satisfaction not in (1, 2, 3, 4, 5) or solved is None:
        raise ValidationError({"satisfaction": "请评价满意度并确认是否解决"})
    if satisfaction <= 2 and not solved:
        raise ValidationError({"solved": "不满意且未解决时请选择“要求重办”"})
    appeal.satisfaction, appeal.solved_confirmed, appeal.closed_on = satisfaction, solved, step.today
    return {"satisfaction": satisfaction, "solved": solved}


def _reopen(appeal: Appeal, step: Step) -> dict:
    appeal.reopen_count += 1
    appeal.result, appeal.resolved_on = "", None
    return {}


def _record(appeal: Appeal, step: Step, data: dict) -> None:
    actor = step.actor
    unit = data.get("unit") or (actor.org_unit.name if actor is not None and actor.org_unit_id else "")
    AppealEvent.objects.create(appeal=appeal, transition=step.transition.name, from_status=step.before,
                               to_status=appeal.status, actor_repr=actor.get_full_name() if actor else "系统",
                               note=step.reason, unit=unit)


WORKFLOW = Workflow(
    name="appeal", noun="诉求", model=Appeal, roles=appeal_roles, record=_record, notify=notifications.appeal_changed,
    lock_queryset=lambda: Appeal.objects.select_related("enterprise", "lead", "talent"),
    transitions=[
        transition("DISPATCH", "派单", [S.RECEIVED], S.DISPATCHED, [CENTRE], effect=_dispatch),
        transition("REFER_OUT", "转市场或社会渠道", [S.RECEIVED], S.REFERRED_OUT, [CENTRE], needs_reason=True),
        transition("ACCEPT", "签收", [S.DISPATCHED], S.ACCEPTED, [LEAD], effect=_accept),
        transition("REQUEST_RETURN", "申请退单（说明理由和建议单位）", [S.DISPATCHED], S.RETURN_REQUESTED, [LEAD],
                   needs_reason=True),
        transition("REASSIGN", "同意退单并改派", [S.RETURN_REQUESTED], S.DISPATCHED, [CENTRE], effect=_dispatch),
        transition("REJECT_RETURN", "驳回退单（终审）", [S.RETURN_REQUESTED], S.ACCEPTED, [CENTRE], needs_reason=True,
                   effect=_accept),
        transition("START", "开始办理", [S.ACCEPTED], S.IN_PROGRESS, [LEAD]),
        transition("STAGE_REPLY", "阶段性答复", [S.IN_PROGRESS], None, [LEAD], needs_reason=True),
        transition("COOP_REPORT", "协办单位报送意见", [S.IN_PROGRESS], None, [COOPERATING], needs_reason=True),
        transition("EXTEND", "批准延期", [S.IN_PROGRESS], None, [CENTRE], needs_reason=True, effect=_extend),
        transition("URGE", "催办 / 督办", OPEN, None, [CENTRE], needs_reason=True, effect=_urge),
        transition("RESOLVE", "办结答复", [S.IN_PROGRESS], S.RESOLVED, [LEAD], needs_reason=True, effect=_resolve),
        transition("CONFIRM", "确认办结并评价", [S.RESOLVED], S.CLOSED, [ENTERPRISE], effect=_confirm),
        transition("REOPEN", "不满意，要求重办", [S.RESOLVED], S.IN_PROGRESS, [ENTERPRISE], needs_reason=True,
                   effect=_reopen),
    ],
)
