"""Writes for benefits: publishing policies, matching and push, profile facts, applications."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.core.numbering import next_number
from gaoxin.core.services import audit_record
from gaoxin.core.validators import bank_account_problem
from gaoxin.core.workflow import Conflict
from gaoxin.enterprises.models import Enterprise, QualificationKind

from . import matching, notifications
from . import permissions as perms
from .fields import FIELDS, SUBJECT_FIELDS, check_fact, formula_text
from .models import (
    ApplicationEvent,
    AppStatus,
    BenefitApplication,
    DisputeStatus,
    FactDispute,
    MatchResult,
    Policy,
    PolicyMode,
    PolicyStatus,
    PolicySubject,
    ProfileFact,
)
from .rules import RuleError, check_values, compile_rule
from .workflow import WORKFLOW

QUALIFICATION_NAMES = {str(label) for label in QualificationKind.labels}


def has_names(subject: str) -> set[str]:
    """What has('…') may name: a firm's qualifications, or the titles of the talent registry for a person."""
    if subject == PolicySubject.PERSON:
        from gaoxin.talent.models import TalentTitle

        return set(TalentTitle.objects.values_list("name", flat=True)) or {"车城人才"}
    return QUALIFICATION_NAMES


def compile_policy(policy: Policy) -> matching.PolicyRule:
    fields = SUBJECT_FIELDS[policy.subject]
    try:
        rule = compile_rule(policy.rule, qualifications=has_names(policy.subject), fields=fields)
        formula = compile_rule(policy.formula, kind="formula", fields=fields) if policy.formula.strip() else None
    except RuleError as exc:
        raise ValidationError({"rule": str(exc)}) from None
    return matching.PolicyRule(policy.pk, rule, formula, policy.amount_cap)


def check_rule_text(rule: str, formula: str = "", subject: str = PolicySubject.ENTERPRISE) -> None:
    """Called by the policy form: a rule is checked when it is saved, against its subject's fields and their value
    sets (a value a field never takes is refused)."""
    fields = SUBJECT_FIELDS.get(subject, FIELDS)
    try:
        check_values(compile_rule(rule, qualifications=has_names(subject), fields=fields),
                     how="写法见“条件写法”的字段表")
    except RuleError as exc:
        raise ValidationError({"rule": f"适用条件有误：{exc}"}) from None
    if formula.strip():
        try:
            compile_rule(formula, kind="formula", fields=fields)
        except RuleError as exc:
            raise ValidationError({"formula": f"测算公式有误：{exc}"}) from None


AUDITED_POLICY_FIELDS = ("title", "subject", "document_number", "issuer_id", "level", "kind", "mode", "rule", "formula",
                         "amount_cap", "effective_from", "effective_to", "status", "version")


@transaction.atomic
def policy_save(*, policy: Policy, actor) -> Policy:
    """Authority is checked against the stored policy (its department), not against the edited copy, and only
    the administrator moves a policy to another department; the audit event holds what changed, before and after."""
    creating = policy.pk is None
    stored = None if creating else Policy.objects.select_for_update().get(pk=policy.pk)
    if stored is not None and not perms.can_manage_policy(actor, stored):
        raise PermissionDenied("只能维护本部门的政策")
    if not perms.can_manage_policy(actor, policy):
        raise PermissionDenied("只能维护本部门的政策，不能把政策移交给其他部门")
    check_rule_text(policy.rule, policy.formula, policy.subject)
    if policy.amount_cap is not None and policy.amount_cap <= 0:
        raise ValidationError({"amount_cap": "最高金额应大于0（不设上限请留空）"})
    if not creating and policy.status == PolicyStatus.PUBLISHED:
        policy.version += 1
    policy.full_clean()
    policy.save()
    before = {} if stored is None else {f: _plain(getattr(stored, f)) for f in AUDITED_POLICY_FIELDS}
    after = {f: _plain(getattr(policy, f)) for f in AUDITED_POLICY_FIELDS}
    changed = [f for f in AUDITED_POLICY_FIELDS if before.get(f) != after[f]]
    audit_record(event_type="benefits.policy_saved", actor=actor, subject=policy,
                 before={f: before[f] for f in changed} if stored is not None else None,
                 after={**{f: after[f] for f in changed}, "created": creating})
    if policy.status == PolicyStatus.PUBLISHED:
        transaction.on_commit(lambda: _enqueue_match(policy.pk, actor))
    return policy


def _plain(value):
    """A field's value as the audit log's JSON holds it."""
    if isinstance(value, Decimal):
        return str(value)
    return value.isoformat() if hasattr(value, "isoformat") else value


def policy_publish(*, policy: Policy, actor) -> Policy:
    """Publish a draft (or expired) policy through its table (benefits/workflow.py): the rule is checked
    again, and after commit every firm is matched and told ("您可能符合")."""
    from .workflow import POLICY_WORKFLOW

    return POLICY_WORKFLOW.apply(policy, "PUBLISH", actor=actor)


def enqueue_match(policy: Policy, actor) -> None:
    transaction.on_commit(lambda: _enqueue_match(policy.pk, actor))


def _enqueue_match(policy_id: int | None, actor) -> None:
    """policy_id None: every published policy (after the registry changed)."""
    from gaoxin.core.services import job_enqueue

    from .tasks import match_policy_task

    job_enqueue(kind="policy_match", actor=actor, task=match_policy_task, args=(policy_id,))


def rematch_after_registry_change(actor) -> None:
    """Enterprise data changed in bulk (registry import): re-match every published policy."""
    if Policy.objects.filter(status=PolicyStatus.PUBLISHED).exists():
        transaction.on_commit(lambda: _enqueue_match(None, actor))


def _match_rows(result, by_id: dict[int, Policy], rules_by_id: dict[int, matching.PolicyRule],
                told: dict[tuple[int, int], object]) -> list[MatchResult]:
    """MatchResult rows for the engine's result rows; a firm keeps the time it was told of a policy."""
    rows, texts = [], {}
    for r in result.iter_rows(named=True):
        policy = by_id[r["policy_id"]]
        compiled = rules_by_id[policy.pk]
        key = (policy.pk, r["passed"], r["missing"])  # many firms share a pair of condition bitmasks
        if key not in texts:
            texts[key] = matching.reasons(compiled.rule, r["passed"], r["missing"])
        passed, missing = (list(t) for t in texts[key])
        inputs = {}
        if policy.formula:  # an UNKNOWN estimate keeps what it waits for ("待完善数据后测算", never a number)
            inputs = {"formula": policy.formula}
            if r["estimate"] is None:
                inputs["waiting"] = matching.estimate_waits_for(compiled.formula, r["estimate_missing"] or 0)
        rows.append(MatchResult(
            enterprise_id=r["enterprise_id"], policy=policy, verdict=r["verdict"],
            pass_ratio=Decimal(str(round(r["pass_ratio"], 4))), passed=passed, missing=missing,
            estimate=r["estimate"], estimate_inputs=inputs,
            policy_version=policy.version, rule_digest=compiled.rule.digest,
            told_at=told.get((r["enterprise_id"], policy.pk)),
        ))
    return rows


def _counts(rows: list[MatchResult], pushed: int) -> dict:
    return {"matched": sum(1 for r in rows if r.verdict == "eligible"),
            "partial": sum(1 for r in rows if r.verdict == "partial"), "pushed": pushed}


@transaction.atomic
def match_write(*, policies: list[Policy], enterprise_ids: list[int] | None = None, push: bool = True) -> dict:
    """Match and store in one transaction (a firm's own profile changed: a few rows): ELIGIBLE / PARTIAL rows
    replace earlier ones for these policies (and enterprises); new hits are pushed to the enterprise users
    ("您可能符合…"). Every firm against many policies is `match_rewrite`, in batches."""
    from .selectors import profile_frame

    policies = enterprise_policies(policies)
    rules = [compile_policy(p) for p in policies]
    result = matching.match(profile_frame(enterprise_ids), rules)
    old = MatchResult.objects.filter(policy__in=policies)
    if enterprise_ids is not None:
        old = old.filter(enterprise_id__in=enterprise_ids)
    told = {(m.enterprise_id, m.policy_id): m.told_at for m in old.only("enterprise_id", "policy_id", "told_at")}
    old.delete()
    rows = _match_rows(result, {p.pk: p for p in policies}, {r.policy_id: r for r in rules}, told)
    MatchResult.objects.bulk_create(rows, batch_size=2000)
    return _counts(rows, push_new_matches(policies) if push else 0)


def match_rewrite(*, policies: list[Policy], on_progress=None) -> dict:
    """Every firm against these policies (a policy published or saved, the registry changed), for the background
    job. Matching reads everything once; the results are then written per policy in batches of
    GAOXIN_MATCH_WRITE_BATCH firms (by id), each batch its own short transaction that replaces that range's rows
    and pushes its new hits — so a re-match of the whole registry never holds the database for long (on SQLite
    every log-in and form waits for a write). A firm's row for a policy is always the old one or the new one,
    never missing; the job shows how far it got, and a run that failed or was killed is finished by running it
    again (a policy saved meanwhile is left to its own re-match). on_progress(done, total, message)."""
    from .selectors import profile_frame

    step = on_progress or (lambda done, total, message: None)
    policies = enterprise_policies(policies)
    rules = {r.policy_id: r for r in (compile_policy(p) for p in policies)}
    frame = profile_frame()
    result = matching.match(frame, list(rules.values()))
    firms = frame["enterprise_id"].sort().to_list()
    # Batches of registry firms by id; the first is open below and the last above, so the old rows of firms
    # no longer in the registry are replaced too.
    size = max(1, settings.GAOXIN_MATCH_WRITE_BATCH)
    starts = firms[size::size]
    ranges = list(zip([None, *starts], [*starts, None], strict=True))
    by_policy = {key[0]: part for key, part in result.sort("enterprise_id").partition_by(
        "policy_id", as_dict=True).items()}
    counts = {"matched": 0, "partial": 0, "pushed": 0}
    total, done = len(policies) * len(ranges), 0
    step(0, total, "正在写入匹配结果")
    for policy in sorted(policies, key=lambda p: p.pk):
        part = by_policy.get(policy.pk, result.clear())
        ids = part["enterprise_id"]
        for n, (low, high) in enumerate(ranges, 1):
            if done:
                _let_others_write()
            lo = 0 if low is None else ids.search_sorted(low, side="left")
            hi = len(ids) if high is None else ids.search_sorted(high, side="left")
            rows = _match_rows(part.slice(lo, hi - lo), {policy.pk: policy}, rules, {})  # built before the lock
            written = _match_write_batch(policy=policy, rows=rows, low=low, high=high)
            if written is None:  # saved meanwhile: its own re-match writes it
                done += len(ranges) - n + 1
                break
            for key in counts:
                counts[key] += written[key]
            done += 1
            step(done, total, f"正在写入“{policy.title}”的匹配结果（{n}/{len(ranges)}）"[:255])
    return counts


def enterprise_policies(policies: list[Policy]) -> list[Policy]:
    """The policies firms are matched on: a person policy (subject 人才) reads no firm's data; its people claim
    through the talent benefit items (`talent_claim_create`)."""
    return [p for p in policies if p.subject == PolicySubject.ENTERPRISE]


def _let_others_write() -> None:
    """SQLite has one writer at a time and no queue: a waiting writer (a log-in, a form) polls for the lock at most
    every 100 ms, so batches committed back to back would starve it until its 5 s busy timeout (a server error).
    A pause between batches lets it in. PostgreSQL locks rows, and other writers never wait for these."""
    if connection.vendor == "sqlite" and settings.GAOXIN_MATCH_WRITE_PAUSE_SECONDS > 0:
        time.sleep(settings.GAOXIN_MATCH_WRITE_PAUSE_SECONDS)


@transaction.atomic
def _match_write_batch(*, policy: Policy, rows: list[MatchResult], low: int | None,
                       high: int | None) -> dict | None:
    """One batch of `match_rewrite`: the policy's rows for firms low <= id < high replaced by `rows` (a firm keeps
    when it was told), new hits pushed. The policy's row is locked, so two re-matches of one policy never
    interleave within a batch; None when the policy was changed (or deleted) since it was matched."""
    current = Policy.objects.select_for_update().filter(pk=policy.pk).values_list("version", flat=True).first()
    if current != policy.version:
        return None
    old = MatchResult.objects.filter(policy=policy)
    if low is not None:
        old = old.filter(enterprise_id__gte=low)
    if high is not None:
        old = old.filter(enterprise_id__lt=high)
    told = dict(old.values_list("enterprise_id", "told_at"))
    old.delete()
    for row in rows:
        row.told_at = told.get(row.enterprise_id)
    MatchResult.objects.bulk_create(rows, batch_size=2000)
    return _counts(rows, push_new_matches([policy], low=low, high=high))


def push_new_matches(policies: list[Policy], *, low: int | None = None, high: int | None = None) -> int:
    """One in-app notice per enterprise user for each match not yet told (of firms low <= id < high, when
    given), linking to the policy."""
    from django.urls import reverse

    from gaoxin.core.notify import notify

    untold = MatchResult.objects.filter(policy__in=policies, told_at__isnull=True)
    if low is not None:
        untold = untold.filter(enterprise_id__gte=low)
    if high is not None:
        untold = untold.filter(enterprise_id__lt=high)
    pending = list(untold.filter(Q(verdict="eligible") | Q(pass_ratio__gte=settings.GAOXIN_PARTIAL_PUSH_MIN_RATIO))
                   .select_related("policy", "enterprise"))
    if not pending:
        return 0
    users = {}
    for user_id, ent_id in User.objects.filter(enterprise_memberships__enterprise_id__in={m.enterprise_id for m in pending},
                                               is_active=True).values_list("id", "enterprise_memberships__enterprise_id"):
        users.setdefault(ent_id, []).append(user_id)
    accounts = User.objects.in_bulk({uid for ids in users.values() for uid in ids})
    for m in pending:
        # The firm named: a user may act for several firms.
        text = (f"{m.enterprise.name}可能符合“{m.policy.title}”"
                + ("" if m.verdict == "eligible" else f"，待完善：{'、'.join(m.missing)}")
                + (f"，预计可享受约{m.estimate:.2f}万元（测算）" if m.estimate else "，按现有数据测算金额为0"
                   if m.estimate is not None else f"，金额{m.ESTIMATE_PENDING}" if m.estimate_pending else "") + "。")[:300]
        notify([accounts[u] for u in users.get(m.enterprise_id, [])], kind="POLICY_MATCH", message=text,
               url=reverse("policy_detail", args=[m.policy.code]))
    MatchResult.objects.filter(pk__in=[m.pk for m in pending]).update(told_at=timezone.now())
    return len(pending)


def _fact_value(fact: ProfileFact | None, kind: str):
    if fact is None:
        return None
    return fact.number if kind == "number" else fact.flag if kind == "bool" else fact.text


def fact_text(value) -> str:
    """A fact's value as the disputes show it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    return f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)


def _write_fact(enterprise, f, value, *, actor, source: str, supplied_by) -> None:
    ProfileFact.objects.update_or_create(enterprise=enterprise, field=f.code, defaults={
        "number": value if f.kind == "number" else None, "text": value if f.kind == "text" else "",
        "flag": value if f.kind == "bool" else None, "source": source, "supplied_by": supplied_by,
        "as_of": timezone.localdate(), "updated_by": actor,
    })


@transaction.atomic
def profile_update(*, enterprise, values: dict, actor, source: str = "企业填报",
                   dispute_reason: str = "") -> tuple[list[str], list[FactDispute]]:
    """Record profile facts (None clears one) and re-match this enterprise at once. Each value is checked by its
    field's type and range; a user writes only the facts it may (a department its own). A firm's user does not
    overwrite a fact a department supplied: a different value becomes a dispute to that department (with
    `dispute_reason`), and the department's value stays in use until it decides (issue 14 §6). All or nothing:
    any error names its field and writes nothing. Returns (changed fields, disputes raised)."""
    allowed = {f.code for f in perms.editable_facts(actor, enterprise)}
    supplier = perms.fact_supplier(actor)
    firm_user = perms.can_apply_for(actor, enterprise)
    # Locks the facts' rows only: PostgreSQL refuses FOR UPDATE on the nullable side of the supplier's outer join.
    existing = {fact.field: fact for fact in ProfileFact.objects.select_for_update(of=("self",)).filter(
        enterprise=enterprise, field__in=list(values)).select_related("supplied_by")}
    errors, writes, disputes = {}, [], []
    for code, value in values.items():
        f = FIELDS.get(code)
        if f is None or f.source != "fact" or code not in allowed:
            errors[code] = "不能填写该数据"
            continue
        if value in ("", None):
            value = None
        elif f.kind == "number":
            value = Decimal(str(value))
        if (problem := check_fact(code, value)) is not None:
            errors[code] = f"{f.label}{problem}"
            continue
        fact = existing.get(code)
        if _fact_value(fact, f.kind) == value:
            continue
        if firm_user and fact is not None and fact.supplied_by_id:
            if FactDispute.objects.filter(enterprise=enterprise, field=code, status=DisputeStatus.OPEN).exists():
                errors[code] = f"该数据由{fact.supplied_by.name}提供，您已提出异议，待该部门核实"
            elif not dispute_reason.strip():
                errors[code] = (f"该数据由{fact.supplied_by.name}提供，企业不能直接修改；如有异议，请在“异议理由”中说明，"
                                "将提交该部门核实")
            elif value is None:
                errors[code] = f"该数据由{fact.supplied_by.name}提供，不能清空；如有异议请填写您认为正确的数值"
            else:
                disputes.append(FactDispute(enterprise=enterprise, field=code, current=fact_text(_fact_value(fact, f.kind)),
                                            claimed=fact_text(value), reason=dispute_reason.strip()[:2000],
                                            supplier=fact.supplied_by, raised_by=actor))
            continue
        writes.append((f, value, fact))
    if errors:
        raise ValidationError(errors)
    for f, value, fact in writes:
        if value is None:
            fact.delete()
        else:
            _write_fact(enterprise, f, value, actor=actor, source=source, supplied_by=supplier)
    changed = [f.code for f, _, _ in writes]
    for dispute in disputes:
        dispute.save()
        audit_record(event_type="benefits.fact_dispute.raise", actor=actor, subject=dispute,
                     after={"field": dispute.field, "current": dispute.current, "claimed": dispute.claimed})
        notifications.dispute_raised(dispute)
    if changed:
        audit_record(event_type="benefits.profile_updated", actor=actor, subject=enterprise,
                     before={f.code: fact_text(_fact_value(fact, f.kind)) for f, _, fact in writes},
                     after={"fields": changed, "source": source,
                            "values": {f.code: fact_text(value) for f, value, _ in writes}})
        policies = list(Policy.objects.filter(status=PolicyStatus.PUBLISHED))
        if policies:
            match_write(policies=policies, enterprise_ids=[enterprise.pk])
    return changed, disputes


def fact_dispute_transition(*, dispute: FactDispute, name: str, actor, reason: str = "") -> FactDispute:
    """The supplying department accepts a dispute (the fact becomes the claimed value, still the department's,
    and the firm is re-matched) or rejects it with a reason (benefits/workflow.py DISPUTE_WORKFLOW)."""
    from .workflow import DISPUTE_WORKFLOW

    return DISPUTE_WORKFLOW.apply(dispute, name, actor=actor, reason=reason)


def accept_dispute(dispute: FactDispute, actor) -> None:
    """ACCEPT's effect: write the claimed value as the department's fact and re-match the firm."""
    f = FIELDS[dispute.field]
    value = {"是": True, "否": False}.get(dispute.claimed) if f.kind == "bool" else \
        Decimal(dispute.claimed) if f.kind == "number" else dispute.claimed
    _write_fact(dispute.enterprise, f, value, actor=actor, source=(dispute.supplier.short_name or dispute.supplier.name)[:40],
                supplied_by=dispute.supplier)
    policies = list(Policy.objects.filter(status=PolicyStatus.PUBLISHED))
    if policies:
        match_write(policies=policies, enterprise_ids=[dispute.enterprise_id])


@transaction.atomic
def profile_facts_set(*, facts: dict, actor, source: str, supplied_by=None) -> int:
    """Profile facts another room hands over in bulk, e.g. the released 亩产效益 tier of every participant:
    {enterprise id: {field: value}}, None clearing a fact. One transaction; one audit event when anything
    changed, and then every published policy is re-matched (after commit). Returns how many facts changed."""
    by_field: dict[str, dict[int, object]] = {}
    for eid, values in facts.items():
        for code, value in values.items():
            by_field.setdefault(code, {})[eid] = value
    changed, today, step = 0, timezone.localdate(), 2000
    for code, values in by_field.items():
        f = FIELDS.get(code)
        if f is None or f.source != "fact":
            raise ValidationError({code: "不能填写该字段"})
        column = {"number": "number", "bool": "flag"}.get(f.kind, "text")
        wanted = {eid: None if v in ("", None) else Decimal(str(v)) if f.kind == "number" else v
                  for eid, v in values.items()}
        ids = list(wanted)
        stale, rows = [], []
        for chunk in (ids[i:i + step] for i in range(0, len(ids), step)):
            existing = {eid: (value, src) for eid, value, src in ProfileFact.objects.filter(
                field=code, enterprise_id__in=chunk).values_list("enterprise_id", column, "source")}
            for eid in chunk:
                new = wanted[eid]
                if eid in existing:
                    if existing[eid] == (new, source):
                        continue
                    stale.append(eid)
                elif new is None:
                    continue
                if new is not None:
                    rows.append(ProfileFact(enterprise_id=eid, field=code, source=source, as_of=today, updated_by=actor,
                                            supplied_by=supplied_by,
                                            number=new if f.kind == "number" else None,
                                            flag=new if f.kind == "bool" else None,
                                            text=new if f.kind == "text" else ""))
                changed += 1
        for chunk in (stale[i:i + step] for i in range(0, len(stale), step)):
            ProfileFact.objects.filter(field=code, enterprise_id__in=chunk).delete()
        ProfileFact.objects.bulk_create(rows, batch_size=step)
    if changed:
        audit_record(event_type="benefits.profile_updated", actor=actor, subject_type="benefits.profilefact",
                     subject_repr=f"企业画像（{source}）"[:255],
                     after={"fields": sorted(by_field), "changed": changed, "enterprises": len(facts), "source": source})
        rematch_after_registry_change(actor)
    return changed


# --- applications -------------------------------------------------------------------------------

# An application that ended so may be followed by a new one; any other is live (uniq_live_application).
ENDED_WITHOUT_BENEFIT = (AppStatus.WITHDRAWN, AppStatus.REJECTED, AppStatus.REFUSED)
DUPLICATE_APPLICATION = "本企业已申请该政策，请勿重复申请"

@transaction.atomic
def application_create(*, policy: Policy, enterprise, actor, amount: Decimal | None = None, bank_account: str = "",
                       note: str = "") -> BenefitApplication:
    """免申即享: the enterprise only confirms (CONFIRMED); otherwise it submits (SUBMITTED).
    Materials are not asked again: the profile facts are attached as a snapshot. Numbered "HQ" + date +
    sequence by the locked counter; the policy's department is told at once."""
    if not perms.can_apply_for(actor, enterprise):
        raise PermissionDenied("只能为本企业申请")
    policy = Policy.objects.select_related("issuer").get(pk=policy.pk)  # the caller's copy may be stale
    if policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError("政策未发布或已失效")
    if policy.mode == PolicyMode.INFORM:
        raise ValidationError("该政策由企业向税务等部门直接申报享受，本平台提供提醒和测算")
    if policy.subject == PolicySubject.PERSON:
        raise ValidationError("该政策面向人才个人，请由本人、人才办或用人单位通过“人才待遇”申领")
    # The firm's row is locked first, so two requests for one firm queue here and the second sees the first.
    Enterprise.objects.select_for_update().filter(pk=enterprise.pk).first()
    if BenefitApplication.objects.filter(policy=policy, enterprise=enterprise).exclude(
            status__in=ENDED_WITHOUT_BENEFIT).exists():
        raise Conflict(DUPLICATE_APPLICATION)
    match = MatchResult.objects.filter(policy=policy, enterprise=enterprise).first()
    if policy.mode == PolicyMode.AUTO and (match is None or match.verdict != "eligible"):
        raise ValidationError("免申即享政策需经数据比对符合条件后确认")
    if problem := bank_account_problem(bank_account):
        raise ValidationError({"bank_account": problem})
    if amount is not None and amount <= 0:
        raise ValidationError({"amount": "申请金额应大于0"})
    if amount is not None and policy.amount_cap is not None and amount > policy.amount_cap:
        raise ValidationError({"amount": f"申请金额不能超过政策最高额度{policy.amount_cap.normalize():f}万元"})
    snapshot = {f.field: str(f.number if f.number is not None else f.flag if f.flag is not None else f.text)
                for f in enterprise.facts.all()}
    requested = amount if amount is not None else (match.estimate if match else None)
    status = AppStatus.CONFIRMED if policy.mode == PolicyMode.AUTO else AppStatus.SUBMITTED
    try:
        with transaction.atomic():
            app = BenefitApplication.objects.create(
                number=next_number("HQ"), enterprise=enterprise, policy=policy, policy_version=policy.version,
                status=status, amount_requested=requested, bank_account=bank_account.strip(), note=note,
                profile_snapshot=snapshot, created_by=actor, estimate=match.estimate if match else None,
                estimate_basis=formula_text(policy.formula)[:300] if match and match.estimate is not None else "",
            )
    except IntegrityError:  # uniq_live_application: another request won the race
        raise Conflict(DUPLICATE_APPLICATION) from None
    ApplicationEvent.objects.create(application=app, transition="CONFIRM" if status == AppStatus.CONFIRMED else "SUBMIT",
                                    to_status=status, actor_repr=actor.get_full_name())
    audit_record(event_type="benefits.application_created", actor=actor, subject=app,
                 after={"status": status, "policy": policy.code, "amount": str(requested)})
    notifications.application_arrived(app, actor)
    return app


def application_transition(*, application: BenefitApplication, name: str, actor, reason: str = "",
                           **params) -> BenefitApplication:
    """Apply one transition of the application's table (benefits/workflow.py): APPROVE and VERIFY take
    `amount` (the approved amount, default the requested one), PAY takes `payment_ref`."""
    return WORKFLOW.apply(application, name, actor=actor, reason=reason, **params)


# --- talent benefits (人才待遇, benefits.md §6.2) -----------------------------------------------------------------

@transaction.atomic
def person_facts_update(*, talent, values: dict, actor) -> list[str]:
    """Record a person's facts that rules read and the registry does not hold ({field: value}, None clears), each
    checked by its field's type and range; the talent office writes them. All or nothing; one audit event."""
    from .fields import PERSON_FIELDS
    from .models import PersonFact

    if not perms.can_edit_person_facts(actor):
        raise PermissionDenied("只有人才办可以维护人才的个人数据")
    existing = {f.field: f for f in PersonFact.objects.select_for_update().filter(talent=talent, field__in=list(values))}
    errors, writes = {}, []
    for code, value in values.items():
        f = PERSON_FIELDS.get(code)
        if f is None or f.source != "fact":
            errors[code] = "不能填写该数据"
            continue
        value = None if value in ("", None) else Decimal(str(value)) if f.kind == "number" else value
        if (problem := check_fact(code, value, PERSON_FIELDS)) is not None:
            errors[code] = f"{f.label}{problem}"
            continue
        if _fact_value(existing.get(code), f.kind) != value:
            writes.append((f, value, existing.get(code)))
    if errors:
        raise ValidationError(errors)
    for f, value, fact in writes:
        if value is None:
            fact.delete()
        else:
            PersonFact.objects.update_or_create(talent=talent, field=f.code, defaults={
                "number": value if f.kind == "number" else None, "text": value if f.kind == "text" else "",
                "flag": value if f.kind == "bool" else None, "source": perms.profile_source(actor),
                "as_of": timezone.localdate(), "updated_by": actor})
    if writes:
        audit_record(event_type="benefits.person_facts_updated", actor=actor, subject=talent,
                     before={f.code: fact_text(_fact_value(fact, f.kind)) for f, _, fact in writes},
                     after={f.code: fact_text(value) for f, value, _ in writes})
    return [f.code for f, _, _ in writes]


@transaction.atomic
def talent_claim_create(*, talent, item, actor, bank_account: str, note: str = ""):
    """A claim of a talent benefit item, by the person, the talent office or the employer on their behalf. 同一事项
    不重复享受: the person's row is locked first, so two claims of one person queue here and the second sees the
    first, whichever channel filed it; the database constraint holds it too. Eligibility is the item's person rule
    and its own conditions (selectors.talent_eligibility); the amount is computed, capped, and split into yearly
    instalments when the office approves. Numbered "RC" + date + sequence; the talent office is told."""
    from gaoxin.talent.models import Talent

    from .models import TalentClaim, TalentClaimEvent
    from .selectors import talent_eligibility

    if not perms.can_claim_for(actor, talent):
        raise PermissionDenied("只能为本人（或本单位的人才）申领")
    talent = Talent.objects.select_for_update(of=("self",)).select_related("employer", "user").get(pk=talent.pk)
    if not item.is_active or item.policy.status != PolicyStatus.PUBLISHED:
        raise ValidationError({"item": "该事项未启用或所依据的政策未生效"})
    existing = TalentClaim.objects.filter(talent=talent, item=item).exclude(
        status__in=("refused", "withdrawn")).first()
    if existing is not None:
        raise Conflict(f"{TalentClaim.DUPLICATE}（已有申领{existing.number}，{existing.get_status_display()}）")
    check = talent_eligibility(talent, item)
    if check.ok is not True:
        reasons = check.refused + ([f"待完善数据：{'、'.join(check.missing)}"] if check.missing else [])
        raise ValidationError({"item": "不符合申领条件：" + "；".join(reasons)})
    if problem := bank_account_problem(bank_account):
        raise ValidationError({"bank_account": problem})
    channel = perms.claim_channel(actor)
    facts = {k: (fact_text(v) if not isinstance(v, list) else "、".join(v)) for k, v in check.row.items()
             if k != "talent_id" and v not in (None, [])}
    try:
        with transaction.atomic():
            claim = TalentClaim.objects.create(
                number=next_number("RC"), talent=talent, item=item, channel=channel, enterprise=talent.employer,
                tier_code=check.row["tier"] or "", amount=check.amount, basis=check.basis[:300],
                instalment_count=max(item.instalment_years, 1), facts=facts, bank_account=bank_account.strip(),
                note=note[:500], created_by=actor)
    except IntegrityError:  # uniq_live_talent_claim: another channel won the race
        raise Conflict(TalentClaim.DUPLICATE) from None
    TalentClaimEvent.objects.create(claim=claim, transition="SUBMIT", to_status=claim.status,
                                    actor_repr=actor.get_full_name(), note=claim.get_channel_display())
    audit_record(event_type="benefits.talent_claim.submit", actor=actor, subject=claim,
                 after={"status": claim.status, "item": item.code, "amount": str(claim.amount), "channel": channel})
    notifications.talent_claim_arrived(claim, actor)
    return claim


def talent_claim_transition(*, claim, name: str, actor, reason: str = "", **params):
    """A claim's step (workflow.CLAIM_WORKFLOW): APPROVE schedules the instalments, REFUSE / WITHDRAW with a reason,
    RECORD_DEPARTURE (`left_on`) stops the unpaid instalments and raises a clawback within the service period."""
    from .workflow import CLAIM_WORKFLOW

    return CLAIM_WORKFLOW.apply(claim, name, actor=actor, reason=reason, **params)


def talent_instalment_transition(*, instalment, name: str, actor, reason: str = "", **params):
    """An instalment's step (workflow.INSTALMENT_WORKFLOW): APPROVE by the office once due, PAY by finance with
    `payment_ref`; the last one paid completes the claim."""
    from .workflow import INSTALMENT_WORKFLOW

    return INSTALMENT_WORKFLOW.apply(instalment, name, actor=actor, reason=reason, **params)


def talent_clawback_transition(*, clawback, name: str, actor, reason: str = "", **params):
    """A clawback's step (workflow.CLAWBACK_WORKFLOW): RECOVER with `recovered_ref`, or WAIVE with a reason."""
    from .workflow import CLAWBACK_WORKFLOW

    return CLAWBACK_WORKFLOW.apply(clawback, name, actor=actor, reason=reason, **params)


def talent_departures_check(*, talent_ids=None) -> int:
    """The system records a departure for each claim being paid (or paid) whose person no longer works for the
    employer they claimed with: the registry's employer changed, or a hire of that person at that employer was
    recorded as left. Called after a talent or a hire is saved (benefits/apps.py) and by the daily sweep; one
    transition per claim, so a failure leaves the others done. Returns how many it recorded."""
    from gaoxin.talent.models import Hire, HireStatus

    from .models import ClaimStatus, TalentClaim

    claims = TalentClaim.objects.filter(status__in=[ClaimStatus.APPROVED, ClaimStatus.COMPLETED],
                                        enterprise__isnull=False).select_related("talent", "talent__employer", "item")
    if talent_ids is not None:
        claims = claims.filter(talent_id__in=list(talent_ids))
    claims = list(claims)
    # The latest recorded departure of each (person, employer) among these claims, in one query.
    last_left: dict[tuple[str, int], dt.date] = {}
    for id_number, firm_id, day in (Hire.objects.filter(
            id_number__in={c.talent.id_number for c in claims}, demand__enterprise_id__in={c.enterprise_id for c in claims},
            status=HireStatus.LEFT, left_on__isnull=False).values_list("id_number", "demand__enterprise_id", "left_on")):
        if day > last_left.get((id_number, firm_id), dt.date.min):
            last_left[(id_number, firm_id)] = day
    done = 0
    for claim in claims:
        left_on, reason = None, ""
        talent = claim.talent
        if talent.employer_id != claim.enterprise_id:
            left_on = timezone.localdate()
            reason = (f"工作单位已变更为{talent.employer.name}" if talent.employer_id else "已无工作单位")
        else:
            day = last_left.get((talent.id_number, claim.enterprise_id))
            if day is not None and (claim.approved_on is None or day >= claim.approved_on):
                left_on, reason = day, f"用工记录登记于{day:%Y年%-m月%-d日}离职"
        if left_on is None:
            continue
        if claim.approved_on and left_on < claim.approved_on:
            left_on = claim.approved_on
        talent_claim_transition(claim=claim, name="RECORD_DEPARTURE", actor=None, reason=reason, left_on=left_on)
        done += 1
    return done


TALENT_ITEM_FIELDS = ("name", "instalment_years", "fixed_amount", "cap", "rate", "years", "eligible_tiers",
                      "requires_insured_workplace", "clawback_years", "clawback_prorata", "is_active")


@transaction.atomic
def talent_item_save(*, item, values: dict, amounts: dict, actor):
    """The talent office sets an item's parameters and its tier table ({tier: amount 元, None removes}); the audit
    event holds what changed, before and after. Claims already filed keep their amounts and schedules."""
    from .models import TierAmount

    if not perms.can_manage_talent_items(actor):
        raise PermissionDenied("只有人才办可以维护人才待遇事项")
    locked = type(item).objects.select_for_update().get(pk=item.pk)
    before = {f: _plain(getattr(locked, f)) for f in TALENT_ITEM_FIELDS}
    old_amounts = {a.tier.code: str(a.amount) for a in locked.tier_amounts.select_related("tier")}
    for field, value in values.items():
        if field in TALENT_ITEM_FIELDS:
            setattr(locked, field, value)
    if locked.kind == "iit" and (locked.rate is None or not (0 <= locked.rate < 1)):
        raise ValidationError({"rate": "个税奖补比例应在0至1之间，如 0.15"})
    from gaoxin.talent.models import TalentTier

    known = set(TalentTier.objects.values_list("code", flat=True))
    unknown = [c for c in locked.tier_codes if c not in known]
    if unknown:
        raise ValidationError({"eligible_tiers": f"未知的人才层次：{'、'.join(unknown)}"})
    for value in (locked.cap, locked.fixed_amount):
        if value is not None and value <= 0:
            raise ValidationError({"cap" if value is locked.cap else "fixed_amount": "金额应大于0（不设请留空）"})
    locked.full_clean()
    locked.save()
    for tier, amount in amounts.items():
        if amount is None:
            TierAmount.objects.filter(item=locked, tier=tier).delete()
        elif amount <= 0:
            raise ValidationError({f"tier_{tier.code}": "金额应大于0（不适用请留空）"})
        else:
            TierAmount.objects.update_or_create(item=locked, tier=tier, defaults={"amount": amount})
    after = {f: _plain(getattr(locked, f)) for f in TALENT_ITEM_FIELDS}
    new_amounts = {a.tier.code: str(a.amount) for a in locked.tier_amounts.select_related("tier")}
    changed = [f for f in TALENT_ITEM_FIELDS if before[f] != after[f]]
    audit_record(event_type="benefits.talent_item_saved", actor=actor, subject=locked,
                 before={**{f: before[f] for f in changed}, **({"tier_amounts": old_amounts}
                                                               if old_amounts != new_amounts else {})},
                 after={**{f: after[f] for f in changed}, **({"tier_amounts": new_amounts}
                                                             if old_amounts != new_amounts else {})})
    return locked


@transaction.atomic
def talent_items_load_defaults(*, actor) -> list:
    """A zone without talent benefit items loads the spec's defaults (talent_item_seed: amounts per tier, instalments,
    caps, service periods), issued by the actor's department or, for the administrator, the first talent department;
    one audit event. The office then sets its own amounts on the items page."""
    from gaoxin.accounts.models import OrgUnit

    from .models import TalentBenefitItem
    from .talent_item_seed import seed_talent_items

    if not perms.can_manage_talent_items(actor):
        raise PermissionDenied("只有人才办可以维护人才待遇事项")
    if TalentBenefitItem.objects.select_for_update().exists():
        raise ValidationError("已设立人才待遇事项，请在列表中逐项修改")
    codes = settings.GAOXIN_TALENT_DEPARTMENT_CODES
    issuer = (actor.org_unit if actor.org_unit is not None and actor.org_unit.code in codes
              else OrgUnit.objects.filter(code__in=codes).order_by("sort_order", "pk").first())
    if issuer is None:
        raise ValidationError("尚未建立人才工作部门（人社局），无法确定政策的发布单位；请管理员先在机构中建立")
    items = seed_talent_items(issuer=issuer)
    audit_record(event_type="benefits.talent_items_loaded", actor=actor, subject=issuer,
                 after={"items": [i.name for i in items]})
    return items


def talent_items_push() -> int:
    """Policy finds the person (benefits.md §3, matching → push): each talent with a log-in who qualifies now for an
    active item they hold no claim of is told once ("您可能符合…", key per item), with a link to their page. Run by
    the daily sweep. Returns how many were told."""
    from django.urls import reverse

    from gaoxin.core.notify import notify
    from gaoxin.talent.models import Talent

    from .models import TalentBenefitItem, TalentClaim
    from .selectors import person_row, talent_eligibility

    items = list(TalentBenefitItem.objects.filter(is_active=True, policy__status=PolicyStatus.PUBLISHED)
                 .select_related("policy"))
    held = set(TalentClaim.objects.exclude(status__in=("refused", "withdrawn")).values_list("talent_id", "item_id"))
    told = 0
    for talent in Talent.objects.filter(user__is_active=True).select_related("user", "employer"):
        row = None
        for item in items:
            if (talent.pk, item.pk) in held:
                continue
            row = row or person_row(talent)
            check = talent_eligibility(talent, item, row=row)
            if check.ok is not True:
                continue
            notify([talent.user], kind="TALENT_ITEM_MATCH", key=f"talent-item-{item.pk}",
                   url=reverse("talent_benefit_person", args=[talent.pk]),
                   message=f"您可能符合“{item.name}”，按当前数据可享受{check.amount:,.2f}元，可在“我的人才待遇”中申领。")
            told += 1
    return told
