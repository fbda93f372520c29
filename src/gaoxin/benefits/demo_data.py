"""Demo policies (from policy_data) and demo profile facts."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from gaoxin.accounts.models import OrgUnit

from .models import Policy, PolicyStatus, ProfileFact
from .policy_data import PERSON_POLICIES, POLICIES


def build_demo_policies(*, actor) -> list[Policy]:
    units = {u.code: u for u in OrgUnit.objects.all()}
    policies = []
    for code, title, doc, issuer, level, kind, mode, rule, formula, cap, to, summary in POLICIES:
        policies.append(Policy.objects.create(
            code=code.lower(), title=title, document_number=doc, issuer=units[issuer], level=level, kind=kind,
            mode=mode, rule=rule, formula=formula, amount_cap=cap, effective_from=dt.date(2023, 1, 1), effective_to=to,
            summary=summary, guide="申请人登录平台核对企业画像数据后在线申请；材料从企业档案复用，无需重复提交。",
            contact="0731-58580000", status=PolicyStatus.DRAFT,
            subject="person" if code in PERSON_POLICIES else "enterprise",
        ))
    return policies


def size_category(employees: int, revenue: Decimal) -> str:
    """企业划型 of an industrial firm (工信部联企业〔2011〕300号): 大型 1000 people and 4亿元 revenue or more,
    中型 300 and 2000万元, 小型 20 and 300万元, else 微型 (revenue in 万元)."""
    if employees >= 1000 and revenue >= 40000:
        return "大型"
    if employees >= 300 and revenue >= 2000:
        return "中型"
    if employees >= 20 and revenue >= 300:
        return "小型"
    return "微型"


def demo_facts(rng: random.Random, enterprises: list[tuple[int, str]]) -> list[ProfileFact]:
    """Plausible profile data for most enterprises (id, registry size group); some fields left empty on purpose
    (待完善). Revenue agrees with the registry's 规上 / 规下 (规上: 2000万元 or more), staff with revenue, and the
    size category with both."""
    rows = []
    for ent_id, size_group in enterprises:
        if rng.random() < 0.15:
            continue  # never filled in: every policy shows it as 待完善
        above = size_group == "ABOVE"
        revenue = Decimal(rng.choice([3000, 5000, 8000, 12000, 25000, 60000] if above else [300, 500, 800, 1500]))
        rd = (revenue * Decimal(rng.choice(["0.01", "0.02", "0.03", "0.045", "0.06", "0.08"]))).quantize(Decimal("1"))
        employees = max(8, min(3000, int(revenue / rng.choice([25, 40, 60, 90]))))  # 25–90万元 revenue per head
        values = {
            "resident": True, "collection_method": rng.choice(["查账征收"] * 9 + ["核定征收"]),
            "taxpayer_type": rng.choice(["一般纳税人"] * 4 + ["小规模纳税人"]),
            "tax_credit_rating": rng.choice(["A", "A", "B", "B", "M", "C"]),
            "enterprise_size": size_category(employees, revenue),
            "revenue": revenue, "revenue_prev": (revenue * Decimal(rng.choice(["0.8", "0.9", "1.0", "1.1"]))).quantize(Decimal(1)),
            "main_business_revenue": (revenue * Decimal(rng.choice(["0.6", "0.75", "0.9", "0.98"]))).quantize(Decimal(1)),
            "rd_expense": rd, "rd_expense_prev": (rd * Decimal("0.9")).quantize(Decimal(1)),
            "rd_expense_3y": rd * 3, "sales_3y": revenue * 3, "employees": employees,
            "st_staff": int(employees * rng.choice([0.05, 0.1, 0.15, 0.3])), "assets": revenue * Decimal("1.2"),
            "liabilities": revenue * Decimal(rng.choice(["0.4", "0.6", "0.9"])),
            "cit_rate": Decimal("0.25"), "ui_months": rng.choice([6, 12, 24, 36]), "insured_count": employees,
            "ui_paid": (Decimal(employees) * Decimal("0.05")).quantize(Decimal("0.01")),
            "layoff_rate": Decimal(rng.choice(["0.01", "0.03", "0.05", "0.08"])), "seriously_dishonest": False,
            "major_incident_last_year": rng.random() < 0.05, "vat_fraud_36m": False, "instant_refund_since_2019": False,
            "main_business_industry": rng.choice(["制造业"] * 6 + ["批发和零售业", "软件和信息技术服务业"]),
            "excluded_industry_income_share": Decimal(rng.choice(["0", "0.2", "0.6"])),
            "retained_vat_now": Decimal(rng.choice([0, 50, 200])), "retained_vat_2019": Decimal(rng.choice([0, 80])),
            "input_ratio": Decimal("0.9"), "taxable_income": Decimal(rng.choice([120, 280, 450, 2000])),
            "avg_staff": employees, "avg_assets": revenue * Decimal("1.1"),
            "tax_evasion_penalties_36m": 0,  # the tax bureau's (marked supplied below), so no firm is asked for it
        }
        if rng.random() < 0.5:
            values.update({"core_ip_count": rng.randrange(0, 8), "domestic_rd_share": Decimal(rng.choice(["0.5", "0.8", "1"])),
                           "ht_revenue_share": Decimal(rng.choice(["0.4", "0.65", "0.8"])),
                           "innovation_score": Decimal(rng.choice(["65", "72", "80"])),
                           # without a draw of its own, so the rest of the demo stays as it was
                           "tech_in_priority_fields": ent_id % 4 != 0})
        if rng.random() < 0.4:
            values["eligible_new_hires"] = rng.randrange(1, 8)
        for field, value in values.items():
            number = value if isinstance(value, (Decimal, int)) and not isinstance(value, bool) else None
            # A department's own facts are marked theirs by mark_supplied_facts; the rest the firm reported.
            rows.append(ProfileFact(enterprise_id=ent_id, field=field, source="企业填报",
                                    number=Decimal(number) if number is not None else None,
                                    text=value if isinstance(value, str) else "",
                                    flag=value if isinstance(value, bool) else None, as_of=dt.date(2026, 6, 30)))
    return rows


def mark_supplied_facts() -> int:
    """The demo's tax and social-insurance facts are the departments' own (supplied by them), as a zone's would
    be once its data exchange with the tax bureau and 人社 runs: firms dispute them, never overwrite them."""
    from gaoxin.accounts.models import OrgUnit

    from .fields import FACT_FIELDS

    marked = 0
    for unit in OrgUnit.objects.filter(code__in={f.supplier for f in FACT_FIELDS if f.supplier}):
        marked += ProfileFact.objects.filter(field__in=[f.code for f in FACT_FIELDS if f.supplier == unit.code]).update(
            supplied_by=unit, source=(unit.short_name or unit.name)[:40])
    return marked


def demo_dispute(user, enterprise) -> None:
    """The demo enterprise disputes its 纳税信用等级, waiting for the tax bureau (department data protected, issue 14 §6)."""
    from . import services

    fact = ProfileFact.objects.filter(enterprise=enterprise, field="tax_credit_rating", supplied_by__isnull=False).first()
    if fact is None:
        return
    claimed = "A" if fact.text != "A" else "B"
    services.profile_update(enterprise=enterprise, values={"tax_credit_rating": claimed}, actor=user,
                            dispute_reason="本企业2025年度纳税信用评价结果已调整，见税务机关出具的纳税信用评价结果通知书。")


# --- talent benefits (人才待遇) ----------------------------------------------------------------------------------

TALENT_NAMES = ["欧阳明远", "谭思远", "贺晓峰", "龙婷", "易志强", "向文静", "曾凯", "彭雨桐"]


def _talent_id_number(n: int) -> str:
    from gaoxin.core.validators import id_check_char

    body = f"4303021987{1 + n % 9:02d}15{500 + n:03d}"
    return body + id_check_char(body)


def _demo_talents(*, office, enterprises: list, today: dt.date) -> list:
    """Eight people with a valid recognition each (tiers B–E): the registry's where it has them (the talent room's
    demo), else a handful of ours, get_or_create on the ID number."""
    from gaoxin.talent.models import Education, Recognition, RecognitionStatus, Talent, TalentTier, TalentTitle

    tiers = {t.code: t for t in TalentTier.objects.all()}
    titles = {t.name: t for t in TalentTitle.objects.all()}
    plan = [("C", "车城人才", Education.DOCTOR), ("B", "领军人才", Education.DOCTOR), ("E", "车城人才", Education.MASTER),
            ("B", "领军人才", Education.DOCTOR), ("D", "车城人才", Education.MASTER), ("C", "领军人才", Education.DOCTOR),
            ("D", "领军人才", Education.MASTER), ("E", "车城人才", Education.BACHELOR)]
    talents = []
    for n, (tier, title, education) in enumerate(plan):
        talent, _ = Talent.objects.get_or_create(id_number=_talent_id_number(n), defaults={
            "name": TALENT_NAMES[n], "education": education, "employer": enterprises[n % len(enterprises)],
            "professional_title": "高级工程师" if education == Education.DOCTOR else "工程师",
            "work_location": "湘潭高新区", "insurance_location": "湘潭高新区" if n != 6 else "长沙市岳麓区",
            "created_by": office})
        if not talent.recognitions.filter(status=RecognitionStatus.VALID, valid_to__gte=today).exists() \
                and title in titles and tier in tiers:
            on = today - dt.timedelta(days=400 + 30 * n)
            Recognition.objects.create(talent=talent, title=titles[title], tier=tiers[tier], basis="高新区人才认定（演示）",
                                       recognised_on=on, valid_to=on + dt.timedelta(days=5 * 365), created_by=office)
        talents.append(talent)
    return talents


def build_demo_talent_benefits(*, office, finance, enterprise_user, enterprises: list, today: dt.date) -> dict:
    """The default items (configuration), eight talents and their claims through the services: one awaiting the
    office, one filed by the demo enterprise for its employee (个税奖补, P13 on the person's tax figures), housing
    and living allowances approved with instalments paid and one instalment waiting for finance, a car subsidy paid
    in full, and one person who changed employer within the service period (a clawback raised to the office)."""
    from gaoxin.accounts.models import OrgUnit

    from . import services
    from .ledger import add_years
    from .models import TalentClaim, TalentInstalment
    from .talent_item_seed import seed_talent_items

    items = {i.code: i for i in seed_talent_items(issuer=OrgUnit.objects.get(code="hrss"))}
    own = list(enterprise_user.enterprises.all())
    talents = _demo_talents(office=office, enterprises=(own[:1] + list(enterprises))[:8] or own, today=today)
    account = "湘潭银行高新支行 6230 5800 0012 {:04d}"

    def claim(talent, code, actor=office):
        return services.talent_claim_create(talent=talent, item=items[code], actor=actor,
                                            bank_account=account.format(talent.pk % 10000))

    def approve_and_pay(c, paid: int, *, waiting: bool = False, years_ago: int = 0, days_ago: int = 0):
        c = services.talent_claim_transition(claim=c, name="APPROVE", actor=office)
        if years_ago or days_ago:  # approved earlier: its instalments fell due then
            back = (lambda day: add_years(day, -years_ago) - dt.timedelta(days=days_ago))
            for inst in TalentInstalment.objects.filter(claim=c):
                TalentInstalment.objects.filter(pk=inst.pk).update(due_on=back(inst.due_on))
            TalentClaim.objects.filter(pk=c.pk).update(approved_on=back(c.approved_on))
        for inst in TalentInstalment.objects.filter(claim=c).order_by("seq")[:paid + waiting]:
            inst = services.talent_instalment_transition(instalment=inst, name="APPROVE", actor=office)
            if inst.seq <= paid:
                services.talent_instalment_transition(instalment=inst, name="PAY", actor=finance,
                                                      payment_ref=f"ZF{inst.due_on:%Y}-RC{inst.claim_id:03d}-{inst.seq}")
        _date_claim(c.pk, today=today)
        return c

    def filed(c, days_ago: int):
        _date_claim(c.pk, today=today, submitted=today - dt.timedelta(days=days_ago))
        return c

    # The demo enterprise's employee: 个税奖补 filed by the employer, from the person's tax figures (P13: 30万).
    services.person_facts_update(talent=talents[0], values={"personal_taxable_income": 200, "iit_paid": 60},
                                 actor=office)
    first = talents[0]
    filed(claim(first, "iit", actor=enterprise_user if first.employer_id in {e.pk for e in own} else office), 3)
    approve_and_pay(claim(first, "housing-purchase"), 1, days_ago=20)
    # The second year's instalment fell due ten days ago and waits for finance.
    approve_and_pay(claim(talents[1], "living"), 1, waiting=True, years_ago=1, days_ago=10)
    filed(claim(talents[2], "housing-rent"), 6)  # waiting for the office
    approve_and_pay(claim(talents[4], "car"), 1, days_ago=12)  # one instalment: paid in full
    approve_and_pay(claim(talents[5], "housing-purchase"), 2, years_ago=2, days_ago=30)
    # Left within the service period: the registry's employer changed, the system stops the payments and raises
    # the clawback to the office.
    leaver = talents[3]
    approve_and_pay(claim(leaver, "living"), 1, years_ago=1, days_ago=40)
    new_employer = next(e for e in enterprises if e.pk != leaver.employer_id)
    leaver.employer = new_employer
    leaver.save(update_fields=["employer", "updated_at"])
    services.talent_departures_check(talent_ids=[leaver.pk])
    _demo_own_claim(items, account)
    return {"talents": len(talents), "claims": TalentClaim.objects.count()}


def _date_claim(claim_id: int, *, today: dt.date, submitted: dt.date | None = None) -> None:
    """Dates a demo claim as if it had been handled over the past months, not all at seeding: filed a week before
    its approval (or on `submitted`), each instalment approved on its due date and paid three days later (never
    after yesterday), and the timeline's steps at those dates."""
    from django.urls import reverse
    from django.utils import timezone

    from gaoxin.core.models import Notification
    from gaoxin.core.numbering import next_number

    from .models import TalentClaim, TalentClaimEvent, TalentInstalment

    claim = TalentClaim.objects.get(pk=claim_id)
    at = (lambda day, hour: timezone.make_aware(dt.datetime.combine(day, dt.time(hour))))
    submitted = submitted or (claim.approved_on - dt.timedelta(days=7))
    # Numbered on the day it was filed (RC + that date), as the service numbers a claim; its notices follow.
    number = next_number("RC", on=submitted)
    TalentClaim.objects.filter(pk=claim_id).update(created_at=at(submitted, 9), number=number)
    Notification.objects.filter(url=reverse("talent_claim", args=[claim.number])).update(
        url=reverse("talent_claim", args=[number]))
    days = {"SUBMIT": at(submitted, 9), "APPROVE": at(claim.approved_on, 10) if claim.approved_on else None}
    for inst in TalentInstalment.objects.filter(claim=claim, approved_on__isnull=False):
        approved = max(inst.due_on, claim.approved_on)
        paid = min(approved + dt.timedelta(days=3), today - dt.timedelta(days=1)) if inst.paid_on else None
        TalentInstalment.objects.filter(pk=inst.pk).update(approved_on=approved, paid_on=paid)
        days[f"INSTALMENT_APPROVE:第{inst.seq}期"] = at(approved, 10)
        if paid:
            days[f"INSTALMENT_PAY:第{inst.seq}期"] = at(paid, 15)
    for event in TalentClaimEvent.objects.filter(claim=claim):
        when = days.get(f"{event.transition}:{event.subject}") or days.get(event.transition)
        if when is not None:
            TalentClaimEvent.objects.filter(pk=event.pk).update(at=when)


def _demo_own_claim(items: dict, account: str) -> None:
    """The demo talent's own log-in (bound by the talent room's demo) has claimed the first item it qualifies for,
    waiting for the talent office, so "我的人才待遇" shows a claim of their own."""
    from gaoxin.talent.models import Talent

    from . import services
    from .selectors import person_row, talent_eligibility

    talent = Talent.objects.filter(user__username="talent", user__is_active=True).select_related("user").first()
    if talent is None:
        return
    row = person_row(talent)
    for item in items.values():
        if talent_eligibility(talent, item, row=row).ok:
            services.talent_claim_create(talent=talent, item=item, actor=talent.user,
                                         bank_account=account.format(talent.pk % 10000))
            return


# --- restricted industries (issue 24) -------------------------------------------------------------------------------

RESTRICTED = [("2521", "炼焦", "restricted", "《产业结构调整指导目录》限制类：炼焦"),
              ("3011", "水泥制造", "restricted", "《产业结构调整指导目录》限制类：新建水泥熟料生产线"),
              ("3041", "平板玻璃制造", "restricted", "《产业结构调整指导目录》限制类：新建平板玻璃生产线")]


def build_demo_restricted_industries(firm) -> None:
    """The zone's list of restricted industries, and one of the demo enterprise's firms on it: a cement maker (3011)
    small enough for 小型微利企业所得税优惠 by every figure — its 从业人数 and 资产总额 recorded per quarter — that
    the policy page tells why it does not qualify."""
    from gaoxin.enterprises.models import Enterprise

    from .fields import QUARTERS
    from .models import RestrictedIndustry

    RestrictedIndustry.objects.bulk_create([RestrictedIndustry(code=c, name=n, kind=k, basis=b) for c, n, k, b in RESTRICTED])
    name = firm.name
    for word in ("新材料", "陶瓷", "玻璃纤维", "电工", "电气", "新能源", "储能", "电缆", "智能装备", "重工", "机器人",
                 "矿山装备", "机械", "精密机械", "液压", "轴承", "电子", "微电子", "光电", "半导体", "汽车零部件",
                 "汽车电子", "新能源汽车部件"):
        if word in name:
            name = name.replace(word, "水泥", 1)
            break
    Enterprise.objects.filter(pk=firm.pk).update(industry_id="30", industry_code="3011", name=name)
    staff = [(86, 88), (88, 92), (92, 95), (95, 94)]
    assets = [(3200, 3260), (3260, 3310), (3310, 3390), (3390, 3450)]
    # The rest of its figures agree with a firm of that size.
    values = {"taxable_income": Decimal(120), "avg_staff": None, "avg_assets": None, "employees": 94,
              "insured_count": 94, "assets": 3450, "liabilities": 1650, "revenue": 4800, "revenue_prev": 4500,
              "main_business_revenue": 4650, "sales_3y": 13500, "ui_paid": Decimal("4.70")}
    for q, (s0, s1), (a0, a1) in zip(QUARTERS, staff, assets, strict=True):
        values.update({f"staff_q{q}_start": s0, f"staff_q{q}_end": s1, f"assets_q{q}_start": a0, f"assets_q{q}_end": a1})
    ProfileFact.objects.filter(enterprise=firm, field__in=list(values)).delete()
    ProfileFact.objects.bulk_create([ProfileFact(enterprise=firm, field=f, number=Decimal(v), source="企业填报",
                                                 as_of=dt.date(2026, 6, 30)) for f, v in values.items() if v is not None])
