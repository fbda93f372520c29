"""取号 at the kiosk, 叫号 at the window, and the hall's calling screen."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.catalog.models import ServiceZone, Window
from gaoxin.core.views_utils import paginate, require

from . import permissions, queue, services
from .models import Ticket, TicketStatus
from .views import _render, kiosk_page


def _zones():
    zones = list(ServiceZone.objects.order_by("sort_order", "id"))
    return [(z, queue.zone_letter(z, zones)) for z in zones]


@kiosk_page(person=False)
def ticket_take(request):
    """取号 at the terminal: no log-in needed; pick the zone, get a numbered slip. Outside opening hours (or on a day
    that is not a working day) the page says why and when to come, and offers no zone."""
    today = timezone.localdate()
    closed = queue.issue_refusal()
    if request.method == "POST" and closed is None:
        zone = ServiceZone.objects.filter(pk=request.POST.get("zone") or 0).first()
        if zone is None:
            messages.error(request, "请选择办理业务的专区")
        else:
            try:
                ticket = queue.ticket_issue(zone=zone, terminal=request.kiosk.terminal)
            except ValidationError as exc:  # closing time passed while the page was open
                closed = "；".join(exc.messages)
            else:
                return redirect("kiosk_ticket", pk=ticket.pk)
    waiting = queue.waiting_counts(today)
    return _render(request, "kiosk/ticket_take.html", {
        "zones": [(z, letter, waiting.get(z.pk, 0)) for z, letter in _zones()], "closed": closed},
        status=409 if closed is not None and request.method == "POST" else 200)


@kiosk_page(person=False)
def ticket_slip(request, pk: int):
    """The slip, for the terminal that issued it, the same day."""
    ticket = (Ticket.objects.filter(pk=pk, terminal=request.kiosk.terminal, issued_on=timezone.localdate())
              .select_related("zone").first())
    if ticket is None:
        raise Http404("没有该号码")
    ahead = Ticket.objects.filter(zone=ticket.zone, issued_on=ticket.issued_on, status=TicketStatus.WAITING,
                                  sequence__lt=ticket.sequence).count()
    return _render(request, "kiosk/ticket_slip.html", {"ticket": ticket, "ahead": ahead})


@login_not_required
def screen(request):
    """The hall's calling screen (public: numbers and windows only), refreshed every few seconds: the day's latest
    calls (kept after they are finished, so the screen does not empty between calls) and the waiting counts."""
    today = timezone.localdate()
    waiting = queue.waiting_counts(today)
    context = {"calls": queue.calling_board(today),
               "zones": [(z, letter, waiting.get(z.pk, 0)) for z, letter in _zones()],
               "waiting_total": sum(waiting.values())}
    template = "kiosk/partials/screen_board.html" if request.htmx else "kiosk/screen.html"
    return render(request, template, context)


def _window(request):
    windows = list(Window.objects.select_related("zone").order_by(*queue.window_order()))
    raw = request.POST.get("window") or request.GET.get("window") or request.session.get("queue_window")
    chosen = next((w for w in windows if str(w.pk) == str(raw)), None)
    if chosen is not None:
        request.session["queue_window"] = chosen.pk
    return windows, chosen


@require(queue.can_call_tickets)
def desk(request):
    """叫号台: the clerk's window, 叫下一号, the called tickets (办理完成 / 过号), the day's waits and the queue time
    the kiosk saved."""
    windows, window = _window(request)
    today = timezone.localdate()
    called = (list(Ticket.objects.filter(window=window, issued_on=today, status=TicketStatus.CALLED)
                   .select_related("zone").order_by("called_at")) if window else [])
    waiting = queue.waiting_counts(today)
    week = today - dt.timedelta(days=6)
    return render(request, "kiosk/desk.html", {
        "windows": windows, "window": window, "called": called,
        "zones": [(z, letter, waiting.get(z.pk, 0)) for z, letter in _zones()],
        "waits_today": queue.window_waits(today, today), "saved_today": queue.queue_time_saved(today, today),
        "saved_week": queue.queue_time_saved(week, today), "closing": f"{queue.closing_time():%H:%M}",
        "opening": f"{queue.opening_time():%H:%M}",
        "call_closed": queue.call_refusal()})


@require_POST
@require(queue.can_call_tickets)
def desk_call(request):
    windows, window = _window(request)
    if window is None:
        messages.error(request, "请先选择您的窗口")
        return redirect("queue_desk")
    try:
        ticket = queue.ticket_call_next(window=window, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if ticket is None:
            messages.info(request, "当前没有等候的号码。")
        else:
            messages.success(request, f"已叫号：{ticket.number}，请到{window.number}号窗口。")
    return redirect("queue_desk")


@require_POST
@require(queue.can_call_tickets)
def desk_act(request, pk: int):
    ticket = get_object_or_404(Ticket, pk=pk)
    name = request.POST.get("name", "")
    try:
        ticket = queue.ticket_transition(ticket=ticket, name=name, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"{ticket.number}：{queue.LABELS[name]}。")
    return redirect("queue_desk")


@require(permissions.can_view_station_calls)
def station_calls(request):
    """驿站联系请求: people at a kiosk who asked the nearest station to call them back (the station's own; the
    centre sees every station's), newest first, the open ones on top. Paged; a constant number of queries."""
    calls = (permissions.station_calls_visible_to(request.user)
             .select_related("visit__terminal", "item", "station", "handled_by")
             .order_by(models.F("handled_at").asc(nulls_first=True), "-created_at", "-pk"))
    page, query = paginate(request, calls)
    return render(request, "kiosk/station_calls.html", {"page": page, "query": query})


@require_POST
@require(permissions.can_view_station_calls)
def station_call_handled(request, pk: int):
    action = get_object_or_404(permissions.station_calls_visible_to(request.user), pk=pk)
    try:
        services.station_call_handle(action=action, actor=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, "已登记为已联系。")
    return redirect("kiosk_station_calls")
