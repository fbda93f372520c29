"""A figure's records are counted by the stored figure (no COUNT over the period's records, issue 18), and the
count stays right where the records changed after the figures were computed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gaoxin.accounts.models import OrgAssignment, Position, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases.models import Case
from gaoxin.dashboard import views
from gaoxin.dashboard.figures import FIGURES
from gaoxin.dashboard.tests.test_figures import _case, zone  # noqa: F401  (the hand-built zone)

FIGURE = reverse("dashboard_figure", args=["cases.on_time_rate"]) + "?period=2026-10"
OCTOBER_CLOSED = {"GX2026100100001", "GX2026100100002", "GX2026100100003", "GX2026100100004"}


def _cases_counted(ctx) -> int:
    return sum('COUNT(' in q["sql"] and '"cases_case"' in q["sql"] for q in ctx.captured_queries)


def _all_pages(client, url) -> tuple[set, int, int]:
    """Every record met following the "next page" links, and the count and pages the last page states."""
    numbers, n = set(), 1
    for _ in range(10):
        context = client.get(f"{url}&page={n}").context
        numbers |= {r["cells"][0] for r in context["rows"]}
        if not context["page"].has_next():
            return numbers, context["page"].paginator.count, context["page"].paginator.num_pages
        n = context["page"].next_page_number()
    raise AssertionError("the next page links do not end")


def test_the_count_is_the_stored_denominator(leader_client, zone):  # noqa: F811
    with CaptureQueriesContext(connection) as ctx:
        response = leader_client.get(FIGURE)
    assert response.context["page"].paginator.count == response.context["value"].den == 4
    assert {r["cells"][0] for r in response.context["rows"]} == OCTOBER_CLOSED
    assert "共 4 条" in response.content.decode()
    assert _cases_counted(ctx) == 0
    drilled = leader_client.get(f"{FIGURE}&dim=department&key={zone['market'].pk}")
    assert drilled.context["page"].paginator.count == 3


def test_pages_by_the_stored_count(leader_client, zone, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 1)
    with CaptureQueriesContext(connection) as ctx:
        numbers, count, pages = _all_pages(leader_client, FIGURE)
    assert (numbers, count, pages) == (OCTOBER_CLOSED, 4, 4)
    assert _cases_counted(ctx) == 0


def test_records_changed_since_the_figures_were_computed(leader_client, zone, monkeypatch):  # noqa: F811
    monkeypatch.setattr(views, "RECORDS_PER_PAGE", 1)
    c1 = zone["cases"]["c1"]
    late = _case(9, c1.item, zone["market"], received=dt.date(2026, 10, 20), accepted=dt.date(2026, 10, 20),
                 decided=dt.date(2026, 10, 21), due=dt.date(2026, 10, 30))
    numbers, count, pages = _all_pages(leader_client, FIGURE)  # one more than stored: the last page counts
    assert (numbers, count, pages) == (OCTOBER_CLOSED | {late.number}, 5, 5)
    assert leader_client.get(f"{FIGURE}&page=5").context["page"].number == 5  # a link from a later count

    Case.objects.filter(pk__in=[late.pk, c1.pk]).delete()  # now one fewer than stored
    numbers, count, pages = _all_pages(leader_client, FIGURE)
    assert (numbers, count, pages) == (OCTOBER_CLOSED - {c1.number}, 3, 3)
    assert leader_client.get(f"{FIGURE}&page=4").context["page"].number == 3


def test_a_scoped_viewer_gets_a_real_count(client, zone):  # noqa: F811
    head = UserFactory(role=Role.DEPT_OFFICER, org_unit=zone["market"], username="head")
    OrgAssignment.objects.create(org_unit=zone["market"], user=head, position=Position.HEAD)
    client.force_login(head)
    response = client.get(FIGURE)
    assert response.context["page"].paginator.count == 3
    assert {r["cells"][0] for r in response.context["rows"]} == OCTOBER_CLOSED - {"GX2026100100003"}


@pytest.mark.parametrize("figure", [f for f in FIGURES if f.kind == "share"], ids=lambda f: f.id)
def test_a_share_adds_numbers_not_booleans(figure):
    """SUM of a boolean does not exist in PostgreSQL: a condition's numerator is 1 or 0."""
    from django.db.models import BooleanField, Q

    expression = figure.numerator_expression()
    assert not isinstance(expression, Q)
    assert not isinstance(getattr(expression, "output_field", None), BooleanField)
