"""The kiosk's and the queue's figures in the dashboard registry (issue 23 item 9) against hand-counted records:
visits and those that left without doing anything, tickets and the average wait per zone, and the share of 即办件
completed at a terminal. Staff read the records behind them; a firm reads none."""

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.models import ServiceZone
from gaoxin.dashboard import periods as P
from gaoxin.dashboard import selectors
from gaoxin.dashboard.figures import FIGURES
from gaoxin.dashboard.services import figures_refresh
from gaoxin.kiosk import queue
from gaoxin.kiosk.models import Action, ActionKind, Ticket, Visit

from .conftest import log_in
from .test_kiosk import pdf

pytestmark = pytest.mark.django_db
OURS = [f for f in FIGURES if f.section == "kiosk"]


def _values(day):
    return {v.figure.id: v.value for v in selectors.values(P.Period("custom", day, day), figures=OURS)}


def test_kiosk_and_queue_figures_from_the_records(kiosk, firm, items):
    today = timezone.localdate()
    # Three visits: one completes the 即办 item, one leaves without doing anything, one still at the terminal.
    log_in(kiosk)
    item = items["instant"]
    form = item.current_version.materials.get(necessity="required")
    kiosk.post(f"/kiosk/items/{item.implementation_code}/", {
        "applicant": f"firm:{firm.pk}", "contact_phone": "13900001111", f"material_{form.pk}": pdf()})
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)
    assert Visit.objects.count() == 3 and Action.objects.filter(kind=ActionKind.COMPLETED).count() == 1
    # Tickets: two of 企业开办 called after 4 and 8 minutes, one of 综合服务 still waiting.
    startup = ServiceZone.objects.create(code="q-startup", name="企业开办专区", sort_order=1)
    general = ServiceZone.objects.create(code="q-general", name="综合服务专区", sort_order=2)
    for minutes in (4, 8):
        ticket = queue.ticket_issue(zone=startup)
        Ticket.objects.filter(pk=ticket.pk).update(waited_seconds=minutes * 60)
    queue.ticket_issue(zone=general)
    figures_refresh(full=True, today=today)
    got = _values(today)
    assert got == {"kiosk.immediate_share": 100.0, "kiosk.visits": 3, "kiosk.drop_off": 50.0, "queue.tickets": 3,
                   "queue.avg_wait": 6.0}
    tickets = next(f for f in OURS if f.id == "queue.tickets")
    by_zone = {label: value for _, label, value, *_ in selectors.breakdown(P.Period("custom", today, today),
                                                                           "category", figures=[tickets])[tickets.id]}
    assert by_zone == {"企业开办专区": 2, "综合服务专区": 1}


def test_staff_read_the_records_and_a_firm_none(kiosk, firm, items):
    log_in(kiosk)
    today = timezone.localdate()
    visits = next(f for f in OURS if f.id == "kiosk.visits")
    period = P.Period("custom", today, today)
    leader = UserFactory(role=Role.LEADER)
    enterprise = UserFactory(role=Role.ENTERPRISE)
    assert selectors.records(visits, period, user=leader).count() == 1
    assert selectors.records(visits, period, user=enterprise).count() == 0
