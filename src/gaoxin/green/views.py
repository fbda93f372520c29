"""绿色制造 pages: the labels (counts per kind and level, a filtered paginated list; a firm sees its own), a label's
page with its timeline and the bureau's review buttons, the bureau's form. Every POST is one service call; a refused
form is shown again with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.core.views_utils import add_service_errors, error_text, paginate, require

from . import permissions as perms
from . import selectors, services
from .forms import LabelActForm, LabelFilterForm, LabelForm
from .workflow import LABEL_WORKFLOW


@require(perms.can_view_green)
def label_list(request):
    form = LabelFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    labels = selectors.label_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page, query = paginate(request, labels)
    return render(request, "green/labels.html", {
        "form": form, "page": page, "query": query, "counts": selectors.label_counts(user=request.user),
        "can_manage": perms.can_manage_labels(request.user),
        "own_only": not perms.is_staff_role(request.user),
        # A firm sees its own carbon-efficiency grade beside its labels.
        "own_grades": None if perms.can_view_all_carbon(request.user) else selectors.carbon_list(user=request.user),
    })


@require(perms.can_manage_labels)
def label_new(request):
    form = LabelForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                label = services.label_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"已登记{label.enterprise.name}的{label}")
                return redirect("green_label", pk=label.pk)
    return render(request, "green/label_form.html", {"form": form, "title": "登记绿色与智能制造称号"}, status=status)


def _label(request, pk: int):
    label = selectors.label_get(user=request.user, pk=pk)
    if label is None:
        raise Http404("称号不存在")
    return label


def _detail(request, label, act_form=None, status=200):
    return render(request, "green/label_detail.html", {
        "label": label, "events": label.events.select_related("actor"),
        "actions": LABEL_WORKFLOW.available(label, request.user), "act_form": act_form or LabelActForm(),
    }, status=status)


@require(perms.can_view_green)
def label_detail(request, pk: int):
    return _detail(request, _label(request, pk))


@require_POST
@require(perms.can_view_green)
def label_act(request, pk: int):
    label = _label(request, pk)
    form = LabelActForm(request.POST)
    if form.is_valid():
        name = form.cleaned_data["name"]
        try:
            services.label_transition(label=label, name=name, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                add_service_errors(form, exc)
            else:
                form.add_error("reason", error_text(exc))
            label.refresh_from_db()
            return _detail(request, label, form, status=400)
        messages.success(request, f"已{LABEL_WORKFLOW[name].label}" if name in LABEL_WORKFLOW else "已办理")
        return redirect(reverse("green_label", args=[label.pk]))
    return _detail(request, label, form, status=400)


@require(perms.can_view_carbon)
def carbon_list(request):
    from .carbon import GRADES
    from .forms import CarbonFilterForm

    grades = GRADES + [("none", "无法评定")]
    form = CarbonFilterForm(request.GET or None, grades=grades)
    filters = form.cleaned_data if form.is_valid() else {}
    rows = selectors.carbon_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page, query = paginate(request, rows)
    params = selectors.carbon_params()
    return render(request, "green/carbon.html", {
        "form": form, "page": page, "query": query, "thresholds": params.thresholds,
        "own_only": not perms.can_view_all_carbon(request.user),
    })
