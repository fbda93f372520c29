"""Reads of the competitions room, starting from the scopers in permissions.py; the candidate pool reads the
registry and the profile facts in five queries and hands them to the pure eligibility rules (eligibility.py)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import permissions as perms
from .conflicts import FirmIdentity, JudgeTies, conflict_reasons
from .eligibility import Assessment, FirmFacts, Pool, Rules, assess, pool
from .judging import Criterion, Rubric, mix_shortfall, rank_entries
from .models import Award, Edition, JudgeKind, PriorAward, RegistrationStatus


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
    """The registry and profile facts the eligibility rules read, six queries whatever the number of firms: the
    firms, their prior-year revenue and listing facts, their valid HNTE and 科技型中小企业 qualifications (the latter
    with its number), their awards in earlier editions (recorded before Gaoxin, and recorded here)."""
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
    # Awards recorded here in earlier editions count against the limit too.
    recorded = Award.objects.all() if enterprise_ids is None else Award.objects.filter(
        registration__enterprise_id__in=sorted(enterprise_ids))
    for eid, n in recorded.values("registration__enterprise_id").annotate(n=Count("pk")).values_list(
            "registration__enterprise_id", "n"):
        held, top3 = won.get(eid, (0, 0))
        won[eid] = (held + n, top3)
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


# --- judging a zone round --------------------------------------------------------------------------------------


def rubric_of(round) -> Rubric:
    return Rubric(tuple(Criterion(c.code, c.label, c.weight, c.max_score) for c in round.criteria.all()))


def _identity(firm) -> FirmIdentity:
    return FirmIdentity(firm.pk, firm.name, firm.legal_representative or "")


def judge_ties(judge) -> JudgeTies:
    return JudgeTies(employer=_identity(judge.employer) if judge.employer_id else None,
                     declared=tuple(_identity(f) for f in judge.declared.all()))


def round_entries(round) -> QuerySet:
    """The entries of a round: the edition's firms whose eligibility the bureau checked."""
    return (round.edition.registrations.filter(status=RegistrationStatus.CHECKED)
            .select_related("enterprise", "track").order_by("track__sort_order", "enterprise__name", "pk"))


def judge_sheet(*, round, judge) -> list[dict]:
    """What a judge has to do: each entry with the conflict reasons that refuse them, or their marks when scored."""
    ties = judge_ties(judge)
    done = {s.registration_id: s for s in round.scores.filter(judge=judge)}
    rows = []
    for n, entry in enumerate(round_entries(round), 1):
        rows.append({"entry": entry, "number": n, "conflicts": conflict_reasons(ties, _identity(entry.enterprise)),
                     "score": done.get(entry.pk)})
    return rows


def round_results(*, round) -> list[dict]:
    """The ranking (judging.rank_entries with the round's method, precision and tie-breaks; an entry needs its full
    panel) and, for every entry, the kinds its panel still lacks against the mix rule."""
    rubric = rubric_of(round)
    entries = {e.pk: e for e in round_entries(round)}
    scores, kinds = {}, defaultdict(list)
    for s in round.scores.select_related("judge"):
        if s.registration_id in entries:
            scores[(str(s.registration_id), str(s.judge_id))] = {k: Decimal(str(v)) for k, v in s.marks.items()}
            kinds[s.registration_id].append(s.judge.kind)
    tie_break = tuple(t.strip() for t in round.tie_break.split(",") if t.strip())
    ranked = {int(r.entry): r for r in rank_entries(scores, rubric, method=round.method, precision=round.precision,
                                                    tie_break=tie_break, min_judges=round.judges_per_entry)}
    labels = dict(JudgeKind.choices)
    rows = [{"entry": entries[pk], "result": ranked.get(pk), "judges": len(kinds[pk]),
             "missing": "、".join(f"{labels.get(k, k)} {n} 名" for k, n in mix_shortfall(round.mix, kinds[pk]).items())}
            for pk in entries]
    rows.sort(key=lambda r: (r["result"] is None, r["result"].rank if r["result"] else 0, r["entry"].enterprise.name))
    return rows


# --- results on notice, objections, awards ----------------------------------------------------------------------


def published_results(*, round) -> list:
    """The published results of a round (on notice or final), ranked first, then the entries taken out."""
    return list(round.results.select_related("registration__enterprise", "registration__track")
                .order_by("excluded", "rank", "pk"))


def round_objections(*, round) -> QuerySet:
    from .models import ResultObjection

    return (ResultObjection.objects.filter(result__round=round)
            .select_related("result__registration__enterprise", "filed_by").order_by("status", "-filed_at", "-pk"))


def edition_awards(*, user, edition) -> QuerySet:
    return (perms.awards_visible_to(user).filter(registration__edition=edition)
            .select_related("registration__enterprise", "registration__track", "level", "stage")
            .order_by("level__rank", "registration__enterprise__name", "pk"))


def notice_rounds(*, user) -> QuerySet:
    """Rounds whose results are on notice or final (for the room's front page)."""
    return perms.published_rounds_visible_to(user).select_related("edition").order_by("-notice_start", "-pk")
