"""云直播 pages and API: the public schedule and session page (anonymous), asking with errors beside the field, the
hosts' steps, chapters and queue, the asker's consent on the question page, 我的提问, scopes across firms, and lists
in a constant number of queries."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gaoxin.appeals.models import Appeal
from gaoxin.live import services
from gaoxin.live.models import LiveStatus, Question, QuestionStatus

from .conftest import go

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_public_schedule_and_replays(client, make_session, host, item, policy):
    upcoming = make_session(title="企业开办一件事")
    held = make_session(title="高企认定政策解读", starts_at=timezone.now() - dt.timedelta(days=3))
    services.chapter_add(session=held, actor=host, offset_seconds=240, title="认定条件", policy=policy)
    services.chapter_add(session=held, actor=host, offset_seconds=900, title="设立登记", item=item)
    go(held, "START", "END", "PUBLISH_REPLAY", actor=host)
    page = client.get("/live/")
    assert page.status_code == 200 and "企业开办一件事" in page.text and "高企认定政策解读" not in page.text
    page = client.get("/live/?tab=replay")
    assert "高企认定政策解读" in page.text and "4:00 认定条件" in page.text
    detail = client.get(f"/live/{held.pk}/")
    assert detail.status_code == 200
    assert f"/guide/{item.implementation_code}/" in detail.text and f"/policies/{policy.code}/" in detail.text
    assert "观看回放" in detail.text and "本场直播已结束" in detail.text
    assert 'data-testid="ask-form"' in client.get(f"/live/{upcoming.pk}/").text


def test_lists_answer_in_constant_queries(client, make_session, host, item, ask, django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            s = make_session(title=f"直播{i}", starts_at=timezone.now() + dt.timedelta(days=1, hours=i))
            services.chapter_add(session=s, actor=host, offset_seconds=60, title="章节", item=item)
            ask(s)

    add(2)
    hostc = _client(host)
    with django_assert_max_num_queries(12) as few:
        assert client.get("/live/").status_code == 200
    with django_assert_max_num_queries(20) as few_queue:
        assert hostc.get("/live/questions/").status_code == 200
    with django_assert_max_num_queries(20) as few_manage:
        assert hostc.get("/live/manage/").status_code == 200
    add(5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/live/")
    with django_assert_max_num_queries(len(few_queue.captured_queries)):
        hostc.get("/live/questions/")
    with django_assert_max_num_queries(len(few_manage.captured_queries)):
        hostc.get("/live/manage/")


def test_mine_answers_in_constant_queries(session, make_session, ask, enterprise_client, django_assert_max_num_queries):
    ask(session)
    with django_assert_max_num_queries(14) as few:
        assert enterprise_client.get("/live/mine/").status_code == 200
    for i in range(4):
        ask(make_session(title=f"直播{i}"))
    with django_assert_max_num_queries(len(few.captured_queries)):
        enterprise_client.get("/live/mine/")


def test_anonymous_question_with_contact_and_errors_beside_fields(client, session):
    bad = client.post(f"/live/{session.pk}/ask/", {"text": "个体户怎么转公司？", "contact_name": "刘女士",
                                                   "contact_phone": "１３９"})
    assert bad.status_code == 400 and "请填写正确的联系电话" in bad.text and "个体户怎么转公司？" in bad.text
    ok = client.post(f"/live/{session.pk}/ask/", {"text": "个体户怎么转公司？", "contact_name": "刘女士",
                                                  "contact_phone": "13907321234"})
    assert ok.status_code == 302
    question = Question.objects.get()
    assert question.asked_by is None and question.contact_phone == "13907321234"


def test_anonymous_questions_limited_per_address(client, session, settings):
    settings.GAOXIN_LIVE_ANONYMOUS_PER_HOUR = 2
    data = {"text": "问题", "contact_name": "刘", "contact_phone": "13907321234"}
    assert [client.post(f"/live/{session.pk}/ask/", data).status_code for _ in range(3)] == [302, 302, 429]
    assert Question.objects.count() == 2


def test_login_asked_when_anonymous_questions_off(client, session, settings):
    settings.GAOXIN_LIVE_ANONYMOUS_QUESTIONS = False
    page = client.get(f"/live/{session.pk}/")
    assert 'data-testid="ask-form"' not in page.text and "登录</a>后提问" in page.text
    answer = client.post(f"/live/{session.pk}/ask/", {"text": "问题", "contact_name": "刘",
                                                      "contact_phone": "13907321234"})
    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


def test_enterprise_asks_and_sees_outcomes(enterprise_client, session, own_enterprise):
    page = enterprise_client.get(f"/live/{session.pk}/")
    assert "湖南自家电工有限公司" in page.text
    done = enterprise_client.post(f"/live/{session.pk}/ask/", {"enterprise": own_enterprise.pk,
                                                              "text": "名称申报后多久提交？", "contact_name": "张伟",
                                                              "contact_phone": "13800000001"})
    assert done.status_code == 302
    mine = enterprise_client.get("/live/mine/")
    assert "名称申报后多久提交？" in mine.text and "待解答" in mine.text


def test_host_steps_chapters_and_moderation(session, host, ask, item, django_capture_on_commit_callbacks):
    c = _client(host)
    page = c.get(f"/live/{session.pk}/")
    assert 'data-testid="action-start"' in page.text and 'data-testid="chapter-form"' in page.text
    bad = c.post(f"/live/{session.pk}/chapters/", {"offset": "12:75", "title": "设立登记", "item": item.pk})
    assert bad.status_code == 400 and "请按“分:秒”" in bad.text and 'value="设立登记"' in bad.text
    assert c.post(f"/live/{session.pk}/chapters/", {"offset": "3:05", "title": "设立登记",
                                                    "item": item.pk}).status_code == 302
    chapter = session.chapters.get()
    assert c.post(f"/live/{session.pk}/act/", {"name": "START", "confirm_early": "on",
                                              "reason": "提前开讲"}).status_code == 302  # two days early
    session.refresh_from_db()
    assert session.status == LiveStatus.LIVE
    question = ask(session)
    queue = c.get("/live/questions/")
    assert question.text in queue.text
    refused = c.post(f"/live/questions/{question.pk}/act/", {"name": "ANSWER_WRITTEN", "answer": ""})
    assert refused.status_code == 400 and "请填写书面答复" in refused.text
    with django_capture_on_commit_callbacks(execute=True):
        done = c.post(f"/live/questions/{question.pk}/act/", {"name": "ANSWER_LIVE", "chapter": chapter.pk,
                                                              "offset": "", "answer": "保留30天", "public": "on"})
    assert done.status_code == 302
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED_LIVE and question.answered_offset == 185
    assert "保留30天" in Client().get(f"/live/{session.pk}/").text  # public answer, no asker shown
    assert "湖南自家电工有限公司" not in Client().get(f"/live/{session.pk}/").text


def test_cancel_needs_a_reason_on_the_page(session, host):
    c = _client(host)
    refused = c.post(f"/live/{session.pk}/act/", {"name": "CANCEL", "reason": ""})
    assert refused.status_code == 400 and "需要填写原因" in refused.text
    assert c.post(f"/live/{session.pk}/act/", {"name": "CANCEL", "reason": "主讲人临时出差"}).status_code == 302
    assert "本场直播已取消" in Client().get(f"/live/{session.pk}/").text


def test_consent_on_the_question_page(session, host, ask, enterprise_client, enterprise_user):
    question = ask(session)
    go(session, "START", "END", actor=host)
    services.question_transition(question=question, name="LEAVE_UNANSWERED", actor=host)
    page = enterprise_client.get(f"/live/questions/{question.pk}/")
    assert 'data-testid="action-consent"' in page.text and 'data-testid="action-decline"' in page.text
    assert "请答复是否转为诉求" in enterprise_client.get("/live/mine/").text
    done = enterprise_client.post(f"/live/questions/{question.pk}/act/", {"name": "CONSENT", "note": ""})
    assert done.status_code == 302
    appeal = Appeal.objects.get()
    page = enterprise_client.get(f"/live/questions/{question.pk}/")
    assert appeal.number in page.text and "同意转为诉求" in page.text


def test_withdrawing_on_the_question_page(session, host, ask, enterprise_client, enterprise_user):
    """撤回 on the asker's question page while it waits for an answer; then it leaves the hosts' queue of pending
    questions and reads 提问人已撤回 in 我的提问. The host's page offers no 撤回."""
    question = ask(session)
    page = enterprise_client.get(f"/live/questions/{question.pk}/").text
    assert 'data-testid="action-withdraw"' in page and "撤回提问" in page and "是否转为企业诉求" not in page
    assert 'data-testid="action-withdraw"' not in _client(host).get(f"/live/questions/{question.pk}/").text
    done = enterprise_client.post(f"/live/questions/{question.pk}/act/", {"name": "WITHDRAW", "reason": "不用了"})
    assert done.status_code == 302
    page = enterprise_client.get(f"/live/questions/{question.pk}/").text
    assert "提问人已撤回" in page and 'data-testid="actions"' not in page and "不用了" in page
    assert "提问人已撤回" in enterprise_client.get("/live/mine/").text
    assert question.text not in _client(host).get("/live/questions/").text  # the pending queue
    again = enterprise_client.post(f"/live/questions/{question.pk}/act/", {"name": "WITHDRAW"})
    assert again.status_code == 400


def test_withdrawn_questions_are_not_counted_in_the_lists(client, session, host, ask, enterprise_user):
    """The schedule's 提问 N 条 and the hosts' 提问 column leave out what the asker withdrew (as the dashboard)."""
    kept, *gone = [ask(session, text=f"问题{i}") for i in range(3)]
    for question in gone:
        services.question_transition(question=question, name="WITHDRAW", actor=enterprise_user, reason="已问清楚")
    assert "提问 1 条，已解答 0 条" in client.get("/live/").text
    manage = _client(host).get("/live/manage/").text
    assert 'data-label="提问">1</td>' in manage and 'data-label="待解答">' in manage
    assert kept.status == QuestionStatus.PENDING


def test_other_firms_and_strangers_do_not_see_a_question(session, ask, other_firm_user, officer_client,
                                                         leader_client, client):
    question = ask(session)
    assert _client(other_firm_user).get(f"/live/questions/{question.pk}/").status_code == 404
    assert officer_client.get(f"/live/questions/{question.pk}/").status_code == 404  # another unit's session
    leader = leader_client.get(f"/live/questions/{question.pk}/")
    assert leader.status_code == 200 and "13800000001" not in leader.text  # read, phone masked
    assert 'data-testid="actions"' not in leader.text
    assert client.get(f"/live/questions/{question.pk}/").status_code == 302  # log in first
    assert _client(other_firm_user).post(f"/live/questions/{question.pk}/act/",
                                         {"name": "CONSENT"}).status_code == 404


def test_staff_pages_refused_to_firms(enterprise_client, session):
    assert enterprise_client.get("/live/manage/").status_code == 403
    assert enterprise_client.get("/live/questions/").status_code == 403
    assert enterprise_client.get("/live/manage/new/").status_code == 403
    assert enterprise_client.post(f"/live/{session.pk}/act/", {"name": "START"}).status_code == 403


def test_new_session_form_keeps_input(host, centre):
    c = _client(host)
    form = c.get("/live/manage/new/")
    assert f'<option value="{centre.pk}" selected>' in form.text  # the host's own unit first
    bad = c.post("/live/manage/new/", {"title": "企业开办", "department": centre.pk, "starts_at": "2026-12-10T15:00",
                                       "ends_at": "2026-12-10T14:00", "stream_url": "https://live.example.cn/1"})
    assert bad.status_code == 400 and "结束时间应晚于开始时间" in bad.text and 'value="企业开办"' in bad.text
    ok = c.post("/live/manage/new/", {"title": "企业开办", "department": centre.pk, "starts_at": "2026-12-10T15:00",
                                      "ends_at": "2026-12-10T16:00", "stream_url": "https://live.example.cn/1"})
    assert ok.status_code == 302


def test_api(client, session, host, item, ask, enterprise_client, other_firm_user):
    services.chapter_add(session=session, actor=host, offset_seconds=60, title="设立登记", item=item)
    ask(session)
    listed = client.get("/api/v1/live/sessions/").json()
    row = listed["results"][0] if isinstance(listed, dict) else listed[0]
    assert row["title"] == session.title and row["chapters"][0]["guide_url"] == f"/guide/{item.implementation_code}/"
    assert row["questions"] == 1
    assert client.get(f"/api/v1/live/sessions/{session.pk}/").status_code == 200
    assert client.get("/api/v1/live/questions/").status_code in (401, 403)
    mine = enterprise_client.get("/api/v1/live/questions/").json()
    assert (mine["count"] if isinstance(mine, dict) else len(mine)) == 1
    other = _client(other_firm_user).get("/api/v1/live/questions/").json()
    assert (other["count"] if isinstance(other, dict) else len(other)) == 0


def test_guide_page_links_the_chapters_about_its_item(client, session, host, item):
    services.chapter_add(session=session, actor=host, offset_seconds=305, title="名称自主申报", item=item)
    page = client.get(f"/guide/{item.implementation_code}/")
    assert 'data-testid="guide-live"' in page.text and f"/live/{session.pk}/#chapters" in page.text
    assert "5:05 名称自主申报" in page.text


def test_hosts_told_of_questions_left_after_the_stream(session, host, ask, django_capture_on_commit_callbacks):
    from gaoxin.core.models import Notification

    ask(session)
    other_host = type(host).objects.create(username="host2", full_name="王芳", role=host.role, org_unit=host.org_unit)
    session = go(session, "START", actor=host)
    with django_capture_on_commit_callbacks(execute=True):
        go(session, "END", actor=host)
    told = Notification.objects.filter(user=other_host, kind="LIVE_QUESTION", message__contains="还有1条提问待处理")
    assert told.count() == 1 and not Notification.objects.filter(user=host, message__contains="待处理").exists()


def test_home_pages_point_to_the_live_room(client, session, host, enterprise_client):
    public = client.get("/")
    assert 'data-testid="home-live"' in public.text and session.title in public.text
    assert "/live/" in enterprise_client.get("/").text
    assert "云直播管理" in _client(host).get("/").text


def test_asking_after_the_stream_ended_says_so(client, session, host):
    go(session, "START", "END", actor=host)
    answer = client.post(f"/live/{session.pk}/ask/", {"text": "问题", "contact_name": "刘",
                                                      "contact_phone": "13907321234"}, follow=True)
    assert "本场直播已结束，不再接受提问" in answer.text and not Question.objects.exists()


def test_answer_in_the_stream_offered_once_on_air(session, host, ask):
    question = ask(session)
    c = _client(host)
    assert 'data-testid="action-answer_live"' not in c.get(f"/live/questions/{question.pk}/").text
    go(session, "START", actor=host)
    assert 'data-testid="action-answer_live"' in c.get(f"/live/questions/{question.pk}/").text


def test_early_start_confirmed_and_actual_times_shown(client, make_session, host, settings):
    """Planned nine days ahead, started, ended and published today: the start needs the host's confirmation and a
    note; the replay list and the page then show today's actual times, the page the planned time beside them."""
    settings.GAOXIN_LIVE_EARLY_START_MINUTES = 60
    session = make_session(title="企业开办一件事", starts_at=timezone.now() + dt.timedelta(days=9))
    planned = session.planned_when
    c = _client(host)
    page = c.get(f"/live/{session.pk}/")
    assert 'data-testid="early-start"' in page.text and "确认提前开播" in page.text
    refused = c.post(f"/live/{session.pk}/act/", {"name": "START"})
    assert refused.status_code == 400 and "现在开播比预告提前9天" in refused.text
    unexplained = c.post(f"/live/{session.pk}/act/", {"name": "START", "confirm_early": "on"})
    assert unexplained.status_code == 400 and "请说明提前开播的原因" in unexplained.text
    session.refresh_from_db()
    assert session.status == LiveStatus.SCHEDULED and session.started_at is None
    assert c.post(f"/live/{session.pk}/act/", {"name": "START", "confirm_early": "on",
                                              "reason": "应企业要求提前讲解"}).status_code == 302
    session.refresh_from_db()
    assert session.status == LiveStatus.LIVE and session.started_at is not None
    assert session.events.get(transition="START").reason == "应企业要求提前讲解"
    go(session, "END", "PUBLISH_REPLAY", actor=host)
    session.refresh_from_db()
    actual = session.when
    assert session.ended_at and actual != planned and session.off_plan
    replays = client.get("/live/?tab=replay").text
    assert actual in replays and planned not in replays
    detail = client.get(f"/live/{session.pk}/").text
    assert actual in detail and f'data-testid="planned-time">{planned}' in detail


def test_start_within_the_margin_needs_no_confirmation(make_session, host):
    session = make_session(starts_at=timezone.now() + dt.timedelta(minutes=50))
    assert 'data-testid="early-start"' not in _client(host).get(f"/live/{session.pk}/").text
    session = services.session_transition(session=session, name="START", actor=host)
    assert session.status == LiveStatus.LIVE and session.off_plan  # 50 minutes early: the page shows the plan too
    assert session.expected_end == session.started_at + dt.timedelta(hours=1) and not session.overrun


def test_overrun_session_reads_so_and_takes_no_questions(client, make_session, host, enterprise_client, settings):
    """Planned 09:30–17:30, still marked on air at 22:30: the public read 已超出计划时间 and may not ask; the hosts are
    asked to end it."""
    from gaoxin.live.models import LiveSession

    settings.GAOXIN_LIVE_OVERRUN_MINUTES = 60
    start = timezone.now() - dt.timedelta(hours=13)
    session = make_session(title="企业变更登记", starts_at=start)
    LiveSession.objects.filter(pk=session.pk).update(ends_at=start + dt.timedelta(hours=8), status=LiveStatus.LIVE,
                                                     started_at=start)
    home = client.get("/").text
    assert "已超出计划时间" in home and "正在直播，可提问" not in home
    page = client.get(f"/live/{session.pk}/").text
    assert "已超出计划时间" in page and 'data-testid="ask-form"' not in page
    asked = enterprise_client.post(f"/live/{session.pk}/ask/", {"text": "问题", "contact_name": "张伟",
                                                                "contact_phone": "13800000001"}, follow=True)
    assert "本场直播已超出计划时间，不再接受提问" in asked.text and not Question.objects.exists()
    hostc = _client(host)
    assert "请点“结束直播”" in hostc.get(f"/live/{session.pk}/").text
    assert "已超出计划时间，请结束直播" in hostc.get("/live/manage/").text
    settings.GAOXIN_LIVE_OVERRUN_MINUTES = 60 * 6  # within a longer grace it is still on air
    assert "正在直播，可提问" in client.get("/").text


def test_replay_tab_lists_only_published_replays(client, make_session, host):
    ended = make_session(title="稳岗返还怎么领", starts_at=timezone.now() - dt.timedelta(days=1))
    ended = go(ended, "START", "END", actor=host)
    replays = client.get("/live/?tab=replay").text
    assert "稳岗返还怎么领" not in replays and "还没有发布回放的直播" in replays
    go(ended, "PUBLISH_REPLAY", actor=host)
    assert "稳岗返还怎么领" in client.get("/live/?tab=replay").text


def test_tables_stack_on_a_phone(session, host, ask, enterprise_client):
    ask(session)
    for page in (enterprise_client.get("/live/mine/"), _client(host).get("/live/questions/"),
                 _client(host).get("/live/manage/")):
        assert "gx-stack" in page.text and 'data-label="' in page.text
    assert 'data-label="处理结果"' in enterprise_client.get("/live/mine/").text
