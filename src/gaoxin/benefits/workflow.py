"""The benefit application's state machine (benefits.md §3) on the kernel's transition engine.

免申即享 applications start CONFIRMED (the firm confirmed its account) and are verified against the data;
the others start SUBMITTED and are accepted, returned once for supplement, or rejected; accepted ones are
reviewed, and an approved 申报审核 award goes on public notice (公示) before it is approved for payment.
Roles are relative to the application (benefits/permissions.py `application_roles`): "applicant" (the firm's
users), "officer" (the policy's department), "finance" (who pays)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.selectors import work_calendar
from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import (
    ApplicationEvent,
    AppStatus,
    BenefitApplication,
    DisputeStatus,
    FactDispute,
    Policy,
    PolicyMode,
    PolicyStatus,
)
from .permissions import APPLICANT, FINANCE, OFFICER, SUPPLIER, application_roles, can_manage_policy, dispute_roles

A = AppStatus


def _today():
    # Looked up at call time (not the Step's default), so a test may move the clock past a notice period.
    return timezone.localdate()


def _accept(app: BenefitApplication, step: Step) -> dict:
    on = _today()
    app.accepted_on = on
    if app.policy.mode == PolicyMode.FAST:  # 快申快享: paid within 60 WD of acceptance
        app.payment_due = work_calendar().add_working_days(on, settings.GAOXIN_FAST_PAYMENT_WORKDAYS)
        return {"payment_due": app.payment_due}
    return {}


def _set_amount(app: BenefitApplication, step: Step) -> dict:
    amount = step.param("amount")
    approved = amount if amount is not None else app.amount_requested
    if approved is None or approved <= 0:
        raise ValidationError({"amount": "请填写核定金额"})
    if app.policy.amount_cap is not None and approved > app.policy.amount_cap:
        raise ValidationError({"amount": f"核定金额不能超过政策上限{app.policy.amount_cap}万元"})
    app.amount_approved = approved
    return {"amount_approved": approved}


def _approve(app: BenefitApplication, step: Step) -> dict:
    """申报审核 awards go on public notice first; 快申快享 ones are approved for payment at once."""
    data = _set_amount(app, step)
    if app.policy.mode == PolicyMode.APPLY:
        step.target = A.PUBLICITY
        app.notice_end = work_calendar().add_working_days(_today(), settings.GAOXIN_BENEFIT_NOTICE_WORKDAYS)
        data["notice_end"] = app.notice_end
    else:
        step.target = A.APPROVED
    return data


def _notice_over(app: BenefitApplication, step: Step) -> None:
    if app.notice_end and _today() <= app.notice_end:
        raise ValidationError(f"公示期至{app.notice_end}，期满后才能结束公示")


def _pay(app: BenefitApplication, step: Step) -> dict:
    ref = (step.param("payment_ref") or "").strip()
    if not ref:
        raise ValidationError({"payment_ref": "请填写拨付凭证号"})
    app.amount_paid, app.payment_ref = app.amount_approved, ref
    return {"amount_paid": app.amount_paid, "payment_ref": ref}


def _record(app: BenefitApplication, step: Step, data: dict) -> None:
    actor = step.actor
    ApplicationEvent.objects.create(application=app, transition=step.transition.name, from_status=step.before,
                                    to_status=app.status, actor_repr=actor.get_full_name() if actor else "系统",
                                    note=step.reason)


WORKFLOW = Workflow(
    name="benefits.application", noun="申请", model=BenefitApplication, roles=application_roles, record=_record,
    notify=notifications.application_changed,
    lock_queryset=lambda: BenefitApplication.objects.select_related("policy", "enterprise"),
    transitions=[
        transition("RESUBMIT", "补充后重新提交", [A.RETURNED], A.SUBMITTED, [APPLICANT]),
        transition("WITHDRAW", "撤回", [A.SUBMITTED, A.RETURNED, A.CONFIRMED], A.WITHDRAWN, [APPLICANT],
                   needs_reason=True, style="outline-danger"),
        transition("ACCEPT", "受理", [A.SUBMITTED], A.ACCEPTED, [OFFICER], effect=_accept),
        transition("RETURN", "退回补充（一次性告知）", [A.SUBMITTED], A.RETURNED, [OFFICER], needs_reason=True,
                   style="outline-danger"),
        transition("REJECT", "不予受理", [A.SUBMITTED], A.REJECTED, [OFFICER], needs_reason=True,
                   style="outline-danger"),
        transition("APPROVE", "审核通过", [A.ACCEPTED], None, [OFFICER], effect=_approve, style="success"),
        transition("REFUSE", "审核不通过", [A.ACCEPTED], A.REFUSED, [OFFICER], needs_reason=True,
                   style="outline-danger"),
        transition("VERIFY", "数据比对通过", [A.CONFIRMED], A.APPROVED, [OFFICER], effect=_set_amount, style="success"),
        transition("CLOSE_PUBLICITY", "公示无异议", [A.PUBLICITY], A.APPROVED, [OFFICER], guard=_notice_over),
        transition("OBJECTION_UPHELD", "异议成立，重新审核", [A.PUBLICITY], A.ACCEPTED, [OFFICER], needs_reason=True,
                   style="outline-danger"),
        transition("PAY", "拨付", [A.APPROVED], A.PAID, [FINANCE], effect=_pay, style="success"),
        transition("ARCHIVE", "归档", [A.PAID], A.ARCHIVED, [OFFICER]),
    ],
)


# --- publishing a policy -----------------------------------------------------------------------------

MANAGER = "manager"


def policy_roles(actor, policy: Policy) -> set[str]:
    return {MANAGER} if can_manage_policy(actor, policy) else set()


def _publishable(policy: Policy, step: Step) -> None:
    from .services import check_rule_text

    check_rule_text(policy.rule, policy.formula, policy.subject)
    if policy.effective_to and policy.effective_to < _today():
        raise ValidationError("政策已过有效期，不能发布")


def _publish(policy: Policy, step: Step) -> dict:
    from .services import enqueue_match

    policy.published_at = timezone.now()
    enqueue_match(policy, step.actor)  # after commit: match every firm, push "您可能符合"
    return {"version": policy.version}


POLICY_WORKFLOW = Workflow(
    name="benefits.policy", noun="政策", model=Policy, roles=policy_roles,
    transitions=[
        transition("PUBLISH", "发布并匹配企业", [PolicyStatus.DRAFT, PolicyStatus.EXPIRED], PolicyStatus.PUBLISHED,
                   [MANAGER], guard=_publishable, effect=_publish, style="success"),
    ],
)


# --- a firm's dispute of a fact a department supplied (issue 14 §6) ----------------------------------

def _decided(dispute: FactDispute, step: Step) -> dict:
    dispute.decided_by, dispute.decided_at, dispute.decision_note = step.actor, timezone.now(), step.reason
    if step.transition.name == "ACCEPT":
        from .services import accept_dispute

        accept_dispute(dispute, step.actor)
    return {"field": dispute.field, "claimed": dispute.claimed}


DISPUTE_WORKFLOW = Workflow(
    name="benefits.fact_dispute", noun="数据异议", model=FactDispute, roles=dispute_roles,
    notify=lambda dispute, step: notifications.dispute_decided(dispute, step.actor),
    transitions=[
        transition("ACCEPT", "采纳，按企业主张更正", [DisputeStatus.OPEN], DisputeStatus.ACCEPTED, [SUPPLIER],
                   effect=_decided, style="success"),
        transition("REJECT", "不予采纳", [DisputeStatus.OPEN], DisputeStatus.REJECTED, [SUPPLIER], needs_reason=True,
                   effect=_decided, style="outline-danger"),
    ],
)
