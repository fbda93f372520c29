"""Demo 智能微厅: two terminals (each with its nearest station), the legal representatives' ID numbers of some firms
(the enterprise account's first firm among them), a week of kiosk visits with 即办 cases completed on the spot and
people who left at some step, one 帮代办 order and one call-back request to the station from a kiosk, the week's
kiosk coverage of 即办 items, and a week of queue tickets called at the windows with their waits (an earlier day's
unfinished ticket voided at closing; today, when the hall is open at seeding time: some still waiting).

Nothing is dated after the seeding moment: seeded before opening time (or on a day the hall is closed), the week
ends with the previous working day, the hall's "today" being then a closed day; seeded during opening hours, today's
visits and tickets stop at the seeding moment (`hall_days`)."""

from __future__ import annotations

import datetime as dt
import random
from unittest import mock

from django.utils import timezone

from gaoxin.catalog.models import ServiceItem, ServiceZone, Window
from gaoxin.core.selectors import work_calendar
from gaoxin.core.validators import id_check_char
from gaoxin.enterprises.models import Enterprise

from . import queue, selectors, services
from .eligibility import kiosk_enabled
from .models import Action, Visit, VisitStep

TERMINALS = [("1号机", "政务服务中心一楼智能微厅", "demo-kiosk-1"), ("2号机", "金荣驿站自助服务区", "demo-kiosk-2")]
# The enterprise account's first firm's legal representative logs in at the kiosk with this number.
DEMO_REP_BODY = "43030219800101123"
DEMO_REP_ID = DEMO_REP_BODY + id_check_char(DEMO_REP_BODY)


def _id_number(rng: random.Random) -> str:
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(365 * 40))
    body = f"430302{born:%Y%m%d}{rng.randrange(1000):03d}"
    return body + id_check_char(body)


def hall_days(today: dt.date, now: dt.datetime | None = None) -> tuple[list[dt.date], dt.datetime | None]:
    """The demo week's working days up to the last day the hall has opened by `now` (the seeding moment), and the
    moment that day's activity stops when the hall is still open at `now` (None: every day is a whole, closed day).
    A `today` before the real day (a demo dated back) is a whole day."""
    now = timezone.localtime(now or timezone.now())
    calendar = work_calendar()
    opens, closes = queue.opening_time(), queue.closing_time()
    last, cutoff = today, None
    if today >= now.date() and (not calendar.is_workday(today) or now.time() < opens):
        last = today - dt.timedelta(days=1)  # the hall has not opened yet today: its last day is an earlier one
    elif today >= now.date() and now.time() < closes:
        cutoff = now  # open at the seeding moment: today's activity stops now
    while not calendar.is_workday(last):
        last -= dt.timedelta(days=1)
    days = [d for d in (last - dt.timedelta(days=n) for n in range(7, -1, -1)) if calendar.is_workday(d)]
    return days, cutoff


def build_demo_kiosk(*, rng: random.Random, enterprise_firm, enterprises: list, clerk, today: dt.date) -> dict:
    from gaoxin.accounts.models import OrgKind, OrgUnit

    station = OrgUnit.objects.filter(kind=OrgKind.STATION, name__startswith="金荣").first()
    terminals = [services.terminal_register(name=n, location=loc, actor=None, key=key, station=station)[0]
                 for n, loc, key in TERMINALS]
    Enterprise.objects.filter(pk=enterprise_firm.pk).update(legal_representative_id_number=DEMO_REP_ID)
    reps = []
    for firm in enterprises[:40]:
        number = _id_number(rng)
        Enterprise.objects.filter(pk=firm.pk).update(legal_representative_id_number=number)
        reps.append(number)
    items = [i for i in ServiceItem.objects.filter(status="published").select_related("current_version")
             if kiosk_enabled(i, i.current_version) and i.current_version.service_object != "natural"]
    days, cutoff = hall_days(today)
    live = days[-1] if cutoff is not None else None  # the day still going on at the seeding moment
    cases = 0
    for day in days:
        if day == live and _latest_start(day, cutoff) is None:
            continue  # the hall opened a moment ago: nobody at the kiosks yet
        for _ in range(rng.randrange(3, 7)):
            person = selectors.person_for(rng.choice(reps))
            if person is None or not person.firm_ids:
                continue
            terminal = rng.choice(terminals)
            item = rng.choice(items)
            required = {m.pk for m in item.current_version.materials.all() if m.necessity == "required"}
            # The demo writes a week back: the cases room's "today" is the day of the visit.
            with mock.patch("gaoxin.cases.services.today", return_value=day):
                visit = services.visit_start(terminal=terminal, person=person)
                if required:
                    case = _complete_seen(visit, person, item, required)
                else:
                    case = services.kiosk_item_complete(visit=visit, person=person, item=item, phone="13907320000",
                                                        applicant=f"firm:{person.firm_ids[0]}")
                services.visit_end(visit_id=visit.pk, reason=rng.choice(["logout", "logout", "idle"]))
            _dated(visit, day, rng, cutoff if day == live else None)
            cases += case is not None
        for _ in range(rng.randrange(0, 3)):  # some log in, look and leave (the drop-off figure)
            person = selectors.person_for(rng.choice(reps))
            if person is not None:
                visit = services.visit_start(terminal=rng.choice(terminals), person=person)
                services.visit_reach(visit=visit, step=rng.choice([VisitStep.LOGIN, VisitStep.ITEM, VisitStep.ITEM,
                                                                   VisitStep.FORM]))
                services.visit_end(visit_id=visit.pk, reason=rng.choice(["logout", "idle"]))
                _dated(visit, day, rng, cutoff if day == live else None)
    person = selectors.person_for(DEMO_REP_ID)
    visit = services.visit_start(terminal=terminals[0], person=person)
    promised = next(i for i in ServiceItem.objects.filter(status="published").select_related("current_version")
                    if "kiosk" in i.current_version.channels and i.current_version.case_type == "promised")
    services.kiosk_order_place(visit=visit, person=person, item=promised, enterprise_id=person.firm_ids[0],
                               phone="13907320001", consent=True, note="希望专员上门")
    services.visit_end(visit_id=visit.pk, reason="logout")
    if station is not None:  # a representative asks the station to call back about an item not done here
        person = selectors.person_for(reps[1])
        visit = services.visit_start(terminal=terminals[1], person=person)
        services.kiosk_station_call(visit=visit, person=person, item=promised, phone="13907320002", consent=True,
                                    note="想了解需要准备的材料")
        services.visit_end(visit_id=visit.pk, reason="logout")
    for day in days:  # the catalogue of the demo week does not change: each day's coverage is today's
        services.kiosk_coverage_record(day=day)
    tickets = _tickets(rng=rng, days=days, cutoff=cutoff, clerk=clerk)
    return {"terminals": len(terminals), "kiosk_cases": cases, "tickets": tickets, "visits": Visit.objects.count()}


def _complete_seen(visit, person, item, required):
    """At the demo's terminals the document camera is the original seen: filed with the originals checked."""
    from gaoxin.cases import services as case_services
    from gaoxin.kiosk.models import Action, ActionKind

    firm = Enterprise.objects.get(pk=person.firm_ids[0])
    applicant = case_services.Applicant(type="enterprise", name=firm.name, enterprise=firm, phone="13907320000")
    case = case_services.case_submit(item=item, applicant=applicant, channel="kiosk", actor=None,
                                     originals_seen=required, note=f"智能微厅自助办理（{visit.terminal.name}）")
    case = case_services.case_transition(case=case, name="COMPLETE_IMMEDIATE", actor=None)
    Action.objects.create(visit=visit, kind=ActionKind.COMPLETED, item=item, case=case)
    services.visit_reach(visit=visit, step=VisitStep.DONE)  # as kiosk_item_complete does: not a drop-off
    return case


def _latest_start(day: dt.date, cutoff: dt.datetime) -> dt.datetime | None:
    """The latest a visit of the day still going on may start to be over by `cutoff` (None: no room since 09:00)."""
    latest = cutoff - dt.timedelta(minutes=10)
    return latest if latest > timezone.make_aware(dt.datetime.combine(day, dt.time(9))) else None


def _dated(visit, day: dt.date, rng: random.Random, cutoff: dt.datetime | None = None) -> None:
    """A demo visit (and what it did) at its own hour of `day`, not at seeding time; on the day still going on, over
    before `cutoff` (the seeding moment)."""
    first = timezone.make_aware(dt.datetime.combine(day, dt.time(9)))
    if cutoff is None:
        start = first + dt.timedelta(minutes=rng.randrange(0, 480))
    else:
        start = first + (_latest_start(day, cutoff) - first) * rng.random()
    Visit.objects.filter(pk=visit.pk).update(started_at=start, ended_at=start + dt.timedelta(minutes=rng.randrange(2, 9)))
    Action.objects.filter(visit=visit).update(created_at=start + dt.timedelta(minutes=1))


def _tickets(*, rng: random.Random, days: list[dt.date], cutoff: dt.datetime | None, clerk) -> int:
    """Tickets of the demo week. On the day still going on (`cutoff`, the seeding moment) nothing is issued, called
    or finished after the cutoff, and some are still waiting; every other day closes with its unfinished ticket
    voided."""
    zones = list(ServiceZone.objects.order_by("sort_order", "id"))
    windows = {z.pk: list(Window.objects.filter(zone=z)) for z in zones}
    tz = timezone.get_current_timezone()
    first = next((z for z in zones if windows[z.pk]), None)
    count = 0
    for day in days:
        for zone in zones:
            if not windows[zone.pk]:
                continue
            queued = False  # on the day going on: once one waits, the later numbers wait behind it
            for n in range(rng.randrange(8, 16)):
                issued = dt.datetime.combine(day, dt.time(9, 0), tz) + dt.timedelta(minutes=n * 17 + rng.randrange(10))
                going_on = cutoff is not None and day == days[-1]
                if going_on and issued > cutoff:
                    break  # not yet taken at the seeding moment
                ticket = queue.ticket_issue(zone=zone, now=issued)
                count += 1
                if going_on and (n >= 4 or queued):
                    continue  # still waiting today
                if not going_on and n == 7 and zone == first:
                    continue  # left before being called: voided at closing
                called = issued + dt.timedelta(minutes=rng.randrange(2, 26))
                finished = called + dt.timedelta(minutes=rng.randrange(3, 15))
                outcome = "MISS" if rng.random() < 0.05 else "SERVE"
                if going_on and finished > cutoff:
                    queued = True  # not yet called and done at the seeding moment: still waiting
                    continue
                ticket = queue.ticket_transition(ticket=ticket, name="CALL", actor=clerk,
                                                 window=rng.choice(windows[zone.pk]), now=called)
                queue.ticket_transition(ticket=ticket, name=outcome, actor=clerk, now=finished)
    # The closing sweep: of the earlier days when today is still going on, else of the week's last day at its closing.
    queue.tickets_void_stale(now=cutoff if cutoff is not None
                             else dt.datetime.combine(days[-1], queue.closing_time(), tz))
    return count
