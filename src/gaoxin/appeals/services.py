"""Appeal handling: one service applies every transition of the table (benefits.md §5.4)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record, lock_for_transition

from .models import Appeal, AppealEvent, AppealStatus, Result

S = AppealStatus
OPEN = {S.DISPATCHED, S.ACCEPTED, S.IN_PROGRESS}

# name: (sources, target (None = unchanged), who, label, needs_reason)
TRANSITIONS = {
    "DISPATCH": ({S.RECEIVED}, S.DISPATCHED, "centre", "派单", False),
    "REFER_OUT": ({S.RECEIVED}, S.REFERRED_OUT, "centre", "转市场或社会渠道", True),
    "ACCEPT": ({S.DISPATCHED}, S.ACCEPTED, "lead", "签收", False),
    "REQUEST_RETURN": ({S.DISPATCHED}, S.RETURN_REQUESTED, "lead", "申请退单（说明理由和建议单位）", True),
    "REASSIGN": ({S.RETURN_REQUESTED}, S.DISPATCHED, "centre", "同意退单并改派", False),
    "REJECT_RETURN": ({S.RETURN_REQUESTED}, S.ACCEPTED, "centre", "驳回退单（终审）", True),
    "START": ({S.ACCEPTED}, S.IN_PROGRESS, "lead", "开始办理", False),
    "STAGE_REPLY": ({S.IN_PROGRESS}, None, "lead", "阶段性答复", True),
    "COOP_REPORT": ({S.IN_PROGRESS}, None, "cooperating", "协办单位报送意见", True),
    "EXTEND": ({S.IN_PROGRESS}, None, "centre", "批准延期", True),
    "URGE": (OPEN, None, "centre", "催办 / 督办", True),
    "RESOLVE": ({S.IN_PROGRESS}, S.RESOLVED, "lead", "办结答复", True),
    "CONFIRM": ({S.RESOLVED}, S.CLOSED, "enterprise", "确认办结并评价", False),
    "REOPEN": ({S.RESOLVED}, S.IN_PROGRESS, "enterprise", "不满意，要求重办", True),
}
SUPERVISION_LEVELS = ["催办", "督办", "通报"]


def limits(appeal: Appeal) -> tuple[int, int]:
    """(respond, resolve) in working days after dispatch, by urgency and request type (§5.4 defaults)."""
    table = settings.GAOXIN_APPEAL_LIMITS
    key = appeal.urgency if appeal.urgency in ("urgent", "complex") else appeal.request_type
    respond, resolve = table[key]
    return int(respond), int(resolve)


def _number() -> str:
    today = timezone.localdate()
    return f"SQ{today:%Y%m%d}{Appeal.objects.filter(received_at__date=today).count() + 1:05d}"


def roles_for(actor, appeal: Appeal) -> set[str]:
    roles = set()
    if actor.role in (Role.ZONE_ADMIN, Role.WINDOW_CLERK):
        roles.add("centre")
    if actor.role == Role.DEPT_OFFICER and actor.org_unit_id:
        if actor.org_unit_id == appeal.lead_id:
            roles.add("lead")
        if appeal.cooperating.filter(pk=actor.org_unit_id).exists():
            roles.add("cooperating")
    if actor.role == Role.ENTERPRISE and actor.enterprise_memberships.filter(enterprise_id=appeal.enterprise_id).exists():
        roles.add("enterprise")
    return roles


def _event(appeal, name, before, actor, note="", unit=""):
    AppealEvent.objects.create(appeal=appeal, transition=name, from_status=before, to_status=appeal.status,
                               actor_repr=actor.get_full_name() if actor else "系统", note=note, unit=unit)


@transaction.atomic
def appeal_submit(*, actor, enterprise, channel: str, category: str, request_type: str, title: str,
                  description: str, contact_name: str, contact_phone: str, urgency: str = "normal",
                  confidential: bool = False) -> Appeal:
    if actor.role == Role.ENTERPRISE and not actor.enterprise_memberships.filter(enterprise=enterprise).exists():
        raise PermissionDenied("只能为本企业提出诉求")
    if not title.strip() or not description.strip():
        raise ValidationError({"title": "请填写标题和诉求内容"})
    station = actor.org_unit if actor.role == Role.STATION_OFFICER and actor.org_unit and \
        actor.org_unit.kind == OrgKind.STATION else None
    appeal = Appeal(
        number=_number(), channel=channel, enterprise=enterprise, station=station, contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(), confidential=confidential, category=category, request_type=request_type,
        urgency=urgency, title=title.strip(), description=description.strip(), received_by=actor,
    )
    appeal.full_clean(exclude=["number", "received_by", "lead"])
    appeal.save()
    _event(appeal, "SUBMIT", "", actor)
    audit_record(event_type="appeal.submitted", actor=actor, subject=appeal, after={"status": appeal.status})
    return appeal


@transaction.atomic
def appeal_transition(*, appeal: Appeal, name: str, actor, reason: str = "", lead: OrgUnit | None = None,
                      cooperating: list[OrgUnit] | None = None, result: str = "", satisfaction: int | None = None,
                      solved: bool | None = None, days: int | None = None) -> Appeal:
    appeal, (sources, target, who, label, needs_reason) = lock_for_transition(
        appeal, transitions=TRANSITIONS, name=name, actor=actor, roles=roles_for, noun="诉求")
    reason = reason.strip()
    if needs_reason and not reason:
        raise ValidationError({"reason": f"“{label}”需要填写说明"})
    cal = work_calendar()
    on = timezone.localdate()
    before = appeal.status
    unit = actor.org_unit.name if actor.org_unit_id else ""
    if name in ("DISPATCH", "REASSIGN"):
        if lead is None or lead.kind != OrgKind.DEPARTMENT:
            raise ValidationError({"lead": "请选择主办单位（部门）"})
        if name == "REASSIGN" and lead.pk == appeal.lead_id:
            raise ValidationError({"lead": "改派应选择其他单位"})
        appeal.lead = lead
        respond, resolve = limits(appeal)
        appeal.dispatched_on = on
        appeal.respond_by = cal.add_working_days(on, respond)
        appeal.resolve_by = cal.add_working_days(on, resolve)
        if cooperating is not None:
            appeal.cooperating.set([c for c in cooperating if c.pk != lead.pk])
        unit = lead.name
        if name == "REASSIGN":
            appeal.returns += 1
    if name == "ACCEPT" or name == "REJECT_RETURN":
        appeal.accepted_on = on
        appeal.responded_on_time = on <= appeal.respond_by if appeal.respond_by else None
    if name == "EXTEND":
        extra = days or settings.GAOXIN_APPEAL_EXTENSION_WORKDAYS
        if appeal.resolve_by and on >= appeal.resolve_by:
            raise ValidationError("延期须在办结期限前至少1个工作日批准")
        appeal.resolve_by = cal.add_working_days(appeal.resolve_by or on, extra)
        appeal.extended = True
    if name == "URGE":
        current = SUPERVISION_LEVELS.index(appeal.supervision) + 1 if appeal.supervision in SUPERVISION_LEVELS else 0
        appeal.supervision = SUPERVISION_LEVELS[min(current, len(SUPERVISION_LEVELS) - 1)]
        unit = appeal.supervision
    if name == "RESOLVE":
        if result not in Result.values:
            raise ValidationError({"result": "请选择办理结果"})
        appeal.result, appeal.resolution, appeal.resolved_on = result, reason, on
    if name == "CONFIRM":
        if satisfaction not in (1, 2, 3, 4, 5) or solved is None:
            raise ValidationError({"satisfaction": "请评价满意度并确认是否解决"})
        if satisfaction <= 2 and not solved:
            raise ValidationError("不满意且未解决时请选择“要求重办”")
        appeal.satisfaction, appeal.solved_confirmed, appeal.closed_on = satisfaction, solved, on
    if name == "REOPEN":
        appeal.reopen_count += 1
        appeal.result, appeal.resolved_on = "", None
    if target is not None:
        appeal.status = target
    appeal.save()
    _event(appeal, name, before, actor, note=reason, unit=unit)
    audit_record(event_type=f"appeal.{name.lower()}", actor=actor, subject=appeal,
                 before={"status": before}, after={"status": appeal.status, "lead": appeal.lead_id})
    return appeal


def available(appeal: Appeal, actor) -> list[tuple[str, str, bool]]:
    roles = roles_for(actor, appeal)
    return [(n, label, needs) for n, (sources, _, who, label, needs) in TRANSITIONS.items()
            if appeal.status in sources and who in roles]
