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
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import Position
from gaoxin.core.selectors import work_calendar
from gaoxin.core.views_utils import add_service_errors, form_page, paginate, render_page, require, submit
from gaoxin.talent.models import JobDemand

from . import permissions as perms
from . import selectors, services
from .forms import (
    LiaisonForm,
    StationEventForm,
    StationLogForm,
    TrainingAttendeeForm,
    TrainingFilterForm,
    TrainingSessionForm,
)
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
    year = timezone.localdate().year
    training = (selectors.station_training_record(station=station, year=year)
                if perms.can_view_station_training(user, station) else None)
    return render(request, "stations/station_detail.html", {
        "training": training, "training_year": year,
        "training_hours": sum((p.hours for p in training or ()), 0),
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
    if not perms.can_log_at_station(request.user, station):  # before the form: refused, whatever was sent
        raise PermissionDenied("只有本驿站服务队可以记录台账")
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
    if not perms.can_log_at_station(request.user, station):
        raise PermissionDenied("只有本驿站服务队可以记录活动")
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


# --- staff training (人员培训) -------------------------------------------------------------------------------

@require(perms.can_view_training)
def training_list(request):
    """The sessions the user may read, filtered by kind and year (and by a station's staff from its page)."""
    years = sorted(set(selectors.training_years(user=request.user)) | {timezone.localdate().year}, reverse=True)
    form = TrainingFilterForm(request.GET or None, years=years)
    station = None
    if request.GET.get("station"):
        station = _station(request, request.GET["station"])
        if not perms.can_view_station_training(request.user, station):
            raise Http404("驿站不存在")
    sessions = selectors.training_list(user=request.user, station=station, **form.filters())
    page, query = paginate(request, sessions)
    return render_page(request, "stations/training_list.html", "stations/partials/training_table.html", {
        "form": form, "page": page, "query": query, "station": station,
        "can_organise": perms.can_organise_training(request.user),
    })


@require(perms.can_organise_training)
def training_new(request):
    form = TrainingSessionForm(request.POST or None, organisers=perms.training_organisers(request.user),
                               initial={"held_on": timezone.localdate()})
    return form_page(request, form, template="stations/training_form.html",
                     create=lambda: services.training_session_create(actor=request.user, **form.service_kwargs()),
                     done=lambda s: (f"已登记培训：{s.title}", reverse("training_session", args=[s.pk])))


def _session(request, pk: int):
    session = perms.trainings_visible_to(request.user).select_related("organiser", "created_by").filter(pk=pk).first()
    if session is None:
        raise Http404("培训不存在")
    return session


def _training_detail(request, session, *, add_form=None, remove_form=None, status: int = 200):
    can_manage = perms.can_manage_training(request.user, session)
    attendees = list(session.attendees.select_related("org_unit").order_by(
        "org_unit__kind", "org_unit__sort_order", "full_name", "pk"))
    if can_manage and add_form is None:
        add_form = TrainingAttendeeForm(auto_id="id_add_%s", queryset=perms.training_attendee_candidates()
                                        .exclude(pk__in=[p.pk for p in attendees]).select_related("org_unit")
                                        .order_by("org_unit__kind", "org_unit__sort_order", "full_name", "pk"))
    return render(request, "stations/training_detail.html", {
        "session": session, "attendees": attendees, "can_manage": can_manage, "add_form": add_form,
        "remove_form": remove_form,
    }, status=status)


@require(perms.can_view_training)
def training_session(request, pk: int):
    return _training_detail(request, _session(request, pk))


def _change_attendees(request, pk: int, *, service, prefix: str, done: str):
    session = _session(request, pk)
    if not perms.can_manage_training(request.user, session):
        raise PermissionDenied("只有管委会管理员和组织培训的驿站负责人可以修改参训人员")
    form = TrainingAttendeeForm(request.POST, auto_id=f"id_{prefix}_%s")
    if form.is_valid() and submit(form, lambda: service(session=session, user=form.cleaned_data["attendee"],
                                                        actor=request.user)):
        messages.success(request, done.format(name=form.cleaned_data["attendee"].get_full_name()))
        return redirect("training_session", pk=session.pk)
    return _training_detail(request, session, status=400, **{f"{prefix}_form": form})


@require(perms.can_view_training)
@require_POST
def training_attendee_add(request, pk: int):
    return _change_attendees(request, pk, service=services.training_attendee_add, prefix="add",
                             done="已将{name}加入参训名单。")


@require(perms.can_view_training)
@require_POST
def training_attendee_remove(request, pk: int):
    return _change_attendees(request, pk, service=services.training_attendee_remove, prefix="remove",
                             done="已将{name}移出参训名单。")
