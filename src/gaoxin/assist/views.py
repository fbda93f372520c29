"""帮代办 orders and project approval chains. Every POST is bound to a form; a service's error is shown
beside the field it names and the page is re-rendered with what the user typed."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.core import hooks
from gaoxin.core.selectors import work_calendar
from gaoxin.core.views_utils import add_service_errors, paginate, require

from . import permissions as perms
from . import selectors, services
from .forms import (
    FIELDS_BY_ACTION,
    FileCaseForm,
    ItemPickForm,
    MilestoneForm,
    OrderActionForm,
    OrderForm,
    OrderStepForm,
    RateForm,
    VisitForm,
)
from .models import AssistOrder, OrderStatus, Project
from .workflow import WORKFLOW


def _order(request, number: str) -> AssistOrder:
    order = selectors.order_get(user=request.user, number=number)
    if order is None:
        raise Http404("订单不存在或无权查看")
    return order


def order_index(request):
    page, query = paginate(request, selectors.order_list(user=request.user, status=request.GET.get("status", "")))
    return render(request, "assist/order_list.html", {"page": page, "query": query, "statuses": OrderStatus.choices,
                                                      "can_order": perms.can_place_order(request.user),
                                                      **hooks.flags("queue", request.user,
                                                                    enterprise_ids=[o.enterprise_id for o in page])})


@require(perms.can_place_order)
def order_new(request):
    user = request.user
    posted = request.method == "POST"
    form = OrderForm(request.POST if posted else None, request.FILES if posted else None,
                     firms=perms.firms_for_order(user), choose_channel=perms.can_choose_order_channel(user),
                     initial={"contact_name": user.get_full_name(), "contact_phone": user.phone,
                              "channel": perms.default_order_channel(user)})
    if posted and form.is_valid():
        try:
            order = services.order_create(actor=user, **form.order_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已下单（无偿代办），订单编号 {order.number}，中心将尽快指派专员。")
            return redirect("order_detail", number=order.number)
    return render(request, "assist/order_form.html", {"form": form})


def _action_form(transition, data=None) -> OrderActionForm:
    form = OrderActionForm(data, initial={"name": transition.name}, auto_id=f"id_{transition.name.lower()}_%s")
    form.fields["reason"].label = f"{transition.label}说明"
    return form


def _detail(request, order: AssistOrder, failed=None, status: int = 200):
    """The order page; `failed` is the bound form of a refused action, shown with its errors."""
    user = request.user
    failed_name = failed.data.get("name") if failed is not None else None
    actions = []
    for t in WORKFLOW.available(order, user):
        form = failed if failed_name == t.name else _action_form(t)
        fields = [form[f] for f in FIELDS_BY_ACTION.get(t.name, ())] + ([form["reason"]] if t.needs_reason else [])
        actions.append({"transition": t, "form": form, "fields": fields})
    can_file = perms.can_file_for_order(user, order)
    own_items, other_items = selectors.item_choices(services.order_items(order)) if can_file else ([], [])
    can_visit, can_rate = perms.can_log_visit(user, order), perms.can_rate_order(user, order)
    return render(request, "assist/order_detail.html", {
        "order": order, "actions": actions, "events": order.events.all(),
        "visits": order.visits.select_related("by"), "cases": order.cases.select_related("version"),
        "can_file": can_file, "own_items": own_items, "other_items": other_items,
        "visit_form": (failed if failed_name == "VISIT" else VisitForm(auto_id="id_visit_%s")) if can_visit else None,
        "rate_form": (failed if failed_name == "RATE" else RateForm(auto_id="id_rate_%s")) if can_rate else None,
        "contact": selectors.order_contact(order, user),
        "files": services.order_files(order), "can_open_files": perms.can_open_order_files(user, order),
    }, status=status)


def order_detail(request, number: str):
    return _detail(request, _order(request, number))


@require_POST
def order_act(request, number: str):
    """One step on the order: a transition of its table, a visit record (VISIT) or the rating (RATE)."""
    order = _order(request, number)
    step = OrderStepForm(request.POST)
    if not step.is_valid():
        messages.error(request, "未知操作，请刷新页面后重试")
        return _detail(request, order, status=400)
    name = step.cleaned_data["name"]
    user = request.user
    try:
        if name == "VISIT":
            form = VisitForm(request.POST, request.FILES, auto_id="id_visit_%s")
            if form.is_valid():
                d = form.cleaned_data
                services.order_log_visit(order=order, actor=user, kind=d["kind"], note=d["note"],
                                         attachment=d["attachment"])
                messages.success(request, "走访记录已保存。")
                return redirect("order_detail", number=number)
        elif name == "RATE":
            form = RateForm(request.POST, auto_id="id_rate_%s")
            if form.is_valid():
                services.order_rate(order=order, actor=user, rating=form.cleaned_data["rating"],
                                    comment=form.cleaned_data["comment"])
                messages.success(request, "感谢您的评价。")
                return redirect("order_detail", number=number)
        else:
            transition = WORKFLOW[name]
            form = _action_form(transition, request.POST)
            if form.is_valid():
                services.order_transition(order=order, name=name, actor=user, reason=form.cleaned_data["reason"],
                                          **form.params())
                messages.success(request, f"已完成：{transition.label}")
                return redirect("order_detail", number=number)
    except ValidationError as exc:
        add_service_errors(form, exc)
    order.refresh_from_db()
    return _detail(request, order, failed=form, status=400)


def order_file_case(request, number: str):
    """代为申报: the agent picks the item (the order's own first) and, per material, uploads the
    file or ticks that the original was seen."""
    order = _order(request, number)
    if not perms.can_file_for_order(request.user, order):
        raise PermissionDenied("只有代办中的承办专员可以代为申报")
    own_items, other_items = selectors.item_choices(services.order_items(order))
    posted = request.method == "POST"
    pick = ItemPickForm(request.POST if posted else request.GET, items=own_items + other_items)
    item = pick.chosen()
    if item is None and not pick.named_an_item() and own_items:
        item = own_items[0]
    form = FileCaseForm(request.POST if posted else None, request.FILES if posted else None,
                        materials=services.item_materials(item))
    if posted and form.is_valid():
        try:
            if item is None:
                raise ValidationError("请选择代为申报的事项")
            case = services.order_file_case(order=order, actor=request.user, item=item,
                                            files=form.files_by_material(), originals_seen=form.originals_seen(),
                                            note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已代为申报“{item.name}”，办件编号 {case.number}。")
            return redirect("order_detail", number=number)
    return render(request, "assist/order_file_case.html", {
        "order": order, "item": item, "form": form, "own_items": own_items, "other_items": other_items,
        "chosen": item.implementation_code if item else "",
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


# --- project approval chains -------------------------------------------------------------------

def project_index(request):
    page, query = paginate(request, selectors.project_list(user=request.user, with_metrics=True))
    calendar = work_calendar()
    rows = [(p, services.project_metrics(p, calendar=calendar)) for p in page.object_list]
    return render(request, "assist/project_list.html", {"page": page, "query": query, "rows": rows})


def _project(request, pk: int) -> Project:
    project = selectors.project_get(user=request.user, pk=pk)
    if project is None:
        raise Http404("项目不存在或无权查看")
    return project


def _proven(steps) -> dict[str, str]:
    """The milestones the chain proves, with where each date comes from (the form's help text)."""
    return {k: (f"由审批链“{p.step.step.name}”环节的准予日期确定" if p.on else p.pending)
            for k, p in services.chain_proofs(steps).items()}


def _project_page(request, project: Project, form: MilestoneForm | None = None):
    steps = list(project.steps.select_related("step__item", "case__decision").prefetch_related("step__predecessors"))
    by_step = {s.step_id: s for s in steps}
    rows = [(s, services.step_done(s), services.step_ready(s, by_step)) for s in steps]
    can_file = perms.can_work_projects(request.user)
    if form is None and can_file:
        form = MilestoneForm(initial=services.project_dates(project, steps), proven=_proven(steps))
    m = services.project_metrics(project)
    labels = services.milestone_labels()
    reform_rows = [(r, labels[r.start], m["dates"][r.start], labels[r.end], m["dates"][r.end]) for r in m["reforms"]]
    return render(request, "assist/project_detail.html", {
        "project": project, "rows": rows, "m": m, "can_file": can_file, "form": form, "reform_rows": reform_rows,
    })


def project_detail(request, pk: int):
    return _project_page(request, _project(request, pk))


def project_file_step(request, pk: int, step_id: int):
    """申报 one ready step of the chain: per material of the step's item, the uploaded file or the
    original seen (as 代为申报 on an order), never a blanket claim that every original was seen."""
    project = _project(request, pk)
    step = project.steps.select_related("step__item__current_version", "case").filter(pk=step_id).first()
    if step is None:
        raise Http404("环节不存在")
    if not perms.can_work_projects(request.user):
        raise PermissionDenied("无权申报")
    posted = request.method == "POST"
    form = FileCaseForm(request.POST if posted else None, request.FILES if posted else None,
                        materials=services.step_materials(step))
    if posted and form.is_valid():
        try:
            case = services.project_file_step(project=project, step=step, actor=request.user,
                                              files=form.files_by_material(), originals_seen=form.originals_seen(),
                                              note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已申报“{step.step.name}”，办件编号 {case.number}。")
            return redirect("project_detail", pk=pk)
    steps = {s.step_id: s for s in project.steps.select_related("step", "case").prefetch_related("step__predecessors")}
    return render(request, "assist/project_file_step.html", {
        "project": project, "step": step, "form": form, "filed": step.case_id is not None,
        "ready": services.step_ready(steps[step.step_id], steps),
    })


@require_POST
def project_milestones(request, pk: int):
    project = _project(request, pk)
    if not perms.can_work_projects(request.user):
        raise PermissionDenied("无权修改节点日期")
    steps = project.steps.select_related("step", "case__decision")
    form = MilestoneForm(request.POST, initial=services.project_dates(project, steps), proven=_proven(steps))
    if form.is_valid():
        try:
            services.project_set_milestones(project=project, actor=request.user, **form.submitted())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "节点日期已更新。")
            return redirect("project_detail", pk=pk)
    project.refresh_from_db()
    return _project_page(request, project, form)
