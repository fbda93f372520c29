"""绿色制造 pages: the labels (counts per kind and level, a filtered paginated list; a firm sees its own), a label's
page with its timeline and the bureau's review buttons, the bureau's form. Every POST is one service call; a refused
form is shown again with what was typed."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.core.views_utils import add_service_errors, apply_step, error_text, form_page, paginate, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    ContributionForm,
    LabelActForm,
    LabelFilterForm,
    LabelForm,
    NeedActForm,
    NeedFilterForm,
    NeedForm,
    ResponseActForm,
)
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
        # Green finance figures (loans, subsidies, the pool) for staff; a firm sees its own needs on the board.
        "finance": selectors.finance_figures() if perms.is_staff_role(request.user) else None,
        "can_finance": perms.can_use_finance(request.user), "can_pool": perms.can_view_pool(request.user),
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
    staff = perms.can_view_all_carbon(request.user)
    # The zone's firms per grade (issue 21 item 6), whatever the filter: for staff.
    everyone = (rows if not any(filters.values()) else selectors.carbon_list(user=request.user)) if staff else []
    counts = [(label, sum(1 for r in everyone if (r["grade"] or "none") == code)) for code, label in grades]
    return render(request, "green/carbon.html", {
        "form": form, "page": page, "query": query, "thresholds": params.thresholds,
        "own_only": not staff, "counts": counts if everyone else [],
    })


# --- finance board ------------------------------------------------------------------------------------------------


@require(perms.can_use_finance)
def finance_index(request):
    """The firm's own needs, a bank's inbox of needs shared with it, or every need for the zone's finance office."""
    from django.utils import timezone

    from .models import NeedStatus, ResponseStatus

    bank = perms.bank_of(request.user)
    if bank is not None:
        form = NeedFilterForm(request.GET or None,
                              statuses=ResponseStatus.choices + [("overdue", "超期未响应")])
        form.fields.pop("green")
        filters = form.cleaned_data if form.is_valid() else {}
        status = filters.get("status", "")
        rows = selectors.inbox(user=request.user, status="" if status == "overdue" else status,
                               overdue=status == "overdue", q=filters.get("q", ""))
    else:
        form = NeedFilterForm(request.GET or None, statuses=NeedStatus.choices)
        filters = form.cleaned_data if form.is_valid() else {}
        rows = selectors.need_list(user=request.user, **{k: v for k, v in filters.items() if v})
    page, query = paginate(request, rows)
    return render(request, "green/finance.html", {
        "form": form, "page": page, "query": query, "bank": bank, "today": timezone.localdate(),
        "can_post": perms.can_post_need(request.user), "all": perms.reads_all_finance(request.user),
        "can_pool": perms.can_view_pool(request.user), "can_green": perms.can_view_green(request.user),
        "workdays": settings.GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS,
    })


def _need_form(request, data=None):
    from gaoxin.accounts.permissions import firm_ids_of
    from gaoxin.enterprises.models import Enterprise

    return NeedForm(data, firms=Enterprise.objects.filter(pk__in=sorted(firm_ids_of(request.user))).order_by("name"),
                    banks=services.partner_banks(), user=request.user)


@require(perms.can_post_need)
def need_new(request):
    form = _need_form(request, request.POST or None)
    return form_page(request, form, template="green/need_form.html",
                     create=lambda: services.need_post(actor=request.user, **form.cleaned_data),
                     done=lambda need: (f"已发布融资需求并推送{need.responses.count()}家银行",
                                        reverse("green_need", args=[need.pk])),
                     title="发布融资需求", workdays=settings.GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS)


def _need(request, pk: int):
    need = selectors.need_get(user=request.user, pk=pk)
    if need is None:
        raise Http404("融资需求不存在")
    return need


def _need_page(request, need, *, act_form=None, response_forms=None, status=200):
    from .models import LENT
    from .workflow import NEED_WORKFLOW, RESPONSE_WORKFLOW

    responses = selectors.need_responses(user=request.user, need=need)
    response_forms = response_forms or {}
    # The interest subsidy paid on each loan, and what the finance office would pay on one not yet subsidised.
    subsidies = selectors.loan_subsidies(responses)
    versions = services.subsidy_terms_versions() if perms.can_manage_pool(request.user) else []
    quotes = ({r.pk: services.subsidy_quote(r, versions) for r in responses
               if r.status in LENT and r.pk not in subsidies}
              if perms.can_manage_pool(request.user) else {})
    rows = []
    for r in responses:
        actions = RESPONSE_WORKFLOW.available(r, request.user)
        form = response_forms.get(r.pk) or ResponseActForm(auto_id=f"r{r.pk}_%s")
        rows.append({"response": r, "actions": actions, "fields": form.for_steps(actions), "form": form,
                     "subsidy": subsidies.get(r.pk), "quote": quotes.get(r.pk)})
    return render(request, "green/need_detail.html", {
        "need": need, "rows": rows, "events": selectors.need_events(user=request.user, need=need),
        "file": selectors.shared_file(user=request.user, need=need), "bank": perms.bank_of(request.user),
        "actions": NEED_WORKFLOW.available(need, request.user), "act_form": act_form or NeedActForm(),
        "is_firm": "firm" in perms.need_roles(request.user, need),
    }, status=status)


@require(perms.can_use_finance)
def need_detail(request, pk: int):
    return _need_page(request, _need(request, pk))


@require_POST
@require(perms.can_use_finance)
def need_act(request, pk: int):
    from .workflow import NEED_WORKFLOW

    need = _need(request, pk)
    form = NeedActForm(request.POST)
    if apply_step(request, NEED_WORKFLOW, form, lambda name, data: services.need_transition(
            need=need, name=name, actor=request.user, reason=data["reason"])):
        return redirect("green_need", pk=need.pk)
    need.refresh_from_db()
    return _need_page(request, need, act_form=form, status=400)


@require_POST
@require(perms.can_use_finance)
def response_act(request, pk: int):
    from .workflow import RESPONSE_WORKFLOW

    response = selectors.response_get(user=request.user, pk=pk)
    if response is None:
        raise Http404("银行响应不存在")
    form = ResponseActForm(request.POST, auto_id=f"r{response.pk}_%s")

    def apply(name, data):
        params = {k: v for k, v in data.items() if k not in ("name", "reason") and v not in (None, "")}
        services.response_transition(response=response, name=name, actor=request.user, reason=data["reason"],
                                     **params)

    if apply_step(request, RESPONSE_WORKFLOW, form, apply):
        return redirect("green_need", pk=response.need_id)
    need = _need(request, response.need_id)
    return _need_page(request, need, response_forms={response.pk: form}, status=400)


# --- risk pool ----------------------------------------------------------------------------------------------------


def _pool_page(request, form=None, status=200):
    from .models import MovementKind

    kind = request.GET.get("kind", "")
    kind = kind if kind in MovementKind.values else ""
    page, query = paginate(request, selectors.movement_list(user=request.user, kind=kind))
    awaiting = selectors.loans_awaiting_subsidy(user=request.user)
    versions = services.subsidy_terms_versions()
    terms = services.subsidy_terms(versions=versions)
    return render(request, "green/pool.html", {
        "summary": selectors.pool_summary(), "page": page, "query": query, "kind": kind,
        "kinds": MovementKind.choices, "can_manage": perms.can_manage_pool(request.user),
        "form": form or ContributionForm(),
        "awaiting": [(loan, services.subsidy_quote(loan, versions)) for loan in awaiting],
        "terms": terms, "share_pct": f"{terms.share * 100:.0f}",
    }, status=status)


@require(perms.can_view_pool)
def subsidy_terms(request):
    """贴息标准: the terms in force, the versions set (the configured defaults before the first) and, for the
    finance office, the form to set them from a date on."""
    from .forms import SubsidyTermsForm

    versions = services.subsidy_terms_versions()
    current = services.subsidy_terms(versions=versions)
    can_manage = perms.can_manage_pool(request.user)
    form = SubsidyTermsForm(request.POST or None, current=current) if can_manage else None
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied("只有财政局和管委会管理员可以设定贴息标准")
        status = 400
        if form.is_valid():
            d = form.cleaned_data
            if submit(form, lambda: services.subsidy_terms_set(
                    actor=request.user, effective_from=d["effective_from"], share=d["share"] / 100,
                    rate_ceiling=d["rate_ceiling"], months=d["months"], cap=d["cap"], note=d["note"])):
                messages.success(request, f"已设定{d['effective_from']:%Y年%-m月%-d日}起执行的贴息标准")
                return redirect("green_subsidy_terms")
    return render(request, "green/subsidy_terms.html", {
        "current": current, "versions": versions, "defaults": services.default_subsidy_terms(), "form": form,
        "can_manage": can_manage, "today": timezone.localdate()}, status=status)


@require(perms.can_view_pool)
def pool_index(request):
    return _pool_page(request)


@require_POST
@require(perms.can_manage_pool)
def pool_contribute(request):
    form = ContributionForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.pool_contribute(actor=request.user, **form.cleaned_data)):
        messages.success(request, f"已登记{form.cleaned_data['amount']:,.2f} 元注资")
        return redirect("green_pool")
    return _pool_page(request, form, status=400)


@require_POST
@require(perms.can_manage_pool)
def subsidy_pay(request, pk: int):
    loan = selectors.response_get(user=request.user, pk=pk)
    if loan is None:
        raise Http404("贷款不存在")
    try:
        move = services.subsidy_pay(loan=loan, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        messages.success(request, f"已从风险补偿资金池拨付贴息 {move.amount:,.2f} 元")
    return redirect(request.POST.get("next") if request.POST.get("next") == reverse("green_pool")
                    else reverse("green_need", args=[loan.need_id]))
