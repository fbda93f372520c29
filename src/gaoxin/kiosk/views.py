"""智能微厅 pages (`/kiosk/`): only on a registered terminal (its key kept in a signed cookie of the terminal's
browser), full-screen and large. A person logs in with the ID number (card reader or keypad); the visit lives in
the server-side session and ends on log-out, after GAOXIN_KIOSK_IDLE_SECONDS without a touch (the page's timer
wipes the form and ends the visit; the server checks the same limit on the next request), or when the next person
logs in. No page of the kiosk is cached by the browser."""

from __future__ import annotations

import functools
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from gaoxin.cases import application
from gaoxin.cases.selectors import notice_context
from gaoxin.catalog import qr
from gaoxin.core.views_utils import add_service_errors

from . import identity, selectors, services
from .eligibility import applicant_choices, kiosk_enabled, unavailable_reason
from .forms import KioskApplyForm, KioskAssistForm, KioskGuestForm, KioskStationForm, TerminalKeyForm
from .models import EndReason, Handoff, Visit, VisitStep

COOKIE = "gx_kiosk_terminal"
SALT = "gaoxin.kiosk.terminal"
SESSION = "kiosk"
# The page's timer fires first; the server allows a little more before it ends the visit itself.
SERVER_GRACE_SECONDS = 10


@dataclass
class Kiosk:
    terminal: object
    visit: Visit | None = None
    person: selectors.Person | None = None


def _terminal(request):
    key = request.get_signed_cookie(COOKIE, default="", salt=SALT)
    return selectors.terminal_for_key(key)


def _end(request, reason: str) -> None:
    data = request.session.get(SESSION)
    if data:
        services.visit_end(visit_id=data["visit"], reason=reason)
    request.session.flush()


def kiosk_page(person: bool = True):
    """A kiosk view: the terminal from its cookie (else the set-up page), the person of the visit (else the log-in
    page, when `person`), the idle limit checked and the visit's clock reset."""

    def wrap(view):
        @login_not_required
        @never_cache
        @functools.wraps(view)
        def inner(request, *args, **kwargs):
            terminal = _terminal(request)
            if terminal is None:
                return redirect("kiosk_activate")
            kiosk = Kiosk(terminal=terminal)
            data = request.session.get(SESSION)
            if data and data.get("terminal") != terminal.pk:
                _end(request, EndReason.REPLACED)
                data = None
            if data and time.time() - data["seen"] > settings.GAOXIN_KIOSK_IDLE_SECONDS + SERVER_GRACE_SECONDS:
                _end(request, EndReason.IDLE)
                messages.info(request, "因长时间无操作，已自动退出，您填写的内容已清除。")
                return redirect("kiosk_home")
            if data:
                data["seen"] = time.time()
                request.session[SESSION] = data
                kiosk.visit = Visit.objects.filter(pk=data["visit"], ended_at__isnull=True).select_related(
                    "terminal").first()
                kiosk.person = selectors.Person.from_session(data["person"]) if kiosk.visit else None
            if person and kiosk.person is None:
                return redirect("kiosk_home")
            request.kiosk = kiosk
            return view(request, *args, **kwargs)

        return inner

    return wrap


def _render(request, template: str, context: dict | None = None, status: int = 200):
    kiosk = getattr(request, "kiosk", None)
    return render(request, template, {"kiosk": kiosk, "idle_seconds": settings.GAOXIN_KIOSK_IDLE_SECONDS,
                                      **(context or {})}, status=status)


@login_not_required
@never_cache
def activate(request):
    """Set up this browser as a terminal: the key generated when the terminal was registered, typed once."""
    form = TerminalKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        terminal = selectors.terminal_for_key(form.cleaned_data["key"])
        if terminal is None:
            form.add_error("key", "密钥不正确或终端已停用")
        else:
            services.terminal_activate(terminal=terminal)
            response = redirect("kiosk_home")
            response.set_signed_cookie(COOKIE, form.cleaned_data["key"], salt=SALT,
                                       max_age=settings.GAOXIN_KIOSK_COOKIE_DAYS * 86400, httponly=True,
                                       samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)
            return response
    return render(request, "kiosk/activate.html", {"form": form})


@kiosk_page(person=False)
def home(request):
    """The welcome screen: log in with the ID card (or the keypad)."""
    if request.kiosk.person is not None:
        return redirect("kiosk_items")
    backend = identity.backend()
    form = backend.form_class(request.POST or None)
    limit, seconds = settings.GAOXIN_KIOSK_LOGIN_LIMIT
    if request.method == "POST" and selectors.refused_log_ins(request.kiosk.terminal, seconds) >= limit:
        # Numbers tried one after another at a terminal: it pauses before anyone can try more.
        form.is_valid()
        form.add_error(None, f"本终端登录尝试次数过多，请 {seconds // 60} 分钟后再试，或向大厅工作人员求助。")
        return _render(request, "kiosk/home.html", {"form": form, "backend": backend}, status=429)
    if request.method == "POST" and form.is_valid():
        id_number = backend.id_number(form)
        person = selectors.person_for(id_number, source=backend.source)
        if person is None and settings.GAOXIN_KIOSK_GUESTS:
            # No account, no firm: the person may go on as a private person (name and phone on the next screen).
            # Still a number that found nobody: it counts towards the terminal's pause like any other.
            services.login_refuse(terminal=request.kiosk.terminal, id_number=id_number, reason="guest_offered")
            request.session.flush()
            request.session[GUEST] = {"terminal": request.kiosk.terminal.pk, "id_number": id_number,
                                      "seen": time.time()}
            return redirect("kiosk_guest")
        if person is None:
            services.login_refuse(terminal=request.kiosk.terminal, id_number=id_number, reason="unknown")
            form.add_error(None, "未找到与该身份证号码关联的账号或企业。请先在网上注册，或到窗口办理。")
        else:
            request.session.flush()  # nothing of an earlier user or visit survives into this one
            _begin(request, services.visit_start(terminal=request.kiosk.terminal, person=person), person)
            return redirect("kiosk_items")
    return _render(request, "kiosk/home.html", {"form": form, "backend": backend})


GUEST = "kiosk_guest"


@kiosk_page(person=False)
def guest(request):
    """个人办理: the ID number read, no account or firm found; the person types a name and a phone and confirms it
    is their own card. The visit starts as a guest (only 个人 即办 items; name and number masked on screens)."""
    if request.kiosk.person is not None:
        return redirect("kiosk_items")
    pending = request.session.get(GUEST)
    if (not settings.GAOXIN_KIOSK_GUESTS or not pending or pending.get("terminal") != request.kiosk.terminal.pk
            or time.time() - pending["seen"] > settings.GAOXIN_KIOSK_IDLE_SECONDS + SERVER_GRACE_SECONDS):
        request.session.pop(GUEST, None)
        return redirect("kiosk_home")
    form = KioskGuestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = selectors.guest_person(pending["id_number"], name=form.cleaned_data["name"],
                                        phone=form.cleaned_data["phone"])
        request.session.flush()
        _begin(request, services.visit_start(terminal=request.kiosk.terminal, person=person), person)
        return redirect("kiosk_items")
    pending["seen"] = time.time()
    request.session[GUEST] = pending
    from gaoxin.core.masking import mask_id_number

    return _render(request, "kiosk/guest.html", {"form": form, "masked": mask_id_number(pending["id_number"])})


def _begin(request, visit: Visit, person) -> None:
    request.session[SESSION] = {"terminal": request.kiosk.terminal.pk, "visit": visit.pk,
                                "person": person.as_session(), "seen": time.time()}


HANDOFF = "kiosk_handoff"


@kiosk_page(person=False)
def handoff_start(request):
    """手机扫码登录: a one-time QR code on the screen; the page asks every two seconds whether the phone confirmed.
    Opened again (a reload, the back button): the welcome screen, where a new code is one tap away."""
    if request.kiosk.person is not None:
        return redirect("kiosk_items")
    if request.method != "POST":
        return redirect("kiosk_home")
    handoff, token = services.handoff_open(terminal=request.kiosk.terminal)
    request.session[HANDOFF] = handoff.pk
    url = request.build_absolute_uri(reverse("kiosk_handoff_confirm", args=[token]))
    base = settings.GAOXIN_PUBLIC_BASE_URL.rstrip("/")
    if base:
        url = base + reverse("kiosk_handoff_confirm", args=[token])
    return _render(request, "kiosk/handoff.html", {
        "qr_svg": qr.qr_svg(url, scalable=True, title="用手机扫码登录自助终端"), "expires_at": handoff.expires_at,
        "seconds": settings.GAOXIN_KIOSK_HANDOFF_SECONDS})


@kiosk_page(person=False)
def handoff_wait(request):
    """The terminal's question: confirmed yet? On confirmation the visit starts and the page moves on (htmx)."""
    if request.kiosk.person is not None:
        return _hx_redirect(request, reverse("kiosk_items"))
    handoff_id = request.session.get(HANDOFF)
    if handoff_id is None:
        return _hx_redirect(request, reverse("kiosk_home"))
    started = services.handoff_redeem(handoff_id=handoff_id, terminal=request.kiosk.terminal)
    if started is not None:
        visit, person = started
        request.session.flush()
        _begin(request, visit, person)
        return _hx_redirect(request, reverse("kiosk_items"))
    expired = not Handoff.objects.filter(pk=handoff_id, expires_at__gt=timezone.now(), visit__isnull=True).exists()
    return render(request, "kiosk/partials/handoff_wait.html", {"expired": expired})


def _hx_redirect(request, url: str):
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def handoff_confirm(request, token: str):
    """On the phone (logged in as usual): confirm the log-in at the terminal whose QR code was scanned."""
    handoff = selectors.handoff_for_token(token)
    problem = services.handoff_problem(handoff)  # unknown, spent or expired: said before anything is tried
    if request.method == "POST" and problem is None:
        try:
            services.handoff_confirm(handoff=handoff, user=request.user)
        except ValidationError as exc:
            problem = " ".join(exc.messages)
        else:
            return render(request, "kiosk/handoff_confirm.html", {"handoff": handoff, "confirmed": True})
    return render(request, "kiosk/handoff_confirm.html", {"handoff": handoff, "problem": problem},
                  status=400 if problem and request.method == "POST" else 200)


@require_POST
@login_not_required
@never_cache
def logout(request):
    """退出 by the person, or the idle timer (`reason=idle`): the visit ends and the session is wiped."""
    idle = request.POST.get("reason") == "idle"
    had_visit = bool(request.session.get(SESSION))
    _end(request, EndReason.IDLE if idle else EndReason.LOGOUT)
    if had_visit:  # the welcome screen's own timer only clears what was typed there
        messages.info(request, "因长时间无操作，已自动退出，您填写的内容已清除。" if idle else "您已退出，欢迎再来。")
    return redirect("kiosk_home")


@kiosk_page()
def items(request):
    person = request.kiosk.person
    available, unavailable = selectors.kiosk_items(has_firms=bool(person.firm_ids), as_self=bool(person.id_number))
    return _render(request, "kiosk/items.html", {"available": available, "unavailable": unavailable})


def _tickets_issued() -> bool:
    """The hall issues tickets now: it has zones and is in opening hours (the 排队取号 offer beside 帮代办)."""
    from gaoxin.catalog.models import ServiceZone

    from . import queue

    return queue.issue_refusal() is None and ServiceZone.objects.exists()


def _item_or_404(code: str):
    item = selectors.kiosk_item(code)
    if item is None:
        raise Http404("没有该事项")
    return item


@kiosk_page()
def item(request, code: str):
    """An item the person can complete here: the simplified application (situation first, then who applies, a
    phone and the materials); any other: why not, and the 帮代办 order, the station's call-back or a queue ticket."""
    item = _item_or_404(code)
    person, version = request.kiosk.person, item.current_version
    reason = unavailable_reason(item, version, has_firms=bool(person.firm_ids), as_self=bool(person.id_number))
    if reason is not None or not kiosk_enabled(item, version):
        services.visit_reach(visit=request.kiosk.visit, step=VisitStep.ITEM)
        return _render(request, "kiosk/unavailable.html", {
            "item": item, "reason": reason or "该事项暂不能自助办理。", "can_order": bool(person.firm_ids),
            "station": request.kiosk.terminal.station, "tickets": _tickets_issued()})
    situations, all_materials = application.version_situations_and_materials(version)
    situation = application.pick_situation(situations, request.POST.get("situation") or request.GET.get("situation"))
    if situations and situation is None:
        services.visit_reach(visit=request.kiosk.visit, step=VisitStep.ITEM)
        return _render(request, "kiosk/situation.html", {"item": item, "situations": situations})
    services.visit_reach(visit=request.kiosk.visit, step=VisitStep.FORM)
    materials = application.situation_materials(all_materials, situation)
    firms = selectors.person_firms(person)
    form = KioskApplyForm(request.POST or None, request.FILES or None, materials=materials,
                          choices=applicant_choices(version, person_name=person.shown_name, firms=firms,
                                                    as_self=bool(person.id_number)),
                          initial={"contact_phone": person.phone})
    if request.method == "POST" and form.is_valid():
        try:
            case = services.kiosk_item_complete(
                visit=request.kiosk.visit, person=person, item=item, applicant=form.cleaned_data["applicant"],
                phone=form.cleaned_data["contact_phone"], situation=situation, files=form.files_by_material())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("kiosk_done", number=case.number)
    return _render(request, "kiosk/apply.html", {"item": item, "v": version, "form": form, "situation": situation,
                                                 "situations": situations})


@kiosk_page()
def assist(request, code: str):
    """One tap from "not possible here": a free 帮代办 order for one of the person's firms."""
    item = _item_or_404(code)
    person = request.kiosk.person
    firms = selectors.person_firms(person)
    if not firms:
        return _render(request, "kiosk/unavailable.html", {
            "item": item, "reason": "帮代办为企业提供服务，您的身份证号码没有关联企业。请到窗口咨询。", "can_order": False,
            "station": request.kiosk.terminal.station})
    services.visit_reach(visit=request.kiosk.visit, step=VisitStep.FALLBACK)
    form = KioskAssistForm(request.POST or None, firms=firms, initial={"contact_phone": person.phone})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            order = services.kiosk_order_place(visit=request.kiosk.visit, person=person, item=item,
                                               enterprise_id=d["enterprise"], phone=d["contact_phone"],
                                               consent=d["consent"], note=d["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return redirect("kiosk_order_done", number=order.number)
    return _render(request, "kiosk/assist.html", {"item": item, "form": form})


@kiosk_page()
def station_call(request, code: str):
    """One tap from "not possible here": the station nearest the terminal is asked to call the person back."""
    item = _item_or_404(code)
    station = request.kiosk.terminal.station
    if station is None:
        raise Http404("本终端未设置就近驿站")
    services.visit_reach(visit=request.kiosk.visit, step=VisitStep.FALLBACK)
    form = KioskStationForm(request.POST or None, initial={"contact_phone": request.kiosk.person.phone})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            action = services.kiosk_station_call(visit=request.kiosk.visit, person=request.kiosk.person, item=item,
                                                 phone=d["contact_phone"], consent=d["consent"], note=d["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _render(request, "kiosk/station_done.html", {"item": item, "station": station, "action": action})
    return _render(request, "kiosk/station_call.html", {"item": item, "station": station, "form": form})


def _action(request, **kw):
    action = selectors.visit_action(visit_id=request.kiosk.visit.pk, **kw)
    if action is None:
        raise Http404("本次登录没有这条办理记录")
    return action


def _track_url(request, number: str) -> str:
    base = settings.GAOXIN_PUBLIC_BASE_URL.rstrip("/")
    path = reverse("track") + f"?number={number}"
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def _applicant_shown(request, case) -> str:
    """The applicant on the terminal's screens: a guest's name masked (刘**), as a passer-by may read it."""
    from gaoxin.cases.models import mask_name

    return mask_name(case.applicant_name) if request.kiosk.person.is_guest else case.applicant_name


@kiosk_page()
def done(request, number: str):
    action = _action(request, case_number=number)
    return _render(request, "kiosk/done.html", {"action": action, "case": action.case,
                                                "applicant_shown": _applicant_shown(request, action.case)})


@kiosk_page()
def receipt(request, number: str):
    """The 80 mm receipt (办件凭证) with the tracking QR code, printed by the terminal's receipt printer."""
    action = _action(request, case_number=number)
    url = _track_url(request, number)
    return render(request, "kiosk/receipt.html", {
        "action": action, "case": action.case, "terminal": action.visit.terminal, "track_url": url,
        "applicant_shown": _applicant_shown(request, action.case),
        "qr_svg": qr.qr_svg(url, scalable=True, title="扫码查询办件进度"), "printed_at": timezone.localtime(),
        "idle_seconds": settings.GAOXIN_KIOSK_IDLE_SECONDS})


@kiosk_page()
def notice(request, number: str):
    """The A4 办结通知书 of an item completed at this visit, with the tracking QR code (the case room's notice)."""
    action = _action(request, case_number=number)
    context = notice_context(action.case, "completion", _track_url(request, number))
    if context is None:
        raise Http404("该办件没有办结通知书")
    return render(request, "cases/notice.html", {**context, "pdf": False, "kiosk_print": True,
                                                 "idle_seconds": settings.GAOXIN_KIOSK_IDLE_SECONDS})


@kiosk_page()
def order_done(request, number: str):
    action = _action(request, order_number=number)
    return _render(request, "kiosk/order_done.html", {"action": action, "order": action.order})
