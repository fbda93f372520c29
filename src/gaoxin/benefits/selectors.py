"""Reads for benefits: the enterprise profile as a Polars frame, policies, matches, applications."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import polars as pl
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from gaoxin.enterprises.models import Enterprise, LandParcel, Qualification

from . import permissions as perms
from .fields import FIELDS
from .matching import add_derived
from .models import BenefitApplication, MatchResult, Policy, PolicyStatus, ProfileFact
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
    data = []
    for r in rows:
        data.append({
            "enterprise_id": r["id"], "industry_code": r["industry_code"] or r["industry_id"],
            "industry_section": r["industry__section"], "size_group": r["size_group"], "park": r["park_area__name"],
            "days_since_registration": Decimal((on - r["registered_on"]).days) if r["registered_on"] else None,
            "registered_capital": r["registered_capital"], "land_mu": land[r["id"]] * Decimal("0.0015"),
            "qualifications": quals[r["id"]], **facts[r["id"]],
        })
    schema = {"enterprise_id": pl.Int64, "qualifications": pl.List(pl.String)}
    for code, f in FIELDS.items():
        if f.source != "derived":
            schema[code] = NUMBER if f.kind == "number" else (pl.Boolean if f.kind == "bool" else pl.String)
    return add_derived(pl.DataFrame(data, schema=schema))


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
