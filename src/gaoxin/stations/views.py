"""Station pages: the six stations with their teams, a station's service log and events, and
the centre's figures page (like the source's: services, problems solved, jobs filled…). Every POST is
bound to a form; a refused one re-renders the station page with the error beside its field."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch, Q
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import Position
from gaoxin.core.selectors import work_calendar
from gaoxin.core.views_utils import add_service_errors, form_page, paginate, require
from gaoxin.talent.models import JobDemand

from . import permissions as perms
from . import services
from .forms import LiaisonForm, StationEventForm, StationLogForm
from .models import Outcome, ServiceCategory, StationEvent, StationService


@require(perms.can_view_stations)
def station_index(request):
    stations = perms.stations_visible_to(request.user).prefetch_related("assignments__user__org_unit").annotate(
        services_count=Count("services", distinct=True),
        solved=Count("services", filter=Q(services__outcome=Outcome.ON_THE_SPOT), distinct=True),
    ).order_by("sort_order")
    return render(request, "stations/station_list.html", {
        "stations": stations, "positions": Position, "can_view_figures": perms.can_view_centre_figures(request.user),
    })


def _station(request, code: str):
    station = perms.stations_visible_to(request.user).filter(code=code).first()
    if station is None:
        raise Http404("驿站不存在")
    return station


def _detail(request, station, *, log_form=None, event_form=None, liaison_form=None, status: int = 200):
    user = request.user
    can_log = perms.can_log_at_station(user, station)
    demands = JobDemand.objects.only("number", "post", "station_service_id")
    log = (perms.station_services_visible_to(user).filter(station=station)
           .select_related("enterprise", "escalated_to", "provided_by")
           .prefetch_related(Prefetch("job_demands", queryset=demands)))
    if request.GET.get("category"):
        log = log.filter(category=request.GET["category"])
    page, query = paginate(request, log)
    return render(request, "stations/station_detail.html", {
        "station": station, "page": page, "query": query, "categories": ServiceCategory.choices,
        "reads_whole_log": can_log or perms.can_read_every_station_log(user), "can_log": can_log,
        "assignments": station.assignments.select_related("user__org_unit").order_by("position"),
        "events": StationEvent.objects.filter(station=station).prefetch_related("enterprises")[:10],
        "log_form": (log_form or StationLogForm(auto_id="id_log_%s")) if can_log else None,
        "event_form": (event_form or StationEventForm(auto_id="id_event_%s")) if can_log else None,
        "liaison_form": (liaison_form or LiaisonForm()) if perms.can_set_liaison(user) else None,
    }, status=status)


@require(perms.can_view_stations)
def station_detail(request, code: str):
    return _detail(request, _station(request, code))


@require(perms.can_view_stations)
@require_POST
def station_log(request, code: str):
    station = _station(request, code)
    form = StationLogForm(request.POST, auto_id="id_log_%s")
    if form.is_valid():
        try:
            services.service_log(station=station, actor=request.user, **form.log_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已记入服务台账。")
            return redirect("station_detail", code=code)
    return _detail(request, station, log_form=form, status=400)


@require(perms.can_view_stations)
@require_POST
def station_event(request, code: str):
    station = _station(request, code)
    form = StationEventForm(request.POST, auto_id="id_event_%s")
    if form.is_valid():
        try:
            services.event_record(station=station, actor=request.user, **form.event_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "活动已记录。")
            return redirect("station_detail", code=code)
    return _detail(request, station, event_form=form, status=400)


@require(perms.can_view_stations)
@require_POST
def station_liaison(request, code: str):
    station = _station(request, code)
    form = LiaisonForm(request.POST)
    if form.is_valid():
        officer = form.cleaned_data["officer"]
        try:
            services.liaison_set(station=station, officer=officer, actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已指定{officer.org_unit.name}联络员：{officer.get_full_name()}")
            return redirect("station_detail", code=code)
    return _detail(request, station, liaison_form=form, status=400)


@require(perms.can_view_centre_figures)
def centre_figures(request):
    from gaoxin.appeals.models import Appeal
    from gaoxin.assist.models import AssistOrder, Project
    from gaoxin.assist.selectors import service_counts
    from gaoxin.assist.services import metric_steps, project_metrics
    from gaoxin.talent.models import Hire

    station_totals = StationService.objects.aggregate(
        services=Count("id"), problems=Count("id", filter=Q(problem=True)),
        on_the_spot=Count("id", filter=Q(outcome=Outcome.ON_THE_SPOT)))
    # 解决用工: people a station placed, as hires the firms confirmed (talent room), not a typed number.
    placed = Hire.objects.filter(station__isnull=False, confirmed_on__isnull=False)
    station_totals["jobs"] = placed.count()
    jobs = dict(placed.values("station__name").annotate(n=Count("id")).values_list("station__name", "n").order_by())
    per_station = list(StationService.objects.values("station__name").annotate(
        services=Count("id"), problems=Count("id", filter=Q(problem=True))).order_by("station__name"))
    for row in per_station:
        row["jobs"] = jobs.get(row["station__name"], 0)
    orders_by_month = (AssistOrder.objects.annotate(month=TruncMonth("requested_at")).values("month")
                       .annotate(n=Count("id")).order_by("month"))
    projects = list(Project.objects.select_related("enterprise").prefetch_related(Prefetch("steps",
                                                                                       queryset=metric_steps())))
    calendar = work_calendar()
    metrics = [(p, project_metrics(p, calendar=calendar)) for p in projects]
    return render(request, "stations/figures.html", {
        "totals": station_totals, "per_station": per_station, "orders_by_month": orders_by_month,
        "assist": service_counts(user=request.user),
        "land_to_start": sum(1 for _, m in metrics if m["land_to_start"]),
        "speed_ups": [m["speed_up"] for _, m in metrics if m["speed_up"] is not None],
        "appeals_solved": Appeal.objects.filter(solved_confirmed=True).count(),
    })


def log_to_demand(request, pk: int):
    """转为用工需求: a 用工 entry of the service log becomes the firm's job demand (talent room), prefilled with the
    firm and the entry's text; the demand keeps the entry it came from."""
    from gaoxin.talent import permissions as talent_perms
    from gaoxin.talent import services as talent_services
    from gaoxin.talent.forms import DemandForm

    entry = perms.station_services_visible_to(request.user).filter(
        pk=pk, category=ServiceCategory.HIRING, enterprise__isnull=False).select_related("enterprise", "station").first()
    if entry is None or not perms.can_log_at_station(request.user, entry.station):
        raise Http404("服务记录不存在或无权操作")
    if not talent_perms.can_post_demand(request.user):
        raise PermissionDenied("您无权登记用工需求")
    form = DemandForm(request.POST or None, firms=talent_perms.firms_for_demand(request.user),
                      initial={"uscc": entry.enterprise.uscc, "description": entry.description[:500]})
    return form_page(request, form, template="talent/form.html", title="转为用工需求", from_log=entry,
                     back=reverse("station_detail", args=[entry.station.code]),
                     create=lambda: talent_services.demand_create(actor=request.user, station_service=entry,
                                                                  **form.service_kwargs()),
                     done=lambda demand: (f"用工需求已登记，编号 {demand.number}",
                                          reverse("talent_demand", args=[demand.number])))
