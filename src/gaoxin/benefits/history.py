"""A year of policy pushes and benefit applications (惠企政策) for the demo zone, written in bulk as history
(cases/history.py: the services are for live work; history is loaded, not replayed). Deterministic for a seed.

- The published policies are dated as published before the year, and every firm is matched against them now
  (as the publishing job would); the matches the platform pushes (符合, or 可能符合 above the push ratio) were
  told at a time over the year (MatchResult.told_at). Re-matching later keeps these times.
- Some told firms then applied: 免申即享 ones confirmed and were verified and paid; 快申快享 ones were accepted,
  approved and paid within the payment limit; 申报审核 ones were accepted (a few returned once for supplement
  first), reviewed, publicly noticed and paid, or refused, rejected or withdrawn. Each step is an
  ApplicationEvent row and the application's fields are as the workflow (benefits/workflow.py) leaves them; steps
  that would fall on `today` or later are not taken, so the applications of the last weeks are partly open.
- A firm applies through its own enterprise account (username its contact's phone, as a self-registered
  account; no usable password): applications stay visible to the firm's users, the policy's department, finance
  and the centre only, as live ones.

Applications are numbered as live ones ("HQ" + day + sequence) and the day counters continued. Firms in `exclude`
(the demo accounts' own) get neither history nor a push time: their pushes happen live."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gaoxin.accounts.models import EnterpriseMembership, Role, User
from gaoxin.core.models import DocumentCounter
from gaoxin.core.selectors import work_calendar
from gaoxin.enterprises.models import Contact, Enterprise, EnterpriseStatus

from .fields import formula_text
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

A = AppStatus
# Share of the told firms that applied, by the policy's mode (and for 申报审核 whether the match was 符合).
APPLY_SHARE = {PolicyMode.AUTO: 0.8, PolicyMode.FAST: 0.6, "apply-eligible": 0.5, "apply-partial": 0.3}
HISTORY_FIRMS = 1000
TYPED_AMOUNTS = [5, 8, 10, 12, 15, 20, 30]  # 万元, what a firm asks for when the platform cannot estimate
BANKS = ["中国工商银行湘潭高新支行", "中国建设银行湘潭高新区支行", "中国银行湘潭分行营业部", "湘潭农村商业银行高新支行",
         "长沙银行湘潭高新支行"]
RETURN_NOTES = ["请补充上年度审计报告", "请补充研发项目立项文件", "请补充社保缴纳明细", "银行账户与企业名称不一致，请核对"]


class _Timeline:
    """An application's steps, each later than the last, with a copy of the application's fields after it."""

    def __init__(self, rng: random.Random):
        self.rng, self.steps, self.last = rng, [], None

    def step(self, day: dt.date, fields: dict, transition: str, before: str, actor: str, note: str = "") -> None:
        if self.last is not None and day <= self.last.date():
            at = self.last + dt.timedelta(minutes=self.rng.randint(10, 40))
        else:
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(self.rng.randint(8, 16), self.rng.randrange(60))))
        self.last = at
        self.steps.append((at, dict(fields), {"transition": transition, "from_status": before,
                                              "to_status": fields["status"], "actor_repr": actor, "note": note}))


def _moment(rng: random.Random, day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(rng.randint(8, 20), rng.randrange(60))))


def generate_benefit_history(*, seed: int = 7, today: dt.date | None = None, exclude: set[int] = frozenset()) -> dict:
    from . import services

    rng = random.Random(f"{seed}:benefits")
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=365)
    cal = work_calendar()
    policies = list(Policy.objects.filter(status=PolicyStatus.PUBLISHED).select_related("issuer").order_by("code"))
    if not policies:
        return {"pushed": 0, "applications": 0, "paid": 0}
    # Published before the year of history (their pushes and applications come after).
    for policy in policies:
        policy.published_at = policy.created_at = _moment(rng, start - dt.timedelta(days=rng.randint(20, 120)))
    Policy.objects.bulk_update(policies, ["published_at", "created_at"])
    # Every firm of the demo; of a large registry (benchmarks) the first HISTORY_FIRMS, the rest left to the job.
    firms = list(Enterprise.objects.order_by("id").values_list("id", flat=True)[:HISTORY_FIRMS])
    services.match_write(policies=policies, enterprise_ids=firms, push=False)

    pushable = Q(verdict="eligible") | Q(pass_ratio__gte=settings.GAOXIN_PARTIAL_PUSH_MIN_RATIO)
    matches = list(MatchResult.objects.filter(pushable, told_at__isnull=True, enterprise_id__in=firms)
                   .exclude(enterprise_id__in=exclude)
                   .exclude(enterprise__status=EnterpriseStatus.CANCELLED).select_related("policy").order_by("policy__code",
                                                                                                           "enterprise_id"))
    for m in matches:
        m.told_at = _moment(rng, today - dt.timedelta(days=rng.randint(1, 365)))
    MatchResult.objects.bulk_update(matches, ["told_at"], batch_size=1000)

    # Who applied, and when (after being told).
    chosen = []
    for m in matches:
        policy = m.policy
        if policy.mode == PolicyMode.INFORM or not policy.formula.strip():
            continue  # declared to the tax bureau; or no amount to award (资格认定 is not paid here)
        if policy.mode == PolicyMode.AUTO and (m.verdict != "eligible" or m.estimate is None):
            continue
        key = policy.mode if policy.mode != PolicyMode.APPLY else f"apply-{'eligible' if m.verdict == 'eligible' else 'partial'}"
        if rng.random() >= APPLY_SHARE[key]:
            continue
        created = m.told_at + dt.timedelta(days=rng.randint(0, 30), minutes=rng.randint(30, 600))
        if timezone.localtime(created).date() >= today:
            continue
        chosen.append((m, created))
    if not chosen:
        return {"pushed": len(matches), "applications": 0, "paid": 0}

    accounts = _firm_accounts({m.enterprise_id for m, _ in chosen}, rng)
    officers = {}
    for u in User.objects.filter(role=Role.DEPT_OFFICER, org_unit__isnull=False).select_related("org_unit").order_by("id"):
        officers.setdefault(u.org_unit_id, u)
    finance = next((u for u in officers.values() if u.org_unit.code == settings.GAOXIN_FINANCE_DEPARTMENT_CODE), None)
    facts = defaultdict(dict)
    for f in ProfileFact.objects.filter(enterprise_id__in={m.enterprise_id for m, _ in chosen}).order_by("id"):
        facts[f.enterprise_id][f.field] = str(f.number if f.number is not None else f.flag if f.flag is not None else f.text)

    planned = []
    paid_refs = defaultdict(int)
    for m, created in sorted(chosen, key=lambda c: c[1]):
        policy, user = m.policy, accounts[m.enterprise_id]
        officer = officers.get(policy.issuer_id)
        officer_name = officer.get_full_name() if officer else "系统"
        payer = finance.get_full_name() if finance else officer_name
        amount = m.estimate if m.estimate is not None else Decimal(rng.choice(TYPED_AMOUNTS))
        if policy.amount_cap is not None:
            amount = min(amount, policy.amount_cap)
        amount = amount.quantize(Decimal("0.0001"))
        fields = {"status": A.CONFIRMED if policy.mode == PolicyMode.AUTO else A.SUBMITTED, "accepted_on": None,
                  "payment_due": None, "notice_end": None, "amount_approved": None, "amount_paid": None,
                  "payment_ref": ""}
        tl = _Timeline(rng)
        tl.last = created
        tl.steps.append((created, dict(fields), {"transition": "CONFIRM" if policy.mode == PolicyMode.AUTO else "SUBMIT",
                                                 "from_status": "", "to_status": fields["status"],
                                                 "actor_repr": user.get_full_name(), "note": ""}))
        day = cal.next_workday(timezone.localtime(created).date())
        paying = True
        if policy.mode == PolicyMode.AUTO:
            day = cal.add_working_days(day, rng.randint(1, 6))
            fields.update(status=A.APPROVED, amount_approved=amount)
            tl.step(day, fields, "VERIFY", A.CONFIRMED, officer_name)
        else:
            if policy.mode == PolicyMode.APPLY and rng.random() < 0.15:  # returned once for supplement
                day = cal.add_working_days(day, rng.randint(0, 2))
                fields["status"] = A.RETURNED
                tl.step(day, fields, "RETURN", A.SUBMITTED, officer_name, note=rng.choice(RETURN_NOTES))
                day = cal.next_workday(day + dt.timedelta(days=rng.randint(2, 7)))
                fields["status"] = A.SUBMITTED
                tl.step(day, fields, "RESUBMIT", A.RETURNED, user.get_full_name())
            ending = rng.random()
            if policy.mode == PolicyMode.APPLY and ending < 0.05:
                day = cal.add_working_days(day, rng.randint(0, 3))
                if ending < 0.02:
                    fields["status"] = A.WITHDRAWN
                    tl.step(day, fields, "WITHDRAW", A.SUBMITTED, user.get_full_name(), note="企业经营调整，暂不申请")
                else:
                    fields["status"] = A.REJECTED
                    tl.step(day, fields, "REJECT", A.SUBMITTED, officer_name, note="申请不在政策支持范围内")
                paying = False
            else:
                day = cal.add_working_days(day, rng.randint(0, 3))
                fields.update(status=A.ACCEPTED, accepted_on=day)
                if policy.mode == PolicyMode.FAST:
                    fields["payment_due"] = cal.add_working_days(day, settings.GAOXIN_FAST_PAYMENT_WORKDAYS)
                tl.step(day, fields, "ACCEPT", A.SUBMITTED, officer_name)
                day = cal.add_working_days(day, rng.randint(2, 12))
                if policy.mode == PolicyMode.APPLY and rng.random() < 0.1:
                    fields["status"] = A.REFUSED
                    tl.step(day, fields, "REFUSE", A.ACCEPTED, officer_name, note="经审核，申报条件不符合政策规定")
                    paying = False
                elif policy.mode == PolicyMode.APPLY:  # 公示 first
                    fields.update(status=A.PUBLICITY, amount_approved=amount,
                                  notice_end=cal.add_working_days(day, settings.GAOXIN_BENEFIT_NOTICE_WORKDAYS))
                    tl.step(day, fields, "APPROVE", A.ACCEPTED, officer_name)
                    day = cal.add_working_days(fields["notice_end"], 1)
                    fields["status"] = A.APPROVED
                    tl.step(day, fields, "CLOSE_PUBLICITY", A.PUBLICITY, officer_name)
                else:
                    fields.update(status=A.APPROVED, amount_approved=amount)
                    tl.step(day, fields, "APPROVE", A.ACCEPTED, officer_name)
        if paying:
            day = cal.add_working_days(day, rng.randint(3, 15))
            if fields["payment_due"]:
                day = min(day, fields["payment_due"])
            paid_refs[day.year] += 1
            fields.update(status=A.PAID, amount_paid=fields["amount_approved"],
                          payment_ref=f"ZF{day:%Y}-{paid_refs[day.year]:04d}")
            tl.step(day, fields, "PAY", A.APPROVED, payer)
            if rng.random() < 0.35:
                fields["status"] = A.ARCHIVED
                tl.step(cal.add_working_days(day, rng.randint(10, 30)), fields, "ARCHIVE", A.PAID, officer_name)
        steps = [s for s in tl.steps if timezone.localtime(s[0]).date() < today]
        planned.append((m, user, amount, steps))

    sequence: dict[dt.date, int] = defaultdict(int, (
        (dt.datetime.strptime(period, "%Y%m%d").date(), last)
        for period, last in DocumentCounter.objects.filter(prefix="HQ").values_list("period", "last")))
    used, apps = set(), []
    for m, user, amount, steps in planned:
        on = timezone.localtime(steps[0][0]).date()
        sequence[on] += 1
        used.add(on)
        estimated = m.estimate is not None
        apps.append(BenefitApplication(
            number=f"HQ{on:%Y%m%d}{sequence[on]:05d}", enterprise_id=m.enterprise_id, policy=m.policy,
            policy_version=m.policy.version, amount_requested=amount, estimate=m.estimate,
            estimate_basis=formula_text(m.policy.formula)[:300] if estimated else "",
            bank_account=f"{rng.choice(BANKS)} 6222{rng.randrange(10**15):015d}", note="",
            profile_snapshot=facts.get(m.enterprise_id, {}), created_by=user, **steps[-1][1]))
    with transaction.atomic():
        BenefitApplication.objects.bulk_create(apps, batch_size=1000)
        for app, (_, _, _, steps) in zip(apps, planned, strict=True):
            app.created_at, app.updated_at = steps[0][0], steps[-1][0]  # auto_now(_add) set them to now
        BenefitApplication.objects.bulk_update(apps, ["created_at", "updated_at"], batch_size=500)
        events = [ApplicationEvent(application=app, **event) for app, (_, _, _, steps) in zip(apps, planned, strict=True)
                  for _, _, event in steps]
        ApplicationEvent.objects.bulk_create(events, batch_size=2000)
        for event, at in zip(events, [at for *_, steps in planned for at, _, _ in steps], strict=True):
            event.at = at
        ApplicationEvent.objects.bulk_update(events, ["at"], batch_size=500)
        for day in used:
            counter, _ = DocumentCounter.objects.select_for_update().get_or_create(prefix="HQ", period=f"{day:%Y%m%d}")
            if sequence[day] > counter.last:
                counter.last = sequence[day]
                counter.save(update_fields=["last"])
    return {"pushed": len(matches), "applications": len(apps),
            "paid": sum(1 for e in events if e.to_status == A.PAID)}


def _firm_accounts(enterprise_ids: set[int], rng: random.Random) -> dict[int, User]:
    """Each firm's enterprise account (its first, or one made for it: the primary contact's name, the phone as
    the username a self-registered account has, no usable password)."""
    accounts = {}
    for membership in EnterpriseMembership.objects.filter(enterprise_id__in=enterprise_ids).select_related("user").order_by("id"):
        accounts.setdefault(membership.enterprise_id, membership.user)
    missing = sorted(enterprise_ids - set(accounts))
    contacts = {c.enterprise_id: c for c in Contact.objects.filter(enterprise_id__in=missing).order_by("is_primary", "-id")}
    taken = set(User.objects.values_list("username", flat=True))
    users = []
    for eid in missing:
        contact = contacts.get(eid)
        phone = contact.phone if contact and contact.phone else ""
        username = phone if phone and phone not in taken else f"qy{eid:06d}"
        while username in taken:
            username = f"qy{eid:06d}{rng.randrange(10)}"
        taken.add(username)
        user = User(username=username, full_name=contact.name if contact else "", role=Role.ENTERPRISE, phone=phone)
        user.set_unusable_password()
        users.append(user)
    User.objects.bulk_create(users)
    made = {u.username: u for u in User.objects.filter(username__in=[u.username for u in users])}
    EnterpriseMembership.objects.bulk_create([EnterpriseMembership(user=made[u.username], enterprise_id=eid, is_manager=True)
                                              for eid, u in zip(missing, users, strict=True)])
    for eid, u in zip(missing, users, strict=True):
        accounts[eid] = made[u.username]
    return accounts
