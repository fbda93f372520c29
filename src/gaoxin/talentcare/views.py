"""人才服务保障 pages: the office's apartments, queue and leases; pairing coverage and contact logs; talent-flagged
appeals; a leader's own paired talents; a talent's own page (application, place in the queue, lease, requests). Every
POST is one service call; a refused form is shown again with what was typed."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.core.views_utils import apply_step, form_page, paginate, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    ApplicationActForm,
    ApplyForm,
    BuildingForm,
    ContactForm,
    LeaseActForm,
    OfficeApplyForm,
    OfficeTalentAppealForm,
    PairingEndForm,
    PairingForm,
    RaiseAppealForm,
    TalentAppealForm,
    UnitActForm,
    UnitFilterForm,
    UnitForm,
)
from .models import ApplicationStatus, LeaseStatus
from .workflow import APPLICATION_WORKFLOW, LEASE_WORKFLOW, UNIT_WORKFLOW, subsidy_share

# The inputs each step shows besides its reason (which the table's needs_reason governs).
APPLICATION_FIELDS = {"OFFER": ("unit", "reason"), "SIGN": ("start_on", "end_on", "deposit"), "WITHDRAW": ("reason",)}
LEASE_FIELDS = {"RENEW": ("end_on",), "EXIT": ("moved_out_on", "reason")}
UNIT_FIELDS = {"MAINTAIN": ("reason",)}


def _actions(workflow, obj, user, fields: dict, make_form, failed=None) -> list[dict]:
    """The steps this user may take now, each with its form (the refused one keeps what was typed)."""
    out = []
    for t in workflow.available(obj, user):
        form = failed if failed is not None and failed.data.get("name") == t.name else \
            make_form(None, auto_id=f"id_{t.name.lower()}_%s")
        out.append({"transition": t, "form": form, "fields": [form[f] for f in fields.get(t.name, ())]})
    return out


def _apply(request, workflow, make_form, apply):
    """(form, done): a step's POST applied by `apply(name, cleaned_data)` (core.views_utils.apply_step)."""
    form = make_form(request.POST, auto_id=f"id_{request.POST.get('name', '').lower()}_%s")
    return form, apply_step(request, workflow, form, apply)


# A creation form on talentcare/form.html (title, back): see core.views_utils.form_page.
_create_page = partial(form_page, template="talentcare/form.html")


def _nav(request) -> dict:
    user = request.user
    return {"can_manage": perms.can_manage_housing(user), "is_office": perms.is_office(user),
            "is_leader": perms.is_leader(user)}


# --- overview and apartments -----------------------------------------------------------------------------------


@require(perms.can_view_housing)
def index(request):
    return render(request, "talentcare/index.html", {
        **_nav(request), "tab": "index", "occupancy": selectors.occupancy(),
        "queued": selectors.queue().count(),
        "offered": perms.applications_visible_to(request.user).filter(status=ApplicationStatus.OFFERED).count(),
        "expiring": selectors.expiring_leases().select_related("talent", "unit__building").order_by("end_on")[:20],
        "coverage": selectors.coverage_counts(),
        "open_appeals": selectors.talent_appeals(user=request.user).exclude(status__in=["closed", "referred_out"]).count(),
    })


@require(perms.can_view_housing)
def unit_list(request):
    filters = UnitFilterForm(request.GET or None)
    qs = perms.units_visible_to(request.user).select_related("building")
    if filters.is_valid():
        if filters.cleaned_data.get("building"):
            qs = qs.filter(building=filters.cleaned_data["building"])
        if filters.cleaned_data.get("status"):
            qs = qs.filter(status=filters.cleaned_data["status"])
    page, query = paginate(request, qs.order_by("building__name", "number", "pk"))
    return render(request, "talentcare/units.html", {**_nav(request), "tab": "units", "page": page, "query": query,
                                                     "filters": filters, "occupancy": selectors.occupancy()})


@require(perms.can_manage_housing)
def building_new(request):
    form = BuildingForm(request.POST or None)
    return _create_page(request, form, title="登记人才公寓楼栋", back=reverse("talentcare_units"),
                        create=lambda: services.building_create(actor=request.user, **form.cleaned_data),
                        done=lambda b: (f"楼栋“{b.name}”已登记，可继续登记房源", reverse("talentcare_unit_new")))


@require(perms.can_manage_housing)
def unit_new(request):
    form = UnitForm(request.POST or None)
    return _create_page(request, form, title="登记公寓房源", back=reverse("talentcare_units"),
                        create=lambda: services.unit_create(actor=request.user, **form.cleaned_data),
                        done=lambda u: (f"房源 {u} 已登记", reverse("talentcare_unit", args=[u.pk])))


def _unit(request, pk: int):
    unit = perms.units_visible_to(request.user).select_related("building").filter(pk=pk).first()
    if unit is None:
        raise Http404("房源不存在或无权查看")
    return unit


def _unit_page(request, unit, failed=None, status=200):
    return render(request, "talentcare/unit_detail.html", {
        **_nav(request), "tab": "units", "unit": unit,
        "actions": _actions(UNIT_WORKFLOW, unit, request.user, UNIT_FIELDS, UnitActForm, failed),
        "events": unit.events.select_related("actor"),
        "leases": unit.leases.select_related("talent").order_by("-start_on")[:50],
    }, status=status)


@require(perms.can_view_housing)
def unit_detail(request, pk: int):
    return _unit_page(request, _unit(request, pk))


@require_POST
@require(perms.can_view_housing)
def unit_act(request, pk: int):
    unit = _unit(request, pk)
    form, done = _apply(request, UNIT_WORKFLOW, UnitActForm, lambda name, d: services.unit_transition(
        unit=unit, name=name, actor=request.user, reason=d["reason"]))
    if done:
        return redirect("talentcare_unit", pk=pk)
    unit.refresh_from_db()
    return _unit_page(request, unit, failed=form, status=400)


# --- the queue and applications --------------------------------------------------------------------------------


@require(perms.can_view_housing)
def queue(request):
    page, query = paginate(request, selectors.queue(perms.applications_visible_to(request.user)))
    offered = (perms.applications_visible_to(request.user).filter(status=ApplicationStatus.OFFERED)
               .select_related("talent", "unit__building").order_by("offered_on", "pk"))
    return render(request, "talentcare/queue.html", {
        **_nav(request), "tab": "queue", "page": page, "query": query, "offered": offered,
        "start": page.start_index(), "order": [selectors.QUEUE_KEYS[k] for k in settings.GAOXIN_TALENTCARE_QUEUE_ORDER],
        "free_units": selectors.occupancy()["free"]})


@require(perms.can_manage_housing)
def application_new(request):
    form = OfficeApplyForm(request.POST or None)

    def create():
        d = dict(form.cleaned_data)
        return services.application_submit(actor=request.user, **d)

    return _create_page(request, form, title="代人才申请人才公寓", back=reverse("talentcare_queue"), create=create,
                        done=lambda a: ("申请已登记，进入排队", reverse("talentcare_application", args=[a.pk])))


def _application(request, pk: int):
    application = (perms.applications_visible_to(request.user).select_related("talent", "unit__building")
                   .filter(pk=pk).first())
    if application is None:
        raise Http404("申请不存在或无权查看")
    return application


def _application_form(application):
    units = selectors.units_for_offer(application)
    return lambda data, **kw: ApplicationActForm(data, units=units, **kw)


def _application_page(request, application, failed=None, status=200):
    tier = selectors.best_tier(application.talent)
    lease = getattr(application, "lease", None) if application.status in (ApplicationStatus.LEASED,
                                                                         ApplicationStatus.MOVED_OUT) else None
    return render(request, "talentcare/application_detail.html", {
        **_nav(request), "tab": "queue", "application": application, "tier": tier, "lease": lease,
        "position": selectors.queue_position(application),
        "actions": _actions(APPLICATION_WORKFLOW, application, request.user, APPLICATION_FIELDS,
                            _application_form(application), failed),
        "events": application.events.select_related("actor"), "labels": APPLICATION_WORKFLOW.labels(),
        "own": perms.talent_of(request.user) is not None,
    }, status=status)


def _can_open_applications(user) -> bool:
    return perms.can_view_housing(user) or perms.can_use_own_page(user)


@require(_can_open_applications)
def application_detail(request, pk: int):
    return _application_page(request, _application(request, pk))


@require_POST
@require(_can_open_applications)
def application_act(request, pk: int):
    application = _application(request, pk)
    form, done = _apply(request, APPLICATION_WORKFLOW, _application_form(application),
                        lambda name, d: services.application_transition(
                            application=application, name=name, actor=request.user, reason=d["reason"],
                            unit=d.get("unit"), start_on=d.get("start_on"), end_on=d.get("end_on"),
                            deposit=d.get("deposit")))
    if done:
        application.refresh_from_db()
        if application.status == ApplicationStatus.LEASED and perms.can_view_housing(request.user):
            return redirect("talentcare_lease", pk=application.lease.pk)
        return redirect("talentcare_application", pk=pk)
    application.refresh_from_db()
    return _application_page(request, application, failed=form, status=400)


# --- leases ----------------------------------------------------------------------------------------------------


@require(perms.can_view_housing)
def lease_list(request):
    qs = perms.leases_visible_to(request.user).select_related("talent", "unit__building")
    expiring = request.GET.get("expiring") == "1"
    status = request.GET.get("status", "")
    if expiring:
        qs = qs.filter(pk__in=selectors.expiring_leases().values("pk")).order_by("end_on", "pk")
    elif status in LeaseStatus.values:
        qs = qs.filter(status=status)
    page, query = paginate(request, qs)
    return render(request, "talentcare/leases.html", {
        **_nav(request), "tab": "leases", "page": page, "query": query, "expiring": expiring, "status": status,
        "statuses": LeaseStatus.choices,
        "reminder_days": settings.GAOXIN_TALENTCARE_EXPIRY_REMINDER_WORKDAYS})


def _lease(request, pk: int):
    lease = perms.leases_visible_to(request.user).select_related("talent", "unit__building", "signed_by").filter(
        pk=pk).first()
    if lease is None:
        raise Http404("租约不存在或无权查看")
    return lease


def _lease_page(request, lease, failed=None, status=200):
    return render(request, "talentcare/lease_detail.html", {
        **_nav(request), "tab": "leases", "lease": lease,
        "actions": _actions(LEASE_WORKFLOW, lease, request.user, LEASE_FIELDS, LeaseActForm, failed),
        "events": lease.events.select_related("actor"), "labels": {"SIGN": "签订租约", **LEASE_WORKFLOW.labels()},
        "subsidy_percent": round(float(lease.subsidy_share) * 100), **_tier_change(lease),
    }, status=status)


def _tier_change(lease) -> dict:
    """A lease keeps the tier it was signed (or last renewed) under; when the talent has been recognised (or
    re-tiered) since, the page says so and what the next renewal will apply, instead of an unexplained 0 %."""
    if lease.status != LeaseStatus.ACTIVE:
        return {}
    tier = selectors.best_tier(lease.talent)
    code = tier.code if tier else ""
    if code == lease.tier_code:
        return {}
    return {"current_tier": code, "current_percent": round(float(subsidy_share(code)) * 100)}


@require(perms.can_view_housing)
def lease_detail(request, pk: int):
    return _lease_page(request, _lease(request, pk))


@require_POST
@require(perms.can_view_housing)
def lease_act(request, pk: int):
    lease = _lease(request, pk)
    form, done = _apply(request, LEASE_WORKFLOW, LeaseActForm, lambda name, d: services.lease_transition(
        lease=lease, name=name, actor=request.user, reason=d["reason"], end_on=d.get("end_on"),
        moved_out_on=d.get("moved_out_on")))
    if done:
        return redirect("talentcare_lease", pk=pk)
    lease.refresh_from_db()
    return _lease_page(request, lease, failed=form, status=400)


# --- pairing ---------------------------------------------------------------------------------------------------


@require(perms.can_assign_pairing)
def pairing_list(request):
    uncovered = request.GET.get("uncovered") == "1"
    page, query = paginate(request, selectors.coverage(uncovered_only=uncovered))
    return render(request, "talentcare/pairings.html", {
        **_nav(request), "tab": "pairings", "page": page, "query": query, "uncovered": uncovered,
        "counts": selectors.coverage_counts(), "form": PairingForm()})


@require(perms.can_assign_pairing)
def pairing_new(request):
    form = PairingForm(request.POST or None)
    return _create_page(request, form, title="安排领导结对联系人才", back=reverse("talentcare_pairings"),
                        create=lambda: services.pairing_assign(actor=request.user, **form.cleaned_data),
                        done=lambda p: (f"已安排{p.leader.get_full_name()}结对联系{p.talent.name}",
                                        reverse("talentcare_pairing", args=[p.pk])))


@require(perms.is_leader)
def my_pairings(request):
    qs = selectors.leader_pairings(perms.pairings_visible_to(request.user))
    page, query = paginate(request, qs)
    return render(request, "talentcare/my_pairings.html", {
        **_nav(request), "tab": "mine", "page": page, "query": query,
        "days": settings.GAOXIN_TALENTCARE_CONTACT_DAYS,
        "overdue": qs.filter(overdue=True).count()})


def _pairing(request, pk: int):
    pairing = perms.pairings_visible_to(request.user).select_related("talent__employer", "leader").filter(pk=pk).first()
    if pairing is None:
        raise Http404("结对记录不存在或无权查看")
    return pairing


def _pairing_page(request, pairing, *, contact_form=None, end_form=None, appeal_form=None, appeal_for=None,
                  status=200):
    can_log = perms.can_log_contact(request.user, pairing)
    last = pairing.contacts.order_by("-contacted_on").values_list("contacted_on", flat=True).first()
    return render(request, "talentcare/pairing_detail.html", {
        **_nav(request), "tab": "mine" if perms.is_leader(request.user) else "pairings", "pairing": pairing,
        "tier": selectors.best_tier(pairing.talent),
        "contacts": pairing.contacts.select_related("appeal", "recorded_by"), "can_log": can_log,
        "contact_form": contact_form or (ContactForm() if can_log else None),
        "end_form": end_form or (PairingEndForm() if perms.can_assign_pairing(request.user) and pairing.is_current
                                 else None),
        "appeal_form": appeal_form or RaiseAppealForm(), "appeal_for": appeal_for,
        "overdue": pairing.is_current and (last or pairing.since) < selectors.contact_due_since(),
        "last_contact": last,
    }, status=status)


@require(perms.can_view_pairings)
def pairing_detail(request, pk: int):
    return _pairing_page(request, _pairing(request, pk))


@require_POST
@require(perms.can_view_pairings)
def contact_new(request, pk: int):
    pairing = _pairing(request, pk)
    form = ContactForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.contact_log(actor=request.user, pairing=pairing,
                                                                   **form.cleaned_data)):
        messages.success(request, "联系情况已登记")
        return redirect("talentcare_pairing", pk=pk)
    return _pairing_page(request, pairing, contact_form=form, status=400)


@require_POST
@require(perms.can_assign_pairing)
def pairing_end(request, pk: int):
    pairing = _pairing(request, pk)
    form = PairingEndForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.pairing_end(actor=request.user, pairing=pairing,
                                                                   reason=form.cleaned_data["reason"])):
        messages.success(request, "结对联系已结束")
        return redirect("talentcare_pairing", pk=pk)
    return _pairing_page(request, pairing, end_form=form, status=400)


@require_POST
@require(perms.can_view_pairings)
def contact_appeal(request, pk: int):
    from .models import Contact

    contact = Contact.objects.filter(pk=pk, pairing__in=perms.pairings_visible_to(request.user)).select_related(
        "pairing").first()
    if contact is None:
        raise Http404("联系记录不存在或无权查看")
    form = RaiseAppealForm(request.POST)
    made = []
    if form.is_valid() and submit(form, lambda: made.append(services.contact_raise_appeal(
            actor=request.user, contact=contact, **form.cleaned_data))):
        messages.success(request, f"已转为人才服务诉求，编号 {made[0].number}，政务服务中心将派单办理")
        return redirect("talentcare_pairing", pk=contact.pairing_id)
    return _pairing_page(request, _pairing(request, contact.pairing_id), appeal_form=form, appeal_for=contact.pk,
                         status=400)


# --- talent-flagged appeals ------------------------------------------------------------------------------------


@require(perms.can_view_talent_appeals)
def appeal_list(request):
    status = request.GET.get("status", "")
    page, query = paginate(request, selectors.talent_appeals(user=request.user, status=status))
    from gaoxin.appeals.models import AppealStatus

    return render(request, "talentcare/appeals.html", {**_nav(request), "tab": "appeals", "page": page, "query": query,
                                                       "status": status, "statuses": AppealStatus.choices})


@require(perms.is_office)
def appeal_new(request):
    form = OfficeTalentAppealForm(request.POST or None)
    return _create_page(request, form, title="代人才提出服务诉求", back=reverse("talentcare_appeals"),
                        create=lambda: services.talent_appeal_file(actor=request.user, **form.cleaned_data),
                        done=lambda a: (f"人才服务诉求已登记，编号 {a.number}", reverse("appeal_detail", args=[a.number])))


# --- a talent's own page ---------------------------------------------------------------------------------------


def _me_page(request, *, apply_form=None, appeal_form=None, status=200):
    talent = perms.talent_of(request.user)
    application = selectors.live_application(talent)
    lease = selectors.current_lease(talent)
    live = application is not None and application.status in (ApplicationStatus.QUEUED, ApplicationStatus.OFFERED,
                                                               ApplicationStatus.LEASED)
    return render(request, "talentcare/me.html", {
        "talent": talent, "tier": selectors.best_tier(talent), "application": application,
        "position": selectors.queue_position(application) if application else None,
        "actions": _actions(APPLICATION_WORKFLOW, application, request.user, APPLICATION_FIELDS,
                            _application_form(application)) if application else [],
        "lease": lease, "pairing": selectors.own_pairing(talent),
        "apply_form": None if live else (apply_form or ApplyForm()),
        "appeal_form": appeal_form or TalentAppealForm(initial={"contact_phone": talent.phone or request.user.phone}),
        "appeals": selectors.talent_appeals(user=request.user)[:20],
    }, status=status)


@require(perms.can_use_own_page)
def me(request):
    return _me_page(request)


@require_POST
@require(perms.can_use_own_page)
def me_apply(request):
    form = ApplyForm(request.POST)
    talent = perms.talent_of(request.user)
    if form.is_valid() and submit(form, lambda: services.application_submit(actor=request.user, talent=talent,
                                                                          **form.cleaned_data)):
        messages.success(request, "人才公寓申请已提交，已进入排队")
        return redirect("talentcare_me")
    return _me_page(request, apply_form=form, status=400)


@require_POST
@require(perms.can_use_own_page)
def me_appeal(request):
    form = TalentAppealForm(request.POST)
    talent = perms.talent_of(request.user)
    made = []
    if form.is_valid() and submit(form, lambda: made.append(services.talent_appeal_file(
            actor=request.user, talent=talent, **form.cleaned_data))):
        messages.success(request, f"服务诉求已提交，编号 {made[0].number}，政务服务中心将派单办理")
        return redirect("appeal_detail", number=made[0].number)
    return _me_page(request, appeal_form=form, status=400)

