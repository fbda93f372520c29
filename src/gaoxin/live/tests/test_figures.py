"""云直播 and 云资讯 in the dashboard registry: questions asked, answered, turned into appeals and the answer rate,
sessions held, and the read share of targeted notices, against hand-counted records; a firm reads none of the
questions of other firms behind them."""

import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.dashboard import periods as P
from gaoxin.dashboard import selectors
from gaoxin.dashboard.figures import FIGURES
from gaoxin.dashboard.services import figures_refresh
from gaoxin.live import services

from .conftest import go

pytestmark = pytest.mark.django_db
OURS = [f for f in FIGURES if f.section == "portal"]


def test_live_figures_from_the_records(make_session, host, ask, enterprise_user, other_firm_user, leader_user):
    today = timezone.localdate()
    session = make_session(starts_at=timezone.now() - dt.timedelta(minutes=30))
    make_session(title="下周的直播")  # announced, not held
    live, written, escalated, waiting = (ask(session, text=f"问题{i}") for i in range(4))
    pending = ask(session, text="待解答")
    withdrawn = ask(session, text="撤回的问题")
    services.question_transition(question=withdrawn, name="WITHDRAW", actor=enterprise_user)
    session = go(session, "START", actor=host)
    services.question_transition(question=live, name="ANSWER_LIVE", actor=host, offset=60)
    services.question_transition(question=written, name="ANSWER_WRITTEN", actor=host, answer="书面答复")
    go(session, "END", actor=host)
    for q in (escalated, waiting):
        services.question_transition(question=q, name="LEAVE_UNANSWERED", actor=host)
    escalated.refresh_from_db()
    services.question_transition(question=escalated, name="CONSENT", actor=enterprise_user)
    figures_refresh(full=True, today=today)
    got = {v.figure.id: v.value for v in selectors.values(P.Period("custom", today, today), figures=OURS)
           if v.figure.id.startswith("live.")}
    # 5 asked (the withdrawn one not counted); 2 answered; of the 4 handled (not pending, not withdrawn) 2 answered
    # = 50 %; 1 appeal; 1 session held.
    assert got == {"live.questions": 5, "live.answered": 2, "live.answer_rate": 50.0, "live.escalated": 1,
                   "live.sessions_held": 1}
    figure = next(f for f in OURS if f.id == "live.questions")
    period = P.Period("custom", today, today)
    assert selectors.records(figure, period, user=leader_user).count() == 5
    assert selectors.records(figure, period, user=other_firm_user).count() == 0
    assert pending.status == "pending"


def test_news_reach(db):
    from gaoxin.accounts.models import OrgKind, Role
    from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
    from gaoxin.enterprises.tests.factories import EnterpriseFactory
    from gaoxin.news.models import Article, Delivery

    unit = OrgUnitFactory(code="centre", kind=OrgKind.CENTRE)
    writer = UserFactory(role=Role.WINDOW_CLERK, org_unit=unit)
    article = Article.objects.create(kind="notice", title="用工摸底", body="请填报", department=unit,
                                     created_by=writer, status="published", rule="employees >= 100")
    now = timezone.now()
    for i in range(4):
        Delivery.objects.create(article=article, enterprise=EnterpriseFactory(), delivered_at=now,
                                read_at=now if i == 0 else None)
    today = timezone.localdate()
    figures_refresh(full=True, today=today)
    got = {v.figure.id: v.value for v in selectors.values(P.Period("custom", today, today), figures=OURS)}
    assert got["news.reach"] == 25.0


def test_a_session_held_is_dated_by_its_actual_start(make_session, host, leader_user):
    """Announced for yesterday, started (late) today: the session counts on the day it was held, not the day it was
    planned; its drill-down lists it under today with both times."""
    today = timezone.localdate()
    yesterday = today - dt.timedelta(days=1)
    planned = dt.datetime.combine(yesterday, dt.time(15), tzinfo=timezone.get_current_timezone())
    late = make_session(title="推迟一天的直播", starts_at=planned)
    go(late, "START", "END", actor=host)
    make_session(title="昨天的预告", starts_at=planned)  # never held
    figures_refresh(full=True, today=today)
    held = next(f for f in OURS if f.id == "live.sessions_held")
    counted = {day: {v.figure.id: v.value for v in selectors.values(P.Period("custom", day, day), figures=[held])}
               for day in (yesterday, today)}
    assert counted == {yesterday: {"live.sessions_held": 0}, today: {"live.sessions_held": 1}}
    records = selectors.records(held, P.Period("custom", today, today), user=leader_user)
    assert [s.title for s in records] == ["推迟一天的直播"]
    assert not selectors.records(held, P.Period("custom", yesterday, yesterday), user=leader_user).exists()
    everything = held.source.scope(leader_user).filter(held.source.in_period(yesterday, yesterday))
    assert [s.title for s in everything] == ["昨天的预告"]  # not held: its planned day
