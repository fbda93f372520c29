"""人才与用工 pages: job demands and hires, matchmaking events (with the public QR check-in), school agreements and
the 缺工 index. Every POST is one service call; a form with an error is shown again with what was typed."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.catalog.qr import qr_svg
from gaoxin.core.views_utils import apply_step, form_page, paginate, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    ActForm,
    ActivityForm,
    AgreementForm,
    CheckInForm,
    DemandFilterForm,
    DemandForm,
    EventForm,
    HireForm,
    IntentForm,
    RegisterForm,
)
from .models import MatchEvent
from .workflow import AGREEMENT_WORKFLOW, DEMAND_WORKFLOW, HIRE_WORKFLOW, offered


def tabs(user) -> dict:
    """What the room's tab bar offers this user (talent/partials_nav.html)."""
    return {"can_view_demands": perms.can_view_talent(user), "can_view_shortage": perms.can_view_shortage(user),
            "can_convert_appeals": perms.talent_appeals_for_demand(user) is not None,
            "can_view_registry": perms.can_view_registry(user), "can_view_rounds": perms.can_view_rounds(user),
            "is_talent": perms.is_talent(user)}


def _act(request, workflow, apply) -> tuple[ActForm, bool]:
    """A transition's button (name, reason, date) applied by `apply(name, cleaned_data)`: (form, done)."""
    form = ActForm(request.POST)
    return form, apply_step(request, workflow, form, apply)


# A creation form on talent/form.html (title, back): see core.views_utils.form_page.
_create_page = partial(form_page, template="talent/form.html")


@require(perms.can_view_talent)
def talent_index(request):
    filters = DemandFilterForm(request.GET or None)
    d = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.demand_list(user=request.user, status=d.get("status", ""), q=d.get("q", ""))
    page, query = paginate(request, qs)
    to_confirm = selectors.hires_to_confirm(user=request.user)
    today = timezone.localdate()
    checks = selectors.retention_checks(user=request.user, today=today)
    return render(request, "talent/index.html", {
        "page": page, "query": query, "filters": filters, "to_confirm": to_confirm,
        "checks_due": checks.count(),
        "checks_overdue": checks.filter(check_due__lt=selectors.retention_overdue_before(today)).count(),
        "can_post": perms.can_post_demand(request.user), "can_view_shortage": perms.can_view_shortage(request.user),
        "can_manage_agreements": perms.can_manage_agreements(request.user),
        "show_agreements": perms.agreements_visible_to(request.user).exists(), **tabs(request.user),
    })


@require(perms.can_post_demand)
def demand_new(request):
    firms = perms.firms_for_demand(request.user)
    form = DemandForm(request.POST or None, firms=firms)
    return _create_page(
        request, form, title="发布用工需求", back=reverse("talent_index"),
        create=lambda: services.demand_create(actor=request.user, **form.service_kwargs()),
        done=lambda d: (f"用工需求已发布，编号 {d.number}", reverse("talent_demand", args=[d.number])))


def _appeals_scope(request):
    scope = perms.talent_appeals_for_demand(request.user)
    if scope is None:
        raise PermissionDenied("只有人才办和驿站人员可以把企业诉求转为用工需求")
    return scope


@require(perms.can_view_talent)
def appeal_list(request):
    """企业人才诉求: firms' 人才 appeals the user sees, with the demands each has become (转为用工需求)."""
    qs = (_appeals_scope(request).select_related("enterprise").order_by("-received_at", "-pk")
          .annotate(demands=Count("job_demands", distinct=True)))  # the scope may join cooperating units
    page, query = paginate(request, qs)
    for appeal in page:
        appeal.convertible = perms.appeal_convertible(appeal)
    return render(request, "talent/appeal_list.html", {"page": page, "query": query, "tab": "appeals",
                                                       **tabs(request.user)})


@require(perms.can_view_talent)
def appeal_to_demand(request, number: str):
    """转为用工需求: a firm's 人才 appeal becomes its job demand, prefilled with the firm and the appeal's text; the
    demand keeps the appeal it came from."""
    appeal = _appeals_scope(request).select_related("enterprise").filter(number=number).first()
    if appeal is None:
        raise Http404("企业诉求不存在或无权操作")
    if not perms.appeal_convertible(appeal):
        raise PermissionDenied(f"该诉求{appeal.get_status_display()}，不能再转为用工需求")
    form = DemandForm(request.POST or None, firms=perms.firms_for_demand(request.user),
                      initial={"uscc": appeal.enterprise.uscc, "description": appeal.description[:500]})
    return _create_page(
        request, form, title="转为用工需求", back=reverse("talent_appeals"), from_appeal=appeal,
        create=lambda: services.demand_create(actor=request.user, appeal=appeal, **form.service_kwargs()),
        done=lambda d: (f"用工需求已登记，编号 {d.number}", reverse("talent_demand", args=[d.number])))


def _demand(request, number: str):
    demand = selectors.demand_list(user=request.user).filter(number=number).first()
    if demand is None:
        raise Http404("用工需求不存在或无权查看")
    return demand


def _demand_page(request, demand, *, hire_form=None, act_form=None, status=200):
    full_ids = perms.can_view_id_numbers(request.user)
    rows = []
    for hire in perms.hires_visible_to(request.user).filter(demand=demand).select_related("event", "station"):
        hire.demand = demand  # the page's demand: the roles need no query per row
        rows.append({"hire": hire, "id_number": hire.id_number if full_ids else hire.masked_id_number,
                     "actions": offered(HIRE_WORKFLOW, hire, request.user)})
    return render(request, "talent/demand_detail.html", {
        "demand": demand, "rows": rows,
        "hire_form": hire_form or (HireForm(demand=demand) if perms.can_record_hire(request.user, demand) else None),
        "act_form": act_form or ActForm(), "demand_actions": DEMAND_WORKFLOW.available(demand, request.user),
        "events": demand.events.select_related("actor"),
    }, status=status)


@require(perms.can_view_talent)
def demand_detail(request, number: str):
    return _demand_page(request, _demand(request, number))


@require_POST
@require(perms.can_view_talent)
def demand_act(request, number: str):
    demand = _demand(request, number)
    form, done = _act(request, DEMAND_WORKFLOW, lambda name, d: services.demand_transition(
        demand=demand, name=name, actor=request.user, reason=d["reason"]))
    if done:
        return redirect("talent_demand", number=number)
    demand.refresh_from_db()
    return _demand_page(request, demand, act_form=form, status=400)


@require_POST
@require(perms.can_view_talent)
def hire_new(request, number: str):
    demand = _demand(request, number)
    if not perms.can_record_hire(request.user, demand):
        raise Http404("用工需求不存在或无权查看")
    form = HireForm(request.POST, demand=demand)
    if form.is_valid() and submit(form, lambda: services.hire_record(actor=request.user, demand=demand,
                                                                   **form.cleaned_data)):
        messages.success(request, "到岗已登记")
        return redirect("talent_demand", number=number)
    demand.refresh_from_db()
    return _demand_page(request, demand, hire_form=form, status=400)


@require_POST
@require(perms.can_view_talent)
def hire_act(request, pk: int):
    hire = perms.hires_visible_to(request.user).select_related("demand").filter(pk=pk).first()
    if hire is None:
        raise Http404("到岗记录不存在或无权查看")
    form, done = _act(request, HIRE_WORKFLOW, lambda name, d: services.hire_transition(
        hire=hire, name=name, actor=request.user, reason=d["reason"], left_on=d["left_on"]))
    if done:
        return redirect("talent_demand", number=hire.demand.number)
    return _demand_page(request, hire.demand, act_form=form, status=400)


@require(perms.can_view_talent)
def retention_list(request):
    """待回访: the 30 / 90-day retention checks due on the user's hires (the office all, a station its own, a firm
    its own), overdue ones marked; each links to its demand, where the 回访 buttons are."""
    today = timezone.localdate()
    page, query = paginate(request, selectors.retention_checks(user=request.user, today=today))
    overdue_before = selectors.retention_overdue_before(today)
    short, long = settings.GAOXIN_TALENT_RETENTION_DAYS
    for hire in page:
        hire.overdue = hire.check_due < overdue_before
        hire.check_label = f"到岗{short}天回访" if hire.status == "confirmed" else f"到岗{long}天回访"
    return render(request, "talent/retention.html", {
        "page": page, "query": query, "grace": settings.GAOXIN_TALENT_RETENTION_GRACE_DAYS, "tab": "retention",
        **tabs(request.user)})


# --- events ----------------------------------------------------------------------------------------------------


@require(perms.can_view_talent)
def event_list(request):
    qs = perms.events_visible_to(request.user).select_related("organiser").annotate(
        n_firms=Count("firms", distinct=True), n_checkins=Count("checkins", distinct=True)).order_by("-held_on", "-id")
    page, query = paginate(request, qs)
    return render(request, "talent/events.html", {"page": page, "query": query,
                                                  "can_manage": perms.can_manage_events(request.user),
                                                  **tabs(request.user)})


@require(perms.can_manage_events)
def event_new(request):
    form = EventForm(request.POST or None)
    return _create_page(
        request, form, title="新建对接活动", back=reverse("talent_events"),
        create=lambda: services.event_create(actor=request.user, organiser=request.user.org_unit, **form.cleaned_data),
        done=lambda e: ("对接活动已创建", reverse("talent_event", args=[e.pk])))


def _event(request, pk: int) -> MatchEvent:
    event = perms.events_visible_to(request.user).select_related("organiser").filter(pk=pk).first()
    if event is None:
        raise Http404("活动不存在")
    return event


def _event_page(request, event, *, register_form=None, intent_form=None, status=200):
    manage = perms.can_manage_events(request.user)
    firms = perms.firms_for_demand(request.user)
    return render(request, "talent/event_detail.html", {
        "event": event, "manage": manage,
        "firms": event.firms.order_by("name"), "schools": event.schools.all(),
        "demands": event.demands.select_related("enterprise"),
        "checkins": event.checkins.all()[:200] if manage else [], "checkin_count": event.checkins.count(),
        "intents": event.intents.select_related("enterprise", "demand") if manage or firms is None else
        event.intents.filter(enterprise__in=firms).select_related("enterprise", "demand"),
        "register_form": register_form or RegisterForm(firms=firms),
        "intent_form": intent_form or (IntentForm(event=event) if perms.can_record_intent(request.user, event) else None),
        "checkin_url": _checkin_url(request, event) if manage else "",
        "past": event.held_on < timezone.localdate(),
    }, status=status)


def _checkin_url(request, event) -> str:
    path = reverse("talent_checkin", args=[event.checkin_token])
    base = settings.GAOXIN_PUBLIC_BASE_URL.rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


@require(perms.can_view_talent)
def event_detail(request, pk: int):
    return _event_page(request, _event(request, pk))


@require_POST
@require(perms.can_view_talent)
def event_register(request, pk: int):
    event = _event(request, pk)
    if event.held_on < timezone.localdate():
        raise PermissionDenied("活动已结束，不再接受报名")
    firms = perms.firms_for_demand(request.user)
    form = RegisterForm(request.POST, firms=firms)
    if form.is_valid() and submit(form, lambda: services.event_register(
            event=event, actor=request.user, enterprise=form.cleaned_data.get("uscc"),
            school=form.cleaned_data.get("school"), demands=form.cleaned_data["demands"])):
        messages.success(request, "报名已登记")
        return redirect("talent_event", pk=pk)
    return _event_page(request, event, register_form=form, status=400)


@require_POST
@require(perms.can_view_talent)
def event_intent(request, pk: int):
    event = _event(request, pk)
    if not perms.can_record_intent(request.user, event):
        raise Http404("活动不存在")
    form = IntentForm(request.POST, event=event)
    if form.is_valid() and submit(form, lambda: services.intent_record(event=event, actor=request.user,
                                                                     **form.cleaned_data)):
        messages.success(request, "签约意向已登记")
        return redirect("talent_event", pk=pk)
    return _event_page(request, event, intent_form=form, status=400)


@require(perms.can_view_talent)
def event_programme(request, pk: int):
    """The printable programme (议程、参会企业及岗位、院校)."""
    event = _event(request, pk)
    return render(request, "talent/programme.html", {
        "event": event, "firms": event.firms.order_by("name"), "schools": event.schools.all(),
        "demands": event.demands.select_related("enterprise").order_by("enterprise__name")})


@require(perms.can_manage_events)
def event_qr(request, pk: int):
    event = _event(request, pk)
    return HttpResponse(qr_svg(_checkin_url(request, event), scale=6, title="扫码签到"), content_type="image/svg+xml")


@login_not_required
def checkin(request, token: str):
    """签到 at the door: the QR code on the event's poster opens this page on the job seeker's phone."""
    event = MatchEvent.objects.filter(checkin_token=token).first()
    if event is None:
        raise Http404("签到二维码无效")
    form = CheckInForm(request.POST or None, request.FILES or None)
    done = None
    status = 200
    if request.method == "POST":
        status = 400
        d = form.cleaned_data if form.is_valid() else None
        holder = {}
        if d is not None and submit(form, lambda: holder.update(checkin=services.checkin_create(event=event, **d))):
            done, status, form = holder["checkin"], 200, CheckInForm()
    # Outside the event's day the page says so instead of offering a form that would be refused.
    return render(request, "talent/checkin.html", {"event": event, "form": form, "done": done,
                                                   "open": event.held_on == timezone.localdate()}, status=status)


@require(perms.can_manage_events)
def checkin_resume(request, pk: int):
    """A résumé uploaded at the QR check-in, for the talent office only; each opening audited."""
    import mimetypes

    from django.http import FileResponse

    from .models import CheckIn

    checkin = (CheckIn.objects.filter(pk=pk, event__in=perms.events_visible_to(request.user)).exclude(resume="")
               .select_related("event").first())
    if checkin is None:
        raise Http404("简历不存在或无权查看")
    services.resume_open(actor=request.user, checkin=checkin)
    name = checkin.resume.name.rsplit("/", 1)[-1]
    try:
        handle = checkin.resume.open("rb")
    except FileNotFoundError:
        raise Http404("简历文件已不存在") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, filename=f"{checkin.name}简历.{name.rsplit('.', 1)[-1]}", content_type=content_type,
                        as_attachment=content_type not in ("application/pdf", "image/png", "image/jpeg"))


# --- school agreements -----------------------------------------------------------------------------------------


@require(perms.can_view_talent)
def agreement_list(request):
    qs = perms.agreements_visible_to(request.user).select_related("school", "enterprise")
    today = timezone.localdate()
    dormant_since = months_before(today, settings.GAOXIN_TALENT_DORMANT_MONTHS)
    expiring_by = today + dt.timedelta(days=settings.GAOXIN_TALENT_AGREEMENT_REMINDER_DAYS)
    if request.GET.get("dormant"):
        qs = qs.filter(status="active").filter(Q(last_activity_on__lt=dormant_since) | Q(last_activity_on__isnull=True))
    elif request.GET.get("expiring"):
        qs = qs.filter(status="active", expires_on__gte=today, expires_on__lte=expiring_by).order_by("expires_on")
    page, query = paginate(request, qs)
    for agreement in page:
        agreement.expiring = agreement.status == "active" and today <= agreement.expires_on <= expiring_by
    return render(request, "talent/agreements.html", {
        "page": page, "query": query, "dormant": bool(request.GET.get("dormant")), "dormant_since": dormant_since,
        "expiring": bool(request.GET.get("expiring")) and not request.GET.get("dormant"),
        "reminder_days": settings.GAOXIN_TALENT_AGREEMENT_REMINDER_DAYS,
        "months": settings.GAOXIN_TALENT_DORMANT_MONTHS, "can_manage": perms.can_manage_agreements(request.user),
        **tabs(request.user)})


def months_before(day: dt.date, months: int) -> dt.date:
    """The same day `months` calendar months earlier (the month's last day when it is shorter)."""
    import calendar

    month = day.month - 1 - months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


@require(perms.can_manage_agreements)
def agreement_new(request):
    form = AgreementForm(request.POST or None)
    return _create_page(
        request, form, title="登记校企合作协议", back=reverse("talent_agreements"),
        create=lambda: services.agreement_create(actor=request.user, **form.service_kwargs()),
        done=lambda a: ("校企合作协议已登记", reverse("talent_agreement", args=[a.pk])))


def _agreement(request, pk: int):
    agreement = perms.agreements_visible_to(request.user).select_related("school", "enterprise").filter(pk=pk).first()
    if agreement is None:
        raise Http404("协议不存在或无权查看")
    return agreement


def _agreement_page(request, agreement, *, activity_form=None, act_form=None, status=200):
    return render(request, "talent/agreement_detail.html", {
        "agreement": agreement, "activities": agreement.activities.select_related("recorded_by"),
        "activity_form": activity_form or (ActivityForm() if perms.can_log_agreement_activity(request.user, agreement)
                                           and agreement.status == "active" else None),
        "act_form": act_form or ActForm(), "actions": offered(AGREEMENT_WORKFLOW, agreement, request.user),
    }, status=status)


@require(perms.can_view_talent)
def agreement_detail(request, pk: int):
    return _agreement_page(request, _agreement(request, pk))


@require_POST
@require(perms.can_view_talent)
def agreement_activity(request, pk: int):
    agreement = _agreement(request, pk)
    form = ActivityForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.agreement_log(agreement=agreement, actor=request.user,
                                                                     **form.cleaned_data)):
        messages.success(request, "活动已登记")
        return redirect("talent_agreement", pk=pk)
    return _agreement_page(request, agreement, activity_form=form, status=400)


@require_POST
@require(perms.can_view_talent)
def agreement_act(request, pk: int):
    agreement = _agreement(request, pk)
    form, done = _act(request, AGREEMENT_WORKFLOW, lambda name, d: services.agreement_transition(
        agreement=agreement, name=name, actor=request.user, reason=d["reason"]))
    if done:
        return redirect("talent_agreement", pk=pk)
    return _agreement_page(request, agreement, act_form=form, status=400)


@require(perms.can_view_shortage)
def shortage(request):
    return render(request, "talent/shortage.html", {**selectors.shortage(perms.shortage_firms(request.user)),
                                                    **tabs(request.user)})

