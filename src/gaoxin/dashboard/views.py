"""领导驾驶舱: the figures of a period with 环比 and 同比, breakdowns, trends and rankings; a figure's page with its
definition, freshness and the records behind it; the monthly reports (draft → published, PDF, Excel, print) and
subscriptions. Every POST is one service call."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.core.pdf import pdf_response
from gaoxin.core.routers import reporting
from gaoxin.core.services import job_enqueue
from gaoxin.core.views_utils import add_service_errors, flash_action, paginate, require

from . import periods as P
from . import permissions as perms
from . import selectors, services
from .figures import BY_ID, DIMENSIONS, FIGURES, SECTIONS
from .forms import ParagraphForm, PeriodForm, ReportGenerateForm, SubscriptionForm
from .models import MonthlyReport, ReportStatus, Subscription
from .tasks import monthly_report_task, refresh_figures_task

# The monthly trend on the dashboard, and the rankings shown beside it.
TREND_FIGURES = ["cases.accepted", "cases.closed", "stations.services", "appeals.received"]
RECORDS_PER_PAGE = 25


def _period(request):
    form = PeriodForm(request.GET or None)
    if request.GET and form.is_valid():
        return form, form.cleaned_data["parsed"], 200
    default = P.parse("", today=timezone.localdate())
    return form, default, (400 if request.GET and form.errors else 200)


def _fresh(state) -> dict:
    if state is None or state.refreshed_at is None:
        return {"at": None, "stale": True}
    age = timezone.now() - state.refreshed_at
    return {"at": state.refreshed_at, "minutes": int(age.total_seconds() // 60),
            "stale": age > dt.timedelta(minutes=settings.GAOXIN_FIGURES_MAX_AGE_MINUTES)}


@require(perms.can_view_dashboard)
def dashboard(request):
    form, period, status = _period(request)
    scope = perms.dashboard_scope(request.user)
    with reporting():
        vals = selectors.values(period, scope=scope, since=selectors.data_start())
        ranking = [f for f in FIGURES if f.id in settings.GAOXIN_REPORT_RANKING_FIGURES]
        ranks = selectors.breakdown(period, "department", figures=ranking)
        trend = selectors.trend([f for f in TREND_FIGURES if f in {v.figure.id for v in vals}], end=period.end,
                                scope=scope)
        tiers = selectors.tiers() if scope is None else {}
        chains = selectors.chains(period.end.year) if scope is None else []
        state = selectors.refresh_state()
    sections = {}
    for v in vals:
        sections.setdefault(SECTIONS[v.figure.section], []).append(v)
    own = None
    if scope:
        from gaoxin.accounts.models import OrgUnit

        own = OrgUnit.objects.filter(pk=scope).values_list("name", flat=True).first()
    months = [m for m, _ in next(iter(trend.values()), [])]
    chart = {"trend": {"months": months, "series": [{"name": BY_ID[fid].name, "data": [v for _, v in rows]}
                                                    for fid, rows in trend.items()]}}
    return render(request, "dashboard/index.html", {
        "form": form, "period": period, "sections": sections, "chart": chart,
        "ranks": [(f, [r for r in ranks[f.id] if r[2] is not None and r[0]]) for f in ranking],
        "tiers": tiers, "chains": chains, "fresh": _fresh(state), "scope_name": own, "scope": scope,
        "partial": period.end >= timezone.localdate(),
        "warnings": [v.warning for v in vals if v.warning],
    }, status=status)


def _cell(obj, path: str):
    """A record's value at a path ("item__name"), with a choice's label and a date as text; "" where absent."""
    from gaoxin.catalog.models import Channel

    *parents, attr = path.split("__")
    try:
        for part in parents:
            obj = getattr(obj, part)
            if obj is None:
                return ""
        if attr == "channel":
            return dict(Channel.choices).get(getattr(obj, attr), getattr(obj, attr))
        display = getattr(obj, f"get_{attr}_display", None)
        value = display() if display else getattr(obj, attr)
    except ObjectDoesNotExist:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else value


class StoredCountPaginator(Paginator):
    """A figure's records paged with the count the stored figure already holds (its denominator: how many records
    are behind it) instead of COUNT(*) over the period's records, which grows with them (issue 18: the page at 1M
    cases). The stored count is as fresh as the figures: the last page reads one record past its end and, where the
    records changed since, takes the exact count from what it read or, when there are more, counts them."""

    def __init__(self, object_list, per_page, *, stored: int):
        super().__init__(object_list, per_page)
        self.__dict__["count"] = stored

    def _recount(self, count: int) -> None:
        self.__dict__["count"] = count
        self.__dict__.pop("num_pages", None)

    def get_page(self, number):
        try:
            number = self.validate_number(number)
        except PageNotAnInteger:
            number = 1
        except EmptyPage:  # past the stored count's pages (a link from a count taken since): count the records
            self._recount(self.object_list.count())
            return super().get_page(number)
        if number < self.num_pages:
            return self.page(number)
        bottom = (number - 1) * self.per_page
        rows = list(self.object_list[bottom:bottom + self.per_page + self.orphans + 1])
        if len(rows) > self.per_page + self.orphans or (bottom and not rows):
            self._recount(self.object_list.count())
            return super().get_page(number)
        self._recount(bottom + len(rows))
        return self._get_page(rows, number, self)


def _stored_count(figure, value, breakdowns, scope, user, dim: str, key: str) -> int | None:
    """How many records the stored figure counts behind the list, where the list is what it counts: the whole
    zone's figure (or one key of its breakdown) to a viewer who may open every record of the source; else None."""
    if scope is not None or figure.source.scope(user).query.has_filters():
        return None
    if not dim:
        return round(value.den)
    rows = next(rows for d, _label, rows in breakdowns if d == dim)
    return round(next((den for k, _name, _value, _num, den in rows if k == key), 0))


def _records_page(request, qs, stored: int | None):
    if stored is None:
        return paginate(request, qs, RECORDS_PER_PAGE)
    page = StoredCountPaginator(qs, RECORDS_PER_PAGE, stored=stored).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    return page, params.urlencode()


@require(perms.can_view_dashboard)
def figure_detail(request, figure_id: str):
    figure = BY_ID.get(figure_id)
    scope = perms.dashboard_scope(request.user)
    if figure is None or (scope and "department" not in figure.dims):
        raise Http404("指标不存在")
    form, period, status = _period(request)
    dim = request.GET.get("dim", "")
    key = request.GET.get("key", "")
    if dim and (dim not in figure.dims or (scope and dim == "department" and key != scope)):
        raise Http404("没有该分组")
    if dim and figure.source.dimensions[dim].endswith("_id") and key and not key.isdigit():
        raise Http404("没有该分组")
    with reporting():
        value = selectors.values(period, scope=scope, figures=[figure], dim=dim, key=key,
                                 since=selectors.data_start())[0]
        # A department head's figures are stored by department only: no other breakdown is theirs to see.
        dims = [d for d in figure.dims if not scope or d == "department"]
        breakdowns = [(d, DIMENSIONS[d], selectors.breakdown(period, d, figures=[figure], scope=scope)[figure.id])
                      for d in dims]
        trend = selectors.trend([figure.id], end=period.end, scope=scope)[figure.id]
        qs = selectors.records(figure, period, user=request.user, dim=dim, key=key)
        page, query = _records_page(request, qs, _stored_count(figure, value, breakdowns, scope, request.user, dim, key))
        rows = [{"cells": [_cell(r, path) for _label, path in figure.source.columns],
                 "counted": getattr(r, "counted", None),
                 "url": figure.source.link(r) if figure.source.link else ""} for r in page.object_list]
        state = selectors.refresh_state()
    key_label = ""
    if dim:
        key_label = selectors.labels(dim, [key]).get(key, "未填写") if key else "未填写"
    return render(request, "dashboard/figure.html", {
        "figure": figure, "definition": figure.definition(), "value": value, "period": period, "form": form,
        "breakdowns": breakdowns, "trend": {"months": [m for m, _ in trend], "values": [v for _, v in trend],
                                            "name": figure.name},
        "page": page, "query": query, "rows": rows, "columns": [c for c, _ in figure.source.columns],
        "dim": dim, "dim_label": DIMENSIONS.get(dim, ""), "key": key, "key_label": key_label,
        "fresh": _fresh(state), "partial": period.end >= timezone.localdate(),
    }, status=status)


@require_POST
@require(perms.can_view_dashboard)
def refresh(request):
    """Recompute the stored figures now (a background job with progress)."""
    job = job_enqueue(kind="figures_refresh", actor=request.user, task=refresh_figures_task)
    return redirect("job_detail", pk=job.pk)


# --- monthly reports -------------------------------------------------------------------------------------------


@require(perms.can_view_reports)
def report_list(request):
    reports = perms.reports_visible_to(request.user).only("month", "status", "generated_at", "published_at",
                                                          "data_hash")
    page, query = paginate(request, reports)
    form = ReportGenerateForm(published=_published()) if perms.can_manage_reports(request.user) else None
    return render(request, "dashboard/reports.html", {"page": page, "query": query, "form": form})


@require_POST
@require(perms.can_manage_reports)
def report_generate(request):
    form = ReportGenerateForm(request.POST, published=_published())
    if not form.is_valid():
        page, query = paginate(request, perms.reports_visible_to(request.user))
        return render(request, "dashboard/reports.html", {"page": page, "query": query, "form": form}, status=400)
    job = job_enqueue(kind="monthly_report", actor=request.user, task=monthly_report_task,
                      args=(form.cleaned_data["month"].isoformat(),))
    return redirect("job_detail", pk=job.pk)


def _published() -> set:
    return set(MonthlyReport.objects.filter(status=ReportStatus.PUBLISHED).values_list("month", flat=True))


def _report(request, token: str):
    try:
        period = P.parse(token, today=timezone.localdate())
    except P.PeriodError as exc:
        raise Http404("报告不存在") from exc
    report = perms.reports_visible_to(request.user).filter(month=period.start).first() if period.kind == "month" else None
    if report is None:
        raise Http404("报告不存在")
    return report


def _report_context(report) -> dict:
    snap = report.snapshot
    sections = {}
    for f in snap["figures"]:
        sections.setdefault(SECTIONS.get(f["section"], f["section"]), []).append({**f, "rate": f["unit"] == "%"})
    return {"report": report, "snap": snap, "sections": sections, "token": f"{report.month:%Y-%m}"}


@require(perms.can_view_reports)
def report_detail(request, token: str, form=None, status=200):
    report = _report(request, token)
    can_manage = perms.can_manage_reports(request.user) and report.status == ReportStatus.DRAFT
    return render(request, "dashboard/report.html", {
        **_report_context(report), "can_manage": can_manage,
        "form": form or (ParagraphForm(initial={"paragraph": report.paragraph}) if can_manage else None),
        "events": report.events.select_related("actor"),
    }, status=status)


@require_POST
@require(perms.can_manage_reports)
def report_edit(request, token: str):
    report = _report(request, token)
    form = ParagraphForm(request.POST)
    if form.is_valid():
        try:
            services.report_edit(report=report, paragraph=form.cleaned_data["paragraph"], actor=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "通稿段落已保存")
            return redirect("report_detail", token=token)
    return report_detail(request, token, form=form, status=400)


@require_POST
@require(perms.can_manage_reports)
def report_publish(request, token: str):
    """发布 (from the paragraph's form: what the writer typed is saved first, never lost)."""
    report = _report(request, token)
    if "paragraph" in request.POST:
        form = ParagraphForm(request.POST)
        if not form.is_valid():
            return report_detail(request, token, form=form, status=400)
        if form.cleaned_data["paragraph"].strip() != report.paragraph:
            try:
                report = services.report_edit(report=report, paragraph=form.cleaned_data["paragraph"],
                                              actor=request.user)
            except ValidationError as exc:
                add_service_errors(form, exc)
                return report_detail(request, token, form=form, status=400)
    flash_action(request, lambda: services.report_publish(report=report, actor=request.user),
                 f"{report}已发布，订阅人已收到通知")
    return redirect("report_detail", token=token)


@require(perms.can_view_reports)
def report_print(request, token: str, pdf: bool = False):
    report = _report(request, token)
    context = {**_report_context(report), "print": True}
    if pdf:
        return pdf_response(request, "dashboard/report_print.html", context,
                            filename=quote(f"政务服务月度报告-{report.month:%Y-%m}.pdf"))
    return render(request, "dashboard/report_print.html", context)


@require(perms.can_view_reports)
def report_excel(request, token: str):
    import xlsxwriter

    report = _report(request, token)
    snap = report.snapshot
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("指标")
    sheet.write_row(0, 0, ["板块", "指标", "单位", snap["label"], "上期", "环比", "上年同期", "同比", "预警"], bold)
    for i, f in enumerate(snap["figures"], 1):
        sheet.write_row(i, 0, [SECTIONS.get(f["section"], f["section"]), f["name"], f["unit"], f["value"],
                               f["previous"], f["mom"], f["year_before"], f["yoy"], f["warning"]])
    sheet.set_column(0, 1, 18)
    ranks = book.add_worksheet("部门排名")
    row = 0
    for rank in snap["ranks"].values():
        ranks.write_row(row, 0, [f"{rank['name']}（{rank['unit']}）"], bold)
        row += 1
        for r in rank["rows"]:
            ranks.write_row(row, 0, [r["rank"], r["department"], r["value"]])
            row += 1
        row += 1
    ranks.set_column(1, 1, 24)
    notes = book.add_worksheet("说明")
    for i, line in enumerate([f"报告：{report}", f"状态：{report.get_status_display()}", f"统计期间：{snap['start']} 至 {snap['end']}",
                              f"指标定义版本：{report.definitions_version}", f"数据快照哈希：{report.data_hash}",
                              "预警：" + ("；".join(snap["warnings"]) or "无"), "通稿：", report.paragraph]):
        notes.write(i, 0, line)
    notes.set_column(0, 0, 100)
    book.close()
    response = HttpResponse(buffer.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = ("attachment; filename*=UTF-8''"
                                       + quote(f"政务服务月度报告-{report.month:%Y-%m}.xlsx"))
    return response


# --- subscriptions ---------------------------------------------------------------------------------------------


@require(perms.can_view_reports)
def subscriptions(request):
    form = SubscriptionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.subscription_set(user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "订阅成功")
                return redirect("dashboard_subscriptions")
        status = 400
    mine = Subscription.objects.filter(user=request.user).order_by("kind", "figure")
    names = {f.id: f.name for f in FIGURES}
    return render(request, "dashboard/subscriptions.html", {
        "form": form, "subscriptions": [(s, names.get(s.figure, "")) for s in mine]}, status=status)


@require_POST
@require(perms.can_view_reports)
def subscription_remove(request, pk: int):
    if not Subscription.objects.filter(pk=pk, user=request.user).exists():
        raise Http404("订阅不存在")
    flash_action(request, lambda: services.subscription_remove(user=request.user, pk=pk), "已取消订阅")
    return redirect("dashboard_subscriptions")
