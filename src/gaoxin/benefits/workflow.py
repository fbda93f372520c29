"""The benefit application's state machine (benefits.md §3) on the kernel's transition engine.

免申即享 applications start CONFIRMED (the firm confirmed its account) and are verified against the data;
the others start SUBMITTED and are accepted, returned once for supplement, or rejected; accepted ones are
reviewed, and an approved 申报审核 award goes on public notice (公示) before it is approved for payment.
Roles are relative to the application (benefits/permissions.py `application_roles`): "applicant" (the firm's
users), "officer" (the policy's department), "finance" (who pays)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.selectors import work_calendar
from gaoxin.core.workflow import SYSTEM, Step, Workflow, transition

from . import notifications
from .models import (
    ApplicationEvent,
    AppStatus,
    BenefitApplication,
    ClaimStatus,
    ClawbackStatus,
    DisputeStatus,
    FactDispute,
    InstalmentStatus,
    Policy,
    PolicyMode,
    PolicyStatus,
    TalentClaim,
    TalentClaimEvent,
    TalentClawback,
    TalentInstalment,
)
from .permissions import (
    APPLICANT,
    CLAIMANT,
    FINANCE,
    OFFICE,
    OFFICER,
    SUPPLIER,
    application_roles,
    can_manage_policy,
    dispute_roles,
    talent_claim_roles,
)

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


# --- talent benefits: a claim, its instalments and its clawback (benefits.md §6.2) --------------------------------
# Roles (permissions.talent_claim_roles): "office" (the talent office), "finance" (who pays), "claimant" (the person,
# or the employer that filed). Each step of an instalment or a clawback is a row of the claim's timeline.

C, I, K = ClaimStatus, InstalmentStatus, ClawbackStatus


def _claim_event(claim: TalentClaim, step: Step, *, subject: str = "", to_status: str = "", prefix: str = "") -> None:
    actor = step.actor
    TalentClaimEvent.objects.create(claim=claim, transition=prefix + step.transition.name, subject=subject,
                                    from_status=step.before, to_status=to_status,
                                    actor_repr=actor.get_full_name() if actor else "系统", note=step.reason)


def _approve_claim(claim: TalentClaim, step: Step) -> dict:
    """The schedule: `instalment_count` yearly instalments of the approved total, the first due today."""
    from .ledger import instalment_plan

    claim.approved_on = _today()
    plan = instalment_plan(claim.amount, claim.instalment_count, claim.approved_on)
    TalentInstalment.objects.bulk_create([TalentInstalment(claim=claim, seq=p.seq, due_on=p.due_on, amount=p.amount)
                                          for p in plan])
    return {"amount": claim.amount, "instalments": len(plan)}


def _departure(claim: TalentClaim, step: Step) -> dict:
    """The person left (employer changed, a hire left, or the office records it): unpaid instalments stop, and
    within the item's service period what was paid is recovered (ledger.clawback_due), raised to the office."""
    from django.db.models import Sum

    from .ledger import clawback_due, months_between

    left_on = step.param("left_on") or _today()
    if claim.approved_on and left_on < claim.approved_on:
        raise ValidationError({"left_on": "离开日期不能早于审核通过日期"})
    if left_on > _today():
        raise ValidationError({"left_on": "离开日期不能晚于今天"})
    claim.left_on = left_on
    stopped = claim.instalments.exclude(status__in=[I.PAID, I.CANCELLED])
    cancelled = stopped.count()
    stopped.update(status=I.CANCELLED)
    paid = claim.instalments.filter(status=I.PAID).aggregate(total=Sum("amount"))["total"] or Decimal(0)
    item, since = claim.item, claim.approved_on or left_on
    due = clawback_due(paid, since, left_on, item.clawback_years, prorata=item.clawback_prorata)
    data = {"left_on": left_on, "cancelled": cancelled, "paid": paid, "clawback": due}
    if due > 0:
        TalentClawback.objects.create(claim=claim, paid=paid, amount=due, left_on=left_on,
                                      served_months=months_between(since, left_on), reason=step.reason[:300])
    return data


def _claim_record(claim: TalentClaim, step: Step, data: dict) -> None:
    _claim_event(claim, step, to_status=claim.status)


CLAIM_WORKFLOW = Workflow(
    name="benefits.talent_claim", noun="人才待遇申领", model=TalentClaim, roles=talent_claim_roles,
    record=_claim_record, notify=notifications.talent_claim_changed,
    lock_queryset=lambda: TalentClaim.objects.select_related("item", "talent", "enterprise"),
    transitions=[
        transition("APPROVE", "审核通过并排定分期", [C.SUBMITTED], C.APPROVED, [OFFICE], effect=_approve_claim,
                   style="success"),
        transition("REFUSE", "不予享受", [C.SUBMITTED], C.REFUSED, [OFFICE], needs_reason=True, style="outline-danger"),
        transition("WITHDRAW", "撤回申领", [C.SUBMITTED], C.WITHDRAWN, [CLAIMANT, OFFICE], needs_reason=True,
                   style="outline-danger"),
        transition("RECORD_DEPARTURE", "登记人才离开（停发并核算追回）", [C.APPROVED, C.COMPLETED], C.STOPPED,
                   [OFFICE, SYSTEM], needs_reason=True, effect=_departure, style="outline-danger"),
    ],
)


def _instalment_due(inst: TalentInstalment, step: Step) -> None:
    if inst.claim.status != C.APPROVED:
        raise ValidationError(f"申领状态为“{inst.claim.get_status_display()}”，不能审核分期")
    if inst.due_on > _today():
        raise ValidationError(f"第{inst.seq}期应发日期为{inst.due_on:%Y年%-m月%-d日}，到期后才能审核")
    earlier = inst.claim.instalments.filter(seq__lt=inst.seq).exclude(status=I.PAID).order_by("seq").first()
    if earlier is not None:
        raise ValidationError(f"请先拨付第{earlier.seq}期")


def _instalment_approve(inst: TalentInstalment, step: Step) -> dict:
    inst.approved_on = _today()
    return {"seq": inst.seq, "amount": inst.amount}


def _instalment_pay(inst: TalentInstalment, step: Step) -> dict:
    ref = (step.param("payment_ref") or "").strip()
    if not ref:
        raise ValidationError({"payment_ref": "请填写拨付凭证号"})
    if inst.claim.status != C.APPROVED:
        raise ValidationError(f"申领状态为“{inst.claim.get_status_display()}”，不能拨付")
    inst.payment_ref, inst.paid_on = ref, _today()
    data = {"seq": inst.seq, "amount": inst.amount, "payment_ref": ref}
    # The last instalment paid completes the claim (its payments are over; a clawback may still follow).
    if not inst.claim.instalments.exclude(pk=inst.pk).exclude(status=I.PAID).exists():
        TalentClaim.objects.filter(pk=inst.claim_id).update(status=C.COMPLETED)
        inst.claim.status = C.COMPLETED
        data["claim_completed"] = True
    return data


def _instalment_record(inst: TalentInstalment, step: Step, data: dict) -> None:
    _claim_event(inst.claim, step, subject=f"第{inst.seq}期", to_status=inst.status, prefix="INSTALMENT_")


INSTALMENT_WORKFLOW = Workflow(
    name="benefits.talent_instalment", noun="分期", model=TalentInstalment,
    roles=lambda actor, inst: talent_claim_roles(actor, inst.claim), record=_instalment_record,
    notify=notifications.talent_instalment_changed,
    lock_queryset=lambda: TalentInstalment.objects.select_related("claim", "claim__item", "claim__talent"),
    transitions=[
        # A later year's instalment is not offered before its date (the guard still refuses it with the date).
        transition("APPROVE", "审核本期", [I.SCHEDULED], I.APPROVED, [OFFICE], guard=_instalment_due,
                   effect=_instalment_approve, style="success", applies_to=lambda inst: inst.due_on <= _today(),
                   not_applicable="本期尚未到应发日期，到期后才能审核"),
        transition("PAY", "拨付本期", [I.APPROVED], I.PAID, [FINANCE], effect=_instalment_pay, style="success"),
    ],
)


def _recover(clawback: TalentClawback, step: Step) -> dict:
    ref = (step.param("recovered_ref") or "").strip()
    if not ref:
        raise ValidationError({"recovered_ref": "请填写追回凭证号"})
    clawback.recovered_ref, clawback.decided_at = ref, timezone.now()
    return {"amount": clawback.amount, "recovered_ref": ref}


def _waive(clawback: TalentClawback, step: Step) -> dict:
    clawback.decision_note, clawback.decided_at = step.reason[:500], timezone.now()
    return {"amount": clawback.amount}


def _clawback_record(clawback: TalentClawback, step: Step, data: dict) -> None:
    _claim_event(clawback.claim, step, subject="追回", to_status=clawback.status, prefix="CLAWBACK_")


CLAWBACK_WORKFLOW = Workflow(
    name="benefits.talent_clawback", noun="追回", model=TalentClawback,
    roles=lambda actor, clawback: talent_claim_roles(actor, clawback.claim), record=_clawback_record,
    lock_queryset=lambda: TalentClawback.objects.select_related("claim", "claim__item", "claim__talent"),
    transitions=[
        transition("RECOVER", "已追回", [K.RAISED], K.RECOVERED, [OFFICE], effect=_recover, style="success"),
        transition("WAIVE", "免于追回", [K.RAISED], K.WAIVED, [OFFICE], needs_reason=True, effect=_waive,
                   style="outline-danger"),
    ],
)
