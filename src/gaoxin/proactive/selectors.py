"""Reads of 主动服务. The 一户式 view: every list starts from the owning room's scoper for the user, narrowed to the
firm (one query per list, whatever the firm's record count); figures and the contact timeline likewise. Campaign
coverage and outcomes, station figures by area."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from gaoxin.accounts.models import OrgKind, OrgUnit

from .models import Campaign, CampaignTarget, Coaching, KeyFirm, Need, NeedStatus, StationArea, Visit

# The tabs of the 一户式 view: (key, title).
TABS = [("cases", "办件"), ("appeals", "诉求"), ("assist", "帮代办与项目"), ("stations", "驿站服务"),
        ("policies", "政策与兑现"), ("evaluation", "亩产评价"), ("qualifications", "资质"), ("talent", "用工与人才"),
        ("visits", "走访"), ("timeline", "服务时间线")]
TIMELINE_PER_SOURCE = 100


def key_firm_ids(enterprise_ids) -> set[int]:
    """Which of these firms are on the key-firm list (one query): the queues' 重点 badge."""
    ids = [i for i in enterprise_ids if i]
    if not ids:
        return set()
    return set(KeyFirm.objects.filter(enterprise_id__in=ids, removed_at__isnull=True)
               .values_list("enterprise_id", flat=True))


def key_listing(enterprise) -> KeyFirm | None:
    return KeyFirm.objects.filter(enterprise=enterprise, removed_at__isnull=True).first()


def station_of_firm(enterprise):
    """The station whose area holds the firm's park (None without a park or an area)."""
    if not enterprise.park_area_id:
        return None
    area = StationArea.objects.select_related("station").filter(park_id=enterprise.park_area_id).first()
    return area.station if area else None


# --- the 一户式 tabs -------------------------------------------------------------------------------

def life_stage(enterprise) -> str | None:
    """The firm's life-cycle stage by the zone's rules (benefits.lifecycle), from its whole profile; None when no
    stage's rule holds. Five queries."""
    from gaoxin.benefits.selectors import profile_frame

    frame = profile_frame([enterprise.pk])
    return frame["life_stage"][0] if frame.height and "life_stage" in frame.columns else None


def firm_cases(*, user, enterprise) -> QuerySet:
    from gaoxin.cases.permissions import cases_visible_to

    return (cases_visible_to(user).filter(enterprise=enterprise)
            .select_related("version", "bundle", "department").order_by("-received_on", "-id"))


def firm_appeals(*, user, enterprise) -> QuerySet:
    from gaoxin.appeals.permissions import appeals_visible_to

    return (appeals_visible_to(user).filter(enterprise=enterprise).select_related("lead", "station")
            .order_by("-received_at", "-id"))


def firm_orders(*, user, enterprise) -> QuerySet:
    from gaoxin.assist.models import AssistOrder
    from gaoxin.assist.permissions import can_view_orders, orders_visible_to

    if not can_view_orders(user):
        return AssistOrder.objects.none()
    return (orders_visible_to(user).filter(enterprise=enterprise)
            .select_related("item", "bundle", "project", "agent", "station").order_by("-requested_at", "-id"))


def firm_projects(*, user, enterprise) -> QuerySet:
    from gaoxin.assist.permissions import projects_visible_to

    return projects_visible_to(user).filter(enterprise=enterprise).select_related("template", "agent")


def firm_station_services(*, user, enterprise) -> QuerySet:
    from gaoxin.stations.permissions import station_services_visible_to

    return (station_services_visible_to(user).filter(enterprise=enterprise)
            .select_related("station", "escalated_to", "provided_by").order_by("-provided_on", "-id"))


def firm_matches(*, user, enterprise) -> QuerySet:
    from gaoxin.benefits.permissions import matches_visible_to

    return (matches_visible_to(user).filter(enterprise=enterprise).select_related("policy", "policy__issuer")
            .order_by("-verdict", "policy__title"))


def firm_applications(*, user, enterprise) -> QuerySet:
    from gaoxin.benefits.permissions import applications_visible_to

    return applications_visible_to(user).filter(enterprise=enterprise).order_by("-created_at", "-id")


def firm_tiers(*, user, enterprise) -> list:
    """The released tier per year (public: tiers are published on notice) with the report card's link where the
    user may open it (evaluation.permissions.can_view_report_card). Two queries."""
    from gaoxin.evaluation.models import Participant, TierHistory
    from gaoxin.evaluation.permissions import can_view_report_card

    rows = list(TierHistory.objects.filter(enterprise=enterprise).select_related("cycle").order_by("-year"))
    cycles = [r.cycle_id for r in rows if r.cycle_id]
    parts = {p.cycle_id: p for p in Participant.objects.filter(enterprise=enterprise, cycle_id__in=cycles)} \
        if cycles else {}
    for r in rows:
        p = parts.get(r.cycle_id)
        r.card_url = (reverse("evaluation_card", args=[r.cycle_id, p.pk])
                      if p is not None and can_view_report_card(user, r.cycle, p) else "")
    return rows


def firm_demands(*, user, enterprise) -> QuerySet:
    from gaoxin.talent.permissions import demands_visible_to

    return demands_visible_to(user).filter(enterprise=enterprise).order_by("-created_at", "-id")


def firm_talents(*, user, enterprise) -> QuerySet:
    from gaoxin.talent.permissions import talents_visible_to

    return talents_visible_to(user).filter(employer=enterprise).order_by("name", "id")


def firm_visits(*, user, enterprise) -> QuerySet:
    from .permissions import visits_visible_to

    return (visits_visible_to(user).filter(target__enterprise=enterprise)
            .select_related("target__campaign", "by").prefetch_related("needs", "policies")
            .order_by("-visited_on", "-id"))


def coachings(*, user) -> QuerySet[Coaching]:
    """The coaching records the user may see, each with the firm's match verdict and latest application status for
    the policy as far as the user may see those (benefits' own scopers): beside the coaching, what came of it."""
    from gaoxin.benefits.permissions import applications_visible_to, matches_visible_to

    from .permissions import coachings_visible_to

    match = matches_visible_to(user).filter(enterprise=OuterRef("enterprise"), policy=OuterRef("policy"))
    application = (applications_visible_to(user).filter(enterprise=OuterRef("enterprise"), policy=OuterRef("policy"))
                   .order_by("-created_at", "-pk"))
    return (coachings_visible_to(user).select_related("enterprise", "policy", "by")
            .annotate(match_verdict=Subquery(match.values("verdict")[:1]),
                      application_status=Subquery(application.values("status")[:1]),
                      application_number=Subquery(application.values("number")[:1]))
            .order_by("-coached_on", "-id"))


def coaching_counts(*, user, year: int | None = None) -> list[dict]:
    """Per policy, the coachings the user may see (in a year, or all): records, firms coached, and how many of
    those firms applied (the applications the user may see, as beside each record). One query."""
    from django.db.models import Exists

    from gaoxin.benefits.permissions import applications_visible_to

    from .permissions import coachings_visible_to

    qs = coachings_visible_to(user)
    if year:
        qs = qs.filter(coached_on__year=year)
    applied = applications_visible_to(user).filter(enterprise=OuterRef("enterprise"), policy=OuterRef("policy"))
    return list(qs.annotate(applied=Exists(applied)).values("policy_id", "policy__title", "policy__code")
                .annotate(records=Count("id"), firms=Count("enterprise", distinct=True),
                          applied_firms=Count("enterprise", filter=Q(applied=True), distinct=True))
                .order_by("-records", "policy__title"))


def firm_paid(*, enterprise) -> QuerySet:
    """The firm's paid policy awards (已拨付、已归档): public — awards are announced on the public notices — so every
    member of staff reads them, with the year of the payment step (the history's PAY event, else the last update)."""
    from gaoxin.benefits.models import ApplicationEvent, AppStatus, BenefitApplication

    paid_at = ApplicationEvent.objects.filter(application=OuterRef("pk"), transition="PAY").order_by("-at").values("at")[:1]
    return (BenefitApplication.objects.filter(enterprise=enterprise, status__in=[AppStatus.PAID, AppStatus.ARCHIVED],
                                              amount_paid__isnull=False)
            .select_related("policy").annotate(paid_at=Coalesce(Subquery(paid_at), F("updated_at")))
            .order_by("-paid_at", "-id"))


def firm_figures(*, user, enterprise) -> dict:
    """Time to close its cases (calendar days from receipt to decision, mean over the decided cases the user sees),
    its open appeals the user sees, and the benefits paid per year (the year of the payment step; public). Three
    queries."""
    spans = [(d - r).days for r, d in firm_cases(user=user, enterprise=enterprise).order_by()
             .filter(decided_on__isnull=False).values_list("received_on", "decided_on")]
    per_year: dict[int, Decimal] = defaultdict(Decimal)
    for at, amount in firm_paid(enterprise=enterprise).values_list("paid_at", "amount_paid"):
        per_year[at.year] += amount
    open_appeals = firm_appeals(user=user, enterprise=enterprise).order_by().exclude(
        status__in=("closed", "referred_out")).count()
    return {
        "cases_decided": len(spans),
        "close_days": (Decimal(sum(spans)) / len(spans)).quantize(Decimal("0.1")) if spans else None,
        "paid_per_year": sorted(per_year.items(), reverse=True),
        "paid_total": sum(per_year.values(), Decimal(0)),
        "open_appeals": open_appeals,
    }


def firm_timeline(*, user, enterprise) -> list[dict]:
    """Every contact with the firm the user may see, newest first: cases received, appeals raised, 帮代办 orders
    and their visits, station services, policy applications, campaign visits. One query per source."""
    from gaoxin.assist.models import AssistVisit

    items: list[dict] = []
    n = TIMELINE_PER_SOURCE
    for c in firm_cases(user=user, enterprise=enterprise)[:n]:
        items.append({"on": c.received_on, "kind": "办件", "text": f"{c.title}（{c.get_status_display()}）",
                      "url": reverse("case_detail", args=[c.number])})
    for a in firm_appeals(user=user, enterprise=enterprise)[:n]:
        items.append({"on": a.received_at.date(), "kind": "诉求", "text": f"{a.title}（{a.get_status_display()}）",
                      "url": reverse("appeal_detail", args=[a.number])})
    orders = firm_orders(user=user, enterprise=enterprise)
    for o in orders[:n]:
        items.append({"on": o.requested_at.date(), "kind": "帮代办", "text": f"{o.scope}（{o.get_status_display()}）",
                      "url": reverse("order_detail", args=[o.number])})
    for v in AssistVisit.objects.filter(order__in=orders.values("pk")).select_related("order").order_by(
            "-visited_on", "-id")[:n]:
        items.append({"on": v.visited_on, "kind": "帮代办走访", "text": f"{v.get_kind_display()}：{v.note}",
                      "url": reverse("order_detail", args=[v.order.number])})
    for s in firm_station_services(user=user, enterprise=enterprise)[:n]:
        items.append({"on": s.provided_on, "kind": "驿站服务",
                      "text": f"{s.station.short_name or s.station.name}：{s.description}（{s.get_outcome_display()}）",
                      "url": ""})
    for app in firm_applications(user=user, enterprise=enterprise)[:n]:
        items.append({"on": app.created_at.date(), "kind": "政策兑现",
                      "text": f"{app.policy.title}（{app.get_status_display()}）",
                      "url": reverse("benefit_application", args=[app.number])})
    for v in firm_visits(user=user, enterprise=enterprise)[:n]:
        items.append({"on": v.visited_on, "kind": "走访", "text": f"{v.target.campaign.name}：见 {v.people_met}",
                      "url": reverse("campaign_detail", args=[v.target.campaign_id])})
    for c in coachings(user=user).filter(enterprise=enterprise)[:n]:
        items.append({"on": c.coached_on, "kind": "政策辅导", "text": f"{c.policy.title}（{c.get_method_display()}）",
                      "url": ""})
    items.sort(key=lambda i: i["on"], reverse=True)
    return items


# --- campaigns ------------------------------------------------------------------------------------

def campaign_list(*, user) -> QuerySet[Campaign]:
    from .permissions import campaigns_visible_to

    return campaigns_visible_to(user).select_related("created_by").annotate(
        target_count=Count("targets", distinct=True),
        visited_count=Count("targets", filter=Q(targets__visits__isnull=False), distinct=True),
    ).order_by("-starts_on", "-id")


def campaign_targets(*, user, campaign: Campaign, mine: bool = False, status: str = "") -> QuerySet[CampaignTarget]:
    from .permissions import targets_visible_to

    qs = targets_visible_to(user, campaign)
    if mine:
        qs = qs.filter(assignee=user)
    if status == "visited":
        qs = qs.filter(visits__isnull=False).distinct()
    elif status == "unvisited":
        qs = qs.filter(visits__isnull=True)
    elif status == "unassigned":
        qs = qs.filter(assignee__isnull=True)
    return (qs.select_related("enterprise", "assignee", "assignee__org_unit")
            .annotate(visit_count=Count("visits", distinct=True),
                      need_count=Count("visits__needs", distinct=True))
            .order_by("enterprise__name", "id"))


def campaign_figures(*, campaign: Campaign) -> dict:
    """Coverage (targets visited) and outcomes (needs found, turned into appeals, orders, demands, settled,
    still open; policies explained), for the campaign and per member of staff. Four queries."""
    targets = CampaignTarget.objects.filter(campaign=campaign)
    total = targets.count()
    visited = targets.filter(visits__isnull=False).values("pk").distinct().count()
    needs = Need.objects.filter(visit__target__campaign=campaign)
    by_kind = dict(needs.values_list("status").annotate(n=Count("id")).order_by())
    converted = dict(needs.filter(status=NeedStatus.CONVERTED).values_list("kind").annotate(n=Count("id")).order_by())
    staff = list(
        targets.filter(assignee__isnull=False).values("assignee_id", "assignee__full_name", "assignee__username")
        .annotate(assigned=Count("id", distinct=True),
                  visited=Count("id", filter=Q(visits__isnull=False), distinct=True),
                  visit_n=Count("visits", distinct=True),
                  need_n=Count("visits__needs", distinct=True),
                  converted=Count("visits__needs", filter=Q(visits__needs__status=NeedStatus.CONVERTED),
                                  distinct=True))
        .order_by("assignee__full_name", "assignee_id"))
    for row in staff:
        row["name"] = row["assignee__full_name"] or row["assignee__username"]
        row["coverage"] = round(100 * row["visited"] / row["assigned"]) if row["assigned"] else 0
    return {
        "targets": total, "visited": visited, "coverage": round(100 * visited / total) if total else 0,
        "needs": sum(by_kind.values()), "open": by_kind.get(NeedStatus.OPEN, 0),
        "settled": by_kind.get(NeedStatus.SETTLED, 0),
        "to_appeal": converted.get("appeal", 0), "to_order": converted.get("order", 0),
        "to_demand": converted.get("demand", 0), "staff": staff,
    }


def campaign_visits(*, user, campaign: Campaign) -> QuerySet[Visit]:
    from .permissions import visits_visible_to

    return (visits_visible_to(user).filter(target__campaign=campaign)
            .select_related("target__enterprise", "by", "target__assignee")
            .prefetch_related("needs__appeal", "needs__order", "needs__demand", "policies")
            .order_by("-visited_on", "-id"))


# --- station areas and figures ---------------------------------------------------------------------

def station_figures(*, year: int) -> list[dict]:
    """Per station, over the parks of its area: the area's firms (operating), firms registered in the year, the
    output of the area's firms (销售收入 of the latest released evaluation year, 万元), the station's services in
    the year and services per firm. A constant number of queries."""
    from gaoxin.enterprises.models import Enterprise, EnterpriseStatus
    from gaoxin.stations.models import StationService

    stations = list(OrgUnit.objects.filter(kind=OrgKind.STATION, is_active=True).order_by("sort_order", "name"))
    areas = defaultdict(list)
    for a in StationArea.objects.select_related("park").order_by("park__name"):
        areas[a.station_id].append(a.park)
    park_station = {p.pk: sid for sid, parks in areas.items() for p in parks}
    firms = defaultdict(int)
    new = defaultdict(int)
    for park_id, registered_on, n in (Enterprise.objects.filter(status=EnterpriseStatus.OPERATING,
                                                                park_area_id__in=list(park_station))
                                      .values_list("park_area_id", "registered_on").annotate(n=Count("id"))
                                      .order_by()):
        sid = park_station[park_id]
        firms[sid] += n
        if registered_on and registered_on.year == year:
            new[sid] += n
    output, output_year = _area_output(park_station)
    services = dict(StationService.objects.filter(provided_on__year=year).values_list("station_id")
                    .annotate(n=Count("id")).order_by())
    rows = []
    for s in stations:
        count = firms[s.pk]
        rows.append({"station": s, "parks": areas[s.pk], "firms": count, "new": new[s.pk],
                     "output": output.get(s.pk), "services": services.get(s.pk, 0),
                     "per_firm": (Decimal(services.get(s.pk, 0)) / count).quantize(Decimal("0.01")) if count else None})
    return rows, output_year


def _area_output(park_station: dict) -> tuple[dict, int | None]:
    """销售收入 (万元) of the area's firms in the latest cycle with verified or reported values: the evaluation
    room's collected data (CycleValue), summed per station. Two queries."""
    from gaoxin.evaluation.models import Cycle, CycleValue

    cycle = Cycle.objects.filter(values_cycle_filter()).order_by("-data_year", "-id").distinct().first()
    if cycle is None or not park_station:
        return {}, None
    totals: dict[int, Decimal] = defaultdict(Decimal)
    rows = (CycleValue.objects.filter(participant__cycle=cycle, field="sales_wan",
                                      participant__enterprise__park_area_id__in=list(park_station))
            .values_list("participant__enterprise__park_area_id").annotate(
                v=Sum(Coalesce("verified", "reported"))).order_by())
    for park_id, value in rows:
        if value is not None:
            totals[park_station[park_id]] += value
    return dict(totals), cycle.data_year


def values_cycle_filter() -> Q:
    """A cycle (trial ones excepted) with collected values."""
    return Q(trial=False, participants__values__isnull=False)
