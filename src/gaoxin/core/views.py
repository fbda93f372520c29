"""Pages of the shared kernel: deadline calculator, working-day calendar, audit log, jobs, the inbox."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import events, services
from . import permissions as perms
from .forms import CalendarConfirmForm, CalendarDayForm, CalendarYearForm, DeadlineForm
from .jobs import job_reap_if_silent
from .models import CalendarDay, CalendarYear, Notification
from .selectors import audit_event_list, work_calendar
from .views_utils import paginate, render_page, require
from .workdays import CalendarRangeError


@login_not_required
def healthz(request):
    """Alive: the process answers (no database touched)."""
    return HttpResponse("ok", content_type="text/plain")


@login_not_required
def readyz(request):
    """Ready to serve: the database answers and a background worker was heard of recently (core.ops.readiness);
    503 with the failing check otherwise, so a proxy or orchestrator sends no traffic here."""
    from .ops import readiness

    ready, checks = readiness()
    response = JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    response._has_been_logged = True  # a probe every few seconds is not an error line each time (readiness logs)
    return response


@require(perms.can_use_deadline_calculator)
def deadline_calculator(request):
    form = DeadlineForm(request.GET or None)
    result = None
    if form.is_valid():
        cal = work_calendar()
        try:
            result = cal.due_date(form.cleaned_data["start"], form.cleaned_data["days"],
                                  rule=form.cleaned_data["rule"] or "next_day")
        except CalendarRangeError as exc:
            form.add_error("start", str(exc))
    return render_page(request, "core/deadline.html", "core/partials/deadline_result.html",
                       {"form": form, "result": result})


def _error_text(exc: ValidationError) -> str:
    return "；".join(m for msgs in exc.message_dict.values() for m in msgs) if hasattr(exc, "error_dict") else "；".join(exc.messages)


@require(perms.can_manage_calendar)
def calendar_index(request):
    years = CalendarYear.objects.all()
    return render(request, "core/calendar_index.html", {"years": years, "form": CalendarYearForm()})


@require(perms.can_manage_calendar)
@require_POST
def calendar_year_add(request):
    form = CalendarYearForm(request.POST)
    if form.is_valid():
        try:
            services.calendar_year_add(year=form.cleaned_data["year"], actor=request.user)
            messages.success(request, f"已新增{form.cleaned_data['year']}年，请按国务院通知录入节假日和调休，再确认。")
            return redirect("calendar_year", year=form.cleaned_data["year"])
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, "年份无效")
    return redirect("calendar_index")


@require(perms.can_manage_calendar)
def calendar_year(request, year: int):
    cal_year = CalendarYear.objects.filter(year=year).first()
    if cal_year is None:
        raise Http404("该年度不存在")
    days = {d.date: d for d in CalendarDay.objects.filter(date__year=year)}
    months = []
    for month in range(1, 13):
        weeks = []
        for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
            weeks.append([(d, days.get(d)) if d.month == month else (None, None) for d in week])
        months.append((month, weeks))
    specials = [d for d in days.values() if d.kind != "normal"]
    return render(request, "core/calendar_year.html", {
        "cal_year": cal_year, "months": months, "specials": specials,
        "day_form": CalendarDayForm(initial={"date": dt.date(year, 1, 1)}), "confirm_form": CalendarConfirmForm(),
    })


@require(perms.can_manage_calendar)
@require_POST
def calendar_day_edit(request, year: int):
    form = CalendarDayForm(request.POST)
    if form.is_valid():
        try:
            services.calendar_day_set(actor=request.user, **form.cleaned_data)
            messages.success(request, f"{form.cleaned_data['date']} 已更新")
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    else:
        messages.error(request, "；".join(f"{form.fields[k].label}：{v[0]}" for k, v in form.errors.items()))
    return redirect("calendar_year", year=year)


@require(perms.can_manage_calendar)
@require_POST
def calendar_year_confirm(request, year: int):
    form = CalendarConfirmForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError({"source_document": "请填写依据文件"})
        services.calendar_year_confirm(year=year, source_document=form.cleaned_data["source_document"], actor=request.user)
        messages.success(request, f"{year}年工作日历已确认，涉及该年度的期限不再标注为“暂定”。")
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    return redirect("calendar_year", year=year)


@require(perms.can_view_audit)
def audit_list(request):
    qs = audit_event_list(user=request.user, event_type=request.GET.get("type", ""), q=request.GET.get("q", ""))
    page, query = paginate(request, qs)
    return render_page(request, "core/audit_list.html", "core/partials/audit_table.html",
                       {"page": page, "query": query, "rooms": events.rooms()})


def job_detail(request, pk: int):
    job = perms.jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None:
        raise Http404("任务不存在")
    job = job_reap_if_silent(job)  # a job whose worker died is shown failed, with why
    return render_page(request, "core/job_detail.html", "core/partials/job_status.html", {"job": job})


def job_download(request, pk: int):
    job = perms.jobs_visible_to(request.user).filter(pk=pk).first()
    if job is None or not job.output_file:
        raise Http404("文件不存在")
    return FileResponse(job.output_file.open("rb"), as_attachment=True,
                        filename=job.output_file.name.rsplit("/", 1)[-1])


# --- the inbox (站内消息) ------------------------------------------------------------------------


def notification_list(request):
    """The user's messages, newest first, each a link to what it is about; "全部标为已读" marks them read."""
    qs = Notification.objects.filter(user=request.user)
    if request.method == "POST":
        qs.filter(read_at__isnull=True).update(read_at=timezone.now())
        return redirect("notification_list")
    page, query = paginate(request, qs)
    return render(request, "core/notifications.html",
                  {"page": page, "query": query, "unread": qs.filter(read_at__isnull=True).count()})


def notification_open(request, pk: int):
    """Open one message: it is marked read and the user goes to the page it links to (a path of this site)."""
    note = Notification.objects.filter(user=request.user, pk=pk).first()
    if note is None:
        raise Http404("消息不存在")
    if note.read_at is None:
        Notification.objects.filter(pk=note.pk).update(read_at=timezone.now())
    if note.url and url_has_allowed_host_and_scheme(note.url, allowed_hosts={request.get_host()}):
        return redirect(note.url)
    return redirect("notification_list")
