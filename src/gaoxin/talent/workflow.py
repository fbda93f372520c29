"""The talent room's states on the kernel (core.workflow): a demand is withdrawn; a hire is confirmed or denied by
the firm, checked at the retention dates and may end when the person leaves; an agreement ends or is terminated.
A demand's fill (open → partly filled → filled) follows its confirmed hires (`refill`)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count

from gaoxin.core import notice
from gaoxin.core.selectors import work_calendar
from gaoxin.core.workflow import SYSTEM, Step, Workflow, transition

from . import notifications
from .models import (
    AgreementStatus,
    ApplicationEvent,
    ApplicationStatus,
    DemandEvent,
    DemandStatus,
    Hire,
    HireEvent,
    HireStatus,
    JobDemand,
    ObjectionEvent,
    ObjectionStatus,
    Recognition,
    RecognitionEvent,
    RecognitionRound,
    RecognitionStatus,
    RoundApplication,
    RoundEvent,
    RoundObjection,
    RoundStatus,
    SchoolAgreement,
    ScoreMethod,
)
from .permissions import application_roles, demand_roles, hire_roles, is_talent_office, office_roles

ON_THE_JOB = (HireStatus.CONFIRMED, HireStatus.RETAINED_SHORT, HireStatus.RETAINED_LONG)
LIVE = (DemandStatus.OPEN, DemandStatus.PARTLY_FILLED)


def refill(demand: JobDemand) -> None:
    """The demand's filled places are its people on the job; its state follows unless it was withdrawn."""
    filled = demand.hires.filter(status__in=ON_THE_JOB).aggregate(n=Count("id"))["n"]
    demand.filled = filled
    if demand.status != DemandStatus.WITHDRAWN:
        demand.status = (DemandStatus.FILLED if filled >= demand.quantity else
                         DemandStatus.PARTLY_FILLED if filled else DemandStatus.OPEN)
    demand.save(update_fields=["filled", "status"])


def retention_days() -> tuple[int, int]:
    short, long = settings.GAOXIN_TALENT_RETENTION_DAYS
    return int(short), int(long)


# --- hires -----------------------------------------------------------------------------------------------------


def confirm_hire(hire: Hire, today) -> dict:
    """Confirmed on `today`; the retention checks fall GAOXIN_TALENT_RETENTION_DAYS after the first day on the job,
    each on a working day (the first one on or after the day the period ends)."""
    cal = work_calendar()
    short, long = retention_days()
    hire.confirmed_on = today
    hire.short_check_due = cal.next_workday(hire.hired_on + dt.timedelta(days=short))
    hire.long_check_due = cal.next_workday(hire.hired_on + dt.timedelta(days=long))
    return {"short_check_due": hire.short_check_due, "long_check_due": hire.long_check_due}


def _confirm(hire: Hire, step: Step) -> dict:
    return confirm_hire(hire, step.today)


def _retain(hire: Hire, step: Step) -> dict:
    due = hire.short_check_due if hire.status == HireStatus.CONFIRMED else hire.long_check_due
    if due and step.today < due:
        raise ValidationError(f"回访日期为{due:%Y年%m月%d日}，到期后再确认是否在岗")
    step.target = HireStatus.RETAINED_SHORT if hire.status == HireStatus.CONFIRMED else HireStatus.RETAINED_LONG
    return {"checked_on": step.today}


def _leave(hire: Hire, step: Step) -> dict:
    left_on = step.param("left_on") or step.today
    if left_on < hire.hired_on:
        raise ValidationError({"left_on": "离职日期不能早于到岗日期"})
    if left_on > step.today:
        raise ValidationError({"left_on": "离职日期不能晚于今天"})
    hire.left_on = left_on
    return {"left_on": left_on}


def _hire_roles(actor, hire: Hire) -> set[str]:
    return hire_roles(actor, hire)


def _hire_record(hire: Hire, step: Step, data: dict) -> None:
    HireEvent.objects.create(hire=hire, transition=step.transition.name, to_status=hire.status,
                             actor=step.actor if getattr(step.actor, "pk", None) else None, note=step.reason[:300])


def _hire_after(hire: Hire, step: Step) -> None:
    refill(JobDemand.objects.select_for_update().get(pk=hire.demand_id))


HIRE_WORKFLOW = Workflow(
    name="talent.hire", noun="到岗记录", model=Hire, roles=_hire_roles, record=_hire_record, after=_hire_after,
    notify=notifications.hire_changed, lock_queryset=lambda: Hire.objects.select_related("demand"),
    transitions=[
        transition("CONFIRM", "确认到岗", [HireStatus.RECORDED], HireStatus.CONFIRMED, ["firm", "office"],
                   effect=_confirm),
        transition("REJECT", "否认到岗", [HireStatus.RECORDED], HireStatus.REJECTED, ["firm", "office"],
                   needs_reason=True, style="outline-danger"),
        transition("RETAIN", "回访：仍在岗", [HireStatus.CONFIRMED, HireStatus.RETAINED_SHORT], None, ["firm", "office"],
                   effect=_retain),
        transition("LEAVE", "已离职", [HireStatus.CONFIRMED, HireStatus.RETAINED_SHORT, HireStatus.RETAINED_LONG],
                   HireStatus.LEFT, ["firm", "office"], effect=_leave, style="outline-danger"),
    ],
)

# --- demands ---------------------------------------------------------------------------------------------------


def _demand_record(demand: JobDemand, step: Step, data: dict) -> None:
    DemandEvent.objects.create(demand=demand, transition=step.transition.name, to_status=demand.status,
                               actor=step.actor if getattr(step.actor, "pk", None) else None, note=step.reason[:300])


DEMAND_WORKFLOW = Workflow(
    name="talent.demand", noun="用工需求", model=JobDemand, roles=demand_roles, record=_demand_record,
    transitions=[transition("WITHDRAW", "撤回需求", LIVE, DemandStatus.WITHDRAWN, ["firm", "office", "recorder"],
                            needs_reason=True, style="outline-danger")],
)

# --- agreements ------------------------------------------------------------------------------------------------


def _agreement_roles(actor, agreement: SchoolAgreement) -> set[str]:
    return {"office"} if is_talent_office(actor) else set()


def _expired(agreement: SchoolAgreement, step: Step) -> None:
    if agreement.expires_on >= step.today:
        raise ValidationError("协议尚未到期")


AGREEMENT_WORKFLOW = Workflow(
    name="talent.agreement", noun="校企合作协议", model=SchoolAgreement, roles=_agreement_roles,
    transitions=[
        transition("END", "到期", [AgreementStatus.ACTIVE], AgreementStatus.ENDED, [SYSTEM, "office"], guard=_expired),
        transition("TERMINATE", "终止协议", [AgreementStatus.ACTIVE], AgreementStatus.TERMINATED, ["office"],
                   needs_reason=True, style="outline-danger"),
    ],
)



# --- the talent registry: recognitions ---------------------------------------------------------------------------


def _history(model, fk: str):
    """A workflow's `record`: one timeline row per state change (transition, new state, actor, note)."""
    def record(obj, step: Step, data: dict) -> None:
        model.objects.create(**{fk: obj}, transition=step.transition.name, to_status=obj.status,
                             actor=step.actor if getattr(step.actor, "pk", None) else None, note=step.reason[:300])
    return record


def _lapsed(recognition: Recognition, step: Step) -> None:
    if recognition.valid_to >= step.today:
        raise ValidationError(f"认定有效期至{recognition.valid_to:%Y年%m月%d日}，尚未到期")


RECOGNITION_WORKFLOW = Workflow(
    name="talent.recognition", noun="人才认定", model=Recognition, roles=office_roles,
    record=_history(RecognitionEvent, "recognition"), notify=notifications.recognition_changed,
    lock_queryset=lambda: Recognition.objects.select_related("talent", "title"),
    transitions=[
        transition("EXPIRE", "到期", [RecognitionStatus.VALID], RecognitionStatus.EXPIRED, [SYSTEM, "office"],
                   guard=_lapsed),
        transition("REVOKE", "撤销认定", [RecognitionStatus.VALID], RecognitionStatus.REVOKED, ["office"],
                   needs_reason=True, style="outline-danger"),
    ],
)


# --- recognition rounds ------------------------------------------------------------------------------------------

A = ApplicationStatus


def round_score(scores: list, method: str):
    """The application's score from its reviewers' scores: the mean, or (TRIMMED, three reviewers or more) the mean
    without one highest and one lowest score; two decimals."""
    from decimal import ROUND_HALF_UP, Decimal

    values = sorted(Decimal(str(v)) for v in scores)
    if method == ScoreMethod.TRIMMED and len(values) >= 3:
        values = values[1:-1]
    return (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _round_is(*states):
    def guard(application: RoundApplication, step: Step) -> None:
        if application.round.status not in states:
            raise ValidationError(f"认定批次{application.round.get_status_display()}，不能“{step.transition.label}”")
    return guard


def _resubmit(application: RoundApplication, step: Step) -> None:
    round = application.round
    if round.status != RoundStatus.OPEN or not round.opens_on <= step.today <= round.closes_on:
        raise ValidationError(f"申报已于{round.closes_on:%Y年%m月%d日}截止，不能再提交")


def _conclude(application: RoundApplication, step: Step) -> dict:
    round = application.round
    if round.status != RoundStatus.REVIEW:
        raise ValidationError("申报截止、进入评审后再作评审结论")
    reviewers = set(round.reviewers.values_list("pk", flat=True))
    scores = {s.reviewer_id: s.score for s in application.scores.all()}
    if not reviewers:
        raise ValidationError("本批次尚未指定评审专家")
    if missing := reviewers - set(scores):
        raise ValidationError(f"还有{len(missing)}位评审专家未评分")
    application.score = round_score([scores[r] for r in reviewers], round.score_method)
    step.target = A.PASSED if application.score >= round.pass_score else A.FAILED
    return {"score": application.score, "reviewers": len(reviewers)}


def _upheld(application: RoundApplication, step: Step) -> None:
    if application.round.status != RoundStatus.NOTICE:
        raise ValidationError("公示期间异议成立的，才能不予认定")
    if not application.objections.filter(status=ObjectionStatus.UPHELD).exists():
        raise ValidationError("该人选没有成立的异议")


APPLICATION_WORKFLOW = Workflow(
    name="talent.application", noun="认定申报", model=RoundApplication, roles=application_roles,
    record=_history(ApplicationEvent, "application"), notify=notifications.application_changed,
    lock_queryset=lambda: RoundApplication.objects.select_related("round", "talent"),
    transitions=[
        transition("PASS_CHECK", "形式审查通过", [A.SUBMITTED], A.CHECKED, ["office"],
                   guard=_round_is(RoundStatus.OPEN, RoundStatus.REVIEW)),
        transition("RETURN", "退回补正", [A.SUBMITTED], A.RETURNED, ["office"], needs_reason=True,
                   guard=_round_is(RoundStatus.OPEN, RoundStatus.REVIEW), style="outline-secondary"),
        transition("REJECT", "形式审查不通过", [A.SUBMITTED], A.REJECTED, ["office"], needs_reason=True,
                   guard=_round_is(RoundStatus.OPEN, RoundStatus.REVIEW), style="outline-danger"),
        transition("RESUBMIT", "补正后重新提交", [A.RETURNED], A.SUBMITTED, ["applicant", "office"], guard=_resubmit),
        transition("CONCLUDE", "评审结论", [A.CHECKED], None, ["office"], effect=_conclude),
        transition("OVER_QUOTA", "超出名额，改为未通过", [A.PASSED], A.FAILED, ["office"], needs_reason=True,
                   guard=_round_is(RoundStatus.REVIEW), style="outline-secondary"),
        transition("DISQUALIFY", "异议成立，不予认定", [A.PASSED], A.DISQUALIFIED, ["office"], needs_reason=True,
                   guard=_upheld, style="outline-danger"),
    ],
)


def _close(round: RecognitionRound, step: Step) -> None:
    if not round.applications.exists():
        raise ValidationError("本批次还没有申报")
    if step.today <= round.closes_on and not step.reason.strip():
        # Closing before the published deadline takes applications away from people who were told they had time:
        # the reason is recorded on the round's history.
        raise ValidationError({"reason": f"公布的申报截止日期为{round.closes_on:%Y年%m月%d日}，提前截止须写明原因"})


def _publish(round: RecognitionRound, step: Step) -> dict:
    pending = round.applications.filter(status__in=[A.SUBMITTED, A.CHECKED]).count()
    if pending:
        raise ValidationError(f"还有{pending}份申报未完成形式审查或评审结论")
    passed = round.applications.filter(status=A.PASSED).count()
    if not passed:
        raise ValidationError("没有通过评审的人选，无需公示")
    if round.quota is not None and passed > round.quota:
        raise ValidationError(f"通过评审{passed}人，超过认定名额{round.quota}人：请按得分将超出名额的人选改为未通过")
    round.notice_start, round.notice_end = notice.notice_window(step.today, round.notice_length, round.notice_unit)
    return {"notice_start": round.notice_start, "notice_end": round.notice_end, "passed": passed}


def _recognise(round: RecognitionRound, step: Step) -> dict:
    if round.notice_end is None:
        raise ValidationError("尚未公示，公示期满后再认定")
    if step.today <= round.notice_end:
        raise ValidationError(f"公示期至{round.notice_end:%Y年%m月%d日}，期满后再认定")
    open_objections = RoundObjection.objects.filter(application__round=round, status=ObjectionStatus.OPEN).count()
    if open_objections:
        raise ValidationError(f"还有{open_objections}条异议未核查")
    if round.applications.filter(status=A.PASSED, objections__status=ObjectionStatus.UPHELD).exists():
        raise ValidationError("异议成立的人选须先“不予认定”")
    passed = list(round.applications.filter(status=A.PASSED).select_related("talent", "tier"))
    held = set(Recognition.objects.filter(talent__in=[a.talent_id for a in passed], title=round.talent_title,
                                          status=RecognitionStatus.VALID).values_list("talent__name", flat=True))
    if held:
        raise ValidationError(f"{'、'.join(sorted(held))}已持有“{round.talent_title}”的有效认定")
    valid_to = _years_later(step.today, round.talent_title.validity_years)
    Recognition.objects.bulk_create([
        Recognition(talent=a.talent, title=round.talent_title, tier=a.tier, application=a,
                    basis=f"{round.title}（评审得分{a.score}，公示期满无异议）"[:300], recognised_on=step.today,
                    valid_to=valid_to, created_by=step.actor) for a in passed])
    round.recognised_on = step.today
    return {"recognised": [f"{a.talent.name}（{a.tier.code}类）" for a in passed], "valid_to": valid_to}


def _years_later(day, years: int):
    """The last day of a validity of `years` years from `day` (29 February → 28 February)."""
    try:
        end = day.replace(year=day.year + years)
    except ValueError:
        end = day.replace(year=day.year + years, day=28)
    return end - dt.timedelta(days=1)


ROUND_WORKFLOW = Workflow(
    name="talent.round", noun="认定批次", model=RecognitionRound, roles=office_roles,
    record=_history(RoundEvent, "round"), notify=notifications.round_changed,
    lock_queryset=lambda: RecognitionRound.objects.select_related("talent_title"),
    transitions=[
        transition("CLOSE", "截止申报，进入评审", [RoundStatus.OPEN], RoundStatus.REVIEW, ["office"], guard=_close),
        transition("PUBLISH_NOTICE", "发布公示", [RoundStatus.REVIEW], RoundStatus.NOTICE, ["office"], effect=_publish),
        transition("RECOGNISE", "公示期满，认定", [RoundStatus.NOTICE], RoundStatus.RECOGNISED, ["office"],
                   effect=_recognise),
    ],
)


def _objection_decidable(objection: RoundObjection, step: Step) -> dict:
    if objection.application.round.status != RoundStatus.NOTICE:
        raise ValidationError("认定批次已不在公示期间")
    objection.answer = step.reason[:500]
    return {"answer": objection.answer}


OBJECTION_WORKFLOW = Workflow(
    name="talent.objection", noun="公示异议", model=RoundObjection, roles=office_roles,
    record=_history(ObjectionEvent, "objection"), notify=notifications.objection_decided,
    lock_queryset=lambda: RoundObjection.objects.select_related("application__round", "application__talent"),
    transitions=[
        transition("UPHOLD", "异议成立（该人选不予认定）", [ObjectionStatus.OPEN], ObjectionStatus.UPHELD, ["office"],
                   needs_reason=True, effect=_objection_decidable, style="outline-danger"),
        transition("DISMISS", "异议不成立", [ObjectionStatus.OPEN], ObjectionStatus.DISMISSED, ["office"],
                   needs_reason=True, effect=_objection_decidable, style="outline-secondary"),
    ],
)


# --- what a page offers ------------------------------------------------------------------------------------------
# `Workflow.available` is the table (state and role). Some steps are refused by their guard or effect for a reason
# the page can already see (a retention check not yet due, a round without a quota, the notice not over, …): the
# page does not offer them. The guards stay: a step sent anyway is refused as before.


def _check_due(hire: Hire, today) -> bool:
    due = hire.short_check_due if hire.status == HireStatus.CONFIRMED else hire.long_check_due
    return due is None or today >= due


def _has_upheld(application: RoundApplication, today) -> bool:
    upheld = getattr(application, "n_upheld", None)
    if upheld is None:
        upheld = application.objections.filter(status=ObjectionStatus.UPHELD).count()
    return application.round.status == RoundStatus.NOTICE and bool(upheld)


def _publishable(round: RecognitionRound, today) -> bool:
    statuses = set(round.applications.values_list("status", flat=True).distinct())
    return A.PASSED in statuses and not statuses & {A.SUBMITTED, A.CHECKED}


def _over_quota(round: RecognitionRound) -> bool:
    """超出名额 is offered while the round is in review and more passed than its quota (the QA walk found the button
    on every passed row of a round on notice whose six passed filled its six places; the guard refused the click).
    The count is kept on the round object the page shares between its rows."""
    if round.status != RoundStatus.REVIEW or round.quota is None:
        return False
    if not hasattr(round, "_passed_count"):
        round._passed_count = round.applications.filter(status=ApplicationStatus.PASSED).count()
    return round._passed_count > round.quota


OFFERED_WHEN = {
    ("talent.hire", "RETAIN"): _check_due,
    ("talent.application", "OVER_QUOTA"): lambda a, today: _over_quota(a.round),
    ("talent.application", "DISQUALIFY"): _has_upheld,
    ("talent.round", "PUBLISH_NOTICE"): _publishable,
    ("talent.round", "RECOGNISE"): lambda r, today: r.notice_end is not None and today > r.notice_end,
    ("talent.agreement", "END"): lambda a, today: a.expires_on < today,
}


def offered(workflow: Workflow, obj, actor, today: dt.date | None = None) -> list:
    """The buttons a page shows: the steps `available` to the actor that would not be refused for a visible
    reason today."""
    from django.utils import timezone

    today = today or timezone.localdate()
    return [t for t in workflow.available(obj, actor)
            if OFFERED_WHEN.get((workflow.name, t.name), lambda o, d: True)(obj, today)]
