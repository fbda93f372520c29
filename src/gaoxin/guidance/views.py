"""云导办 pages: booking from a guide or a case, the sessions list (the booker's own, the guides' queue), the
session page with its steps, the prefilled application of 发起申请, the public FAQ and its upkeep."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gaoxin.cases import application
from gaoxin.cases import permissions as case_perms
from gaoxin.cases import selectors as case_selectors
from gaoxin.cases import services as case_services
from gaoxin.cases.forms import ApplyForm
from gaoxin.cases.models import Case
from gaoxin.catalog.models import ServiceItem
from gaoxin.core.keyset import keyset_paginate
from gaoxin.core.masking import mask_phone
from gaoxin.core.views_utils import add_service_errors, apply_step, paginate, render_page, require, stray_errors, submit

from . import permissions as perms
from . import selectors, services
from .forms import BookingForm, FaqForm, FaqSearchForm, SessionActionForm, SessionFilterForm
from .models import FaqEntry, FaqStatus, GuidanceSession
from .workflow import WORKFLOW


def _session(request, number: str) -> GuidanceSession:
    try:
        return selectors.session_get(user=request.user, number=number)
    except GuidanceSession.DoesNotExist:
        raise Http404("导办预约不存在或无权查看") from None


# --- the public entry ----------------------------------------------------------------------------------------------

@login_not_required
def about(request):
    """云导办 for everyone (the public navigation and home page lead here): what a guidance session is, when guides
    serve, how to book (find the item, 预约导办 on its guide page), the next days with free slots; a visitor is led
    to log in (or register), a booker to their own bookings."""
    from . import slots

    days = [d for d in selectors.availability() if d["open"]][:3]
    return render(request, "guidance/about.html", {
        "hours": "、".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in slots.parse_hours(settings.GAOXIN_GUIDANCE_HOURS)),
        "slot_minutes": settings.GAOXIN_GUIDANCE_SLOT_MINUTES, "booking_days": settings.GAOXIN_GUIDANCE_BOOKING_DAYS,
        "open_days": days, "can_book": perms.can_book(request.user),
        "can_view_sessions": perms.can_view_sessions(request.user),
        "sessions_title": perms.sessions_title(request.user) if request.user.is_authenticated else "",
    })


# --- booking -------------------------------------------------------------------------------------------------------

def _book_page(request, *, item: ServiceItem, case: Case | None):
    form = BookingForm(request.POST or None, user=request.user, case=case, initial={
        "contact_name": request.user.get_full_name(), "contact_phone": request.user.phone})
    status = 200
    if request.method == "POST":
        status = 400
        made = []
        if form.is_valid() and submit(form, lambda: made.append(services.session_book(
                actor=request.user, item=item, case=case, enterprise=form.cleaned_data.get("enterprise"),
                starts_at=form.cleaned_data["starts_at"], question=form.cleaned_data["question"],
                contact_name=form.cleaned_data["contact_name"], contact_phone=form.cleaned_data["contact_phone"]))):
            session = made[0]
            messages.success(request, f"已预约导办（编号 {session.number}），导办人员确认后将发送会议链接。")
            return redirect("guidance_session", number=session.number)
    return render(request, "guidance/book.html", {
        "item": item, "v": item.current_version, "case": case, "form": form, "days": selectors.availability(),
        "chosen": request.POST.get("starts_at", ""), "parallel": settings.GAOXIN_GUIDANCE_PARALLEL,
    }, status=status)


@require(perms.can_book)
def book(request, code: str):
    """预约导办 from a guide page (an anonymous reader is sent to log in first by the middleware)."""
    item = get_object_or_404(ServiceItem.objects.select_related("current_version"), implementation_code=code,
                             status="published", current_version__isnull=False)
    return _book_page(request, item=item, case=None)


@require(perms.can_book)
def book_for_case(request, number: str):
    try:
        case = case_selectors.case_get(user=request.user, number=number)
    except Case.DoesNotExist:
        raise Http404("办件不存在或无权查看") from None
    if not perms.can_book_for_case(request.user, case):
        raise PermissionDenied("只能为本人或本企业的办件预约导办")
    item = case.item
    if item is None or item.status != "published" or item.current_version_id is None:
        messages.error(request, "该办件的事项暂未在办理，无法预约导办，请联系政务服务中心。")
        return redirect("case_detail", number=number)
    return _book_page(request, item=item, case=case)


# --- sessions ------------------------------------------------------------------------------------------------------

@require(perms.can_view_sessions)
def session_list(request):
    when = request.GET.get("when", "upcoming")
    when = when if when in selectors.WHEN else "upcoming"
    filters = SessionFilterForm(request.GET)
    status = filters.data.get("status", "") if filters.is_valid() else ""
    qs = selectors.session_list(user=request.user, when=when, status=status)
    ordering = ("-starts_at", "-pk") if when == "past" else ("starts_at", "pk")
    page, query = keyset_paginate(request, qs, ordering)
    return render_page(request, "guidance/session_list.html", "guidance/partials/session_table.html", {
        "page": page, "query": query, "when": when, "whens": selectors.WHEN, "filters": filters,
        "is_guide": perms.is_guide(request.user), "counts": selectors.counts(user=request.user),
        "title": perms.sessions_title(request.user), "can_book": perms.can_book(request.user),
    })


def _detail(request, session: GuidanceSession, *, failed=None, status=200):
    failed_name = failed.data.get("name") if failed is not None else None
    actions = []
    for t in WORKFLOW.available(session, request.user):
        form = failed if failed_name == t.name else SessionActionForm(
            initial={"name": t.name}, session=session, auto_id=f"id_{t.name.lower()}_%s")
        actions.append({"transition": t, "form": form, "fields": form.shown(t.name)})
    return render(request, "guidance/session_detail.html", {
        "s": session, "actions": actions, "stray_errors": stray_errors(failed, actions),
        "events": session.events.all(),
        "can_apply": perms.can_apply_from_session(request.user, session),
        "is_guide": "guide" in (roles := perms.session_roles(request.user, session)),
        "is_booker": "booker" in roles, "list_title": perms.sessions_title(request.user),
        "contact_phone": session.contact_phone if perms.can_see_contact_phone(request.user, session)
        else mask_phone(session.contact_phone),
    }, status=status)


def session_detail(request, number: str):
    return _detail(request, _session(request, number))


@require_POST
def session_act(request, number: str):
    session = _session(request, number)
    form = SessionActionForm(request.POST, session=session)
    if apply_step(request, WORKFLOW, form, lambda name, d: services.session_transition(
            session=session, name=name, actor=request.user, reason=d.get("reason") or "", **form.params())):
        return redirect("guidance_session", number=number)
    return _detail(request, selectors.session_get(user=request.user, number=number), failed=form, status=400)


def session_apply(request, number: str):
    """发起申请: the item's online application, prefilled from the session (the firm, the contact phone, the
    agreed situation and notes); the case filed here links back to the session."""
    session = _session(request, number)
    if session.started_case_id:
        messages.info(request, f"本次导办发起的申请已提交，办件编号 {session.started_case.number}。")
        return redirect("case_detail", number=session.started_case.number)
    if not perms.can_apply_from_session(request.user, session):
        raise PermissionDenied("本次导办没有约定发起申请，或您不是预约人")
    item = session.item
    version = item.current_version
    if item.status != "published" or version is None or "web" not in version.channels:
        messages.error(request, "本事项暂不支持网上办理，请到窗口或驿站办理。")
        return redirect("guidance_session", number=number)
    enterprises = case_perms.firms_for_application(request.user) if application.accepts_enterprises(version) else None
    if enterprises is not None and not enterprises.exists():
        enterprises = None
    citizen = request.user if application.accepts_citizens(version) and case_perms.can_apply_as_citizen(
        request.user) else None
    situations, all_materials = application.version_situations_and_materials(version)
    situation = session.prefill_situation if session.prefill_situation in situations else None
    if situations and situation is None:
        situation = situations[0] if len(situations) == 1 else None
    materials = [] if situations and situation is None else application.situation_materials(all_materials, situation)
    posted = request.method == "POST"
    initial = {"contact_phone": session.contact_phone, "note": session.outcome_note[:500], "situation": situation,
               "applicant_type": "enterprise" if session.enterprise_id else "citizen",
               "enterprise": session.enterprise_id}
    form = ApplyForm(request.POST if posted else None, request.FILES if posted else None, enterprises=enterprises,
                     citizen=citizen, situations=situations, materials=materials, initial=initial)
    status = 200
    if posted:
        status = 400
        if form.is_valid():
            try:
                case, told = case_services.case_apply_online(
                    item=item, actor=request.user, files=form.files_by_material(), note=form.cleaned_data["note"],
                    applicant=form.applicant(), situation=situation,
                    linked=lambda case: services.session_link_case(session=session, case=case, actor=request.user))
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, told)
                return redirect("case_detail", number=case.number)
    return render(request, "guidance/apply.html", {
        "s": session, "item": item, "v": version, "form": form, "situation": situation, "situations": situations,
        "citizen": citizen, "materials": materials}, status=status)


# --- FAQ -----------------------------------------------------------------------------------------------------------

@login_not_required
def faq_index(request):
    """The public FAQ: searchable by words, synonyms and pinyin initials like the guides."""
    q = (request.GET.get("q") or "").strip()[:50]
    item = request.GET.get("item", "")
    page, query = paginate(request, selectors.public_faqs(q=q, item=item), per_page=20)
    return render_page(request, "guidance/faq_index.html", "guidance/partials/faq_results.html", {
        "page": page, "query": query, "q": q, "item": item, "can_manage": perms.can_manage_faq(request.user)})


@require(perms.can_manage_faq)
def faq_manage(request):
    search = FaqSearchForm(request.GET)
    search.is_valid()
    data = getattr(search, "cleaned_data", {})
    page, query = paginate(request, selectors.managed_faqs(user=request.user, q=data.get("q", ""),
                                                           status=data.get("status", "")))
    return render_page(request, "guidance/faq_manage.html", "guidance/partials/faq_manage_table.html",
                       {"page": page, "query": query, "search": search})


@require(perms.can_manage_faq)
def faq_new(request):
    form = FaqForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and submit(form, lambda: services.faq_create(
                item=form.cleaned_data["item"], question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"], actor=request.user)):
            messages.success(request, "已发布常见问题。")
            return redirect("guidance_faq_manage")
    return render(request, "guidance/faq_form.html", {"form": form, "entry": None}, status=status)


def _managed_entry(request, pk: int) -> FaqEntry:
    entry = get_object_or_404(perms.faqs_managed_by(request.user).select_related("item", "version",
                                                                                  "source_session"), pk=pk)
    return entry


@require(perms.can_manage_faq)
def faq_edit(request, pk: int):
    entry = _managed_entry(request, pk)
    form = FaqForm(request.POST or None, user=request.user, entry=entry,
                   initial={"question": entry.question, "answer": entry.answer})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and submit(form, lambda: services.faq_update(
                entry=entry, question=form.cleaned_data["question"], answer=form.cleaned_data["answer"],
                actor=request.user)):
            messages.success(request, "已保存常见问题。")
            return redirect("guidance_faq_manage")
    return render(request, "guidance/faq_form.html", {
        "form": form, "entry": entry, "history": entry.version_id != entry.item.current_version_id}, status=status)


@require_POST
@require(perms.can_manage_faq)
def faq_status(request, pk: int):
    entry = _managed_entry(request, pk)
    target = request.POST.get("status", "")
    try:
        services.faq_set_status(entry=entry, status=target, actor=request.user)
        messages.success(request, "已发布。" if target == FaqStatus.PUBLISHED else "已撤回，公众不再看到该问题。")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("guidance_faq_manage")
