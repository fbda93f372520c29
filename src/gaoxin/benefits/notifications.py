"""Who is told about a benefit application (政策兑现), through the kernel's notifier (after commit, with a
link to the application page).

A submitted, confirmed or resubmitted application → the officers of the policy's department, whose work
it is; an application returned, accepted, decided or paid → the applying firm's users (by SMS too, where
money or a missing document is at stake); an application approved for payment → finance. Nobody is told
of what they did themselves. (The "您可能符合" push of a policy match is the matching job's own.)"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import notify

from .models import AppStatus, BenefitApplication

# Steps the firm hears of; those also sent by SMS.
FIRM_STEPS = {"ACCEPT", "RETURN", "REJECT", "APPROVE", "REFUSE", "VERIFY", "CLOSE_PUBLICITY", "OBJECTION_UPHELD",
              "PAY"}
FIRM_SMS = {"RETURN", "REJECT", "REFUSE", "APPROVE", "VERIFY", "PAY"}


def _officers(unit_id) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.DEPT_OFFICER, org_unit_id=unit_id))


def _finance() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.DEPT_OFFICER,
                                    org_unit__code=settings.GAOXIN_FINANCE_DEPARTMENT_CODE))


def _firm(app: BenefitApplication) -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.ENTERPRISE,
                                    enterprise_memberships__enterprise_id=app.enterprise_id))


def _others(users, actor) -> list[User]:
    return [u for u in users if actor is None or u.pk != actor.pk]


def _wan(amount) -> str:
    return "—" if amount is None else f"{amount:.2f}万元"


def _url(app: BenefitApplication) -> str:
    return reverse("benefit_application", args=[app.number])


def _subject(app: BenefitApplication) -> str:
    return f"“{app.policy.title}”兑现申请（编号{app.number}，{app.enterprise.name}）"


def application_arrived(app: BenefitApplication, actor, *, again: bool = False) -> None:
    """A new (or resubmitted) application is the department's work."""
    if app.status == AppStatus.CONFIRMED:
        words = "企业已确认享受（免申即享），请进行数据比对"
    else:
        words = "企业已补充后重新提交，请审核" if again else "已提交，请受理"
    notify(_others(_officers(app.policy.issuer_id), actor), kind="BENEFIT_APPLICATION", url=_url(app),
           message=f"{_subject(app)}{words}。")


def application_changed(app: BenefitApplication, step) -> None:
    name = step.transition.name
    if name == "RESUBMIT":
        application_arrived(app, step.actor, again=True)
    if name in FIRM_STEPS:
        label = step.transition.label.split("（")[0]
        detail = ""
        if name in ("RETURN", "REJECT", "REFUSE", "OBJECTION_UPHELD") and step.reason:
            detail = f"：{step.reason[:120]}"
        elif app.status == AppStatus.PUBLICITY:
            notice = f"，公示至{app.notice_end:%Y年%-m月%-d日}" if app.notice_end else ""
            detail = f"，核定{_wan(app.amount_approved)}{notice}"
        elif name in ("APPROVE", "VERIFY", "CLOSE_PUBLICITY"):
            detail = f"，核定{_wan(app.amount_approved)}，待财政拨付"
        elif name == "PAY":
            detail = f"，已拨付{_wan(app.amount_paid)}（凭证{app.payment_ref}）"
        notify(_others(_firm(app), step.actor), kind="BENEFIT_STEP", url=_url(app), sms=name in FIRM_SMS,
               message=f"您的{_subject(app)}进展：{label}{detail}。")
    if app.status == AppStatus.APPROVED and step.before != AppStatus.APPROVED:
        notify(_others(_finance(), step.actor), kind="BENEFIT_TO_PAY", url=_url(app),
               message=f"{_subject(app)}已核定{_wan(app.amount_approved)}，请拨付。")


def dispute_raised(dispute) -> None:
    """The supplying department's officers: a firm disputes a fact they supplied."""
    notify(_others(_officers(dispute.supplier_id), dispute.raised_by), kind="FACT_DISPUTE",
           url=reverse("fact_disputes"),
           message=f"{dispute.enterprise.name}对贵部门提供的“{dispute.field_label}”（{dispute.current or '无'}）提出异议，"
                   f"主张为“{dispute.claimed}”，请核实处理。")


def dispute_decided(dispute, actor) -> None:
    """The firm's users: the department's answer."""
    users = list(User.objects.filter(is_active=True, role=Role.ENTERPRISE,
                                     enterprise_memberships__enterprise_id=dispute.enterprise_id))
    verdict = "已采纳，数据已更正" if dispute.status == "accepted" else f"不予采纳（{dispute.decision_note}）"
    notify(_others(users, actor), kind="FACT_DISPUTE_DECIDED", url=reverse("profile_edit", args=[dispute.enterprise_id]),
           message=f"您对“{dispute.field_label}”提出的异议：{dispute.supplier.name}{verdict}。")


# --- talent benefits (人才待遇) ----------------------------------------------------------------------------------
# A new claim → the talent office; the office's answer → the person (and the employer that filed); an instalment
# approved → finance; an instalment paid → the person; a clawback raised → the talent office.

def _talent_office() -> list[User]:
    return list(User.objects.filter(is_active=True, role=Role.DEPT_OFFICER,
                                    org_unit__code__in=settings.GAOXIN_TALENT_DEPARTMENT_CODES))


def _claim_url(claim) -> str:
    return reverse("talent_claim", args=[claim.number])


def _yuan(amount) -> str:
    return "—" if amount is None else f"{amount:,.2f}元"


def _claim_subject(claim) -> str:
    return f"{claim.talent.name}的“{claim.item.name}”申领（编号{claim.number}）"


def _claimants(claim) -> list[User]:
    users = [claim.talent.user] if claim.talent.user_id and claim.talent.user.is_active else []
    if claim.channel == "enterprise" and claim.created_by.is_active:
        users.append(claim.created_by)
    return users


def talent_claim_arrived(claim, actor) -> None:
    notify(_others(_talent_office(), actor), kind="TALENT_CLAIM", url=_claim_url(claim),
           message=f"{_claim_subject(claim)}已提交（{claim.get_channel_display()}），金额{_yuan(claim.amount)}，请审核。")


def talent_claim_changed(claim, step) -> None:
    name = step.transition.name
    if name in ("APPROVE", "REFUSE"):
        detail = (f"：审核通过，核定{_yuan(claim.amount)}，分{claim.instalment_count}期发放" if name == "APPROVE"
                  else f"：不予享受（{step.reason[:120]}）")
        notify(_others(_claimants(claim), step.actor), kind="TALENT_CLAIM_STEP", url=_claim_url(claim), sms=True,
               message=f"{_claim_subject(claim)}{detail}。")
    if name == "RECORD_DEPARTURE":
        clawback = getattr(claim, "clawback", None)
        words = f"，应追回{_yuan(clawback.amount)}，请办理追回" if clawback is not None else "，未发放的分期已停发"
        notify(_others(_talent_office(), step.actor), kind="TALENT_CLAWBACK", url=_claim_url(claim),
               message=f"{_claim_subject(claim)}：人才已离开（{step.reason[:80]}）{words}。")
        # The person (and whoever claimed for them) and finance hear that the remaining instalments stopped, so no
        # one waits for, or pays, an instalment that will not come.
        owed = f"，需退回{_yuan(clawback.amount)}，人才办将与您联系" if clawback is not None else ""
        notify(_others(_claimants(claim), step.actor), kind="TALENT_CLAIM_STEP", url=_claim_url(claim), sms=True,
               message=f"{_claim_subject(claim)}：因{step.reason[:80]}，未发放的分期已停发{owed}。")
        notify(_others(_finance(), step.actor), kind="TALENT_TO_PAY", url=_claim_url(claim),
               message=f"{_claim_subject(claim)}：人才已离开，未拨付的分期已停发，请勿拨付。")


def talent_instalment_changed(inst, step) -> None:
    claim = inst.claim
    if step.transition.name == "APPROVE":
        notify(_others(_finance(), step.actor), kind="TALENT_TO_PAY", url=_claim_url(claim),
               message=f"{_claim_subject(claim)}第{inst.seq}期{_yuan(inst.amount)}已审核，请拨付。")
    elif step.transition.name == "PAY":
        notify(_others(_claimants(claim), step.actor), kind="TALENT_CLAIM_STEP", url=_claim_url(claim), sms=True,
               message=f"{_claim_subject(claim)}第{inst.seq}期{_yuan(inst.amount)}已拨付（凭证{inst.payment_ref}）。")
