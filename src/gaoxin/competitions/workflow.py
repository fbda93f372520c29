"""A firm's registration for an edition on the kernel (core.workflow): invited by the organising department, the
firm registers (choosing its track and naming its project) or declines — or the department records the firm's
answer (a firm that registered on the official site, or answered by phone); the department checks its eligibility
against the edition's rules again (a firm that no longer qualifies is refused with the reasons); the firm or the
department withdraws it. Each step locks the row, writes its timeline row and exactly one audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import Registration, RegistrationEvent, RegistrationStatus
from .permissions import registration_roles

S = RegistrationStatus


def _actor(step: Step):
    return step.actor if getattr(step.actor, "pk", None) else None


def _register(registration: Registration, step: Step) -> dict:
    edition = registration.edition
    track = step.param("track")
    if track is None or track.edition_id != edition.pk:
        raise ValidationError({"track": "请选择本届的行业赛道"})
    project = (step.param("project") or "").strip()
    if not project:
        raise ValidationError({"project": "请填写参赛项目名称"})
    if edition.registration_closes_on and step.today > edition.registration_closes_on:
        raise ValidationError(f"报名已于{edition.registration_closes_on:%Y年%m月%d日}截止")
    registration.track, registration.project = track, project[:100]
    registration.answered_at = timezone.now()
    return {"track": track.name, "project": registration.project}


def _answer(registration: Registration, step: Step) -> dict:
    registration.answered_at = timezone.now()
    return {}


def _check(registration: Registration, step: Step) -> dict:
    from .selectors import assess_firm

    result = assess_firm(registration.edition, registration.enterprise_id)
    if not result.eligible:
        raise ValidationError("不符合参赛条件：" + "；".join(result.reasons))
    if result.group and result.group != registration.group:
        registration.group = result.group
    return {"group": registration.get_group_display(), "notes": list(result.notes)}


def _record(registration: Registration, step: Step, data: dict) -> None:
    RegistrationEvent.objects.create(registration=registration, transition=step.transition.name,
                                     to_status=registration.status, actor=_actor(step), note=step.reason[:300])


REGISTRATION_WORKFLOW = Workflow(
    name="competitions.registration", noun="参赛报名", model=Registration, roles=registration_roles, record=_record,
    notify=notifications.changed,
    lock_queryset=lambda: Registration.objects.select_related("edition", "enterprise", "track", "invited_by"),
    transitions=[
        transition("REGISTER", "报名参赛", [S.INVITED], S.REGISTERED, ["firm", "office"], effect=_register),
        transition("DECLINE", "谢绝参赛", [S.INVITED], S.DECLINED, ["firm", "office"], needs_reason=True, effect=_answer,
                   style="outline-secondary"),
        transition("CHECK", "审核参赛资格", [S.REGISTERED], S.CHECKED, ["office"], effect=_check),
        transition("WITHDRAW", "退赛", [S.REGISTERED, S.CHECKED], S.WITHDRAWN, ["firm", "office"], needs_reason=True,
                   style="outline-danger"),
    ],
)
