"""主动服务 pages: the 一户式 view of a firm (one tab at a time, each a constant number of queries), visit campaigns
(list, new by rule, the campaign with its coverage, targets and assignments, a target's visits, recording a visit,
turning a need into work), station areas with their figures, and the key-firm list. Every POST is one service
call; a refused form is shown again with what was typed."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.accounts.permissions import can_view_personal_data
from gaoxin.core.validators import year_param
from gaoxin.core.views_utils import form_page, paginate, require, submit
from gaoxin.enterprises.models import Enterprise

from . import permissions as perms
from . import selectors, services
from .forms import (
    AreaForm,
    AssignForm,
    CampaignActForm,
    CampaignForm,
    CoachingForm,
    KeyFirmForm,
    KeyRemoveForm,
    KeyRuleForm,
    NeedActForm,
    VisitForm,
)
from .models import Campaign, CampaignTarget, KeyFirm, Need
from .workflow import CAMPAIGN_WORKFLOW, NEED_WORKFLOW

# --- 一户式 ---------------------------------------------------------------------------------------------

def _tab_context(user, firm, tab: str, request) -> dict:
    kw = {"user": user, "enterprise": firm}
    if tab == "cases":
        return {"rows": paginate(request, selectors.firm_cases(**kw))}
    if tab == "appeals":
        return {"rows": paginate(request, selectors.firm_appeals(**kw))}
    if tab == "assist":
        return {"rows": paginate(request, selectors.firm_orders(**kw)), "projects": list(selectors.firm_projects(**kw))}
    if tab == "stations":
        return {"rows": paginate(request, selectors.firm_station_services(**kw))}
    if tab == "policies":
        return {"matches": list(selectors.firm_matches(**kw)), "paid": list(selectors.firm_paid(enterprise=firm)[:100]),
                "rows": paginate(request, selectors.firm_applications(**kw)),
                "coachings": list(selectors.coachings(user=user).filter(enterprise=firm)[:100]),
                "can_coach": perms.can_coach(user)}
    if tab == "evaluation":
        return {"tiers": selectors.firm_tiers(**kw)}
    if tab == "qualifications":
        today = timezone.localdate()
        quals = list(firm.qualifications.all())
        for q in quals:
            q.valid_now = q.is_valid_on(today)
            q.days_left = (q.valid_to - today).days if q.valid_to else None
        return {"quals": quals}
    if tab == "talent":
        return {"rows": paginate(request, selectors.firm_demands(**kw)), "talents": list(selectors.firm_talents(**kw)[:200])}
    if tab == "visits":
        return {"rows": paginate(request, selectors.firm_visits(**kw))}
    return {"timeline": selectors.firm_timeline(**kw)}


@require(perms.can_view_firm_view)
def firm_view(request, pk: int):
    firm = (Enterprise.objects.select_related("industry", "park_area").prefetch_related("contacts")
            .filter(pk=pk).first())
    if firm is None:
        raise Http404("企业不存在")
    tab = request.GET.get("tab", "timeline")
    if tab not in dict(selectors.TABS):
        tab = "timeline"
    context = {"e": firm, "tabs": selectors.TABS, "tab": tab, "figures": selectors.firm_figures(user=request.user, enterprise=firm),
               "key": selectors.key_listing(firm), "station": selectors.station_of_firm(firm),
               "life_stage": selectors.life_stage(firm),
               "show_personal": can_view_personal_data(request.user), "today": timezone.localdate()}
    extra = _tab_context(request.user, firm, tab, request)
    if "rows" in extra:
        page, query = extra.pop("rows")
        extra.update(page=page, query=query)
    context.update(extra)
    template = "proactive/partials/firm_tab.html" if getattr(request, "htmx", False) and not request.htmx.boosted \
        else "proactive/firm_view.html"
    return render(request, template, context)


@require(perms.can_coach)
def coaching_new(request, pk: int):
    """登记点对点政策辅导 for one firm; back to its 一户式 page's policy tab."""
    firm = Enterprise.objects.filter(pk=pk).first()
    if firm is None:
        raise Http404("企业不存在")
    form = CoachingForm(request.POST or None)
    return form_page(request, form, template="proactive/coaching_form.html", e=firm,
                     create=lambda: services.coaching_record(actor=request.user, enterprise=firm, **form.cleaned_data),
                     done=lambda c: (f"已登记对{firm.name}的政策辅导：{c.policy.title}",
                                     reverse("firm_view", args=[firm.pk]) + "?tab=policies"))


@require(perms.can_view_campaigns)
def coaching_list(request):
    """点对点政策辅导: per policy, how many firms were coached and how many then applied; the records below."""
    year = year_param(request.GET.get("year"))
    page, query = paginate(request, selectors.coachings(user=request.user)
                           .filter(**({"coached_on__year": year} if year else {})))
    return render(request, "proactive/coaching_list.html", {
        "counts": selectors.coaching_counts(user=request.user, year=year), "page": page, "query": query,
        "year": year, "section": "coaching"})


# --- campaigns ----------------------------------------------------------------------------------------

@require(perms.can_view_campaigns)
def campaign_list(request):
    page, query = paginate(request, selectors.campaign_list(user=request.user))
    return render(request, "proactive/campaign_list.html", {
        "page": page, "query": query, "can_create": perms.can_create_campaign(request.user)})


@require(perms.can_create_campaign)
def campaign_new(request):
    form = CampaignForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        made = []
        if form.is_valid() and submit(form, lambda: made.append(services.campaign_create(actor=request.user, **form.cleaned_data))):
            campaign = made[0]
            messages.success(request, f"走访活动“{campaign.name}”已发起，按条件选出 {campaign.targets.count()} 家企业，请分配走访人员")
            return redirect("campaign_detail", pk=campaign.pk)
    return render(request, "proactive/campaign_form.html", {"form": form}, status=status)


def _campaign(request, pk: int) -> Campaign:
    campaign = perms.campaigns_visible_to(request.user).select_related("created_by").filter(pk=pk).first()
    if campaign is None:
        raise Http404("走访活动不存在")
    return campaign


def _campaign_page(request, campaign, *, assign_form=None, act_form=None, status=200):
    user = request.user
    mine = request.GET.get("mine") == "1"
    filt = request.GET.get("status", "")
    page, query = paginate(request, selectors.campaign_targets(user=user, campaign=campaign, mine=mine, status=filt))
    manage = perms.can_manage_campaign(user, campaign)
    return render(request, "proactive/campaign_detail.html", {
        "campaign": campaign, "page": page, "query": query, "mine": mine, "status_filter": filt,
        "figures": selectors.campaign_figures(campaign=campaign) if perms.sees_all_targets(user, campaign) else None,
        "manage": manage, "assign_form": assign_form or (AssignForm(campaign=campaign) if manage else None),
        "steps": CAMPAIGN_WORKFLOW.available(campaign, user), "act_form": act_form or CampaignActForm(),
        "events": list(campaign.events.select_related("actor")), "can_visit_any": campaign.status == "open",
    }, status=status)


@require(perms.can_view_campaigns)
def campaign_detail(request, pk: int):
    return _campaign_page(request, _campaign(request, pk))


@require(perms.can_view_campaigns)
@require_POST
def campaign_assign(request, pk: int):
    campaign = _campaign(request, pk)
    if not perms.can_manage_campaign(request.user, campaign):
        raise PermissionDenied("只有活动发起人和管委会管理员可以分配走访对象")
    form = AssignForm(request.POST, campaign=campaign)
    if form.is_valid() and submit(form, lambda: messages.success(request, "已分配 {} 家企业".format(services.campaign_assign(
            actor=request.user, campaign=campaign, targets=form.cleaned_data["targets"],
            assignee=form.cleaned_data["assignee"])))):
        return redirect("campaign_detail", pk=campaign.pk)
    return _campaign_page(request, campaign, assign_form=form, status=400)


@require(perms.can_view_campaigns)
@require_POST
def campaign_act(request, pk: int):
    campaign = _campaign(request, pk)
    if not perms.can_manage_campaign(request.user, campaign):
        raise PermissionDenied("只有活动发起人和管委会管理员可以结束或重新开启走访活动")
    form = CampaignActForm(request.POST)
    if form.is_valid() and form.cleaned_data["name"] in CAMPAIGN_WORKFLOW and submit(
            form, lambda: services.campaign_transition(campaign=campaign, name=form.cleaned_data["name"],
                                                       actor=request.user, reason=form.cleaned_data["reason"])):
        messages.success(request, f"已完成：{CAMPAIGN_WORKFLOW[form.cleaned_data['name']].label}")
        return redirect("campaign_detail", pk=campaign.pk)
    if not form.errors:
        form.add_error(None, "未知操作")
    return _campaign_page(request, campaign, act_form=form, status=400)


def _target(request, pk: int) -> CampaignTarget:
    target = (CampaignTarget.objects.select_related("campaign", "enterprise", "assignee")
              .filter(pk=pk, pk__in=perms.targets_visible_to(request.user).values("pk")).first())
    if target is None:
        raise Http404("走访对象不存在")
    return target


@require(perms.can_view_campaigns)
def target_detail(request, pk: int):
    target = _target(request, pk)
    form = None
    can_visit = perms.can_visit(request.user, target)
    if can_visit:
        form = VisitForm(request.POST or None, initial={"visited_on": timezone.localdate()})
    status = 200
    if request.method == "POST":
        if not can_visit:
            raise PermissionDenied("只有分配到该企业的走访人员或活动发起人可以登记（活动结束后不能登记）")
        status = 400
        made = []
        if form.is_valid() and submit(form, lambda: made.append(services.visit_record(
                actor=request.user, target=target, visited_on=form.cleaned_data["visited_on"],
                people_met=form.cleaned_data["people_met"], summary=form.cleaned_data["summary"],
                needs=form.need_lines(), policies=list(form.cleaned_data["policies"])))):
            n = made[0].needs.count()
            messages.success(request, "走访记录已登记" + (f"，发现需求 {n} 条，可逐条转办" if n else ""))
            return redirect("campaign_target", pk=target.pk)
    visits = list(selectors.campaign_visits(user=request.user, campaign=target.campaign).filter(target=target))
    return render(request, "proactive/target_detail.html", {
        "target": target, "visits": visits, "form": form, "can_visit": can_visit,
        "firm_url": reverse("firm_view", args=[target.enterprise_id]),
    }, status=status)


def _need(request, pk: int) -> Need:
    need = (perms.needs_visible_to(request.user).select_related(
        "visit__target__campaign", "visit__target__enterprise", "visit__by", "appeal", "order", "demand")
        .filter(pk=pk).first())
    if need is None:
        raise Http404("走访需求不存在")
    return need


NEED_FORMS = {"TO_APPEAL": "appeal", "TO_ORDER": "order", "TO_DEMAND": "demand", "SETTLE": "settle"}


def _need_page(request, need, form=None, status=200):
    firm = need.visit.target.enterprise
    contact = firm.contacts.order_by("-is_primary", "id").first()
    initial = {"contact_name": contact.name if contact else "", "contact_phone": contact.phone if contact else "",
               "title": need.description[:60], "location": firm.address[:100]}
    steps = NEED_WORKFLOW.available(need, request.user)
    posted = form.data.get("name") if form is not None else ""
    forms = {}
    for step, key in NEED_FORMS.items():
        if form is not None and posted == step:
            forms[key] = form
        else:
            forms[key] = NeedActForm(initial={**initial, "name": step}, auto_id=f"id_{key}_%s")
    top_errors = form.non_field_errors() if form is not None and posted not in NEED_FORMS else []
    return render(request, "proactive/need_detail.html", {
        "need": need, "firm": firm, "steps": {s.name: s for s in steps}, "top_errors": top_errors, **forms,
    }, status=status)


@require(perms.can_view_campaigns)
def need_detail(request, pk: int):
    return _need_page(request, _need(request, pk))


@require(perms.can_view_campaigns)
@require_POST
def need_act(request, pk: int):
    need = _need(request, pk)
    key = NEED_FORMS.get(request.POST.get("name", ""), "other")
    form = NeedActForm(request.POST, auto_id=f"id_{key}_%s")
    if form.is_valid():
        name = form.cleaned_data["name"]
        if name not in NEED_WORKFLOW:
            form.add_error(None, "未知操作")
        else:
            done = []
            try:
                ok = submit(form, lambda: done.append(services.need_transition(
                    need=need, name=name, actor=request.user, reason=form.cleaned_data.get("reason") or "",
                    **form.params())))
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or "您无权执行此操作")
                ok = False
            if ok:
                result = done[0].result
                messages.success(request, f"已完成：{NEED_WORKFLOW[name].label}" + (f"（编号 {result.number}）" if result else ""))
                return redirect("campaign_target", pk=need.visit.target_id)
    return _need_page(request, need, form=form, status=400)


# --- station areas ------------------------------------------------------------------------------------

@require(perms.can_view_station_figures)
def station_areas(request):
    year = year_param(request.GET.get("year")) or timezone.localdate().year
    form = None
    status = 200
    if perms.can_set_areas(request.user):
        form = AreaForm(request.POST or None)
        if request.method == "POST":
            status = 400
            if form.is_valid() and submit(form, lambda: services.area_set(actor=request.user, **form.cleaned_data)):
                messages.success(request, "驿站服务片区已更新")
                return redirect("station_areas")
    elif request.method == "POST":
        raise PermissionDenied("只有管委会管理员可以设置驿站服务片区")
    rows, output_year = selectors.station_figures(year=year)
    return render(request, "proactive/station_areas.html", {
        "rows": rows, "year": year, "output_year": output_year, "form": form,
        "years": list(range(timezone.localdate().year, timezone.localdate().year - 5, -1)),
    }, status=status)


# --- key firms ------------------------------------------------------------------------------------------

@require(perms.can_view_key_firms)
def key_firms(request):
    manage = perms.can_manage_key_firms(request.user)
    hand = KeyFirmForm(request.POST if request.POST.get("form") == "hand" else None, prefix="hand") if manage else None
    rule = KeyRuleForm(request.POST if request.POST.get("form") == "rule" else None, prefix="rule") if manage else None
    status = 200
    if request.method == "POST":
        if not manage:
            raise PermissionDenied("只有管委会管理员可以维护重点企业名单")
        status = 400
        if request.POST.get("form") == "hand" and hand.is_valid() and submit(hand, lambda: services.key_firm_add(
                actor=request.user, enterprise=hand.cleaned_data["uscc"], reason=hand.cleaned_data["reason"])):
            messages.success(request, f"{hand.cleaned_data['uscc'].name}已列入重点企业名单")
            return redirect("key_firms")
        if request.POST.get("form") == "rule" and rule.is_valid():
            added = []
            if submit(rule, lambda: added.append(services.key_firm_add_by_rule(actor=request.user, **rule.cleaned_data))):
                messages.success(request, f"按条件列入 {added[0]} 家重点企业")
                return redirect("key_firms")
    qs = KeyFirm.objects.filter(removed_at__isnull=True).select_related("enterprise", "added_by").order_by(
        "enterprise__name", "id")
    page, query = paginate(request, qs)
    return render(request, "proactive/key_firms.html", {
        "page": page, "query": query, "manage": manage, "hand": hand, "rule": rule,
        "remove_form": KeyRemoveForm() if manage else None}, status=status)


@require(perms.can_manage_key_firms)
@require_POST
def key_firm_remove(request, pk: int):
    key = KeyFirm.objects.filter(pk=pk, removed_at__isnull=True).select_related("enterprise").first()
    if key is None:
        raise Http404("该企业不在重点企业名单中")
    form = KeyRemoveForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.key_firm_remove(actor=request.user, key=key,
                                                                         reason=form.cleaned_data["reason"])):
        messages.success(request, f"{key.enterprise.name}已移出重点企业名单")
    else:
        messages.error(request, "请填写移出理由")
    return redirect("key_firms")
