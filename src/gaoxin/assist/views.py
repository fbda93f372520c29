"""帮代办 orders and project approval chains."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role, User
from gaoxin.catalog.models import Bundle, ServiceItem
from gaoxin.core.views_utils import error_text, paginate
from gaoxin.enterprises.models import Enterprise

from . import services
from .models import AssistOrder, OrderChannel, OrderStatus, Project, VisitKind


def _order(request, number: str) -> AssistOrder:
    order = perms.orders_visible_to(request.user).select_related("enterprise", "agent", "item", "bundle", "project",
                                                                  "station").filter(number=number).first()
    if order is None:
        raise Http404("订单不存在或无权查看")
    return order


def order_index(request):
    qs = perms.orders_visible_to(request.user).select_related("enterprise", "agent", "item", "bundle", "project")
    if request.GET.get("status"):
        qs = qs.filter(status=request.GET["status"])
    page, query = paginate(request, qs)
    return render(request, "assist/order_list.html", {"page": page, "query": query, "statuses": OrderStatus.choices,
                                                      "can_order": perms.can_place_order(request.user)})


def order_new(request):
    user = request.user
    if user.role == Role.ENTERPRISE:
        enterprises = Enterprise.objects.filter(memberships__user=user)
    elif user.role in (Role.STATION_OFFICER, Role.WINDOW_CLERK, Role.ZONE_ADMIN, Role.AGENT):
        enterprises = None
    else:
        raise PermissionDenied("无权下单")
    if request.method == "POST":
        post = request.POST
        pool = enterprises if enterprises is not None else Enterprise.objects.all()
        try:
            enterprise = pool.filter(uscc="".join(post.get("uscc", "").split()).upper()).first()
            if enterprise is None:
                raise ValidationError({"uscc": "请选择或填写有效的企业"})
            signed = dt.date.fromisoformat(post.get("commission_signed_on", ""))
            valid = dt.date.fromisoformat(post.get("commission_valid_until", ""))
            order = services.order_create(
                actor=user, enterprise=enterprise, channel=post.get("channel") or OrderChannel.ONLINE,
                description=post.get("description", ""), contact_name=post.get("contact_name", ""),
                contact_phone=post.get("contact_phone", ""), commission_signed_on=signed, commission_valid_until=valid,
                item=ServiceItem.objects.filter(implementation_code=post.get("item")).first() if post.get("item") else None,
                bundle=Bundle.objects.filter(code=post.get("bundle")).first() if post.get("bundle") else None,
                commission_file=request.FILES.get("commission_file"))
            messages.success(request, f"已下单（无偿代办），订单编号 {order.number}，中心将尽快指派专员。")
            return redirect("order_detail", number=order.number)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        except ValueError:
            messages.error(request, "请填写委托书签署日期和有效期")
    return render(request, "assist/order_form.html", {
        "enterprises": enterprises, "channels": OrderChannel.choices, "data": request.POST,
        "items": ServiceItem.objects.filter(status="published").order_by("name"), "bundles": Bundle.objects.all(),
        "today": dt.date.today(), "until": dt.date.today() + dt.timedelta(days=180),
    })


def order_detail(request, number: str):
    order = _order(request, number)
    return render(request, "assist/order_detail.html", {
        "order": order, "actions": services.order_actions(order, request.user), "events": order.events.all(),
        "visits": order.visits.select_related("by"), "cases": order.cases.select_related("version"),
        "agents": User.objects.filter(role=Role.AGENT, is_active=True), "visit_kinds": VisitKind.choices,
        "is_agent": request.user.pk == order.agent_id and order.status == OrderStatus.IN_PROGRESS,
        "can_rate": request.user.role == Role.ENTERPRISE and order.status == OrderStatus.COMPLETED and not order.rating,
        "items": ServiceItem.objects.filter(status="published").order_by("name"),
    })


@require_POST
def order_act(request, number: str):
    order = _order(request, number)
    post = request.POST
    try:
        name = post.get("name", "")
        if name == "VISIT":
            services.order_log_visit(order=order, actor=request.user, kind=post.get("kind", "door"), note=post.get("note", ""))
        elif name == "FILE_CASE":
            item = ServiceItem.objects.filter(implementation_code=post.get("item")).first()
            if item is None:
                raise ValidationError({"item": "请选择事项"})
            case = services.order_file_case(order=order, actor=request.user, item=item)
            messages.success(request, f"已代为申报，办件编号 {case.number}。")
            return redirect("order_detail", number=number)
        elif name == "RATE":
            services.order_rate(order=order, actor=request.user, rating=int(post.get("rating") or 0),
                                comment=post.get("comment", ""))
        else:
            services.order_transition(order=order, name=name, actor=request.user, reason=post.get("reason", ""),
                                      agent=User.objects.filter(pk=post.get("agent") or 0).first())
        messages.success(request, "操作已完成。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("order_detail", number=number)


def project_index(request):
    qs = perms.projects_visible_to(request.user).select_related("enterprise", "template", "agent")
    page, query = paginate(request, qs)
    rows = [(p, services.project_metrics(p)) for p in page.object_list]
    return render(request, "assist/project_list.html", {"page": page, "query": query, "rows": rows})


def project_detail(request, pk: int):
    project = perms.projects_visible_to(request.user).select_related("enterprise", "template", "agent").filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在或无权查看")
    steps = list(project.steps.select_related("step__item", "case").prefetch_related("step__predecessors"))
    by_step = {s.step_id: s for s in steps}
    rows = [(s, services.step_done(s), services.step_ready(s, by_step)) for s in steps]
    can_file = request.user.role in (Role.AGENT, Role.WINDOW_CLERK, Role.ZONE_ADMIN)
    return render(request, "assist/project_detail.html", {
        "project": project, "rows": rows, "m": services.project_metrics(project), "can_file": can_file,
        "milestones": [(k, Project._meta.get_field(k).verbose_name, getattr(project, k)) for k in services.MILESTONES],
    })


@require_POST
def project_file_step(request, pk: int, step_id: int):
    project = perms.projects_visible_to(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在")
    step = project.steps.filter(pk=step_id).first()
    try:
        if step is None:
            raise ValidationError("环节不存在")
        case = services.project_file_step(project=project, step=step, actor=request.user)
        messages.success(request, f"已申报“{step.step.name}”，办件编号 {case.number}。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("project_detail", pk=pk)


@require_POST
def project_milestones(request, pk: int):
    project = perms.projects_visible_to(request.user).filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在")
    try:
        dates = {k: (dt.date.fromisoformat(request.POST[k]) if request.POST.get(k) else None)
                 for k in services.MILESTONES if k in request.POST}
        services.project_set_milestones(project=project, actor=request.user, **dates)
        messages.success(request, "节点日期已更新。")
    except ValueError:
        messages.error(request, "日期格式不正确")
    return redirect("project_detail", pk=pk)
