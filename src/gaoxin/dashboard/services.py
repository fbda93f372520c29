"""Writes of the dashboard room: computing the stored figures, the monthly report (generate → edit → publish) and
subscriptions. Every change of a report or a subscription is one service call with one audit event."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, F, Sum
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record

from . import periods as P
from . import permissions as perms
from . import selectors, wording
from .figures import FIGURES, SOURCES, definitions_version
from .models import FigureDay, FigureRefresh, MonthlyReport, ReportStatus, Subscription, SubscriptionKind
from .workflow import REPORT_WORKFLOW

# --- stored figures --------------------------------------------------------------------------------------------


def _source_rows(source, figures, dim: str, since: dt.date | None) -> list[FigureDay]:
    """One GROUP BY over the source's records: per day (and dimension key) a numerator and a denominator for every
    figure of the source that has the dimension."""
    wanted = [f for f in figures if not dim or dim in f.dims]
    if not wanted:
        return []
    qs = source.model_class.objects.all()
    if since:
        qs = qs.filter(source.in_period(since, dt.date(9999, 12, 31)))
    else:
        qs = qs.filter(source.dated())
    groups = {"_day": source.day_expression()}
    if dim:
        groups["_key"] = F(source.dimensions[dim])
    sums = {}
    for i, f in enumerate(wanted):
        sums[f"n{i}"] = Sum(f.value_expression(), filter=f.where_q) if f.kind != "count" else Count("pk", filter=f.where_q)
        sums[f"d{i}"] = Count("pk", filter=f.where_q)
    out = []
    for row in qs.annotate(**groups).values(*groups).annotate(**sums).order_by():
        key = "" if not dim else ("" if row["_key"] is None else str(row["_key"]))
        for i, f in enumerate(wanted):
            num, den = row[f"n{i}"] or 0, row[f"d{i}"] or 0
            if num or den:
                out.append(FigureDay(figure=f.id, day=row["_day"], dim=dim, key=key[:40], num=num, den=den))
    return out


def figures_refresh(*, full: bool = False, today: dt.date | None = None,
                    on_progress: Callable[[int, int], None] | None = None) -> FigureRefresh:
    """Recompute the stored figures: every day when `full` (or never computed), else the last
    GAOXIN_FIGURES_LOOKBACK_DAYS days (records change after their date: a 差评 rectified, an appeal rated). One
    transaction: a reader sees the old figures or the new ones, never half of each."""
    today = today or timezone.localdate()
    state = FigureRefresh.objects.filter(pk=1).first()
    since = None if full or state is None or state.refreshed_at is None else (
        today - dt.timedelta(days=settings.GAOXIN_FIGURES_LOOKBACK_DAYS))
    started = time.perf_counter()
    by_source = defaultdict(list)
    for f in FIGURES:
        by_source[f.source.id].append(f)
    steps = [(SOURCES[sid], figs, dim) for sid, figs in by_source.items()
             for dim in ("", *dict.fromkeys(d for f in figs for d in f.dims))]
    rows: list[FigureDay] = []
    for done, (source, figs, dim) in enumerate(steps, 1):
        rows += _source_rows(source, figs, dim, since)
        if on_progress:
            on_progress(done, len(steps))
    with transaction.atomic():
        stale = FigureDay.objects.all() if since is None else FigureDay.objects.filter(day__gte=since)
        stale.delete()
        FigureDay.objects.bulk_create(rows, batch_size=5000)
        state, _ = FigureRefresh.objects.update_or_create(pk=1, defaults={
            "refreshed_at": timezone.now(), "since": since, "rows": len(rows),
            "seconds": round(time.perf_counter() - started, 2)})
        _alert_thresholds(today)
    return state


def _alert_thresholds(today: dt.date) -> None:
    """Tell the subscribers of a figure's alert when this month so far breaches its threshold (once a month)."""
    subscribed = defaultdict(list)
    for sub in Subscription.objects.filter(kind=SubscriptionKind.THRESHOLD).select_related("user"):
        subscribed[sub.figure].append(sub)
    if not subscribed:
        return
    month = P.Period("custom", today.replace(day=1), today)
    figures = [f for f in FIGURES if f.id in subscribed and f.threshold]
    for v in selectors.values(month, figures=figures):
        if v.warning:
            subs = subscribed[v.figure.id]
            _deliver(subs, message=f"指标预警：{today.year}年{today.month}月（截至{today.day}日）{v.warning}",
                     url=reverse("dashboard_figure", args=[v.figure.id]) + f"?period={today:%Y-%m}",
                     kind="figure_alert", key=f"{v.figure.id}:{today:%Y-%m}")


def _deliver(subs: list[Subscription], *, message: str, url: str, kind: str, key: str = "") -> None:
    notify([s.user for s in subs], message=message, url=url, kind=kind, key=key)
    emails = [s.user.email for s in subs if s.email and s.user.email]
    if emails and settings.GAOXIN_NOTIFY_EMAIL:
        from django.core.mail import send_mass_mail

        link = settings.GAOXIN_PUBLIC_BASE_URL.rstrip("/") + url
        transaction.on_commit(lambda: send_mass_mail(
            [("高新区政务服务提醒", f"{message}\n{link}", None, [e]) for e in emails], fail_silently=True))


# --- monthly report --------------------------------------------------------------------------------------------


def snapshot(period: P.Period) -> dict:
    """What a monthly report states: every figure with its 环比 and 同比, the departments ranked on the ranking
    figures, the warnings, and the released evaluation tiers. Plain JSON (numbers, strings)."""
    vals = selectors.values(period, since=selectors.data_start())
    ranking = [f for f in FIGURES if f.id in settings.GAOXIN_REPORT_RANKING_FIGURES]
    by_department = selectors.breakdown(period, "department", figures=ranking)
    ranks = {}
    for f in ranking:
        rows = [r for r in by_department.get(f.id, []) if r[2] is not None and r[0]]
        ranks[f.id] = {"name": f.name, "unit": f.unit,
                       "rows": [{"rank": i, "department": name, "value": value, "count": round(d)}
                                for i, (_key, name, value, _n, d) in enumerate(rows, 1)]}
    return {"period": period.token, "label": period.label, "start": period.start.isoformat(),
            "end": period.end.isoformat(), "figures": [v.as_dict() for v in vals],
            "ranks": ranks, "warnings": [v.warning for v in vals if v.warning], "tiers": selectors.tiers()}


def data_hash(snap: dict) -> str:
    return hashlib.sha256(json.dumps(snap, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def draft_paragraph(snap: dict, *, zone: str) -> str:
    """A paragraph in the newspaper's style, rounded with "余" (wording.py), for the writer to edit."""
    v = {f["id"]: f for f in snap["figures"]}
    digits = settings.GAOXIN_REPORT_ROUND_DIGITS

    def n(fid, unit=None):
        f = v.get(fid)
        return wording.count_yu(f["value"] or 0, unit or "", digits=digits) if f else "0"

    def pct(fid):
        f = v.get(fid)
        return "—" if not f or f["value"] is None else f"{f['value']}%"

    parts = [f"{snap['label']}，{zone}受理政务服务事项{n('cases.accepted', '件')}，办结{n('cases.closed', '件')}，"
             f"按时办结率{pct('cases.on_time_rate')}"]
    speed = v.get("cases.speed_up", {}).get("value")
    if speed and speed > 0:
        parts[-1] += f"，平均审批提速{wording.share_above(speed)}"
    parts[-1] += "。"
    station = [f"{label}{n(fid, unit)}" for label, fid, unit in (
        ("政务服务驿站提供服务", "stations.services", "次"), ("解决企业实际问题", "stations.problems", "个"),
        ("解决用工", "stations.jobs", "人次"), ("帮代办", "assist.orders", "次")) if v.get(fid, {}).get("value")]
    if station:
        parts.append("，".join(station) + "。")
    if v.get("appeals.received", {}).get("value"):
        parts.append(f"受理企业诉求{n('appeals.received', '件')}，响应率{pct('appeals.response_rate')}，"
                     f"满意率{pct('appeals.satisfaction')}。")
    paid = v.get("benefits.paid_amount", {}).get("value") or 0
    if v.get("benefits.paid", {}).get("value"):
        parts.append(f"兑现惠企政策{n('benefits.paid', '件')}，金额{wording.amount_wan(paid, digits=digits)}。")
    tiers = snap.get("tiers") or {}
    a = next((r for r in tiers.get("rows", []) if r["tier"] == "A"), None)
    if a and a["count"]:
        change = f"，较上年增加{a['change']}家" if a["change"] and a["change"] > 0 else ""
        parts.append(f"{tiers['year']}年度亩产效益评价A类企业{a['count']}家{change}。")
    return "".join(parts)


def report_generate(*, month: dt.date, actor) -> MonthlyReport:
    """Compute (or recompute) a month's report as a draft. A published report is not overwritten."""
    if actor is not None and not perms.can_manage_reports(actor):
        raise PermissionDenied("您无权生成月度报告")
    period = P.month(month.year, month.month)
    if period.end >= timezone.localdate():
        raise ValidationError({"month": "只能生成已结束月份的报告"})
    snap = snapshot(period)
    with transaction.atomic():
        existing = MonthlyReport.objects.select_for_update().filter(month=period.start).first()
        if existing and existing.status == ReportStatus.PUBLISHED:
            raise ValidationError({"month": f"{period.label}的报告已发布，不能重新生成"})
        from gaoxin.accounts.models import OrgKind, OrgUnit

        centre = OrgUnit.objects.filter(kind=OrgKind.CENTRE).first()
        fields = {"snapshot": snap, "definitions_version": definitions_version(), "data_hash": data_hash(snap),
                  "paragraph": draft_paragraph(snap, zone=getattr(centre, "name", "") or "本区"),
                  "generated_at": timezone.now(), "generated_by": actor if getattr(actor, "pk", None) else None}
        before = {"data_hash": existing.data_hash} if existing else None
        if existing:
            for k, val in fields.items():
                setattr(existing, k, val)
            existing.save()
            report = existing
        else:
            report = MonthlyReport.objects.create(month=period.start, **fields)
        audit_record(event_type="report.generate", actor=actor, subject=report, before=before,
                     after={"month": period.token, "data_hash": report.data_hash,
                            "definitions_version": report.definitions_version})
        from gaoxin.accounts.models import Role, User

        notify(User.objects.filter(role=Role.ZONE_ADMIN, is_active=True),
               message=f"{report}草稿已生成，请核对通稿后发布", url=reverse("report_detail", args=[period.token]),
               kind="monthly_report", key=f"draft:{period.token}:{report.data_hash[:8]}")
    return report


def report_edit(*, report: MonthlyReport, paragraph: str, actor) -> MonthlyReport:
    if not perms.can_manage_reports(actor):
        raise PermissionDenied("您无权修改月度报告")
    paragraph = (paragraph or "").strip()
    if not paragraph:
        raise ValidationError({"paragraph": "通稿段落不能为空"})
    if len(paragraph) > 5000:
        raise ValidationError({"paragraph": "通稿段落不能超过 5000 字"})
    with transaction.atomic():
        locked = MonthlyReport.objects.select_for_update().get(pk=report.pk)
        if locked.status != ReportStatus.DRAFT:
            raise ValidationError({"paragraph": "报告已发布，不能再修改"})
        before = locked.paragraph
        locked.paragraph = paragraph
        locked.save(update_fields=["paragraph"])
        audit_record(event_type="report.edit", actor=actor, subject=locked, before={"paragraph": before},
                     after={"paragraph": paragraph})
    return locked


def report_publish(*, report: MonthlyReport, actor) -> MonthlyReport:
    return REPORT_WORKFLOW.apply(report, "PUBLISH", actor=actor)


def monthly_report_due(today: dt.date) -> dt.date | None:
    """On the first working day of a month: the month before (the report the scheduled run generates)."""
    from gaoxin.core.selectors import work_calendar

    cal = work_calendar()
    first = today.replace(day=1)
    if cal.next_workday(first) != today:
        return None
    return P.month(*((today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1))).start


# --- subscriptions ---------------------------------------------------------------------------------------------


def subscription_set(*, user, kind: str, figure: str = "", email: bool = False) -> Subscription:
    if not perms.can_view_dashboard(user) and not perms.can_view_reports(user):
        raise PermissionDenied("您无权订阅")
    if kind not in SubscriptionKind.values:
        raise ValidationError({"kind": "请选择订阅内容"})
    if kind == SubscriptionKind.THRESHOLD:
        from .figures import BY_ID

        f = BY_ID.get(figure)
        if f is None or not f.threshold:
            raise ValidationError({"figure": "请选择设有预警值的指标"})
    else:
        figure = ""
    if email and not user.email:
        raise ValidationError({"email": "您的账号未登记电子邮箱，请联系管理员在账号信息中登记后再选择邮件提醒"})
    with transaction.atomic():
        sub, created = Subscription.objects.update_or_create(user=user, kind=kind, figure=figure,
                                                              defaults={"email": email})
        audit_record(event_type="report.subscribe", actor=user, subject=sub,
                     after={"kind": kind, "figure": figure, "email": email, "new": created})
    return sub


def subscription_remove(*, user, pk: int) -> None:
    with transaction.atomic():
        sub = Subscription.objects.select_for_update().filter(pk=pk, user=user).first()
        if sub is None:
            raise ValidationError("订阅不存在或已取消")
        audit_record(event_type="report.unsubscribe", actor=user, subject=sub,
                     before={"kind": sub.kind, "figure": sub.figure})
        sub.delete()


def notify_published(report: MonthlyReport) -> None:
    subs = list(Subscription.objects.filter(kind=SubscriptionKind.MONTHLY_REPORT).select_related("user"))
    token = f"{report.month:%Y-%m}"
    _deliver(subs, message=f"{report}已发布", url=reverse("report_detail", args=[token]), kind="monthly_report",
             key=f"published:{token}")

