"""Appeal pages: raise, lists, the appeal page with its actions, statistics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.core import hooks
from gaoxin.core.masking import mask_phone
from gaoxin.core.views_utils import add_service_errors, paginate, render_page, require

from . import permissions as perms
from . import selectors, services
from .forms import FIELDS_BY_ACTION, AppealActionForm, AppealForm
from .models import AppealStatus
from .workflow import WORKFLOW


def appeal_index(request):
    qs = selectors.appeal_list(user=request.user, status=request.GET.get("status", ""), q=request.GET.get("q", ""),
                               talent_only=request.GET.get("talent") == "1")
    page, query = paginate(request, qs)
    return render_page(request, "appeals/appeal_list.html", "appeals/appeal_table.html",
                       {"page": page, "query": query, "statuses": AppealStatus.choices,
                        **hooks.flags("queue", request.user, enterprise_ids=[a.enterprise_id for a in page]),
                        "can_submit": perms.can_submit_appeal(request.user),
                        "can_view_statistics": perms.can_view_appeal_statistics(request.user)})


@require(perms.can_submit_appeal)
def appeal_new(request):
    user = request.user
    firms = perms.firms_for_appeal(user)
    form = AppealForm(request.POST or None, firms=firms,
                      initial={"contact_name": user.get_full_name(), "contact_phone": user.phone})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        channel = perms.intake_channel(user, d.get("channel", ""))
        try:
            appeal = services.appeal_submit(
                actor=user, enterprise=form.firm(), channel=channel, category=d["category"],
                request_type=d["request_type"], urgency=d["urgency"], title=d["title"], description=d["description"],
                contact_name=d["contact_name"], contact_phone=d["contact_phone"], confidential=d["confidential"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"诉求已登记，编号 {appeal.number}，政务服务中心将在24小时内派单。")
            return redirect("appeal_detail", number=appeal.number)
    return render(request, "appeals/appeal_form.html", {"form": form})


def _appeal(request, number: str):
    appeal = selectors.appeal_list(user=request.user).filter(number=number).first()
    if appeal is None:
        raise Http404("诉求不存在或无权查看")
    return appeal


def _detail(request, appeal, failed: AppealActionForm | None = None, status: int = 200):
    actions = []
    for t in WORKFLOW.available(appeal, request.user):
        form = failed if failed is not None and failed.data.get("name") == t.name else \
            AppealActionForm(initial={"name": t.name}, auto_id=f"id_{t.name.lower()}_%s")
        fields = [form[f] for f in FIELDS_BY_ACTION.get(t.name, ())] + ([form["reason"]] if t.needs_reason else [])
        actions.append({"transition": t, "form": form, "fields": fields})
    return render(request, "appeals/appeal_detail.html", {
        "appeal": appeal, "events": appeal.events.all(), "actions": actions, "cooperating": appeal.cooperating.all(),
        # Where the page sits: a talent's own service request under 我的人才服务, any other under 企业诉求.
        "crumb": ("我的人才服务", reverse("talentcare_me")) if perms.files_as_talent(request.user)
        else ("人才服务诉求" if appeal.talent_service else "企业诉求", reverse("appeal_index")),
        "show_contact": perms.can_see_contact(request.user, appeal),
        "contact_phone": appeal.contact_phone if perms.can_call_contact(request.user, appeal)
        else mask_phone(appeal.contact_phone),
    }, status=status)


def appeal_detail(request, number: str):
    return _detail(request, _appeal(request, number))


@require_POST
def appeal_act(request, number: str):
    appeal = _appeal(request, number)
    name = request.POST.get("name", "")
    form = AppealActionForm(request.POST, auto_id=f"id_{name.lower()}_%s")
    if form.is_valid():
        transition = WORKFLOW[form.cleaned_data["name"]]
        try:
            services.appeal_transition(appeal=appeal, name=transition.name, actor=request.user,
                                       reason=form.cleaned_data["reason"], **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已完成：{transition.label}")
            return redirect("appeal_detail", number=number)
    appeal.refresh_from_db()
    return _detail(request, appeal, failed=form, status=400)


@require(perms.can_view_appeal_statistics)
def appeal_statistics(request):
    return render(request, "appeals/statistics.html", {
        "departments": selectors.statistics("lead__name"), "stations": selectors.statistics("station__name"),
    })
