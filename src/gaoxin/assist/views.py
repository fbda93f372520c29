"""帮代办 orders and project approval chains."""

from __future__ import annotations

import datetime as dt
import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role, User
from gaoxin.catalog.models import Bundle, ServiceItem
from gaoxin.core.views_utils import error_text, paginate
from gaoxin.enterprises.models import Enterprise

from . import selectors, services
from .forms import FileCaseForm, MilestoneForm
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


def _item_choices(order: AssistOrder) -> tuple[list, list]:
    """The items the order was placed for first, then the rest of the published catalogue."""
    own = [i for i in services.order_items(order) if i.status == "published"]
    others = ServiceItem.objects.filter(status="published").exclude(pk__in=[i.pk for i in own]).order_by("name")
    return own, list(others)


def order_detail(request, number: str):
    order = _order(request, number)
    can_file = perms.can_file_for_order(request.user, order)
    own_items, other_items = _item_choices(order) if can_file else ([], [])
    return render(request, "assist/order_detail.html", {
        "order": order, "actions": services.order_actions(order, request.user), "events": order.events.all(),
        "visits": order.visits.select_related("by"), "cases": order.cases.select_related("version"),
        "agents": User.objects.filter(role=Role.AGENT, is_active=True), "visit_kinds": VisitKind.choices,
        "is_agent": can_file, "own_items": own_items, "other_items": other_items,
        "can_rate": request.user.role == Role.ENTERPRISE and order.status == OrderStatus.COMPLETED and not order.rating,
        "contact": selectors.order_contact(order, request.user),
        "files": services.order_files(order), "can_open_files": perms.can_open_order_files(request.user, order),
    })


def order_file_case(request, number: str):
    """代为申报: the agent picks the item (the order's own first) and, per material, uploads the
    file or ticks that the original was seen."""
    order = _order(request, number)
    if not perms.can_file_for_order(request.user, order):
        raise PermissionDenied("只有代办中的承办专员可以代为申报")
    own_items, other_items = _item_choices(order)
    code = request.POST.get("item") or request.GET.get("item")
    item = next((i for i in own_items + other_items if i.implementation_code == code), None) if code else None
    if item is None and not code and own_items:
        item = own_items[0]
    materials = list(item.current_version.materials.prefetch_related("situations")) if item else []
    form = FileCaseForm(request.POST if request.method == "POST" else None, request.FILES or None, materials=materials)
    if request.method == "POST" and form.is_valid():
        try:
            if item is None:
                raise ValidationError({"item": "请选择代为申报的事项"})
            case = services.order_file_case(order=order, actor=request.user, item=item,
                                            files=form.files_by_material(), originals_seen=form.originals_seen(),
                                            note=form.cleaned_data["note"])
            messages.success(request, f"已代为申报“{item.name}”，办件编号 {case.number}。")
            return redirect("order_detail", number=number)
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errs in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errs)
            else:
                form.add_error(None, error_text(exc))
    return render(request, "assist/order_file_case.html", {
        "order": order, "item": item, "form": form, "own_items": own_items, "other_items": other_items,
        "chosen": code or (item.implementation_code if item else ""),
    })


# Served inline (opened in the browser) rather than downloaded; anything else is an attachment.
INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


def order_file_download(request, number: str, kind: str, file_id: int = 0):
    """A file of the order (委托书, visit attachments) for whoever may open it; staff openings are audited."""
    order = _order(request, number)
    found = services.order_file_open(order=order, actor=request.user, kind=kind, file_id=file_id)
    if found is None:
        raise Http404("附件不存在")
    try:
        handle = found["field"].open("rb")
    except FileNotFoundError:
        raise Http404("附件文件已不存在") from None
    content_type = mimetypes.guess_type(found["name"])[0] or "application/octet-stream"
    return FileResponse(handle, filename=found["name"], content_type=content_type,
                        as_attachment=content_type not in INLINE_TYPES)


@require_POST
def order_act(request, number: str):
    order = _order(request, number)
    post = request.POST
    try:
        name = post.get("name", "")
        if name == "VISIT":
            services.order_log_visit(order=order, actor=request.user, kind=post.get("kind", "door"),
                                     note=post.get("note", ""), attachment=request.FILES.get("attachment"))
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


def _project(request, pk: int) -> Project:
    project = perms.projects_visible_to(request.user).select_related("enterprise", "template", "agent").filter(pk=pk).first()
    if project is None:
        raise Http404("项目不存在或无权查看")
    return project


def _project_page(request, project: Project, form: MilestoneForm | None = None):
    steps = list(project.steps.select_related("step__item", "case").prefetch_related("step__predecessors"))
    by_step = {s.step_id: s for s in steps}
    rows = [(s, services.step_done(s), services.step_ready(s, by_step)) for s in steps]
    can_file = perms.can_work_projects(request.user)
    if form is None and can_file:
        form = MilestoneForm(initial={k: getattr(project, k) for k in services.MILESTONES})
    m = services.project_metrics(project)
    labels = services.milestone_labels()
    reform_rows = [(r, labels[r.start], m["dates"][r.start], labels[r.end], m["dates"][r.end]) for r in m["reforms"]]
    return render(request, "assist/project_detail.html", {
        "project": project, "rows": rows, "m": m, "can_file": can_file, "form": form, "reform_rows": reform_rows,
    })


def project_detail(request, pk: int):
    return _project_page(request, _project(request, pk))


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
    project = _project(request, pk)
    if not perms.can_work_projects(request.user):
        raise PermissionDenied("无权修改节点日期")
    form = MilestoneForm(request.POST)
    if form.is_valid():
        dates = {k: form.cleaned_data[k] for k in services.MILESTONES if k in request.POST}
        try:
            services.project_set_milestones(project=project, actor=request.user, **dates)
            messages.success(request, "节点日期已更新。")
            return redirect("project_detail", pk=pk)
        except ValidationError as exc:
            for field, errs in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errs)
    project.refresh_from_db()
    return _project_page(request, project, form)
