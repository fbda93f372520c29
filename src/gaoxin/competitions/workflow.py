"""A firm's registration for an edition on the kernel (core.workflow): invited by the organising department, the
firm registers (choosing its track and naming its project) or declines — or the department records the firm's
answer (a firm that registered on the official site, or answered by phone); the department checks its eligibility
against the edition's rules again (a firm that no longer qualifies is refused with the reasons); the firm or the
department withdraws it. Each step locks the row, writes its timeline row and exactly one audit event."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core import notice
from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import (
    JudgingRound,
    ObjectionStatus,
    Registration,
    RegistrationEvent,
    RegistrationStatus,
    ResultObjection,
    RoundResult,
    RoundStatus,
)
from .permissions import registration_roles, round_roles

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
    from .selectors import assess_firm

    # Not at the qualification check: an entry the check must refuse is refused now, while the firm can still put
    # its record right (a certificate obtained, a figure corrected) and register again before the deadline.
    result = assess_firm(edition, registration.enterprise_id)
    if not result.eligible:
        raise ValidationError("按企业档案暂不符合参赛条件：" + "；".join(result.reasons)
                              + "。请先补充或更正企业档案，再报名参赛")
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


# --- a zone round's results: notice, objections, final (core.notice, like the evaluation and talent recognition) ---


def _today(step: Step):
    return step.param("today") or step.today


def _publish(round: JudgingRound, step: Step) -> dict:
    """Freeze the ranking as published (one RoundResult per entry) and open the notice window. Every entry needs
    its full panel with the mix (a judge refused for a conflict is replaced first)."""
    from .selectors import round_results

    rows = round_results(round=round)
    if not rows:
        raise ValidationError("本轮没有资格已审核的参赛企业，无需公示")
    short = [r for r in rows if r["result"] is None or r["missing"]]
    if short:
        names = "、".join(r["entry"].enterprise.name for r in short[:3]) + ("等" if len(short) > 3 else "")
        raise ValidationError(f"还有{len(short)}个项目评委人数或评委组合不足（{names}），请补充评委评分后再公示")
    RoundResult.objects.filter(round=round).delete()
    RoundResult.objects.bulk_create([RoundResult(round=round, registration=r["entry"], rank=r["result"].rank,
                                                 score=r["result"].score, raw_mean=r["result"].raw_mean)
                                     for r in rows])
    round.notice_start, round.notice_end = notice.notice_window(_today(step), round.notice_length, round.notice_unit)
    return {"notice_start": round.notice_start, "notice_end": round.notice_end, "entries": len(rows)}


def _finalise(round: JudgingRound, step: Step) -> dict:
    """After the notice: no objection left open; the entries taken out by an upheld objection lose their rank and
    the others are ranked again in the published order. The ranks become the firms' profile facts."""
    today = _today(step)
    if round.notice_end is None or today <= round.notice_end:
        raise ValidationError(f"公示期至{round.notice_end:%Y年%m月%d日}，期满后再确定结果" if round.notice_end
                              else "尚未公示")
    open_count = ResultObjection.objects.filter(result__round=round, status=ObjectionStatus.OPEN).count()
    if open_count:
        raise ValidationError(f"还有{open_count}条异议未核查")
    results = list(round.results.select_related("registration").order_by("rank", "pk"))
    rank = 0
    for result in results:
        if result.excluded:
            result.rank = None
        else:
            rank += 1
            result.rank = rank
    RoundResult.objects.bulk_update(results, ["rank"])
    round.finalised_on = today
    from .services import round_rank_facts

    round_rank_facts(round=round, results=results, actor=step.actor)
    return {"ranked": rank, "excluded": sum(1 for r in results if r.excluded)}


ROUND_WORKFLOW = Workflow(
    name="competitions.round", noun="评审轮次", model=JudgingRound, roles=round_roles,
    notify=notifications.round_changed,
    lock_queryset=lambda: JudgingRound.objects.select_related("edition"),
    transitions=[
        transition("PUBLISH", "发布结果公示", [RoundStatus.SCORING], RoundStatus.NOTICE, ["office"], effect=_publish),
        transition("FINALISE", "公示期满，确定结果", [RoundStatus.NOTICE], RoundStatus.FINAL, ["office"],
                   effect=_finalise),
    ],
)


def _decide(objection: ResultObjection, step: Step) -> dict:
    result = objection.result
    if result.round.status != RoundStatus.NOTICE:
        raise ValidationError("评审结果已不在公示期间")
    objection.answer = step.reason[:500]
    if step.transition.name == "UPHOLD":
        result.excluded = True
        result.note = f"异议成立：{objection.answer}"[:300]
        result.save(update_fields=["excluded", "note"])
    return {"entry": result.registration.enterprise.name, "answer": objection.answer}


def _objection_roles(actor, objection):
    return round_roles(actor, objection.result.round)


OBJECTION_WORKFLOW = Workflow(
    name="competitions.objection", noun="公示异议", model=ResultObjection, roles=_objection_roles,
    notify=notifications.objection_decided,
    lock_queryset=lambda: ResultObjection.objects.select_related("result__round", "result__registration__enterprise",
                                                                 "filed_by"),
    transitions=[
        transition("UPHOLD", "异议成立（取消该项目名次）", [ObjectionStatus.OPEN], ObjectionStatus.UPHELD, ["office"],
                   needs_reason=True, effect=_decide, style="outline-danger"),
        transition("DISMISS", "异议不成立", [ObjectionStatus.OPEN], ObjectionStatus.DISMISSED, ["office"],
                   needs_reason=True, effect=_decide, style="outline-secondary"),
    ],
)

# Steps a page does not offer while a visible reason refuses them (the guard still refuses them if sent).
OFFERED_WHEN = {
    ("competitions.round", "FINALISE"): lambda r, today: r.notice_end is not None and today > r.notice_end,
}


def offered(workflow: Workflow, obj, actor, today=None) -> list:
    from django.utils import timezone

    today = today or timezone.localdate()
    return [t for t in workflow.available(obj, actor)
            if OFFERED_WHEN.get((workflow.name, t.name), lambda o, d: True)(obj, today)]
