"""Appeal pages: submit, lists, the appeal page with its actions, statistics."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.core.views_utils import error_text, paginate, render_page, require
from gaoxin.enterprises.models import Enterprise

from . import selectors, services
from .models import AppealStatus, Category, RequestType, Result, Urgency


def appeal_index(request):
    qs = selectors.appeal_list(user=request.user, status=request.GET.get("status", ""), q=request.GET.get("q", ""))
    page, query = paginate(request, qs)
    return render_page(request, "appeals/appeal_list.html", "appeals/appeal_table.html",
                       {"page": page, "query": query, "statuses": AppealStatus.choices,
                        "can_submit": perms.can_submit_appeal(request.user),
                        "can_view_statistics": perms.can_view_appeal_statistics(request.user)})


def appeal_new(request):
    user = request.user
    if user.role == Role.ENTERPRISE:
        enterprises = Enterprise.objects.filter(memberships__user=user)
    elif perms.can_submit_appeal(user):
        enterprises = None
    else:
        raise PermissionDenied("您无权登记诉求")
    if request.method == "POST":
        pool = enterprises if enterprises is not None else Enterprise.objects.all()
        enterprise = pool.filter(uscc="".join(request.POST.get("uscc", "").split()).upper()).first()
        try:
            if enterprise is None:
                raise ValidationError({"uscc": "请选择或填写有效的企业"})
            channel = "平台" if user.role == Role.ENTERPRISE else ("驿站" if user.role == Role.STATION_OFFICER
                                                                   else request.POST.get("channel") or "服务专员")
            appeal = services.appeal_submit(
                actor=user, enterprise=enterprise, channel=channel, category=request.POST.get("category", ""),
                request_type=request.POST.get("request_type", ""), urgency=request.POST.get("urgency", "normal"),
                title=request.POST.get("title", ""), description=request.POST.get("description", ""),
                contact_name=request.POST.get("contact_name", ""), contact_phone=request.POST.get("contact_phone", ""),
                confidential=request.POST.get("confidential") == "on")
            messages.success(request, f"诉求已登记，编号 {appeal.number}，政务服务中心将在24小时内派单。")
            return redirect("appeal_detail", number=appeal.number)
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    return render(request, "appeals/appeal_form.html", {
        "enterprises": enterprises, "categories": Category.choices, "types": RequestType.choices,
        "urgencies": Urgency.choices, "data": request.POST,
    })


def appeal_detail(request, number: str):
    appeal = perms.appeals_visible_to(request.user).select_related("enterprise", "lead", "station").filter(number=number).first()
    if appeal is None:
        raise Http404("诉求不存在或无权查看")
    departments = OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT).order_by("sort_order", "name")
    return render(request, "appeals/appeal_detail.html", {
        "appeal": appeal, "events": appeal.events.all(), "actions": services.available(appeal, request.user),
        "departments": departments, "results": Result.choices, "cooperating": appeal.cooperating.all(),
        "show_contact": not appeal.confidential or request.user.role in (Role.ZONE_ADMIN, Role.WINDOW_CLERK),
    })


@require_POST
def appeal_act(request, number: str):
    appeal = perms.appeals_visible_to(request.user).filter(number=number).first()
    if appeal is None:
        raise Http404("诉求不存在或无权查看")
    post = request.POST
    units = {u.pk: u for u in OrgUnit.objects.filter(pk__in=[x for x in [post.get("lead"), *post.getlist("cooperating")] if x])}
    try:
        services.appeal_transition(
            appeal=appeal, name=post.get("name", ""), actor=request.user, reason=post.get("reason", ""),
            lead=units.get(int(post["lead"])) if post.get("lead") else None,
            cooperating=[units[int(x)] for x in post.getlist("cooperating") if x] if "cooperating" in post else None,
            result=post.get("result", ""),
            satisfaction=int(post["satisfaction"]) if post.get("satisfaction", "").isdigit() else None,
            solved={"yes": True, "no": False}.get(post.get("solved", "")))
        messages.success(request, "操作已完成。")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("appeal_detail", number=number)


@require(perms.can_view_appeal_statistics)
def appeal_statistics(request):
    return render(request, "appeals/statistics.html", {
        "departments": selectors.statistics("lead__name"), "stations": selectors.statistics("station__name"),
    })
