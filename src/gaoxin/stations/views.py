"""Station pages: the six stations with their teams, a station's service log and events, and
the centre's figures page (like the source's: services, problems solved, jobs filled…)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import OrgKind, OrgUnit, Position, Role, User
from gaoxin.core.views_utils import error_text, paginate, require
from gaoxin.enterprises.models import Enterprise

from . import services
from .models import Outcome, ServiceCategory, StationEvent, StationService


@require(perms.can_view_stations)
def station_index(request):
    stations = OrgUnit.objects.filter(kind=OrgKind.STATION).prefetch_related("assignments__user__org_unit").annotate(
        services_count=Count("services", distinct=True),
        solved=Count("services", filter=Q(services__outcome=Outcome.ON_THE_SPOT), distinct=True),
    ).order_by("sort_order")
    return render(request, "stations/station_list.html", {"stations": stations, "positions": Position})


def _station(code: str) -> OrgUnit:
    station = OrgUnit.objects.filter(kind=OrgKind.STATION, code=code).first()
    if station is None:
        raise Http404("驿站不存在")
    return station


@require(perms.can_view_stations)
def station_detail(request, code: str):
    station = _station(code)
    log = StationService.objects.filter(station=station).select_related("enterprise", "escalated_to", "provided_by")
    if request.GET.get("category"):
        log = log.filter(category=request.GET["category"])
    page, query = paginate(request, log)
    return render(request, "stations/station_detail.html", {
        "station": station, "page": page, "query": query, "categories": ServiceCategory.choices,
        "outcomes": Outcome.choices, "can_log": services.can_log(request.user, station),
        "departments": OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT).order_by("sort_order"),
        "assignments": station.assignments.select_related("user__org_unit").order_by("position"),
        "events": StationEvent.objects.filter(station=station).prefetch_related("enterprises")[:10],
        "officers": User.objects.filter(role=Role.DEPT_OFFICER).select_related("org_unit").order_by("org_unit__sort_order"),
        "is_admin": request.user.role == Role.ZONE_ADMIN,
    })


@require_POST
def station_log(request, code: str):
    station = _station(code)
    post = request.POST
    try:
        enterprise = Enterprise.objects.filter(uscc="".join(post.get("uscc", "").split()).upper()).first() if post.get("uscc") else None
        if post.get("uscc") and enterprise is None:
            raise ValidationError({"uscc": "企业档案中没有该统一社会信用代码"})
        services.service_log(
            station=station, actor=request.user, category=post.get("category", ""), description=post.get("description", ""),
            outcome=post.get("outcome", ""), enterprise=enterprise, person=post.get("person", ""),
            escalated_to=OrgUnit.objects.filter(pk=post.get("escalated_to") or 0).first(),
            problem=post.get("problem") == "on", jobs_filled=int(post.get("jobs_filled") or 0))
        messages.success(request, "已记入服务台账。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except ValueError:
        messages.error(request, "解决用工人次应为整数")
    return redirect("station_detail", code=code)


@require_POST
def station_event(request, code: str):
    station = _station(code)
    post = request.POST
    codes = [c.strip().upper() for c in post.get("enterprises", "").replace("，", ",").split(",") if c.strip()]
    try:
        held_on = dt.date.fromisoformat(post.get("held_on", ""))
        services.event_record(station=station, actor=request.user, title=post.get("title", ""), held_on=held_on,
                              organisers=post.get("organisers", ""), description=post.get("description", ""),
                              enterprises=list(Enterprise.objects.filter(uscc__in=codes)),
                              attendees=int(post.get("attendees") or 0))
        messages.success(request, "活动已记录。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    except ValueError:
        messages.error(request, "请填写正确的日期和人数")
    return redirect("station_detail", code=code)


@require_POST
def station_liaison(request, code: str):
    station = _station(code)
    officer = User.objects.filter(pk=request.POST.get("officer") or 0).select_related("org_unit").first()
    try:
        if officer is None:
            raise ValidationError({"officer": "请选择联络员"})
        services.liaison_set(station=station, officer=officer, actor=request.user)
        messages.success(request, f"已指定{officer.org_unit.name}联络员：{officer.get_full_name()}")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("station_detail", code=code)


@require(lambda u: perms.has_role(u, Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.LEADER))
def centre_figures(request):
    from gaoxin.appeals.models import Appeal
    from gaoxin.assist.models import AssistOrder, Project
    from gaoxin.assist.services import project_metrics

    station_totals = StationService.objects.aggregate(
        services=Count("id"), problems=Count("id", filter=Q(problem=True)), jobs=Sum("jobs_filled"),
        on_the_spot=Count("id", filter=Q(outcome=Outcome.ON_THE_SPOT)))
    per_station = (StationService.objects.values("station__name").annotate(
        services=Count("id"), problems=Count("id", filter=Q(problem=True)), jobs=Sum("jobs_filled"))
        .order_by("station__name"))
    orders_by_month = (AssistOrder.objects.annotate(month=TruncMonth("requested_at")).values("month")
                       .annotate(n=Count("id")).order_by("month"))
    projects = list(Project.objects.select_related("enterprise"))
    metrics = [(p, project_metrics(p)) for p in projects]
    return render(request, "stations/figures.html", {
        "totals": station_totals, "per_station": per_station, "orders_by_month": orders_by_month,
        "orders_total": AssistOrder.objects.count(), "orders_key": AssistOrder.objects.filter(project__is_key=True).count(),
        "land_to_start": sum(1 for _, m in metrics if m["land_to_start"]),
        "speed_ups": [m["speed_up"] for _, m in metrics if m["speed_up"] is not None],
        "appeals_solved": Appeal.objects.filter(solved_confirmed=True).count(),
    })
