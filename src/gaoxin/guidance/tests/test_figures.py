"""云导办 in the dashboard registry (issue 23 item 9): sessions booked, their outcomes by kind, the no-show rate;
the drill-down names outcomes and states in Chinese and links each session; a firm reads only its own."""

import pytest

from gaoxin.dashboard import periods as P
from gaoxin.dashboard import selectors
from gaoxin.dashboard.figures import FIGURES
from gaoxin.dashboard.services import figures_refresh
from gaoxin.guidance.models import GuidanceSession

from .conftest import PAST_DAY, at

pytestmark = pytest.mark.django_db
OURS = [f for f in FIGURES if f.section == "guidance"]
DAY = P.Period("custom", PAST_DAY, PAST_DAY)


@pytest.fixture
def sessions(book):
    answered, ordered, absent = (book(starts_at=at(PAST_DAY, h)) for h in (9, 10, 14))
    GuidanceSession.objects.filter(pk=answered.pk).update(status="closed", outcome="answered")
    GuidanceSession.objects.filter(pk=ordered.pk).update(status="closed", outcome="order")
    GuidanceSession.objects.filter(pk=absent.pk).update(status="no_show")
    book(starts_at=at(PAST_DAY, 15))  # booked, never held
    figures_refresh(full=True, today=PAST_DAY)
    return answered, ordered, absent


def test_sessions_and_outcomes_from_the_records(sessions):
    got = {v.figure.id: v.value for v in selectors.values(DAY, figures=OURS)}
    assert got == {"guidance.booked": 4, "guidance.outcomes": 2, "guidance.no_show": 33.3}
    outcomes = next(f for f in OURS if f.id == "guidance.outcomes")
    by_outcome = {label: value for _, label, value, *_ in selectors.breakdown(DAY, "category",
                                                                              figures=[outcomes])[outcomes.id]}
    assert by_outcome == {"已解答": 1, "转帮代办": 1}


def test_the_drill_down_reads_in_chinese(client, sessions, leader_user, django_assert_max_num_queries):
    client.force_login(leader_user)
    with django_assert_max_num_queries(16):
        page = client.get(f"/dashboard/figures/guidance.outcomes/?period={PAST_DAY}~{PAST_DAY}&dim=category&key=order")
    records = page.content.decode().split('data-testid="records"')[1]
    assert "转帮代办" in records and "已办结" in records and sessions[1].number in records
    assert ">order<" not in records and "closed" not in records


def test_a_firm_reads_only_its_own_sessions(sessions, other_firm_user, enterprise_user):
    outcomes = next(f for f in OURS if f.id == "guidance.outcomes")
    assert selectors.records(outcomes, DAY, user=other_firm_user).count() == 0
    assert selectors.records(outcomes, DAY, user=enterprise_user).count() == 2
