"""The demo's 云直播 on a small zone: past sessions with replays and chapters tied to items and policies, a session
that ended yesterday, one on air and one announced; questions with every outcome, one turned into an appeal with the
firm's consent."""

import datetime as dt

import pytest
from django.db.models import Max
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.testing import held_at
from gaoxin.live.demo_data import build_demo_live
from gaoxin.live.models import LiveEvent, LiveSession, LiveStatus, Question, QuestionStatus

pytestmark = pytest.mark.django_db


def test_demo_live(host, admin_user, own_enterprise, other_enterprise, enterprise_user, policy):
    enterprise_user.enterprise_memberships.create(enterprise=other_enterprise)
    hrss, science = department("hrss", "人力资源和社会保障局"), department("science", "科技局")
    make_item(admin_user, code="43037105XK0101", name="企业设立登记", dept=department("market2", "市场监管"))
    users = {"clerk": host, "enterprise": enterprise_user,
             "officer-hrss": UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss),
             "officer-science": UserFactory(role=Role.DEPT_OFFICER, org_unit=science)}
    today = dt.date.today()
    counts = build_demo_live(users=users, firms=[own_enterprise, other_enterprise], today=today)
    assert counts == {"sessions": LiveSession.objects.count(), "questions": Question.objects.count()}
    states = sorted(LiveSession.objects.values_list("status", flat=True))
    assert states == sorted([LiveStatus.REPLAY, LiveStatus.REPLAY, LiveStatus.ENDED, LiveStatus.LIVE,
                             LiveStatus.SCHEDULED])
    outcomes = set(Question.objects.values_list("status", flat=True))
    assert outcomes == set(QuestionStatus.values)  # every outcome is shown
    escalated = Question.objects.get(status=QuestionStatus.ESCALATED)
    assert escalated.appeal.enterprise == own_enterprise and escalated.consent_by == enterprise_user
    opening = LiveSession.objects.get(title__contains="企业开办一件事")
    assert opening.chapters.filter(item__name="企业设立登记").exists() and opening.replay_url
    tech = LiveSession.objects.get(title__contains="高新技术企业")
    assert tech.chapters.filter(policy=policy).exists()
    assert Question.objects.filter(asked_by__isnull=True).exists()  # a visitor's question


def test_demo_live_seeded_at_night_dates_nothing_after_the_seeding_moment(host, admin_user, own_enterprise,
                                                                          other_enterprise, enterprise_user, policy):
    """QA: seeded at 01:07, today's session was 直播中 from 09:30 and its questions asked at 08:00."""
    enterprise_user.enterprise_memberships.create(enterprise=other_enterprise)
    hrss, science = department("hrss", "人力资源和社会保障局"), department("science", "科技局")
    users = {"clerk": host, "enterprise": enterprise_user,
             "officer-hrss": UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss),
             "officer-science": UserFactory(role=Role.DEPT_OFFICER, org_unit=science)}
    day = dt.date(2026, 11, 4)
    with held_at(day, dt.time(1)):
        build_demo_live(users=users, firms=[own_enterprise, other_enterprise], today=day)
        now = timezone.now()
    on_air = LiveSession.objects.get(status=LiveStatus.LIVE)
    assert on_air.starts_at <= now and on_air.started_at <= now and on_air.ends_at > now
    latest = [Question.objects.aggregate(a=Max("asked_at"), b=Max("answered_at"), c=Max("consent_at")),
              LiveSession.objects.aggregate(a=Max("started_at"), b=Max("ended_at")),
              LiveEvent.objects.aggregate(a=Max("at"))]
    assert max(m for row in latest for m in row.values() if m is not None) <= now
