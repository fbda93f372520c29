"""Publicity and coaching (issue 22 item 3): a targeted notice reaches only the firms of its audience (and track);
a mock roadshow ("8+7") with the firms asked, each told; an expert's structured advice per firm (1–5 per aspect,
strengths, what to improve), once per expert and firm, the firm told and reading only its own; the timer page runs
on the vendored static script only; forms keep what was typed; one audit event per change."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.competitions import services
from gaoxin.competitions.models import CoachingSession, Feedback, Registration
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.enterprises.tests.factories import EnterpriseFactory

MARKS = {"technology": 4, "market": 3, "team": 4, "finance": 2, "delivery": 3}


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def firms(edition, science):
    rows = []
    tracks = list(edition.tracks.all())
    for n, (name, status, group) in enumerate((("湘潭华宇新材料有限公司", "checked", "growth"),
                                               ("湖南博越储能科技有限公司", "registered", "startup"),
                                               ("湘潭精工智能装备有限公司", "invited", "growth"))):
        firm = EnterpriseFactory(name=name, registered_on=dt.date(2019, 1, 1))
        user = UserFactory(role=Role.ENTERPRISE, username=f"firm{n}", full_name=f"企业用户{n}")
        user.enterprise_memberships.create(enterprise=firm)
        rows.append((Registration.objects.create(edition=edition, enterprise=firm, group=group, track=tracks[n],
                                                 project="项目", status=status, invited_by=science), user))
    return rows


def test_a_notice_reaches_only_its_audience(edition, science, firms, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sent = services.notice_send(actor=science, edition=edition, title="模拟路演通知", body="请准备路演材料。",
                                    audience="all")
    assert sent.firms == 2 and AuditEvent.objects.filter(event_type="competitions.notice.send").count() == 1
    told = set(Notification.objects.filter(kind="competition_notice").values_list("user__username", flat=True))
    assert told == {"firm0", "firm1"}
    with pytest.raises(ValidationError) as err:  # nobody in that track is invited
        services.notice_send(actor=science, edition=edition, title="x", body="y", audience="invited",
                             track=firms[0][0].track)
    assert "该范围内没有企业" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.notice_send(actor=firms[0][1], edition=edition, title="x", body="y", audience="all")


def test_the_notice_form_keeps_what_was_typed(edition, science, firms):
    client = _client(science)
    bad = client.post(reverse("competition_notice_new", args=[edition.code]),
                      {"title": "培训通知", "body": "", "audience": "all"})
    assert bad.status_code == 400 and "培训通知" in bad.content.decode()


def test_a_mock_roadshow_with_structured_advice(edition, science, firms, django_capture_on_commit_callbacks):
    (checked, user0), (registered, user1), (invited, _) = firms
    with pytest.raises(ValidationError) as err:
        services.session_create(actor=science, edition=edition, kind="mock_roadshow", title="模拟路演",
                                held_on=dt.date(2026, 8, 1), participants=[checked, invited])
    assert "已报名或资格已审核" in str(err.value)
    with django_capture_on_commit_callbacks(execute=True):
        session = services.session_create(actor=science, edition=edition, kind="mock_roadshow", title="模拟路演",
                                          held_on=dt.date(2026, 8, 1), experts="张合伙人",
                                          participants=[checked, registered])
    assert Notification.objects.filter(user=user0, kind="competition_session").exists()
    assert AuditEvent.objects.filter(event_type="competitions.session.create").count() == 1
    with pytest.raises(ValidationError) as err:
        services.feedback_record(actor=science, session=session, registration=checked, expert="张合伙人",
                                 marks={**MARKS, "finance": 6}, improvements="细化融资计划")
    assert "finance" in err.value.error_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.feedback_record(actor=science, session=session, registration=checked, expert="张合伙人",
                                 marks=MARKS, strengths="技术扎实", improvements="细化融资计划")
    assert Notification.objects.filter(user=user0, kind="competition_feedback").exists()
    with pytest.raises(ValidationError) as err:
        services.feedback_record(actor=science, session=session, registration=checked, expert="张合伙人",
                                 marks=MARKS, improvements="再来一次")
    assert "已对该企业填写过意见" in str(err.value)
    with pytest.raises(ValidationError):
        services.feedback_record(actor=science, session=session, registration=invited, expert="张合伙人",
                                 marks=MARKS, improvements="x")
    assert Feedback.objects.count() == 1
    # The firm reads its own advice, not another firm's; a firm not asked does not see the session.
    services.feedback_record(actor=science, session=session, registration=registered, expert="张合伙人",
                             marks=MARKS, improvements="陈述超时")
    page = _client(user0).get(reverse("competition_session", args=[session.pk])).content.decode()
    assert "细化融资计划" in page and "陈述超时" not in page and "登记专家辅导意见" not in page
    assert _client(firms[2][1]).get(reverse("competition_session", args=[session.pk])).status_code == 404


def test_the_session_pages_in_the_browser(edition, science, firms, django_assert_max_num_queries):
    client = _client(science)
    (checked, _), (registered, _), _ = firms
    url = reverse("competition_session_new", args=[edition.code])
    bad = client.post(url, {"kind": "mock_roadshow", "title": "模拟路演", "held_on": "", "pitch_minutes": "8",
                            "qa_minutes": "7", "participants": [checked.pk]})
    assert bad.status_code == 400 and "模拟路演" in bad.content.decode()
    done = client.post(url, {"kind": "mock_roadshow", "title": "模拟路演", "held_on": "2026-08-01",
                             "pitch_minutes": "8", "qa_minutes": "7", "participants": [checked.pk, registered.pk]})
    session = CoachingSession.objects.get()
    assert done.status_code == 302 and session.participants.count() == 2
    detail = reverse("competition_session", args=[session.pk])
    bad = client.post(detail, {"registration": checked.pk, "expert": "张合伙人", "technology": "4",
                               "improvements": "细化融资计划"})
    assert bad.status_code == 400 and "细化融资计划" in bad.content.decode()
    assert client.post(detail, {"registration": checked.pk, "expert": "张合伙人", "improvements": "细化融资计划",
                                **{k: str(v) for k, v in MARKS.items()}}).status_code == 302
    timer = client.get(reverse("competition_session_timer", args=[session.pk])).content.decode()
    assert 'data-pitch="8"' in timer and 'data-qa="7"' in timer and "roadshow_timer.js" in timer
    assert "<script>" not in timer
    tab = reverse("competition_detail", args=[edition.code]) + "?tab=coaching"
    with django_assert_max_num_queries(14):
        assert "模拟路演" in client.get(tab).content.decode()
    with django_assert_max_num_queries(16):
        assert client.get(detail).status_code == 200
