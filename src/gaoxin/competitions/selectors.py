"""Reads of the competitions room, starting from the scopers in permissions.py; the candidate pool reads the
registry and the profile facts in five queries and hands them to the pure eligibility rules (eligibility.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import permissions as perms
from .eligibility import Assessment, FirmFacts, Pool, Rules, assess, pool
from .models import Edition, PriorAward, RegistrationStatus


def edition_list(*, user) -> QuerySet[Edition]:
    return perms.editions_visible_to(user).annotate(n_tracks=Count("tracks", distinct=True)).order_by(
        "-year", "name", "pk")


def edition_get(*, user, code: str) -> Edition | None:
    return perms.editions_visible_to(user).filter(code=code).first()


# --- the candidate pool ----------------------------------------------------------------------------------------


def rules_of(edition: Edition) -> Rules:
    return Rules(revenue_cap=Decimal(edition.revenue_cap), startup_since=edition.startup_since,
                 needs_certificate=edition.needs_certificate, award_limit=edition.award_limit)


def firm_facts(*, enterprise_ids=None, today: dt.date | None = None) -> list[FirmFacts]:
    """The registry and profile facts the eligibility rules read, five queries whatever the number of firms: the
    firms, their prior-year revenue and listing facts, their valid HNTE and 科技型中小企业 qualifications (the latter
    with its number), their awards in earlier editions."""
    from gaoxin.benefits.models import ProfileFact
    from gaoxin.enterprises.models import Enterprise, EnterpriseStatus, Qualification, QualificationKind

    today = today or timezone.localdate()
    firms = Enterprise.objects.all()
    facts = ProfileFact.objects.all()
    quals = Qualification.objects.filter(kind__in=[QualificationKind.HNTE, QualificationKind.TECH_SME],
                                         valid_from__lte=today).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    awards = PriorAward.objects.all()
    if enterprise_ids is not None:
        ids = sorted(enterprise_ids)
        firms, facts = firms.filter(pk__in=ids), facts.filter(enterprise_id__in=ids)
        quals, awards = quals.filter(enterprise_id__in=ids), awards.filter(enterprise_id__in=ids)
    revenue, listed = {}, {}
    for eid, fieldname, number, flag in facts.filter(field__in=["revenue", "listed"]).values_list(
            "enterprise_id", "field", "number", "flag"):
        if fieldname == "revenue":
            revenue[eid] = number
        else:
            listed[eid] = flag
    hnte, tsme = set(), set()
    for eid, kind, cert_no in quals.values_list("enterprise_id", "kind", "cert_no"):
        if kind == QualificationKind.HNTE:
            hnte.add(eid)
        elif cert_no:
            tsme.add(eid)
    won = {eid: (n, top3) for eid, n, top3 in awards.values("enterprise_id").annotate(
        n=Count("pk"), top3=Count("pk", filter=Q(national_top3=True))).values_list("enterprise_id", "n", "top3")}
    return [FirmFacts(pk, name, registered_on, status == EnterpriseStatus.OPERATING, revenue.get(pk), listed.get(pk),
                      pk in hnte, pk in tsme, won.get(pk, (0, 0))[0], bool(won.get(pk, (0, 0))[1]))
            for pk, name, registered_on, status in firms.order_by("name", "pk").values_list(
                "pk", "name", "registered_on", "status").iterator(chunk_size=5000)]


def assess_firm(edition: Edition, enterprise_id: int) -> Assessment:
    return assess(firm_facts(enterprise_ids=[enterprise_id])[0], rules_of(edition))


def candidate_pool(*, edition: Edition) -> Pool:
    """The registry's candidates for the edition that are not on its list yet (invited, registered or declined)."""
    held = set(edition.registrations.values_list("enterprise_id", flat=True))
    return pool([f for f in firm_facts() if f.firm_id not in held], rules_of(edition))


def candidate_rows(*, edition: Edition) -> tuple[list[dict], int]:
    """The pool as the page shows it: name, group, basis, notes; and how many firms were left out."""
    from gaoxin.enterprises.models import Enterprise

    result = candidate_pool(edition=edition)
    names = dict(Enterprise.objects.filter(pk__in=[a.firm_id for a in result.candidates]).values_list("pk", "name"))
    return [{"id": a.firm_id, "name": names.get(a.firm_id, ""), "group": a.group_label, "basis": a.basis,
             "notes": "；".join(a.notes)} for a in result.candidates], result.excluded


# --- registrations ---------------------------------------------------------------------------------------------


def registrations(*, user, edition: Edition, status: str = "") -> QuerySet:
    rows = perms.registrations_visible_to(user).filter(edition=edition)
    if status:
        rows = rows.filter(status=status)
    return rows.select_related("enterprise", "track").order_by("status", "enterprise__name", "pk")


def registration_counts(*, edition: Edition) -> dict:
    counts = dict(edition.registrations.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return {label: counts.get(value, 0) for value, label in RegistrationStatus.choices}


def own_registrations(*, user) -> QuerySet:
    """A firm's own invitations and registrations (newest edition first)."""
    return (perms.registrations_visible_to(user).select_related("edition", "enterprise", "track")
            .order_by("-edition__year", "edition__name", "enterprise__name", "pk"))


def registration_get(*, user, pk: int):
    return (perms.registrations_visible_to(user).select_related("edition", "enterprise", "track", "invited_by")
            .filter(pk=pk).first())
