"""取号 and 叫号 (platform.md §1 "queue tickets"): tickets per zone of the hall, called to a window, waiting times
recorded. The ticket's table of named transitions (CALL, SERVE, MISS) is applied by `ticket_transition`, one audit
event each; issuing is `ticket_issue` (numbered per zone and day under the zone's row lock).

Service rules a hall expects:
- one number at a window at a time: a window that has called a number calls the next only after that one is
  办理完成 or 过号 (the clerk says which; calling on would have to guess whether the person came);
- tickets are issued only during opening hours (GAOXIN_QUEUE_OPENING_TIME to GAOXIN_QUEUE_CLOSING_TIME) of the
  working-day calendar's working days, and no number is called before opening or after closing (`issue_refusal`,
  `call_refusal`);
- at closing time (GAOXIN_QUEUE_CLOSING_TIME) the day's tickets still waiting or called but unfinished are voided
  (VOID, by `tickets_void_stale`, run by `gaoxin sweep_kiosk`); voided tickets count in no wait."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Avg, Count, Max, Q
from django.db.models.functions import Length
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import has_role
from gaoxin.catalog.models import ServiceZone, Window
from gaoxin.core.services import audit_record, lock_for_transition

from .models import Ticket, TicketStatus

T = TicketStatus
CALLER = "caller"
SYSTEM = "system"
# name -> (from states, to state, role, label)
TRANSITIONS = {
    "CALL": ([T.WAITING], T.CALLED, CALLER, "叫号"),
    "SERVE": ([T.CALLED], T.SERVED, CALLER, "办理完成"),
    "MISS": ([T.CALLED], T.MISSED, CALLER, "过号"),
    "VOID": ([T.WAITING, T.CALLED], T.VOID, SYSTEM, "闭厅作废"),
}
# Tickets whose wait counts: called, and not voided at closing.
COUNTED = ~Q(status=T.VOID)
LABELS = {name: entry[3] for name, entry in TRANSITIONS.items()}


def can_call_tickets(user) -> bool:
    """Window clerks call the queue (the zone administrator too)."""
    return has_role(user, Role.WINDOW_CLERK, Role.ZONE_ADMIN)


def ticket_roles(user, ticket) -> set[str]:
    if user is None:  # the closing-time sweep
        return {SYSTEM}
    return {CALLER} if can_call_tickets(user) else set()


def window_order():
    """Windows as the hall numbers them: 9号 before 10号 (the number is text: shorter first, then by text)."""
    return ("zone__sort_order", "zone_id", Length("number"), "number")


def _clock(value) -> dt.time:
    hours, _, minutes = str(value).strip().partition(":")
    return dt.time(int(hours), int(minutes or 0))


def closing_time() -> dt.time:
    """GAOXIN_QUEUE_CLOSING_TIME as a time (HH:MM); ValueError when it cannot be read (a start-up check says so)."""
    return _clock(settings.GAOXIN_QUEUE_CLOSING_TIME)


def opening_time() -> dt.time:
    """GAOXIN_QUEUE_OPENING_TIME as a time (HH:MM); ValueError when it cannot be read (a start-up check says so)."""
    return _clock(settings.GAOXIN_QUEUE_OPENING_TIME)


def _is_workday(day: dt.date) -> bool:
    from gaoxin.core.selectors import work_calendar
    from gaoxin.core.workdays import CalendarRangeError

    try:
        return work_calendar().is_workday(day)
    except CalendarRangeError:  # beyond the calendar's years: Monday to Friday
        return day.weekday() < 5


def _next_open_day(day: dt.date) -> dt.date:
    """The next working day after `day` (the working-day calendar's; beyond its years the next weekday)."""
    from gaoxin.core.selectors import work_calendar
    from gaoxin.core.workdays import CalendarRangeError

    try:
        return work_calendar().add_working_days(day, 1)
    except CalendarRangeError:
        return day + dt.timedelta(days=3 if day.weekday() == 4 else 2 if day.weekday() == 5 else 1)


def _day_text(day: dt.date) -> str:
    return f"{day.month}月{day.day}日（{'一二三四五六日'[day.weekday()]}）"


def issue_refusal(now: dt.datetime | None = None) -> str | None:
    """Why no ticket can be taken at `now` (None: the hall is open): a day that is not a working day of the calendar,
    before opening or from closing time on. Said on the kiosk's ticket page as it is."""
    local = timezone.localtime(now or timezone.now())
    opens, closes = opening_time(), closing_time()
    hours = f"工作日 {opens:%H:%M}–{closes:%H:%M}"
    if not _is_workday(local.date()):
        return (f"今天是节假日或休息日，大厅不办理窗口业务，不能取号。取号时间为{hours}，"
                f"请于{_day_text(_next_open_day(local.date()))}{opens:%H:%M}后来取号。")
    if local.time() < opens:
        return f"大厅 {opens:%H:%M} 开始取号，现在还不能取号，请稍候。取号时间为{hours}。"
    if local.time() >= closes:
        return (f"大厅已于 {closes:%H:%M} 停止服务，今天不再取号。取号时间为{hours}，"
                f"请于{_day_text(_next_open_day(local.date()))}{opens:%H:%M}后来取号。")
    return None


def call_refusal(now: dt.datetime | None = None) -> str | None:
    """Why no number can be called at `now` (None: it can): before opening time the hall calls nobody yet, and from
    closing time on nobody any more (the tickets still waiting are voided by the closing-time sweep)."""
    opens, closes = opening_time(), closing_time()
    local = timezone.localtime(now or timezone.now()).time()
    if local < opens:
        return f"未到开厅时间（{opens:%H:%M}），还不能叫号；请于 {opens:%H:%M} 开厅后再叫号。"
    if local >= closes:
        return f"已过闭厅时间（{closes:%H:%M}），不再叫号；仍在等候的号码将自动作废。"
    return None


def zone_letter(zone: ServiceZone, zones: list[ServiceZone] | None = None) -> str:
    """A, B, C… by the zones' order in the hall."""
    zones = zones if zones is not None else list(ServiceZone.objects.order_by("sort_order", "id"))
    index = next((i for i, z in enumerate(zones) if z.pk == zone.pk), 0)
    return chr(ord("A") + index % 26)


@transaction.atomic
def ticket_issue(*, zone: ServiceZone, terminal=None, now: dt.datetime | None = None) -> Ticket:
    """A new ticket for the zone: the day's next number, taken under the zone's row lock (no two alike). Refused
    outside opening hours and on a day that is not a working day (`issue_refusal`)."""
    now = now or timezone.now()
    if (refusal := issue_refusal(now)) is not None:
        raise ValidationError(refusal)
    day = timezone.localdate(now)
    ServiceZone.objects.select_for_update().get(pk=zone.pk)
    last = Ticket.objects.filter(zone=zone, issued_on=day).aggregate(m=Max("sequence"))["m"] or 0
    ticket = Ticket.objects.create(zone=zone, issued_on=day, sequence=last + 1, terminal=terminal, issued_at=now,
                                   number=f"{zone_letter(zone)}{last + 1:03d}")
    audit_record(event_type="kiosk.ticket.issue", actor=None, subject=ticket,
                 after={"zone": zone.name, "number": ticket.number,
                        "terminal": terminal.name if terminal is not None else ""})
    return ticket


def _current(window: Window) -> Ticket | None:
    """The number a window has called and not yet finished."""
    return Ticket.objects.filter(window=window, status=T.CALLED).order_by("called_at").first()


def _busy(window: Window, current: Ticket) -> str:
    return f"{window.number}号窗口的 {current.number} 还没有办结，请先点“办理完成”或“过号”，再叫下一号。"


@transaction.atomic
def ticket_transition(*, ticket: Ticket, name: str, actor, window: Window | None = None,
                      now: dt.datetime | None = None) -> Ticket:
    locked, entry = lock_for_transition(ticket, transitions=TRANSITIONS, name=name, actor=actor, roles=ticket_roles,
                                        noun="号码")
    now = now or timezone.now()
    before = locked.status
    if name == "CALL":
        if (refusal := call_refusal(now)) is not None:
            raise ValidationError(refusal)
        if window is None or window.zone_id != locked.zone_id:
            raise ValidationError({"window": "请选择本专区的窗口"})
        Window.objects.select_for_update().get(pk=window.pk)  # two calls at one window: one waits for the other
        if (current := _current(window)) is not None:
            raise ValidationError(_busy(window, current))
        locked.window, locked.called_by, locked.called_at = window, actor, now
        locked.waited_seconds = max(0, int((now - locked.issued_at).total_seconds()))
    else:
        locked.finished_at = now
    locked.status = entry[1]
    locked.save()
    audit_record(event_type=f"kiosk.ticket.{name.lower()}", actor=actor, subject=locked,
                 before={"status": before},
                 after={"status": locked.status, "window": str(locked.window or ""),
                        **({"waited_seconds": locked.waited_seconds} if name == "CALL" else {})})
    return locked


def ticket_call_next(*, window: Window, actor, now: dt.datetime | None = None) -> Ticket | None:
    """叫下一号: the oldest waiting ticket of the window's zone today (None when nobody waits). Refused while the
    window's current number is not finished (办理完成 or 过号 first)."""
    if not can_call_tickets(actor):
        raise PermissionDenied("您无权叫号")
    if (refusal := call_refusal(now)) is not None:
        raise ValidationError(refusal)
    day = timezone.localdate(now or timezone.now())
    for _attempt in range(3):  # another window may take the same ticket first: try the next one
        ticket = (Ticket.objects.filter(zone_id=window.zone_id, issued_on=day, status=T.WAITING)
                  .order_by("sequence").first())
        if ticket is None:
            return None
        if (current := _current(window)) is not None:
            raise ValidationError(_busy(window, current))
        try:
            return ticket_transition(ticket=ticket, name="CALL", actor=actor, window=window, now=now)
        except ValidationError:
            continue
    return None


def tickets_void_stale(*, now: dt.datetime | None = None) -> int:
    """Closing time: void every ticket still waiting or called but unfinished from an earlier day, and today's once
    the hall has closed (GAOXIN_QUEUE_CLOSING_TIME). Each ticket its own transition and audit event; idempotent.
    Returns how many were voided."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    last_day = local.date() if local.time() >= closing_time() else local.date() - dt.timedelta(days=1)
    voided = 0
    for ticket in Ticket.objects.filter(issued_on__lte=last_day, status__in=[T.WAITING, T.CALLED]).order_by("pk"):
        try:
            ticket_transition(ticket=ticket, name="VOID", actor=None, now=now)
        except ValidationError:  # finished at the window a moment ago
            continue
        voided += 1
    return voided


# --- reads ---------------------------------------------------------------------------------------------------------

def waiting_counts(day: dt.date) -> dict[int, int]:
    """Tickets still waiting per zone id today (one query)."""
    return dict(Ticket.objects.filter(issued_on=day, status=T.WAITING).values_list("zone_id")
                .annotate(n=Count("id")).values_list("zone_id", "n"))


def calling_board(day: dt.date, limit: int = 8) -> list[Ticket]:
    """The hall screen: the latest calls of the day, newest first, whether still at the window or already finished
    (办理完成 / 过号): the screen keeps the recent calls between two calls. Voided tickets are left out (one query)."""
    return list(Ticket.objects.filter(issued_on=day, called_at__isnull=False).exclude(status=T.VOID)
                .select_related("window", "zone").order_by("-called_at", "-pk")[:limit])


def window_waits(day_from: dt.date, day_to: dt.date) -> list[dict]:
    """Per window: tickets called and the average and longest wait in minutes (one query)."""
    rows = (Ticket.objects.filter(COUNTED, issued_on__range=(day_from, day_to), window__isnull=False)
            .values("window__zone__name", "window__number", "window__name")
            .annotate(called=Count("id"), avg=Avg("waited_seconds"), longest=Max("waited_seconds"))
            .order_by("window__zone__sort_order", "window__zone_id", Length("window__number"), "window__number"))
    return [{"window": f"{r['window__zone__name']} {r['window__number']}号窗口（{r['window__name']}）",
             "called": r["called"], "avg_minutes": round((r["avg"] or 0) / 60, 1),
             "longest_minutes": round((r["longest"] or 0) / 60, 1)} for r in rows]


def queue_time_saved(day_from: dt.date, day_to: dt.date) -> dict:
    """Kiosk completions counted as queue time saved: each 即办 case completed at a kiosk in the period would have
    waited the period's average wait at a window (services.md §14; platform.md §1)."""
    from gaoxin.cases.models import Case

    kiosk_cases = Case.objects.filter(channel="kiosk", received_on__range=(day_from, day_to)).count()
    avg = (Ticket.objects.filter(COUNTED, issued_on__range=(day_from, day_to), waited_seconds__isnull=False)
           .aggregate(a=Avg("waited_seconds"))["a"])
    minutes = round(kiosk_cases * (avg or 0) / 60)
    return {"kiosk_cases": kiosk_cases, "avg_wait_minutes": round((avg or 0) / 60, 1), "saved_minutes": minutes,
            "measured": avg is not None}
