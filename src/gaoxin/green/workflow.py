"""A green label's states on the kernel (core.workflow): the evaluation's record of a safety accident or an
environmental penalty flags an active label for review (the daily sweep or the economic bureau); the bureau keeps
it after review or revokes it. Each step locks the row, writes its timeline row and exactly one audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from gaoxin.core.workflow import SYSTEM, Step, Workflow, transition

from .models import (
    BankResponse,
    FinanceEvent,
    FinanceNeed,
    GreenLabel,
    LabelEvent,
    LabelStatus,
    NeedStatus,
    ResponseStatus,
)
from .permissions import label_roles, need_roles, response_roles

S = LabelStatus


def _actor(step: Step):
    return step.actor if getattr(step.actor, "pk", None) else None


def _flag(label: GreenLabel, step: Step) -> dict:
    return {"enterprise": label.enterprise.name, "label": str(label), "source": step.param("source") or ""}


def _decide(label: GreenLabel, step: Step) -> dict:
    return {"enterprise": label.enterprise.name, "label": str(label)}


def _record(label: GreenLabel, step: Step, data: dict) -> None:
    LabelEvent.objects.create(label=label, transition=step.transition.name, to_status=label.status,
                              actor=_actor(step), note=step.reason[:300], source=(data or {}).get("source", "")[:60])


LABEL_WORKFLOW = Workflow(
    name="green.label", noun="称号", model=GreenLabel, roles=label_roles, record=_record,
    lock_queryset=lambda: GreenLabel.objects.select_related("enterprise"),
    transitions=[
        transition("FLAG", "标记待复核", [S.ACTIVE], S.REVIEW, ["office", SYSTEM], needs_reason=True, effect=_flag,
                   style="outline-warning"),
        transition("KEEP", "复核后保留", [S.REVIEW], S.ACTIVE, ["office"], needs_reason=True, effect=_decide),
        transition("REVOKE", "撤销称号", [S.ACTIVE, S.REVIEW], S.REVOKED, ["office"], needs_reason=True,
                   effect=_decide, style="outline-danger"),
    ],
)


# --- finance board ------------------------------------------------------------------------------------------------
# A need is open until its firm ends the call (credit found) or withdraws it. Each bank shared with answers on its own
# response: it contacts the firm, grants credit, disburses, or refuses with a reason (its first answer is its response
# date, due within GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS working days); a disbursed loan may default, and the zone's
# risk pool compensates the bank (workflow COMPENSATE, added with the pool).


N, R = NeedStatus, ResponseStatus


def _firm_users(need: FinanceNeed):
    from gaoxin.accounts.models import Role, User

    return User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_memberships__enterprise_id=need.enterprise_id)


def _bank_users(bank_ids):
    from gaoxin.accounts.models import Role, User

    return User.objects.filter(role=Role.BANK, is_active=True, org_unit_id__in=sorted(bank_ids))


def _need_record(need: FinanceNeed, step: Step, data: dict) -> None:
    FinanceEvent.objects.create(need=need, transition=step.transition.name, label=step.transition.label,
                                actor=_actor(step), note=step.reason[:300])


def _need_notify(need: FinanceNeed, step: Step) -> None:
    from django.urls import reverse

    from gaoxin.core.notify import notify

    waiting = need.responses.filter(status__in=[R.PENDING, R.CONTACTED]).values_list("bank_id", flat=True)
    notify(_bank_users(set(waiting)), message=f"{need.enterprise.name}{step.transition.label}：{step.reason}"[:200],
           url=reverse("green_need", args=[need.pk]), kind="green_finance")


NEED_WORKFLOW = Workflow(
    name="green.need", noun="融资需求", model=FinanceNeed, roles=need_roles, record=_need_record, notify=_need_notify,
    lock_queryset=lambda: FinanceNeed.objects.select_related("enterprise"),
    transitions=[
        transition("CLOSE", "结束征集", [N.OPEN], N.CLOSED, ["firm"], needs_reason=True),
        transition("WITHDRAW", "撤回需求", [N.OPEN], N.WITHDRAWN, ["firm"], needs_reason=True,
                   style="outline-danger"),
    ],
)


def _money(step: Step, name: str, label: str) -> Decimal:
    value = step.param(name)
    try:
        value = Decimal(str(value)).quantize(Decimal("0.01")) if value not in (None, "") else None
    except InvalidOperation:
        value = None
    if value is None or value <= 0:
        raise ValidationError({name: f"请填写{label}（大于 0 的金额，单位元）"})
    return value


def _need_live(response: BankResponse) -> bool:
    return response.need.status != N.WITHDRAWN


def _answered(response: BankResponse, step: Step) -> None:
    if response.responded_on is None:
        response.responded_on = step.today
    if response.officer_id is None and getattr(step.actor, "pk", None):
        response.officer = step.actor


def _contact(response: BankResponse, step: Step) -> dict:
    _answered(response, step)
    return {"bank": response.bank.name}


def _grant(response: BankResponse, step: Step) -> dict:
    amount = _money(step, "credit_amount", "授信金额")
    rate = step.param("rate")
    try:
        rate = Decimal(str(rate)).quantize(Decimal("0.01")) if rate not in (None, "") else None
    except InvalidOperation:
        rate = None
    if rate is None or not (Decimal("0") < rate < Decimal("24")):
        raise ValidationError({"rate": "请填写年利率（%），如 3.45"})
    _answered(response, step)
    response.credit_amount, response.rate = amount, rate
    return {"bank": response.bank.name, "credit_amount": amount, "rate": rate}


def _disburse(response: BankResponse, step: Step) -> dict:
    amount = _money(step, "disbursed_amount", "放款金额")
    if amount > response.credit_amount:
        raise ValidationError({"disbursed_amount": f"放款金额不能超过授信金额 {response.credit_amount:,.2f} 元"})
    on = step.param("disbursed_on")
    if not isinstance(on, dt.date):
        raise ValidationError({"disbursed_on": "请填写放款日期"})
    if on > step.today:
        raise ValidationError({"disbursed_on": "放款日期不能晚于今天"})
    term = step.param("loan_term_months")
    if not term or int(term) <= 0:
        raise ValidationError({"loan_term_months": "请填写贷款期限（月）"})
    response.disbursed_amount, response.disbursed_on, response.loan_term_months = amount, on, int(term)
    return {"bank": response.bank.name, "disbursed_amount": amount, "disbursed_on": on, "term_months": int(term)}


def _refuse(response: BankResponse, step: Step) -> dict:
    _answered(response, step)
    response.refusal_reason = step.reason[:300]
    return {"bank": response.bank.name}


def _default(response: BankResponse, step: Step) -> dict:
    return {"bank": response.bank.name, "disbursed_amount": response.disbursed_amount}


def _compensate(response: BankResponse, step: Step) -> dict:
    """The pool pays the bank its share of a defaulted loan (GAOXIN_GREEN_COMPENSATION_SHARE), after the loan's
    row, the pool's row locked; a pool short of the amount refuses, nothing written."""
    from django.conf import settings

    from .models import MovementKind
    from .services import _pool_locked, pool_move
    from .subsidy import compensation_limit

    amount = _money(step, "amount", "补偿金额")
    limit = compensation_limit(disbursed=response.disbursed_amount,
                               share=Decimal(str(settings.GAOXIN_GREEN_COMPENSATION_SHARE)))
    if amount > limit:
        raise ValidationError({"amount": f"补偿金额不能超过放款金额的补偿比例，即 {limit:,.2f} 元"})
    move = pool_move(pool=_pool_locked(), kind=MovementKind.COMPENSATION, amount=amount, actor=_actor(step),
                     occurred_on=step.today, loan=response,
                     note=f"{response.need.enterprise.name}在{response.bank.name}的贷款违约，风险补偿")
    return {"bank": response.bank.name, "amount": amount, "balance": move.balance_after}


def _response_record(response: BankResponse, step: Step, data: dict) -> None:
    note = step.reason
    if step.transition.name == "GRANT":
        note = f"授信 {response.credit_amount:,.2f} 元，年利率 {response.rate}%" + (f"；{note}" if note else "")
    elif step.transition.name == "COMPENSATE":
        note = f"风险补偿资金池补偿 {data.get('amount')} 元" + (f"；{note}" if note else "")
    elif step.transition.name == "DISBURSE":
        note = (f"{response.disbursed_on:%Y-%m-%d} 放款 {response.disbursed_amount:,.2f} 元，"
                f"期限 {response.loan_term_months} 个月") + (f"；{note}" if note else "")
    FinanceEvent.objects.create(need=response.need, response=response, transition=step.transition.name,
                                label=step.transition.label, actor=_actor(step), note=note[:300])


def _response_notify(response: BankResponse, step: Step) -> None:
    from django.urls import reverse

    from gaoxin.core.notify import notify

    url = reverse("green_need", args=[response.need_id])
    if step.transition.name == "COMPENSATE":  # between the zone and the bank
        notify(_bank_users([response.bank_id]), message=f"{response.need.enterprise.name}的违约贷款已获风险补偿资金池补偿",
               url=url, kind="green_finance")
        return
    text = f"{response.bank.name}对贵企业的融资需求：{step.transition.label}"
    if step.transition.name == "REFUSE":
        text += f"（原因：{step.reason}）"
    if "office" in step.roles and "bank" not in step.roles:  # the zone's steps are told to the bank as well
        notify(_bank_users([response.bank_id]), message=f"{response.need.enterprise.name}的贷款：{step.transition.label}",
               url=url, kind="green_finance")
    notify(_firm_users(response.need), message=text[:300], url=url, kind="green_finance")


BANK_STEPS = dict(applies_to=_need_live, not_applicable="企业已撤回该融资需求")

RESPONSE_WORKFLOW = Workflow(
    name="green.response", noun="银行响应", model=BankResponse, roles=response_roles, record=_response_record,
    notify=_response_notify,
    lock_queryset=lambda: BankResponse.objects.select_related("need__enterprise", "bank"),
    transitions=[
        transition("CONTACT", "已对接企业", [R.PENDING], R.CONTACTED, ["bank"], needs_reason=True, effect=_contact,
                   **BANK_STEPS),
        transition("GRANT", "授信", [R.PENDING, R.CONTACTED], R.GRANTED, ["bank"], effect=_grant, **BANK_STEPS),
        transition("DISBURSE", "放款", [R.GRANTED], R.DISBURSED, ["bank"], effect=_disburse),
        transition("REFUSE", "不予授信", [R.PENDING, R.CONTACTED, R.GRANTED], R.REFUSED, ["bank"], needs_reason=True,
                   effect=_refuse, style="outline-danger"),
        transition("DEFAULT", "登记违约", [R.DISBURSED], R.DEFAULTED, ["bank", "office"], needs_reason=True,
                   effect=_default, style="outline-danger"),
        transition("COMPENSATE", "风险补偿", [R.DEFAULTED], R.COMPENSATED, ["office"], effect=_compensate),
    ],
)
