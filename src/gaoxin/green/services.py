"""Writes of the green room: each a keyword-only service in one transaction with one audit event; a label's flag,
keep and revoke go through the kernel (workflow.py). `labels_flag_from_evaluation` turns the evaluation's safety
accidents and environmental penalties into review flags (after an adjustment is saved and from the daily sweep);
`declarations_remind` sends the yearly self-declaration reminders on the working-day calendar."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Enterprise

from . import permissions as perms
from .models import KIND_LEVELS, GreenLabel, LabelEvent, LabelKind, LabelLevel, LabelStatus
from .workflow import LABEL_WORKFLOW


def label_create(*, actor, enterprise: Enterprise, kind: str, level: str, year: int, title: str = "",
                 valid_to: dt.date | None = None, document: str = "") -> GreenLabel:
    if actor is not None and not perms.can_manage_labels(actor):
        raise PermissionDenied("只有经济发展局和管委会管理员可以登记绿色与智能制造称号")
    errors = {}
    if kind not in LabelKind.values:
        errors["kind"] = "请选择称号类别"
    elif level not in KIND_LEVELS[kind]:
        allowed = "、".join(LabelLevel(v).label for v in KIND_LEVELS[kind])
        errors["level"] = f"{LabelKind(kind).label}的级别应为：{allowed}"
    this_year = timezone.localdate().year
    if not (2000 <= int(year) <= this_year):
        errors["year"] = f"认定年度应在 2000 至 {this_year} 之间"
    elif valid_to is not None and valid_to.year < int(year):
        errors["valid_to"] = "有效期不能早于认定年度"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        label = GreenLabel.objects.create(enterprise=enterprise, kind=kind, level=level, year=year,
                                          title=title.strip(), valid_to=valid_to, document=document.strip(),
                                          created_by=actor)
        audit_record(event_type="green.label.create", actor=actor, subject=label,
                     after={"enterprise": enterprise.name, "label": str(label), "year": year,
                            "valid_to": valid_to.isoformat() if valid_to else ""})
    return label


def label_transition(*, label: GreenLabel, name: str, actor, reason: str = "", source: str = "") -> GreenLabel:
    return LABEL_WORKFLOW.apply(label, name, actor=actor, reason=reason, source=source)


# --- flags from the evaluation ----------------------------------------------------------------------------------


def labels_flag_from_evaluation(*, enterprise_ids=None) -> int:
    """Flag each active label whose firm has an accident or penalty (GAOXIN_GREEN_FLAG_RULES) recorded in an
    evaluation cycle of the label's year or later; each record flags a label once (a label kept after review is not
    flagged again for the same record). Returns the number of labels flagged."""
    from gaoxin.evaluation.models import CycleAdjustment

    rules = settings.GAOXIN_GREEN_FLAG_RULES
    adjustments = (CycleAdjustment.objects.filter(rule_id__in=sorted(rules))
                   .select_related("cycle", "participant").order_by("pk"))
    if enterprise_ids is not None:
        adjustments = adjustments.filter(participant__enterprise_id__in=sorted(enterprise_ids))
    by_firm: dict[int, list] = {}
    for adj in adjustments:
        by_firm.setdefault(adj.participant.enterprise_id, []).append(adj)
    if not by_firm:
        return 0
    labels = GreenLabel.objects.filter(enterprise_id__in=sorted(by_firm), status=LabelStatus.ACTIVE)
    seen = set(LabelEvent.objects.filter(label__in=labels, transition="FLAG").values_list("label_id", "source"))
    flagged = 0
    for label in labels.order_by("pk"):
        for adj in by_firm[label.enterprise_id]:
            source = f"evaluation-adjustment:{adj.pk}"
            if adj.cycle.data_year < label.year or (label.pk, source) in seen:
                continue
            reason = (f"{adj.cycle.data_year}年度亩产效益评价记录{rules[adj.rule_id]}"
                      f"（{adj.evidence}），请复核称号")
            label_transition(label=label, name="FLAG", actor=None, reason=reason[:300], source=source)
            flagged += 1
            break
    return flagged


def on_adjustment_saved(sender, instance, **kwargs) -> None:
    if instance.rule_id not in settings.GAOXIN_GREEN_FLAG_RULES:
        return
    enterprise_id = instance.participant.enterprise_id
    transaction.on_commit(lambda: labels_flag_from_evaluation(enterprise_ids=[enterprise_id]))


# --- yearly self-declaration ----------------------------------------------------------------------------------


def declaration_due(year: int) -> dt.date:
    """The yearly self-declaration's last day (GAOXIN_GREEN_DECLARATION_DUE, month-day), moved onto a working day."""
    from gaoxin.core.selectors import work_calendar

    month, day = (int(p) for p in settings.GAOXIN_GREEN_DECLARATION_DUE.split("-"))
    try:
        return work_calendar().next_workday(dt.date(year, month, day))
    except Exception:  # a year past the calendar: the date as set
        return dt.date(year, month, day)


def declarations_remind(*, today: dt.date | None = None) -> int:
    """Within GAOXIN_GREEN_DECLARATION_REMIND_WORKDAYS working days before this year's due date, tell each firm
    holding a live label to file its yearly self-declaration (自评价), once per firm and year (the
    notice's key). Returns the number of firms in the window."""
    from gaoxin.accounts.models import Role, User
    from gaoxin.core.selectors import work_calendar

    today = today or timezone.localdate()
    due = declaration_due(today.year)
    try:
        left = work_calendar().working_days_between(today, due)
    except Exception:
        return 0
    if not 0 <= left <= settings.GAOXIN_GREEN_DECLARATION_REMIND_WORKDAYS:
        return 0
    firms = sorted(set(GreenLabel.objects.exclude(status=LabelStatus.REVOKED)
                       .exclude(valid_to__lt=today).values_list("enterprise_id", flat=True)))
    for firm_id in firms:
        users = User.objects.filter(role=Role.ENTERPRISE, is_active=True, enterprise_memberships__enterprise_id=firm_id)
        notify(users, message=(f"请于{due:%Y年%-m月%-d日}前完成本年度绿色与智能制造称号的自评价申报"
                               "（绿色工厂等称号实行动态管理）"),
               url=reverse("green_labels"), kind="green_declaration", key=f"{today.year}-{firm_id}")
    return len(firms)


# --- finance board ------------------------------------------------------------------------------------------------


def partner_banks():
    from gaoxin.accounts.models import OrgKind, OrgUnit

    return OrgUnit.objects.filter(kind=OrgKind.BANK, is_active=True).order_by("sort_order", "name")


def need_post(*, actor, enterprise: Enterprise, amount, term_months: int, purpose: str, green_tags=(),
              share_scope: str = "need", all_banks: bool = True, banks=(), contact_name: str = "",
              contact_phone: str = "", today: dt.date | None = None):
    """A firm posts a financing need and shares it (ShareScope) with every partner bank or the ones it chose: one
    response per bank, due within GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS working days; the banks are told. The actor
    None is a seeding or import script."""
    from decimal import Decimal

    from gaoxin.accounts.permissions import firm_ids_of
    from gaoxin.core.selectors import work_calendar

    from .models import BankResponse, FinanceEvent, FinanceNeed, GreenProjectTag, ShareScope

    if actor is not None and not (perms.can_post_need(actor) and enterprise.pk in firm_ids_of(actor)):
        raise PermissionDenied("只有本企业的用户可以发布融资需求")
    errors = {}
    amount = Decimal(str(amount or 0)).quantize(Decimal("0.01"))
    if amount <= 0:
        errors["amount"] = "请填写融资金额（大于 0，单位元）"
    if not term_months or not (1 <= int(term_months) <= 360):
        errors["term_months"] = "期限应在 1 至 360 个月之间"
    if not (purpose or "").strip():
        errors["purpose"] = "请说明资金用途"
    tags = [t for t in dict.fromkeys(green_tags) if t]
    if any(t not in GreenProjectTag.values for t in tags):
        errors["green_tags"] = "请从列表中选择绿色项目类别"
    if share_scope not in ShareScope.values:
        errors["share_scope"] = "请选择共享范围"
    chosen = list(partner_banks()) if all_banks else [b for b in banks if b in set(partner_banks())]
    if not chosen:
        errors["banks"] = "请至少选择一家合作银行" if not all_banks else "目前没有合作银行"
    if not (contact_name or "").strip():
        errors["contact_name"] = "请填写联系人"
    if not (contact_phone or "").strip():
        errors["contact_phone"] = "请填写联系电话"
    if errors:
        raise ValidationError(errors)
    today = today or timezone.localdate()
    days = settings.GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS
    try:
        respond_by = work_calendar().add_working_days(today, days)
    except Exception:  # a date past the calendar: a working week counts as seven days
        respond_by = today + dt.timedelta(days=days * 7 // 5)
    with transaction.atomic():
        need = FinanceNeed.objects.create(
            enterprise=enterprise, amount=amount, term_months=int(term_months), purpose=purpose.strip(),
            green_tags=tags, is_green=bool(tags), share_scope=share_scope, all_banks=all_banks,
            contact_name=contact_name.strip(), contact_phone=contact_phone.strip(), posted_on=today, created_by=actor)
        BankResponse.objects.bulk_create([BankResponse(need=need, bank=b, respond_by=respond_by) for b in chosen])
        FinanceEvent.objects.create(need=need, transition="POST", label="发布融资需求", actor=actor,
                                    note=f"推送{'全部合作银行' if all_banks else '、'.join(b.name for b in chosen)}"
                                         f"，共享{ShareScope(share_scope).label}"[:300])
        audit_record(event_type="green.need.post", actor=actor, subject=need,
                     after={"enterprise": enterprise.name, "amount": str(amount), "term_months": int(term_months),
                            "green_tags": tags, "share_scope": share_scope,
                            "banks": [b.name for b in chosen], "respond_by": respond_by.isoformat()})
        from .workflow import _bank_users

        notify(_bank_users([b.pk for b in chosen]),
               message=(f"{enterprise.name}发布融资需求 {amount:,.2f} 元（{int(term_months)} 个月），"
                        f"请于{respond_by:%Y年%-m月%-d日}前响应"),
               url=reverse("green_need", args=[need.pk]), kind="green_finance")
    return need


def need_transition(*, need, name: str, actor, reason: str = ""):
    from .workflow import NEED_WORKFLOW

    return NEED_WORKFLOW.apply(need, name, actor=actor, reason=reason)


def response_transition(*, response, name: str, actor, reason: str = "", **params):
    from .workflow import RESPONSE_WORKFLOW

    return RESPONSE_WORKFLOW.apply(response, name, actor=actor, reason=reason, **params)


# --- risk-compensation pool -----------------------------------------------------------------------------------------

POOL_NAME = "高新贷风险补偿资金池"


def pool_get():
    from .models import RiskPool

    return RiskPool.objects.get_or_create(name=POOL_NAME)[0]


def _pool_locked():
    """The pool's row, locked (every movement takes the loan's row first, then this one)."""
    from .models import RiskPool

    pool = pool_get()
    return RiskPool.objects.select_for_update().get(pk=pool.pk)


def pool_move(*, pool, kind: str, amount, actor, occurred_on: dt.date, source: str = "", loan=None,
              note: str = ""):
    """Write one movement on the locked pool; an outflow larger than the balance is refused, nothing written."""
    from decimal import Decimal

    from .models import MovementKind, PoolMovement

    amount = Decimal(amount).quantize(Decimal("0.01"))
    if kind == MovementKind.CONTRIBUTION:
        pool.balance += amount
    else:
        if amount > pool.balance:
            raise ValidationError({"amount": f"资金池余额不足：当前余额 {pool.balance:,.2f} 元，"
                                             f"本次需支出 {amount:,.2f} 元，请先注资"})
        pool.balance -= amount
    pool.save(update_fields=["balance"])
    return PoolMovement.objects.create(pool=pool, kind=kind, source=source, amount=amount,
                                       balance_after=pool.balance, loan=loan, occurred_on=occurred_on,
                                       note=note[:300], actor=actor)


def pool_contribute(*, actor, source: str, amount, occurred_on: dt.date | None = None, note: str = ""):
    """A contribution to the pool by the province, the city or the zone; one audit event."""
    from decimal import Decimal, InvalidOperation

    from .models import FundSource, MovementKind

    if actor is not None and not perms.can_manage_pool(actor):
        raise PermissionDenied("只有财政局和管委会管理员可以登记资金池注资")
    errors = {}
    if source not in FundSource.values:
        errors["source"] = "请选择资金来源（省级、市级或区级）"
    try:
        amount = Decimal(str(amount))
    except (InvalidOperation, TypeError):
        amount = Decimal(0)
    if amount <= 0:
        errors["amount"] = "请填写注资金额（大于 0，单位元）"
    today = timezone.localdate()
    occurred_on = occurred_on or today
    if occurred_on > today:
        errors["occurred_on"] = "到账日期不能晚于今天"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        pool = _pool_locked()
        move = pool_move(pool=pool, kind=MovementKind.CONTRIBUTION, amount=amount, actor=actor,
                         occurred_on=occurred_on, source=source, note=note)
        audit_record(event_type="green.pool.contribute", actor=actor, subject=move,
                     after={"source": FundSource(source).label, "amount": str(move.amount),
                            "balance": str(move.balance_after), "occurred_on": occurred_on.isoformat()})
    return move


def default_subsidy_terms():
    """The configured terms (GAOXIN_GREEN_SUBSIDY_*), in force before the zone sets its first version."""
    from decimal import Decimal

    from .subsidy import SubsidyTerms

    return SubsidyTerms(share=Decimal(str(settings.GAOXIN_GREEN_SUBSIDY_SHARE)),
                        rate_ceiling=Decimal(str(settings.GAOXIN_GREEN_SUBSIDY_RATE_CEILING)),
                        months=int(settings.GAOXIN_GREEN_SUBSIDY_MONTHS),
                        cap=Decimal(str(settings.GAOXIN_GREEN_SUBSIDY_CAP)))


def subsidy_terms_versions() -> list:
    """Every version of the terms, newest first (one query; pass it to `subsidy_terms` for many loans)."""
    from .models import SubsidyTermsVersion

    return list(SubsidyTermsVersion.objects.select_related("created_by").order_by("-effective_from"))


def subsidy_terms(on: dt.date | None = None, versions: list | None = None):
    """The terms in force on a date (today by default): the latest version from that date or before, else the
    configured defaults."""
    from .subsidy import SubsidyTerms

    on = on or timezone.localdate()
    versions = subsidy_terms_versions() if versions is None else versions
    v = next((v for v in versions if v.effective_from <= on), None)
    if v is None:
        return default_subsidy_terms()
    return SubsidyTerms(share=v.share, rate_ceiling=v.rate_ceiling, months=v.months, cap=v.cap)


def subsidy_quote(loan, versions: list | None = None):
    """The interest subsidy a disbursed loan earns (subsidy.interest_subsidy) on the terms in force on its
    disbursement date: a later change of the terms does not touch it."""
    from .subsidy import interest_subsidy

    return interest_subsidy(principal=loan.disbursed_amount, annual_rate=loan.rate,
                            term_months=loan.loan_term_months or 0,
                            terms=subsidy_terms(loan.disbursed_on, versions))


def subsidy_terms_set(*, actor, effective_from: dt.date, share, rate_ceiling, months, cap, note: str = ""):
    """Set the interest-subsidy terms from a date on (today or later: the terms of loans already disbursed stay as
    they were). A version not yet in force may be replaced on the same date; one in force never changes. One audit
    event with the terms before and after."""
    from decimal import Decimal, InvalidOperation

    from .models import SubsidyTermsVersion

    if not perms.can_manage_pool(actor):
        raise PermissionDenied("只有财政局和管委会管理员可以设定贴息标准")

    def number(value, cast=Decimal):
        try:
            n = cast(str(value))
        except (InvalidOperation, TypeError, ValueError):
            return None
        return n if cast is not Decimal or n.is_finite() else None

    share, rate_ceiling, cap, months = number(share), number(rate_ceiling), number(cap), number(months, int)
    today = timezone.localdate()
    errors = {}
    if effective_from is None:
        errors["effective_from"] = "请填写执行日期"
    elif effective_from < today:
        errors["effective_from"] = "执行日期不能早于今天（已放款贷款的贴息按放款时的标准计算，不能追溯调整）"
    if share is None or not Decimal(0) < share <= Decimal(1):
        errors["share"] = "贴息比例应大于 0%、不超过 100%"
    if rate_ceiling is None or not Decimal(0) < rate_ceiling <= Decimal(24):
        errors["rate_ceiling"] = "计息利率上限应大于 0%、不超过 24%"
    if months is None or not 0 < months <= 120:
        errors["months"] = "最长贴息月数应为 1 至 120 个月"
    if cap is None or cap <= 0:
        errors["cap"] = "单笔贴息上限应大于 0 元"
    if errors:
        raise ValidationError(errors)
    values = {"share": share.quantize(Decimal("0.0001")), "rate_ceiling": rate_ceiling.quantize(Decimal("0.01")),
              "months": months, "cap": cap.quantize(Decimal("0.01")), "note": (note or "").strip()[:300]}
    with transaction.atomic():
        before_terms = subsidy_terms(effective_from)
        existing = SubsidyTermsVersion.objects.select_for_update().filter(effective_from=effective_from).first()
        if existing is not None:  # not yet in force (the date is today or later): replaced
            if existing.effective_from <= today:
                raise ValidationError({"effective_from": "该日起执行的贴息标准已生效，不能修改；请另定以后的执行日期"})
            for name, value in values.items():
                setattr(existing, name, value)
            existing.created_by = actor
            existing.save()
            version = existing
        else:
            version = SubsidyTermsVersion.objects.create(effective_from=effective_from, created_by=actor, **values)
        audit_record(event_type="green.subsidy_terms.set", actor=actor, subject=version,
                     before={"share": str(before_terms.share), "rate_ceiling": str(before_terms.rate_ceiling),
                             "months": before_terms.months, "cap": str(before_terms.cap)},
                     after={"effective_from": effective_from.isoformat(), "share": str(version.share),
                            "rate_ceiling": str(version.rate_ceiling), "months": version.months,
                            "cap": str(version.cap), "note": version.note, "replaced": existing is not None})
    return version


def subsidy_pay(*, loan, actor, occurred_on: dt.date | None = None):
    """Pay a disbursed loan's interest subsidy from the pool, once per loan: the loan's row, then the pool's,
    locked; refused when the pool cannot pay it, and for a loan in default or compensated from the pool (its
    interest was not paid). One audit event; the firm and the bank are told."""
    from .models import LENT, BankResponse, MovementKind, PoolMovement, ResponseStatus

    if actor is not None and not perms.can_manage_pool(actor):
        raise PermissionDenied("只有财政局和管委会管理员可以拨付贴息")
    with transaction.atomic():
        loan = (BankResponse.objects.select_for_update(of=("self",)).select_related("need__enterprise", "bank")
                .get(pk=loan.pk))
        if loan.status not in LENT or not loan.disbursed_amount or not loan.rate:
            raise ValidationError("只有已放款的贷款可以贴息")
        if loan.status != ResponseStatus.DISBURSED:
            raise ValidationError(f"该笔贷款{loan.get_status_display()}，未按期付息，不予贴息")
        if PoolMovement.objects.filter(loan=loan, kind=MovementKind.SUBSIDY).exists():
            raise ValidationError("该笔贷款的贴息已拨付，不能重复拨付")
        quote = subsidy_quote(loan)
        if quote.amount <= 0:
            raise ValidationError("该笔贷款的贴息金额为 0")
        note = (f"{loan.need.enterprise.name}在{loan.bank.name}的贷款 {loan.disbursed_amount:,.2f} 元，"
                f"按年利率 {quote.rate}% 计 {quote.months} 个月利息 {quote.interest:,.2f} 元的"
                f"{subsidy_terms(loan.disbursed_on).share * 100:.0f}%" + ("（已达单笔上限）" if quote.capped else ""))
        move = pool_move(pool=_pool_locked(), kind=MovementKind.SUBSIDY, amount=quote.amount, actor=actor,
                         occurred_on=occurred_on or timezone.localdate(), loan=loan, note=note)
        audit_record(event_type="green.pool.subsidy", actor=actor, subject=move,
                     after={"enterprise": loan.need.enterprise.name, "bank": loan.bank.name,
                            "amount": str(move.amount), "interest": str(quote.interest), "rate": str(quote.rate),
                            "months": quote.months, "capped": quote.capped, "balance": str(move.balance_after)})
        from .workflow import _bank_users, _firm_users

        url = reverse("green_need", args=[loan.need_id])
        notify([*_firm_users(loan.need), *_bank_users([loan.bank_id])],
               message=f"{loan.need.enterprise.name}在{loan.bank.name}的贷款已获贴息 {move.amount:,.2f} 元（风险补偿资金池拨付）",
               url=url, kind="green_finance")
    return move


def responses_remind_overdue(*, today: dt.date | None = None) -> int:
    """Tell each bank of the needs it has not answered past their deadline (once per response, the notice's key);
    returns the number of overdue responses."""
    from .models import BankResponse, NeedStatus, ResponseStatus
    from .workflow import _bank_users

    today = today or timezone.localdate()
    overdue = list(BankResponse.objects.filter(status=ResponseStatus.PENDING, respond_by__lt=today,
                                               need__status=NeedStatus.OPEN)
                   .select_related("need__enterprise").order_by("pk"))
    for response in overdue:
        notify(_bank_users([response.bank_id]),
               message=(f"{response.need.enterprise.name}的融资需求已超过响应期限"
                        f"（{response.respond_by:%Y年%-m月%-d日}），请尽快响应"),
               url=reverse("green_need", args=[response.need_id]), kind="green_finance_overdue",
               key=str(response.pk))
    return len(overdue)
