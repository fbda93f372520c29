"""Reads of cases, always from the permission scope, with time left on every row."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db.models import Case as Conditional  # SQL CASE; `Case` is the 办件 model
from django.db.models import IntegerField, Prefetch, Q, QuerySet, Value, When

from gaoxin.catalog import qr
from gaoxin.catalog.models import ServiceItem
from gaoxin.core.selectors import work_calendar
from gaoxin.core.statements import Statement, attach_prefetched
from gaoxin.core.validators import normalize_code, uscc_is_valid

from . import permissions as perms
from .models import CLOCK_RUNNING, INTAKE, TERMINAL, Case, CaseEvent, CaseMaterial, Status
from .services import today

# What an applicant counts as closed: the ended states, and a refusal (办结（不予许可）: nothing more is issued to
# wait for, its 决定书 is on the case page). An approval is still awaited until its result is delivered.
CLOSED_FOR_APPLICANT = TERMINAL | {Status.DECIDED_REFUSED}

QUEUES = {
    "intake": "窗口受理队列",
    "review": "部门审查队列",
    "mine": "我的办件",
    "at_risk": "即将到期（预警）",
    "overdue": "已超期",
    "all": "全部办件",
}


def queues_for(user) -> dict[str, str]:
    """The tabs this user may open, in the order of QUEUES."""
    return {key: label for key, label in QUEUES.items() if perms.can_open_queue(user, key)}


def case_list(*, user, queue: str = "all", q: str = "", status: str = "", channel: str = "") -> QuerySet[Case]:
    qs = perms.cases_visible_to(user).select_related(
        "item", "version", "bundle", "department", "enterprise", "officer")
    on = today()
    if queue == "intake":
        qs = qs.filter(status__in=INTAKE).exclude(kind="child")
    elif queue == "review":
        qs = qs.filter(status__in=[Status.ACCEPTED, Status.IN_REVIEW, Status.SUSPENDED, Status.WITHDRAW_PENDING]).exclude(kind="package")
    elif queue == "mine":
        qs = qs.filter(Q(officer=user) | perms.own_cases(user))
    elif queue == "at_risk":
        horizon = work_calendar().add_working_days(on, settings.GAOXIN_AT_RISK_WORKDAYS)
        qs = qs.filter(status__in=CLOCK_RUNNING, due_date__gte=on, due_date__lte=horizon)
    elif queue == "overdue":
        qs = qs.filter(status__in=CLOCK_RUNNING, due_date__lt=on)
    if q:
        qs = _search(qs, q.strip())
    if status:
        qs = qs.filter(status=status)
    if channel:
        qs = qs.filter(channel=channel)
    if queue in ("at_risk", "overdue", "review"):
        return qs.order_by("due_date", "id")
    # Newest is the day the case came in: cases loaded in bulk (a migration of earlier years) are created today.
    newest = ("-received_on", "-created_at", "-id")
    if perms.lists_own_cases(user):
        # An applicant looks for what is still running: open cases first, then closed ones, newest first in each.
        qs = qs.annotate(closed=Conditional(When(status__in=CLOSED_FOR_APPLICANT, then=Value(1)), default=Value(0),
                                           output_field=IntegerField()))
        return qs.order_by("closed", *newest)
    return qs.order_by(*newest)


def _search(qs: QuerySet[Case], q: str) -> QuerySet[Case]:
    """A case number or a USCC hits a unique index; other text searches names (trigram-indexed
    on PostgreSQL, see migration 0002)."""
    code = normalize_code(q)
    if re.fullmatch(r"GX\d{13}", code):
        return qs.filter(number=code)
    if len(code) == 18 and uscc_is_valid(code):
        return qs.filter(enterprise__uscc=code)
    # Item names are few: resolve them first so the case table is searched by indexed columns only.
    item_ids = list(ServiceItem.objects.filter(name__icontains=q).values_list("pk", flat=True)[:50])
    return qs.filter(Q(applicant_name__icontains=q) | Q(item_id__in=item_ids))


def with_time_left(cases) -> list[Case]:
    """Attach `time_left` (working days, negative when overdue) to the rows of a page."""
    cal = work_calendar()
    on = today()
    rows = list(cases)
    for case in rows:
        case.time_left = None
        if case.clock_running:
            try:
                case.time_left = cal.working_days_between(on, case.due_date)
            except ValueError:
                case.time_left = None
        elif case.status == Status.SUSPENDED and case.due_date:
            case.time_left = cal.working_days_between(on, case.due_date)
        case.at_risk = case.time_left is not None and 0 <= case.time_left <= settings.GAOXIN_AT_RISK_WORKDAYS
    return rows


def case_get(*, user, number: str) -> Case:
    return (
        perms.cases_visible_to(user)
        .select_related("item", "version", "bundle", "department", "enterprise", "officer", "submitted_by", "parent",
                        "decision", "decision__department")
        .prefetch_related("events", "materials__material", "suspensions",
                          # A package's children in the bundle's order (they are filed in it), not newest first.
                          Prefetch("children", queryset=Case.objects.select_related("version", "department")
                                   .order_by("id")))
        .get(number=number)
    )


def postal_defaults(case: Case) -> dict[str, str]:
    """What the 邮寄 form starts with, where the case knows it: a firm's primary contact (else its legal
    representative) at its registered address, a person themself; the contact phone given with the application."""
    recipient, phone, address = case.applicant_name, case.contact_phone, ""
    if case.enterprise_id:
        firm = case.enterprise
        contact = firm.contacts.first()  # the primary contact first (Contact.Meta.ordering)
        recipient = contact.name if contact else firm.legal_representative
        phone = phone or (contact.phone if contact else "")
        address = firm.address
    return {"postal_recipient": recipient or "", "postal_phone": phone or "", "postal_address": address or ""}


def case_material_get(*, user, number: str, material_id: int) -> CaseMaterial:
    """A material of a case the user may see, with its file (404 otherwise: DoesNotExist)."""
    return (
        CaseMaterial.objects.select_related("case", "material")
        .filter(case__in=perms.cases_visible_to(user).values("pk"))
        .exclude(file="")
        .get(case__number=number, material_id=material_id)
    )


def track(number: str, identity: str) -> Case | None:
    """Public tracking: the case number plus the applicant's ID number or USCC. Only the columns the tracking page
    shows are read (a public page under load: issue 17), and no ordering (the number is unique); both reads are
    compiled once per process (core.statements)."""
    identity = normalize_code(identity)
    if not number or not identity:
        return None
    found = _TRACKED_CASE.fetch(number=number.strip().upper(), identity=identity)
    if not found:
        return None
    attach_prefetched(found[0], "events", _TRACKED_STEPS.fetch(case=found[0].pk))
    return found[0]


_TRACKED_CASE = Statement(lambda variant, number, identity: (
    Case.objects.select_related("version", "bundle", "department").only(*TRACK_COLUMNS)
    .filter(number=number).filter(Q(applicant_id_number=identity) | Q(enterprise__uscc=identity)).order_by()[:1]))
_TRACKED_STEPS = Statement(lambda variant, case: CaseEvent.objects.only("case", "transition", "at").filter(case_id=case))


# What cases/track.html shows of a case.
TRACK_COLUMNS = ("number", "status", "due_date", "delivered_on", "delivery_method", "postal_address",
                 "postal_recipient", "tracking_number", "version", "version__name", "bundle", "bundle__name",
                 "department", "department__name")


def deadline_explanation(case: Case) -> list[str]:
    """Every deadline is explainable (services.md §5.4)."""
    if not case.accepted_on or not case.due_date:
        return []
    cal = work_calendar()
    lines = [f"受理日期 {case.accepted_on:%Y-%m-%d}（当日不计），承诺时限 {case.promised_limit} 个工作日"]
    start = case.accepted_on
    base_due = cal.add_working_days(start, case.promised_limit) if case.promised_limit else start
    skipped, makeup = [], []
    day = start + dt.timedelta(days=1)
    while day <= base_due:
        if day.weekday() < 5 and not cal.is_workday(day):
            skipped.append(day)
        if day.weekday() >= 5 and cal.is_workday(day):
            makeup.append(day)
        day += dt.timedelta(days=1)
    if skipped:
        lines.append("跳过节假日：" + "、".join(f"{d:%m-%d}" for d in skipped))
    if makeup:
        lines.append("计入调休上班日：" + "、".join(f"{d:%m-%d}" for d in makeup))
    if case.suspended_days:
        lines.append(f"特别程序暂停 {case.suspended_days} 个工作日，期限顺延")
    if case.extension_days:
        lines.append(f"经批准延长 {case.extension_days} 个工作日")
    lines.append(f"办结期限 {case.due_date:%Y-%m-%d}" + ("（暂定：跨越尚未确认节假日安排的年度）" if case.due_provisional else ""))
    return lines


# --- printed notices (文书) ------------------------------------------------------------------------------------------

def notice_kinds(case: Case) -> list[tuple[str, str]]:
    """The notices a case has, as (kind, title). A 即办件 completed on the spot has one: its 办结通知书."""
    decision = getattr(case, "decision", None)
    if case.status == Status.DELIVERED and decision is None and case.version.case_type == "immediate":
        return [("completion", "即办件办结通知书")]
    kinds = []
    if case.accepted_on:
        kinds.append(("acceptance", "受理通知书"))
    if case.events.filter(transition="REQUEST_CORRECTION").exists():
        kinds.append(("correction", "补正告知书"))
    if case.tolerance:
        kinds.append(("tolerance", "容缺受理通知书"))
    if case.status == Status.REFUSED_ACCEPT:
        kinds.append(("refusal", "不予受理决定书"))
    if decision is not None:
        kinds.append((decision.notice_kind, decision.notice_title))
    return kinds


def notice_context(case: Case, kind: str, track_url: str) -> dict | None:
    """What the A4 notice `kind` of the case prints (cases/notice.html), with the tracking QR code; None when the
    case has no such notice. Shared by the case page and the kiosk's receipt screen."""
    titles = dict(notice_kinds(case))
    if kind not in titles:
        return None
    decision = getattr(case, "decision", None)
    today_ = today()
    return {
        "case": case, "kind": kind, "title": titles[kind], "qr_svg": qr.qr_svg(track_url, scalable=True),
        "track_url": track_url, "correction": case.events.filter(transition="REQUEST_CORRECTION").last(),
        "today": today_, "decision": decision,
        # A decision notice is dated the day of the decision; the others the day they are printed.
        "sign_date": decision.decided_on if decision and kind == decision.notice_kind else today_,
        "owed": case.materials.filter(owed=True).select_related("material"),
    }
