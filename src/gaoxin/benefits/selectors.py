"""Reads for benefits: the enterprise profile as a Polars frame, policies, matches, applications."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import polars as pl
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from gaoxin.core.validators import year_param
from gaoxin.enterprises.models import Enterprise, LandParcel, Qualification

from . import permissions as perms
from .fields import FIELDS
from .industries import restricted_flag
from .lifecycle import add_life_stage
from .matching import add_derived
from .models import BenefitApplication, MatchResult, Policy, PolicyStatus, ProfileFact, RestrictedIndustry
from .rules import NUMBER


def profile_frame(enterprise_ids: list[int] | None = None, *, on: dt.date | None = None) -> pl.DataFrame:
    """One row per enterprise: registry fields, valid qualifications and recorded facts."""
    on = on or timezone.localdate()
    ents = Enterprise.objects.all() if enterprise_ids is None else Enterprise.objects.filter(pk__in=enterprise_ids)
    rows = list(ents.values("id", "industry_code", "industry_id", "industry__section", "size_group", "park_area__name",
                            "registered_on", "registered_capital"))
    ids = [r["id"] for r in rows]
    quals = defaultdict(list)
    qs = Qualification.objects.filter(valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
    for ent_id, kind in (qs if enterprise_ids is None else qs.filter(enterprise_id__in=ids)).values_list("enterprise_id", "kind"):
        quals[ent_id].append(Qualification(kind=kind).get_kind_display())
    land = defaultdict(Decimal)
    parcels = LandParcel.objects.all() if enterprise_ids is None else LandParcel.objects.filter(enterprise_id__in=ids)
    for ent_id, kind, area in parcels.values_list("enterprise_id", "kind", "area_m2"):
        land[ent_id] += area if kind != "leased_out" else -area
    facts = defaultdict(dict)
    fq = ProfileFact.objects.all() if enterprise_ids is None else ProfileFact.objects.filter(enterprise_id__in=ids)
    for ent_id, field, number, text, flag in fq.values_list("enterprise_id", "field", "number", "text", "flag"):
        f = FIELDS.get(field)
        if f is not None:
            facts[ent_id][field] = number if f.kind == "number" else (flag if f.kind == "bool" else (text or None))
    restricted = list(RestrictedIndustry.objects.filter(is_active=True).values_list("code", flat=True))
    data = []
    for r in rows:
        industry = r["industry_code"] or r["industry_id"]
        data.append({
            "enterprise_id": r["id"], "industry_code": industry,
            "restricted_industry": restricted_flag(industry, restricted),
            "industry_section": r["industry__section"], "size_group": r["size_group"], "park": r["park_area__name"],
            "days_since_registration": Decimal((on - r["registered_on"]).days) if r["registered_on"] else None,
            "registered_capital": r["registered_capital"], "land_mu": land[r["id"]] * Decimal("0.0015"),
            "qualifications": quals[r["id"]], **facts[r["id"]],
        })
    schema = {"enterprise_id": pl.Int64, "qualifications": pl.List(pl.String)}
    for code, f in FIELDS.items():
        if f.source != "derived":
            schema[code] = NUMBER if f.kind == "number" else (pl.Boolean if f.kind == "bool" else pl.String)
    return add_life_stage(add_derived(pl.DataFrame(data, schema=schema)))


def policy_list(*, user, q: str = "", kind: str = "", mode: str = "") -> QuerySet[Policy]:
    qs = perms.policies_visible_to(user).select_related("issuer")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(document_number__icontains=q) | Q(summary__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if mode:
        qs = qs.filter(mode=mode)
    return qs


def my_matches(*, user) -> QuerySet[MatchResult]:
    """The matches of the user's own firms with published policies (我可享受的政策)."""
    return (MatchResult.objects.filter(enterprise__in=perms.firms_for_benefits(user),
                                       policy__status=PolicyStatus.PUBLISHED)
            .select_related("policy", "policy__issuer", "enterprise")
            .order_by("verdict", F("estimate").desc(nulls_last=True), "policy__title"))  # unknown amounts last


def application_list(*, user, status: str = "") -> QuerySet[BenefitApplication]:
    qs = perms.applications_visible_to(user)
    if status:
        qs = qs.filter(status=status)
    return qs


def application_get(*, user, number: str) -> BenefitApplication | None:
    return perms.applications_visible_to(user).filter(number=number).first()


def publicity_by_policy() -> QuerySet:
    """Policies with awards on public notice (公示): one row per policy with the count and the last day."""
    from django.db.models import Count, Max

    from .models import AppStatus

    return (BenefitApplication.objects.filter(status=AppStatus.PUBLICITY)
            .values("policy__code", "policy__title", "policy__issuer__name")
            .annotate(firms=Count("id"), notice_end=Max("notice_end")).order_by("-notice_end", "policy__code"))


def publicity_list(*, policy_code: str) -> QuerySet[BenefitApplication]:
    """The awards of one policy on public notice: what the public may read (firm, amount, last day)."""
    from .models import AppStatus

    return (BenefitApplication.objects.filter(status=AppStatus.PUBLICITY, policy__code=policy_code)
            .select_related("enterprise", "policy").order_by("enterprise__name", "pk"))


# --- talent benefits: a person's facts, eligibility, the ledger (benefits.md §6.2) -------------------------------

def _age(id_number: str, on: dt.date) -> Decimal | None:
    try:
        born = dt.date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except (ValueError, IndexError):
        return None
    return Decimal(on.year - born.year - ((on.month, on.day) < (born.month, born.day)))


def person_row(talent, *, on: dt.date | None = None) -> dict:
    """One person's values of `fields.PERSON_FIELDS` (None where unknown) and `qualifications`, the titles whose
    recognition is valid on `on`: the tier is the highest tier among them, the years count from its recognition."""
    from gaoxin.talent.models import RecognitionStatus

    from .fields import PERSON_FIELDS
    from .models import PersonFact

    on = on or timezone.localdate()
    recognitions = [r for r in talent.recognitions.filter(status=RecognitionStatus.VALID, recognised_on__lte=on,
                                                          valid_to__gte=on).select_related("tier", "title")]
    best = min(recognitions, key=lambda r: (r.tier.rank, r.recognised_on), default=None)
    employer = talent.employer
    row = {
        "talent_id": talent.pk, "qualifications": sorted({r.title.name for r in recognitions}),
        "tier": best.tier.code if best else None, "tier_rank": Decimal(best.tier.rank) if best else None,
        "education": talent.get_education_display() if talent.education else None,
        "professional_title": talent.professional_title or None,
        "skill_grade": talent.get_skill_grade_display() if talent.skill_grade else None,
        "employer_uscc": employer.uscc if employer else None,
        "employer_park": employer.park_area.name if employer and employer.park_area_id else None,
        "work_location": talent.work_location or None, "insurance_location": talent.insurance_location or None,
        "works_where_insured": (talent.work_location == talent.insurance_location)
        if talent.work_location and talent.insurance_location else None,
        "years_since_recognition": Decimal((on - best.recognised_on).days // 365) if best else None,
        "age": _age(talent.id_number, on),
    }
    for fact in PersonFact.objects.filter(talent=talent):
        f = PERSON_FIELDS.get(fact.field)
        if f is not None and f.source == "fact":
            row[fact.field] = fact.number if f.kind == "number" else fact.flag if f.kind == "bool" else (fact.text or None)
    for code in PERSON_FIELDS:
        row.setdefault(code, None)
    return row


@dataclass
class Eligibility:
    """Whether a person may claim an item now: `ok` True / False / None (data missing), the reasons it is refused,
    the data it waits for, the amount (元) and how it was computed."""

    ok: bool | None
    refused: list[str]
    missing: list[str]
    amount: Decimal | None
    basis: str
    row: dict
    taken: bool = False  # a live claim of the item exists already (set by the page, which reads them at once)


def talent_eligibility(talent, item, *, on: dt.date | None = None, row: dict | None = None) -> Eligibility:
    """The item's policy rule on the person's facts (three-valued), then the item's own conditions: eligible tiers,
    work place = social-insurance location where required, the years after recognition; the amount from the tier
    table, the fixed amount or the P13 formula (IIT paid − taxable income × rate, never below 0), capped."""
    from .fields import PERSON_FIELDS
    from .ledger import WAN, iit_subsidy
    from .matching import add_person_columns
    from .models import TalentItemKind
    from .rules import compile_rule, evaluate_row, unmet_conditions
    from .services import has_names

    row = row if row is not None else person_row(talent, on=on)  # a page checking every item reads the person once
    refused, missing = [], []
    compiled = compile_rule(item.policy.rule, fields=PERSON_FIELDS, qualifications=has_names("person"))
    verdict = evaluate_row(compiled, row)
    if verdict is False:
        refused += unmet_conditions(compiled, row)
    elif verdict is None:
        frame = add_person_columns(pl.DataFrame([row], strict=False, infer_schema_length=None))
        values = frame.select([e.alias(f"l{i}") for i, e in enumerate(compiled.leaf_exprs)]).row(0)
        for leaf, value in zip(compiled.leaves, values, strict=True):
            if value is None:
                missing += [PERSON_FIELDS[f].label for f in leaf.fields if row.get(f) is None]
    tiers = item.tier_codes
    if row["tier"] is None:
        refused.append("未持有有效的人才认定（无人才层次）")
    elif tiers and row["tier"] not in tiers:
        refused.append(f"人才层次为{row['tier']}类，本事项适用{'、'.join(t + '类' for t in tiers)}")
    if item.requires_insured_workplace:
        if row["works_where_insured"] is None:
            missing.append("工作地、社保缴纳地")
        elif not row["works_where_insured"]:
            refused.append(f"工作地（{talent.work_location}）与社保缴纳地（{talent.insurance_location}）不一致")
    if item.years and row["years_since_recognition"] is not None and row["years_since_recognition"] >= item.years:
        refused.append(f"认定已满{item.years}年，超过申领期限")
    amount, basis = None, ""
    if item.kind == TalentItemKind.IIT:
        if row["iit_paid"] is None or row["personal_taxable_income"] is None:
            missing += [PERSON_FIELDS[f].label for f in ("iit_paid", "personal_taxable_income") if row[f] is None]
        else:
            rate = item.rate if item.rate is not None else Decimal("0.15")
            amount = (iit_subsidy(row["iit_paid"], row["personal_taxable_income"], rate) * WAN).quantize(Decimal("0.01"))
            basis = (f"已缴个人所得税{row['iit_paid'].normalize():f}万元 − 应纳税所得额"
                     f"{row['personal_taxable_income'].normalize():f}万元 × {rate.normalize():f}")
    elif row["tier"] is not None:
        tier_amount = item.tier_amounts.filter(tier__code=row["tier"]).values_list("amount", flat=True).first()
        if tier_amount is not None:
            amount, basis = tier_amount, f"{row['tier']}类人才标准"
        elif item.fixed_amount is not None:
            amount, basis = item.fixed_amount, "定额"
        else:
            refused.append(f"本事项未设{row['tier']}类人才的金额")
    if amount is not None and item.cap is not None and amount > item.cap:
        amount, basis = item.cap, f"{basis}，按每人最高{item.cap:,.2f}元"
    if amount is not None and amount <= 0:
        refused.append("按公式计算的金额为0（已缴个税未超过应纳税所得额的规定比例）")
    missing = list(dict.fromkeys(missing))
    ok = False if refused else (None if missing else True)
    return Eligibility(ok, refused, missing, amount, basis, row)


def talent_claim_list(*, user, item: str = "", status: str = "", tier: str = "", year: str = "", q: str = ""):
    qs = perms.talent_claims_visible_to(user)
    if item:
        qs = qs.filter(item__code=item)
    if status:
        qs = qs.filter(status=status)
    if tier:
        qs = qs.filter(tier_code=tier)
    if (year := year_param(year)) is not None:
        qs = qs.filter(created_at__year=year)
    if q:
        qs = qs.filter(Q(talent__name__icontains=q) | Q(number__icontains=q) | Q(enterprise__name__icontains=q))
    return qs


def talent_ledger_totals(claims) -> dict:
    """The ledger's totals over the claims shown (the filters applied): approved, paid, to pay, to recover."""
    from django.db.models import Count, Sum

    from .models import ClawbackStatus, InstalmentStatus, TalentClawback, TalentInstalment

    ids = claims.values("pk")
    paid = TalentInstalment.objects.filter(claim__in=ids).aggregate(
        paid=Sum("amount", filter=Q(status=InstalmentStatus.PAID)),
        to_pay=Sum("amount", filter=Q(status=InstalmentStatus.APPROVED)),
        scheduled=Sum("amount", filter=Q(status=InstalmentStatus.SCHEDULED)))
    claims_total = claims.aggregate(count=Count("pk"), amount=Sum("amount", filter=Q(status__in=[
        "approved", "completed", "stopped"])))
    recover = TalentClawback.objects.filter(claim__in=ids, status=ClawbackStatus.RAISED).aggregate(
        amount=Sum("amount"), count=Count("pk"))
    zero = Decimal(0)
    return {"count": claims_total["count"], "approved": claims_total["amount"] or zero, "paid": paid["paid"] or zero,
            "to_pay": paid["to_pay"] or zero, "scheduled": paid["scheduled"] or zero,
            "recover": recover["amount"] or zero, "recover_count": recover["count"]}


def talent_claim_get(*, user, number: str):
    return perms.talent_claims_visible_to(user).filter(number=number).first()
