"""The demo's kiosk: two terminals, a week of kiosk cases and tickets, one kiosk 帮代办 order."""

import datetime as dt
import random

import pytest
from django.db.models import Max
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist.models import AssistOrder
from gaoxin.cases.models import Case, Status
from gaoxin.catalog.models import ServiceZone, Window
from gaoxin.core.testing import held_at
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.kiosk import selectors
from gaoxin.kiosk.demo_data import DEMO_REP_ID, build_demo_kiosk
from gaoxin.kiosk.models import Terminal, Ticket

pytestmark = pytest.mark.django_db


def test_demo_kiosk(items):
    from gaoxin.accounts.models import OrgKind, OrgUnit
    from gaoxin.kiosk.models import Action, CoverageDay, TicketStatus, Visit

    OrgUnit.objects.create(code="jinrong", name="金荣政务服务驿站", kind=OrgKind.STATION)
    zone = ServiceZone.objects.create(code="general", name="综合服务", sort_order=1)
    Window.objects.create(zone=zone, number="5", name="综合窗口")
    firm = EnterpriseFactory(name="演示企业")
    others = [EnterpriseFactory() for _ in range(5)]
    clerk = UserFactory(role=Role.WINDOW_CLERK)
    today = timezone.localdate()
    result = build_demo_kiosk(rng=random.Random(7), enterprise_firm=firm, enterprises=others, clerk=clerk, today=today)
    assert Terminal.objects.count() == 2 and selectors.terminal_for_key("demo-kiosk-1") is not None
    assert selectors.person_for(DEMO_REP_ID).firm_ids == [firm.pk]
    kiosk_cases = Case.objects.filter(channel="kiosk")
    assert result["kiosk_cases"] == kiosk_cases.count() > 0
    assert set(kiosk_cases.values_list("status", flat=True)) == {Status.DELIVERED}
    assert kiosk_cases.values("received_on").distinct().count() > 1  # spread over the week
    assert AssistOrder.objects.get().channel == "kiosk"
    assert Ticket.objects.filter(waited_seconds__isnull=False).exists() and Ticket.objects.count() == result["tickets"]
    # An earlier day's ticket left unfinished was voided at closing; today's waiting ones are not.
    assert Ticket.objects.filter(status=TicketStatus.VOID).exclude(issued_on=today).exists()
    assert not Ticket.objects.filter(status=TicketStatus.VOID, issued_on=today).exists()
    assert Terminal.objects.filter(station__name="金荣政务服务驿站").count() == 2
    assert Action.objects.filter(kind="station_call").count() == 1
    assert CoverageDay.objects.values("day").distinct().count() > 1
    assert Visit.objects.filter(last_step="finished").exists()
    # A visit that did something is no drop-off at any step (QA: the step figure counted every demo visit).
    assert not Visit.objects.filter(actions__isnull=False).exclude(last_step="finished").exists()
    assert Visit.objects.filter(actions__isnull=True).exclude(last_step="finished").exists()


@pytest.mark.parametrize("hour", [1, 10])
def test_demo_kiosk_dates_nothing_after_the_seeding_moment(items, hour):
    """QA: seeded at 01:07, "today" had queue calls at 09:36, tickets at 10:15 and kiosk log-ins at 14:59. Seeded
    before opening, the hall's last day is the previous working day; seeded at 10:00, today stops at 10:00."""
    from gaoxin.kiosk.models import Action, TicketStatus, Visit

    zone = ServiceZone.objects.create(code="general", name="综合服务", sort_order=1)
    Window.objects.create(zone=zone, number="5", name="综合窗口")
    day = dt.date(2026, 11, 4)  # a Wednesday, a working day
    with held_at(day, dt.time(hour)):
        build_demo_kiosk(rng=random.Random(7), enterprise_firm=EnterpriseFactory(),
                         enterprises=[EnterpriseFactory() for _ in range(5)],
                         clerk=UserFactory(role=Role.WINDOW_CLERK), today=day)
        now = timezone.now()
    latest = [Visit.objects.aggregate(a=Max("started_at"), b=Max("ended_at")),
              Action.objects.aggregate(a=Max("created_at")),
              Ticket.objects.aggregate(a=Max("issued_at"), b=Max("called_at"), c=Max("finished_at"))]
    moments = [m for row in latest for m in row.values() if m is not None]
    assert moments and max(moments) <= now
    today = Ticket.objects.filter(issued_on=day)
    if hour == 1:  # the hall has not opened: no ticket today, the week ends with yesterday's closed day
        assert not today.exists() and Ticket.objects.filter(issued_on=day - dt.timedelta(days=1)).exists()
        assert not Ticket.objects.filter(status__in=[TicketStatus.WAITING, TicketStatus.CALLED]).exists()
    else:  # open: this morning's tickets, some still waiting
        assert today.filter(status=TicketStatus.WAITING).exists() and today.filter(status=TicketStatus.SERVED).exists()
