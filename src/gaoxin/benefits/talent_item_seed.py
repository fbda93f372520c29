"""The default talent benefit items (benefits.md §6.2, "(default, configurable)"): configuration a zone edits on the
items page (amounts per tier, instalments, caps, service period), not constants. Amounts in 元 from the spec's
anchors: 杭州 2023 purchase subsidy B 200万 / C 150万 / D 100万 / E 20万; E rent 2,500元 a month (three years, paid
yearly); 2019 living allowances B / C / D 120万 / 100万 / 80万; P13 个税奖补 at 15 % for A–C within five years of
recognition; a car-purchase subsidy whose amount is a parameter (襄阳 publishes none: 5万 as a placeholder to set)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

# code, name, kind, policy (code, title, rule) or the catalogue's P13, instalments, fixed, cap, rate, years, tiers,
# workplace = insurance location required, service years (clawback), amounts per tier
DEFAULT_ITEMS = [
    ("housing-purchase", "人才购房补贴", "housing_purchase",
     ("rc-housing", "高层次人才购房补贴", "has('车城人才') or has('领军人才')"),
     5, None, None, None, None, "B,C,D,E", True, 5,
     {"B": 2000000, "C": 1500000, "D": 1000000, "E": 200000}),
    ("housing-rent", "人才租房补贴", "housing_rent",
     ("rc-rent", "青年人才租房补贴", "education in ['本科', '硕士研究生', '博士研究生']"),
     3, None, Decimal(90000), None, None, "E", True, 0, {"E": 90000}),
    ("living", "人才生活补贴", "living",
     ("rc-living", "领军人才生活补贴", "has('领军人才') or tier_rank <= 3"),
     5, None, None, None, None, "B,C,D", False, 5, {"B": 1200000, "C": 1000000, "D": 800000}),
    ("iit", "高端人才个税奖补", "iit", "p13", 1, None, Decimal(500000), Decimal("0.15"), 5, "A,B,C", False, 0, {}),
    ("car", "人才购车补贴", "car", ("rc-car", "车城人才购车补贴", "has('车城人才')"),
     1, Decimal(50000), None, None, None, "A,B,C,D", True, 3, {}),
]


def seed_talent_items(*, issuer, p13=None) -> list:
    """Create the default items (and their person policies, published) where missing; `p13` is the catalogue's
    个税奖补 policy (subject 人才), created here when not given."""
    from django.utils import timezone

    from gaoxin.talent.models import TalentTier

    from .models import Policy, PolicyStatus, PolicySubject, TalentBenefitItem, TierAmount

    tiers = {t.code: t for t in TalentTier.objects.all()}
    items = []
    for code, name, kind, policy, count, fixed, cap, rate, years, tier_codes, workplace, service, amounts in DEFAULT_ITEMS:
        if policy == "p13":
            policy = p13 or Policy.objects.filter(code="p13").first() or Policy.objects.create(
                code="p13", title="个人所得税奖补（高端人才）", subject=PolicySubject.PERSON, issuer=issuer,
                kind="subsidy", mode="apply", rule="iit_paid > personal_taxable_income * 0.15",
                formula="max(iit_paid - personal_taxable_income * 0.15, 0)", effective_from=dt.date(2023, 1, 1),
                status=PolicyStatus.PUBLISHED, published_at=timezone.now(),
                summary="按已缴个人所得税超过应纳税所得额15%的部分给予补贴。")
        else:
            p_code, title, rule = policy
            policy, _ = Policy.objects.get_or_create(code=p_code, defaults={
                "title": title, "subject": PolicySubject.PERSON, "issuer": issuer, "kind": "subsidy", "mode": "apply",
                "level": "zone", "rule": rule, "effective_from": dt.date(2023, 1, 1), "status": PolicyStatus.PUBLISHED,
                "published_at": timezone.now(), "summary": f"{name}：按人才层次标准发放，同一事项不重复享受。",
                "guide": "人才本人登录平台申领，或由人才办、用人单位代为申领；发放期内离开的按规定追回。"})
        item, created = TalentBenefitItem.objects.get_or_create(code=code, defaults={
            "name": name, "kind": kind, "policy": policy, "instalment_years": count, "fixed_amount": fixed, "cap": cap,
            "rate": rate, "years": years, "eligible_tiers": tier_codes, "requires_insured_workplace": workplace,
            "clawback_years": service})
        if created:
            TierAmount.objects.bulk_create([TierAmount(item=item, tier=tiers[t], amount=Decimal(a))
                                            for t, a in amounts.items() if t in tiers])
        items.append(item)
    return items
