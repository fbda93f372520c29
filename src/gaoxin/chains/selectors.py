"""Reads of the industry-chain room, starting from the scopers in permissions.py. The chain page's lists each start
from their own room's scoper (appeals, job demands, policy applications) narrowed to the chain's confirmed firms by
a subquery: a page costs the same number of queries however many firms the chain holds."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Max, Q, QuerySet, Sum
from django.utils import timezone

from . import permissions as perms
from .models import (
    LOCAL_ROLES,
    ActionItem,
    Chain,
    ChainAppeal,
    ChainNode,
    InvestmentTarget,
    MemberRole,
    Membership,
    MembershipStatus,
    Segment,
)
from .suggest import gaps

MAP_FIRMS_PER_NODE = 5
SOLVED_APPEAL_STATES = ("resolved", "closed")  # appeals.AppealStatus.RESOLVED, CLOSED: the problem is solved


def chain_list(*, user) -> QuerySet[Chain]:
    confirmed = Q(memberships__status=MembershipStatus.CONFIRMED)
    return perms.chains_visible_to(user).select_related("chief").annotate(
        n_nodes=Count("nodes", distinct=True),
        n_problems=Count("appeal_tags", distinct=True),
        n_solved=Count("appeal_tags", filter=Q(appeal_tags__appeal__status__in=SOLVED_APPEAL_STATES), distinct=True),
        n_firms=Count("memberships__enterprise", filter=confirmed & Q(memberships__role__in=LOCAL_ROLES),
                      distinct=True),
        n_suggested=Count("memberships", filter=Q(memberships__status=MembershipStatus.SUGGESTED), distinct=True),
    ).order_by("name", "pk")


def chain_get(*, user, code: str) -> Chain | None:
    return perms.chains_visible_to(user).select_related("chief").filter(code=code).first()


def member_firm_ids(chain: Chain):
    """The chain's confirmed firms, as a subquery."""
    return Membership.objects.filter(chain=chain, status=MembershipStatus.CONFIRMED).values("enterprise_id")


def chain_map(*, chain: Chain, show_firms: bool) -> dict:
    """Nodes by segment with their confirmed firms (names only for those who may read them) and the gaps; the
    same data feeds the drawn map (json_script) and the table beside it. Two queries."""
    nodes = list(chain.nodes.all())
    firms = defaultdict(list)
    counts = defaultdict(int)
    local = set()
    for node_id, name, role in (Membership.objects.filter(chain=chain, status=MembershipStatus.CONFIRMED)
                                .order_by("node_id", "role", "enterprise__name", "pk")
                                .values_list("node_id", "enterprise__name", "role")):
        counts[node_id] += 1
        if role in LOCAL_ROLES:
            local.add(node_id)
        if show_firms and len(firms[node_id]) < MAP_FIRMS_PER_NODE:
            firms[node_id].append({"name": name, "role": MemberRole(role).label})
    gap_ids = set(gaps([n.pk for n in nodes], local))
    segments = []
    for value, label in Segment.choices:
        rows = [{"id": n.pk, "name": n.name, "segment": label, "count": counts[n.pk], "gap": n.pk in gap_ids,
                 "firms": firms[n.pk], "more": max(counts[n.pk] - len(firms[n.pk]), 0) if show_firms else 0,
                 "keywords": n.keywords}
                for n in nodes if n.segment == value]
        segments.append({"value": value, "label": label, "nodes": rows})
    return {"segments": segments, "gaps": [n for s in segments for n in s["nodes"] if n["gap"]]}


def memberships(*, user, chain: Chain, status: str = MembershipStatus.CONFIRMED) -> QuerySet[Membership]:
    return (perms.memberships_visible_to(user).filter(chain=chain, status=status)
            .select_related("node", "enterprise__industry", "enterprise__park_area", "decided_by")
            .order_by("node__segment", "node__sort_order", "node_id", "enterprise__name", "pk"))


def own_memberships(*, user) -> QuerySet[Membership]:
    """A firm's own places on chains (confirmed)."""
    return (perms.memberships_visible_to(user).filter(status=MembershipStatus.CONFIRMED)
            .select_related("chain", "node", "enterprise").order_by("chain__name", "node__segment", "pk"))


def chain_appeals(*, user, chain: Chain) -> QuerySet:
    """Problems of the chain: the appeals tagged with it that the user may read (newest first), each with its
    tag's id for untagging."""
    from gaoxin.appeals.permissions import appeals_visible_to

    tags = ChainAppeal.objects.filter(chain=chain)
    return (appeals_visible_to(user).filter(pk__in=tags.values("appeal_id"))
            .select_related("enterprise", "lead").order_by("-received_at", "-pk"))


def chain_appeal_tags(*, chain: Chain, appeal_ids) -> dict[int, int]:
    """appeal id → tag id, for the untag buttons of one page."""
    return dict(ChainAppeal.objects.filter(chain=chain, appeal_id__in=list(appeal_ids))
                .values_list("appeal_id", "pk"))


def chain_member_appeals_untagged(*, user, chain: Chain, limit: int = 10) -> list:
    """Open appeals of the chain's confirmed firms, not yet tagged, the user may read: offered to the task force to
    tag (newest first)."""
    from gaoxin.appeals.permissions import appeals_visible_to

    return list(appeals_visible_to(user).filter(enterprise_id__in=member_firm_ids(chain))
                .exclude(pk__in=ChainAppeal.objects.filter(chain=chain).values("appeal_id"))
                .exclude(status__in=SOLVED_APPEAL_STATES + ("referred_out",))
                .select_related("enterprise").order_by("-received_at", "-pk")[:limit])


def chain_problem_counts(chain: Chain) -> dict:
    """The chain's tagged problems and how many are solved (aggregates, whoever reads)."""
    return ChainAppeal.objects.filter(chain=chain).aggregate(
        n=Count("pk"), solved=Count("pk", filter=Q(appeal__status__in=SOLVED_APPEAL_STATES)))


def chain_projects(*, user, chain: Chain) -> QuerySet:
    """Approval-chain projects of the chain: its confirmed firms' and those its investment targets started, the
    user may read (newest first)."""
    from gaoxin.assist.permissions import projects_visible_to

    return (projects_visible_to(user)
            .filter(Q(enterprise_id__in=member_firm_ids(chain)) | Q(pk__in=InvestmentTarget.objects.filter(
                chain=chain, project__isnull=False).values("project_id")))
            .select_related("enterprise", "template").order_by("-created_at", "-pk"))


def chain_job_demands(*, user, chain: Chain) -> QuerySet:
    from gaoxin.talent.permissions import demands_visible_to

    return (demands_visible_to(user).filter(enterprise_id__in=member_firm_ids(chain))
            .select_related("enterprise").order_by("-created_at", "-pk"))


def chain_talents(*, user, chain: Chain) -> QuerySet:
    """The registered talents working for the chain's confirmed firms, as far as the reader sees the registry, with
    their valid recognitions (one query more, whatever the page)."""
    from django.db.models import Prefetch

    from gaoxin.talent.models import Recognition
    from gaoxin.talent.permissions import talents_visible_to

    valid = Recognition.objects.filter(status="valid").select_related("title", "tier").order_by("tier__code", "pk")
    return (talents_visible_to(user).filter(employer_id__in=member_firm_ids(chain))
            .select_related("employer").prefetch_related(Prefetch("recognitions", queryset=valid, to_attr="valid"))
            .order_by("employer__name", "name", "pk"))


def chain_policies_paid(*, user, chain: Chain) -> QuerySet:
    from gaoxin.benefits.models import AppStatus
    from gaoxin.benefits.permissions import applications_visible_to

    return (applications_visible_to(user)
            .filter(enterprise_id__in=member_firm_ids(chain), status__in=[AppStatus.PAID, AppStatus.ARCHIVED])
            .select_related("enterprise", "policy").order_by("-updated_at", "-pk"))


def nodes_for(chain: Chain) -> QuerySet[ChainNode]:
    return chain.nodes.all()


def chain_actions(*, chain: Chain) -> QuerySet[ActionItem]:
    """The chain's meeting actions: open ones first by deadline (the overdue on top), then the closed."""
    return (ActionItem.objects.filter(chain=chain).select_related("meeting", "owner_unit", "owner_user")
            .order_by("-status", "due_on", "pk"))


def chain_figures(*, chain: Chain) -> dict:
    """The chain's figures for staff (aggregates only; the records behind them stay in their rooms' scopes): local
    firms, the latest released per-mu tier spread of its firms, its firms' appeals this year and how many are
    resolved, policy money paid to them, open job places. Five queries."""
    from gaoxin.appeals.models import Appeal, AppealStatus
    from gaoxin.benefits.models import AppStatus, BenefitApplication
    from gaoxin.evaluation.models import TierHistory
    from gaoxin.talent.models import DemandStatus, JobDemand

    firms = member_firm_ids(chain).filter(role__in=LOCAL_ROLES)
    year = timezone.localdate().year
    local = Membership.objects.filter(chain=chain, status=MembershipStatus.CONFIRMED, role__in=LOCAL_ROLES).aggregate(
        n=Count("enterprise", distinct=True))["n"]
    latest = TierHistory.objects.filter(enterprise_id__in=firms).order_by("-year").values_list("year", flat=True).first()
    tiers = []
    if latest is not None:
        counts = dict(TierHistory.objects.filter(enterprise_id__in=firms, year=latest).values_list("tier")
                      .annotate(n=Count("pk")).values_list("tier", "n"))
        tiers = [{"tier": t, "count": counts.get(t, 0)} for t in "ABCD"]
    appeals = Appeal.objects.filter(enterprise_id__in=firms, received_at__year=year).aggregate(
        n=Count("pk"), done=Count("pk", filter=Q(status__in=[AppealStatus.RESOLVED, AppealStatus.CLOSED])))
    paid = BenefitApplication.objects.filter(enterprise_id__in=firms, status__in=[AppStatus.PAID, AppStatus.ARCHIVED]
                                             ).aggregate(n=Count("pk"), amount=Sum("amount_paid"))
    places = JobDemand.objects.filter(enterprise_id__in=firms, status__in=[DemandStatus.OPEN, DemandStatus.PARTLY_FILLED]
                                      ).aggregate(n=Sum(F("quantity") - F("filled")))["n"] or 0
    return {"local": local, "tier_year": latest, "tiers": tiers, "year": year, "appeals": appeals["n"],
            "appeals_done": appeals["done"], "paid": paid["n"], "paid_amount": paid["amount"] or 0,
            "open_places": places}


def chain_targets(*, user, chain: Chain, status: str = "", node_id: int | None = None) -> QuerySet[InvestmentTarget]:
    """The chain's investment targets (staff only), the latest contact date beside each; one query per page."""
    qs = perms.targets_visible_to(user).filter(chain=chain)
    if status:
        qs = qs.filter(status=status)
    if node_id:
        qs = qs.filter(node_id=node_id)
    return (qs.select_related("node", "project").annotate(last_contact=Max("contacts__contacted_on"),
                                                          n_contacts=Count("contacts"))
            .order_by("-updated_at", "-pk"))


def target_get(*, user, pk: int) -> InvestmentTarget | None:
    return (perms.targets_visible_to(user).select_related("chain__chief", "node", "project__enterprise", "created_by")
            .filter(pk=pk).first())


def target_history(target: InvestmentTarget) -> list[dict]:
    """Contacts and status steps on one timeline, newest first."""
    from .workflow import TARGET_WORKFLOW

    rows = [{"on": c.contacted_on, "at": c.at, "kind": c.get_channel_display(), "note": c.note, "by": c.by}
            for c in target.contacts.select_related("by")]
    rows += [{"on": timezone.localtime(e.at).date(), "at": e.at,
              "kind": TARGET_WORKFLOW[e.transition].label if e.transition in TARGET_WORKFLOW else e.transition,
              "note": e.note, "by": e.actor, "step": True}
             for e in target.events.select_related("actor")]
    return sorted(rows, key=lambda r: (r["on"], r["at"]), reverse=True)


CHAIN_MONEY_FIELDS = {"sales_wan": "sales", "tax_wan": "tax"}  # evaluation data fields summed per chain


def chain_yearly(*, chain: Chain) -> list[dict]:
    """The chain's figures per year, newest first: `chains_yearly` for one chain."""
    return chains_yearly(chain_ids=[chain.pk]).get(chain.pk, [])


def _year_row() -> dict:
    return {"sales": None, "tax": None, "rated": 0, "problems": 0, "solved": 0, "paid": 0, "paid_amount": 0}


def chains_yearly(*, chain_ids=None) -> dict[int, list[dict]]:
    """Per chain (all, or those of `chain_ids`), its figures per year, newest first (issue 20 item 4), over its
    confirmed local firms (链主, 配套; a firm on two nodes counted once):
    - sales and tax (万元): the sum of the evaluation data (`sales_wan`, `tax_wan`; the department's verified value,
      else the firm's report) of the firms rated in the latest released, non-trial cycle of each data year, with
      how many were rated;
    - problems and solved: the appeals tagged with the chain, by the year received and the year resolved (已办结待确认
      or 已关闭; resolution date, else closing date);
    - policies paid: applications paid in the year (by the payment step's date) and the amount paid (万元).
    Six queries, whatever the number of chains, firms or years; the firms' sums are added up per chain here."""
    from decimal import Decimal

    from django.db.models import DecimalField, Value
    from django.db.models.functions import Coalesce, ExtractYear

    from gaoxin.benefits.models import ApplicationEvent, AppStatus
    from gaoxin.evaluation.models import Cycle, CycleValue

    members = Membership.objects.filter(status=MembershipStatus.CONFIRMED, role__in=LOCAL_ROLES)
    tags = ChainAppeal.objects.all()
    if chain_ids is not None:
        members = members.filter(chain_id__in=list(chain_ids))
        tags = tags.filter(chain_id__in=list(chain_ids))
    chains_of = defaultdict(set)  # firm -> its chains
    for chain_id, firm_id in members.values_list("chain_id", "enterprise_id").distinct():
        chains_of[firm_id].add(chain_id)
    out: dict[int, dict[int, dict]] = defaultdict(lambda: defaultdict(_year_row))
    rated: dict[tuple[int, int], set] = defaultdict(set)
    firm_ids = members.values("enterprise_id")
    released = dict(Cycle.objects.filter(releases__isnull=False, trial=False).distinct()
                    .order_by("data_year", "pk").values_list("data_year", "pk"))  # the latest cycle of each year
    if released and chains_of:
        for firm, year, field, total in (
                CycleValue.objects.filter(participant__cycle_id__in=list(released.values()),
                                          participant__participating=True, participant__enterprise_id__in=firm_ids,
                                          field__in=list(CHAIN_MONEY_FIELDS))
                .values_list("participant__enterprise_id", "participant__cycle__data_year", "field")
                .annotate(total=Sum(Coalesce("verified", "reported"))).order_by()):
            for chain_id in chains_of[firm]:
                row = out[chain_id][year]
                key = CHAIN_MONEY_FIELDS[field]
                row[key] = (row[key] or 0) + (total or 0)
                rated[(chain_id, year)].add(firm)
    for (chain_id, year), firms in rated.items():
        out[chain_id][year]["rated"] = len(firms)
    for chain_id, year, n in (tags.annotate(y=ExtractYear("appeal__received_at")).values_list("chain_id", "y")
                              .annotate(n=Count("pk")).order_by()):
        out[chain_id][year]["problems"] = n
    for chain_id, year, n in (tags.filter(appeal__status__in=SOLVED_APPEAL_STATES)
                              .annotate(y=ExtractYear(Coalesce("appeal__resolved_on", "appeal__closed_on")))
                              .exclude(y__isnull=True).values_list("chain_id", "y").annotate(n=Count("pk"))
                              .order_by()):
        out[chain_id][year]["solved"] = n
    if chains_of:
        amount = Coalesce("application__amount_paid", Value(Decimal(0)),
                          output_field=DecimalField(max_digits=16, decimal_places=4))
        for firm, year, n, paid in (
                ApplicationEvent.objects.filter(to_status=AppStatus.PAID, application__enterprise_id__in=firm_ids)
                .annotate(y=ExtractYear("at")).values_list("application__enterprise_id", "y")
                .annotate(n=Count("application", distinct=True), amount=Sum(amount)).order_by()):
            for chain_id in chains_of[firm]:
                row = out[chain_id][year]
                row["paid"] += n
                row["paid_amount"] += paid or 0
    # every year from the first with a figure to the last, a year without any shown as such (not skipped)
    return {chain_id: [{"year": y, **years.get(y, _year_row())} for y in range(max(years), min(years) - 1, -1)]
            for chain_id, years in out.items()}
