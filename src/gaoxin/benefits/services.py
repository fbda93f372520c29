"""Writes for benefits: publishing policies, matching and push, profile facts, applications."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gaoxin.accounts.models import Role, User
from gaoxin.core.selectors import work_calendar
from gaoxin.core.services import audit_record, lock_for_transition
from gaoxin.enterprises.models import QualificationKind

from . import matching
from .fields import FIELDS
from .models import (
    ApplicationEvent,
    AppStatus,
    BenefitApplication,
    MatchResult,
    Policy,
    PolicyMode,
    PolicyStatus,
    ProfileFact,
)
from .rules import RuleError, compile_rule

QUALIFICATION_NAMES = {str(label) for label in QualificationKind.labels}


def compile_policy(policy: Policy) -> matching.PolicyRule:
    try:
        rule = compile_rule(policy.rule, qualifications=QUALIFICATION_NAMES)
        formula = compile_rule(policy.formula, kind="formula") if policy.formula.strip() else None
    except RuleError as exc:
        raise ValidationError({"rule": str(exc)}) from None
    return matching.PolicyRule(policy.pk, rule, formula, policy.amount_cap)


def check_rule_text(rule: str, formula: str = "") -> None:
    """Called by the policy form: a rule is checked when it is saved."""
    try:
        compile_rule(rule, qualifications=QUALIFICATION_NAMES)
    except RuleError as exc:
        raise ValidationError({"rule": f"适用条件有误：{exc}"}) from None
    if formula.strip():
        try:
            compile_rule(formula, kind="formula")
        except RuleError as exc:
            raise ValidationError({"formula": f"测算公式有误：{exc}"}) from None


def _can_manage(user, policy: Policy | None = None) -> bool:
    if user.role == Role.ZONE_ADMIN:
        return True
    return user.role == Role.DEPT_OFFICER and (policy is None or policy.issuer_id == user.org_unit_id)


@transaction.atomic
def policy_save(*, policy: Policy, actor) -> Policy:
    if not _can_manage(actor, policy):
        raise PermissionDenied("只能维护本部门的政策")
    check_rule_text(policy.rule, policy.formula)
    creating = policy.pk is None
    if not creating and policy.status == PolicyStatus.PUBLISHED:
        policy.version += 1
    policy.full_clean()
    policy.save()
    audit_record(event_type="benefits.policy_saved", actor=actor, subject=policy,
                 after={"version": policy.version, "rule": policy.rule, "created": creating})
    if policy.status == PolicyStatus.PUBLISHED:
        transaction.on_commit(lambda: _enqueue_match(policy.pk, actor))
    return policy


@transaction.atomic
def policy_publish(*, policy: Policy, actor) -> Policy:
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if not _can_manage(actor, policy):
        raise PermissionDenied("只能发布本部门的政策")
    if policy.status == PolicyStatus.PUBLISHED:
        raise ValidationError("政策已发布")
    check_rule_text(policy.rule, policy.formula)
    if policy.effective_to and policy.effective_to < timezone.localdate():
        raise ValidationError("政策已过有效期，不能发布")
    before = policy.status
    policy.status = PolicyStatus.PUBLISHED
    policy.published_at = timezone.now()
    policy.save(update_fields=["status", "published_at", "updated_at"])
    audit_record(event_type="benefits.policy_published", actor=actor, subject=policy,
                 before={"status": before}, after={"status": policy.status, "version": policy.version})
    transaction.on_commit(lambda: _enqueue_match(policy.pk, actor))
    return policy


def _enqueue_match(policy_id: int | None, actor) -> None:
    """policy_id None: every published policy (after the registry changed)."""
    from gaoxin.core.services import job_enqueue

    from .tasks import match_policy_task

    job_enqueue(kind="policy_match", actor=actor, task=match_policy_task, args=(policy_id,))


def rematch_after_registry_change(actor) -> None:
    """Enterprise data changed in bulk (registry import): re-match every published policy."""
    if Policy.objects.filter(status=PolicyStatus.PUBLISHED).exists():
        transaction.on_commit(lambda: _enqueue_match(None, actor))


@transaction.atomic
def match_write(*, policies: list[Policy], enterprise_ids: list[int] | None = None, push: bool = True) -> dict:
    """Match and store: ELIGIBLE / PARTIAL rows replace earlier ones for these policies (and
    enterprises); new hits are pushed to the enterprise users ("您可能符合…")."""
    from .selectors import profile_frame

    rules = [compile_policy(p) for p in policies]
    frame = profile_frame(enterprise_ids)
    result = matching.match(frame, rules)
    by_id = {p.pk: p for p in policies}
    old = MatchResult.objects.filter(policy__in=policies)
    if enterprise_ids is not None:
        old = old.filter(enterprise_id__in=enterprise_ids)
    told = {(m.enterprise_id, m.policy_id): m.told_at for m in old.only("enterprise_id", "policy_id", "told_at")}
    old.delete()
    rules_by_id = {r.policy_id: r for r in rules}
    rows = []
    for r in result.iter_rows(named=True):
        policy = by_id[r["policy_id"]]
        passed, missing = matching.reasons(rules_by_id[policy.pk].rule, r["passed"], r["missing"])
        rows.append(MatchResult(
            enterprise_id=r["enterprise_id"], policy=policy, verdict=r["verdict"],
            pass_ratio=Decimal(str(round(r["pass_ratio"], 4))), passed=passed, missing=missing,
            estimate=r["estimate"], estimate_inputs={"formula": policy.formula} if policy.formula else {},
            policy_version=policy.version, rule_digest=rules_by_id[policy.pk].rule.digest,
            told_at=told.get((r["enterprise_id"], policy.pk)),
        ))
    MatchResult.objects.bulk_create(rows, batch_size=2000)
    pushed = push_new_matches(policies) if push else 0
    return {"matched": sum(1 for r in rows if r.verdict == "eligible"),
            "partial": sum(1 for r in rows if r.verdict == "partial"), "pushed": pushed}


def push_new_matches(policies: list[Policy]) -> int:
    """One in-app notice per enterprise user for each match not yet told."""
    from gaoxin.cases.models import Notification

    pending = list(MatchResult.objects.filter(policy__in=policies, told_at__isnull=True)
                   .filter(Q(verdict="eligible") | Q(pass_ratio__gte=settings.GAOXIN_PARTIAL_PUSH_MIN_RATIO))
                   .select_related("policy"))
    if not pending:
        return 0
    users = {}
    for user_id, ent_id in User.objects.filter(enterprise_memberships__enterprise_id__in={m.enterprise_id for m in pending},
                                               is_active=True).values_list("id", "enterprise_memberships__enterprise_id"):
        users.setdefault(ent_id, []).append(user_id)
    notes = []
    for m in pending:
        text = (f"您可能符合“{m.policy.title}”" + ("" if m.verdict == "eligible" else f"，待完善：{'、'.join(m.missing)}")
                + ("" if m.estimate is None else f"，预计可享受约{m.estimate:.2f}万元（测算）") + "。")[:300]
        notes += [Notification(user_id=u, kind="POLICY_MATCH", message=text) for u in users.get(m.enterprise_id, [])]
    Notification.objects.bulk_create(notes)
    MatchResult.objects.filter(pk__in=[m.pk for m in pending]).update(told_at=timezone.now())
    return len(pending)


@transaction.atomic
def profile_update(*, enterprise, values: dict, actor, source: str = "企业填报") -> list[str]:
    """Record profile facts (None clears one) and re-match this enterprise at once."""
    changed = []
    for code, value in values.items():
        f = FIELDS.get(code)
        if f is None or f.source != "fact":
            raise ValidationError({code: "不能填写该字段"})
        existing = ProfileFact.objects.filter(enterprise=enterprise, field=code).first()
        old = None if existing is None else (existing.number if f.kind == "number" else existing.flag if f.kind == "bool" else existing.text)
        if value in ("", None):
            if existing:
                existing.delete()
                changed.append(code)
            continue
        if f.kind == "number":
            value = Decimal(str(value))
        if old == value:
            continue
        ProfileFact.objects.update_or_create(enterprise=enterprise, field=code, defaults={
            "number": value if f.kind == "number" else None, "text": value if f.kind == "text" else "",
            "flag": value if f.kind == "bool" else None, "source": source, "as_of": timezone.localdate(),
            "updated_by": actor,
        })
        changed.append(code)
    if changed:
        audit_record(event_type="benefits.profile_updated", actor=actor, subject=enterprise,
                     after={"fields": changed, "source": source})
        policies = list(Policy.objects.filter(status=PolicyStatus.PUBLISHED))
        if policies:
            match_write(policies=policies, enterprise_ids=[enterprise.pk])
    return changed


# --- applications -------------------------------------------------------------------------------

TRANSITIONS = {
    # name: (sources, target, who, label, needs_reason)
    "RESUBMIT": ({AppStatus.RETURNED}, AppStatus.SUBMITTED, "applicant", "补充后重新提交", False),
    "WITHDRAW": ({AppStatus.SUBMITTED, AppStatus.RETURNED, AppStatus.CONFIRMED}, AppStatus.WITHDRAWN, "applicant", "撤回", True),
    "ACCEPT": ({AppStatus.SUBMITTED}, AppStatus.ACCEPTED, "officer", "受理", False),
    "RETURN": ({AppStatus.SUBMITTED}, AppStatus.RETURNED, "officer", "退回补充（一次性告知）", True),
    "REJECT": ({AppStatus.SUBMITTED}, AppStatus.REJECTED, "officer", "不予受理", True),
    "APPROVE": ({AppStatus.ACCEPTED}, None, "officer", "审核通过", False),
    "REFUSE": ({AppStatus.ACCEPTED}, AppStatus.REFUSED, "officer", "审核不通过", True),
    "VERIFY": ({AppStatus.CONFIRMED}, AppStatus.APPROVED, "officer", "数据比对通过", False),
    "CLOSE_PUBLICITY": ({AppStatus.PUBLICITY}, AppStatus.APPROVED, "officer", "公示无异议", False),
    "OBJECTION_UPHELD": ({AppStatus.PUBLICITY}, AppStatus.ACCEPTED, "officer", "异议成立，重新审核", True),
    "PAY": ({AppStatus.APPROVED}, AppStatus.PAID, "finance", "拨付", False),
    "ARCHIVE": ({AppStatus.PAID}, AppStatus.ARCHIVED, "officer", "归档", False),
}


def _role_for(actor, application: BenefitApplication) -> set[str]:
    roles = set()
    if actor.role == Role.ENTERPRISE and actor.enterprise_memberships.filter(enterprise_id=application.enterprise_id).exists():
        roles.add("applicant")
    if actor.role == Role.ZONE_ADMIN or (actor.role == Role.DEPT_OFFICER and actor.org_unit_id == application.policy.issuer_id):
        roles.add("officer")
    if actor.role == Role.ZONE_ADMIN or (actor.role == Role.DEPT_OFFICER and actor.org_unit
                                         and actor.org_unit.code == settings.GAOXIN_FINANCE_DEPARTMENT_CODE):
        roles.add("finance")
    return roles


def _number() -> str:
    today = timezone.localdate()
    count = BenefitApplication.objects.filter(created_at__date=today).count() + 1
    return f"HQ{today:%Y%m%d}{count:05d}"


@transaction.atomic
def application_create(*, policy: Policy, enterprise, actor, amount: Decimal | None = None, bank_account: str = "",
                       note: str = "") -> BenefitApplication:
    """免申即享: the enterprise only confirms (CONFIRMED); otherwise it submits (SUBMITTED).
    Materials are not asked again: the profile facts are attached as a snapshot."""
    if actor.role != Role.ENTERPRISE or not actor.enterprise_memberships.filter(enterprise=enterprise).exists():
        raise PermissionDenied("只能为本企业申请")
    policy = Policy.objects.get(pk=policy.pk)  # the caller's copy may be stale
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError("政策未发布或已失效")
    if policy.mode == PolicyMode.INFORM:
        raise ValidationError("该政策由企业向税务等部门直接申报享受，本平台提供提醒和测算")
    if BenefitApplication.objects.filter(policy=policy, enterprise=enterprise).exclude(
            status__in=[AppStatus.WITHDRAWN, AppStatus.REJECTED, AppStatus.REFUSED]).exists():
        raise ValidationError("本企业已申请该政策")
    match = MatchResult.objects.filter(policy=policy, enterprise=enterprise).first()
    if policy.mode == PolicyMode.AUTO and (match is None or match.verdict != "eligible"):
        raise ValidationError("免申即享政策需经数据比对符合条件后确认")
    if not bank_account.strip():
        raise ValidationError({"bank_account": "请填写收款账户"})
    snapshot = {f.field: str(f.number if f.number is not None else f.flag if f.flag is not None else f.text)
                for f in enterprise.facts.all()}
    requested = amount if amount is not None else (match.estimate if match else None)
    status = AppStatus.CONFIRMED if policy.mode == PolicyMode.AUTO else AppStatus.SUBMITTED
    app = BenefitApplication.objects.create(
        number=_number(), enterprise=enterprise, policy=policy, policy_version=policy.version, status=status,
        amount_requested=requested, bank_account=bank_account.strip(), note=note, profile_snapshot=snapshot,
        created_by=actor,
    )
    ApplicationEvent.objects.create(application=app, transition="CONFIRM" if status == AppStatus.CONFIRMED else "SUBMIT",
                                    to_status=status, actor_repr=actor.get_full_name())
    audit_record(event_type="benefits.application_created", actor=actor, subject=app,
                 after={"status": status, "policy": policy.code, "amount": str(requested)})
    return app


@transaction.atomic
def application_transition(*, application: BenefitApplication, name: str, actor, reason: str = "",
                           amount: Decimal | None = None, payment_ref: str = "") -> BenefitApplication:
    app, (sources, target, who, label, needs_reason) = lock_for_transition(
        application, transitions=TRANSITIONS, name=name, actor=actor, roles=_role_for, noun="申请",
        queryset=BenefitApplication.objects.select_related("policy"))
    if needs_reason and not reason.strip():
        raise ValidationError({"reason": f"“{label}”需要填写原因"})
    on = timezone.localdate()
    cal = work_calendar()
    before = app.status
    if name == "ACCEPT":
        app.accepted_on = on
        if app.policy.mode == PolicyMode.FAST:  # 快申快享: paid within 60 WD of acceptance
            app.payment_due = cal.add_working_days(on, settings.GAOXIN_FAST_PAYMENT_WORKDAYS)
    if name in ("APPROVE", "VERIFY"):
        approved = amount if amount is not None else app.amount_requested
        if approved is None or approved <= 0:
            raise ValidationError({"amount": "请填写核定金额"})
        if app.policy.amount_cap is not None and approved > app.policy.amount_cap:
            raise ValidationError({"amount": f"核定金额不能超过政策上限{app.policy.amount_cap}万元"})
        app.amount_approved = approved
    if name == "APPROVE":
        if app.policy.mode == PolicyMode.APPLY:
            app.status = AppStatus.PUBLICITY
            app.notice_end = cal.add_working_days(on, settings.GAOXIN_BENEFIT_NOTICE_WORKDAYS)
        else:
            app.status = AppStatus.APPROVED
    if name == "CLOSE_PUBLICITY" and app.notice_end and on <= app.notice_end:
        raise ValidationError(f"公示期至{app.notice_end}，期满后才能结束公示")
    if name == "PAY":
        if not payment_ref.strip():
            raise ValidationError({"payment_ref": "请填写拨付凭证号"})
        app.amount_paid, app.payment_ref = app.amount_approved, payment_ref.strip()
    if target is not None:
        app.status = target
    app.save()
    ApplicationEvent.objects.create(application=app, transition=name, from_status=before, to_status=app.status,
                                    actor_repr=actor.get_full_name(), note=reason.strip())
    audit_record(event_type=f"benefits.application_{name.lower()}", actor=actor, subject=app,
                 before={"status": before}, after={"status": app.status,
                                                   "amount_approved": str(app.amount_approved or "")})
    return app


def transitions_for(application: BenefitApplication, actor) -> list[tuple[str, str, bool]]:
    roles = _role_for(actor, application)
    return [(name, label, needs) for name, (sources, _, who, label, needs) in TRANSITIONS.items()
            if application.status in sources and who in roles]
