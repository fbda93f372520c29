"""云直播 (issue 23 item 8): a firm asks in a live session; unanswered, it consents and the question becomes an
appeal. The centre announces the session on its page; the firm finds it on the public schedule and asks before the
stream (an empty question refused beside the field); the host starts the stream (long before the announced time:
confirmed, with a note), finds the question in the moderation queue and records it as not answered; when the stream
ends the firm is asked whether the question should become an appeal, says yes on the question's page, and follows the
appeal it became."""

import pytest

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.appeals.models import Appeal
from gaoxin.core.models import Notification
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.live.models import LiveSession, Question

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_unanswered_question_becomes_an_appeal_with_consent(live_server, browser):
    centre = OrgUnitFactory(code="centre", name="湘潭高新区政务服务中心", short_name="政务服务中心", kind=OrgKind.CENTRE)
    firm = EnterpriseFactory(name="湖南星城智造科技有限公司")
    UserFactory(username="ent", role=Role.ENTERPRISE, full_name="张伟", phone="13800001111") \
        .enterprise_memberships.create(enterprise=firm)
    UserFactory(username="clerk", role=Role.WINDOW_CLERK, full_name="李娜", org_unit=centre)

    host = session(browser, live_server, "clerk")
    host.goto(f"{live_server.url}/live/manage/new/")
    host.get_by_label("直播标题").fill("小高说政务｜企业开办一件事")
    host.get_by_label("主办单位").select_option(label=centre.name)
    host.get_by_label("计划开始时间").fill("2030-12-10T15:00")
    host.get_by_label("计划结束时间").fill("2030-12-10T16:00")
    host.get_by_label("直播观看链接").fill("https://channels.weixin.qq.com/live/xtgxwzw")
    host.get_by_role("button", name="保存").click()
    assert host.get_by_test_id("live-status").inner_text() == "预告"
    live = LiveSession.objects.get()

    ent = session(browser, live_server, "ent")
    ent.goto(f"{live_server.url}/live/")
    ent.get_by_role("link", name="小高说政务｜企业开办一件事").click()
    ent.get_by_test_id("ask-submit").click()  # the browser asks first for the required field
    assert not Question.objects.exists()
    ent.get_by_label("您的问题").fill("基本户开户银行要求法定代表人到场，能否由驿站专员帮代办？")
    ent.get_by_label("联系电话").fill("138０0001111")  # a full-width digit: refused beside the field
    ent.get_by_test_id("ask-submit").click()
    assert "请填写正确的联系电话" in ent.get_by_test_id("ask-form").inner_text()
    assert ent.get_by_label("您的问题").input_value().startswith("基本户开户银行")
    ent.get_by_label("联系电话").fill("13800001111")
    ent.get_by_test_id("ask-submit").click()
    assert "已收到您的提问" in ent.content()
    question = Question.objects.get()
    assert question.enterprise == firm and question.phase == "before"

    host.goto(f"{live_server.url}/live/{live.pk}/")
    start = host.get_by_test_id("action-start")  # announced for 2030: starting now is confirmed, with a note
    start.get_by_role("button", name="开始直播").click()
    assert "请勾选“确认提前开播”" in host.get_by_test_id("action-start").inner_text()
    start = host.get_by_test_id("action-start")
    start.get_by_label("确认提前开播（公众看到的是预告时间）").check()
    start.get_by_label("原因").fill("应企业要求提前讲解")
    start.get_by_role("button", name="开始直播").click()
    assert host.get_by_test_id("live-status").inner_text() == "直播中"
    assert "2030年12月10日 15:00–16:00" in host.get_by_test_id("planned-time").inner_text()
    host.goto(f"{live_server.url}/live/questions/")
    host.get_by_test_id("question-link").first.click()
    leave = host.get_by_test_id("action-leave_unanswered")
    leave.get_by_label("说明").fill("涉及银行开户规定，直播中未能解答")
    leave.get_by_role("button", name="未能解答").click()
    assert host.get_by_test_id("question-status").inner_text() == "未解答"
    host.goto(f"{live_server.url}/live/{live.pk}/")
    host.get_by_role("button", name="结束直播").click()
    assert host.get_by_test_id("live-status").inner_text() == "已结束"
    # The firm is asked, in its inbox, whether the question should become an appeal.
    assert Notification.objects.filter(kind="LIVE_CONSENT", user__username="ent").count() == 1

    ent.goto(f"{live_server.url}/live/mine/")
    assert "请答复是否转为诉求" in ent.get_by_test_id("mine-list").inner_text()
    ent.get_by_role("link", name="基本户开户银行要求法定代表人到场，能否由驿站专员帮代办？").click()
    consent = ent.get_by_test_id("action-consent")
    consent.get_by_label("补充说明（可选）").fill("法定代表人常驻外地，希望驿站专员联系。")
    consent.get_by_role("button", name="同意转为诉求").click()
    assert ent.get_by_test_id("question-status").inner_text() == "已转为诉求"
    appeal = Appeal.objects.get()
    assert appeal.enterprise == firm and appeal.channel == "云直播" and "法定代表人常驻外地" in appeal.description
    assert appeal.number in ent.get_by_test_id("question-appeal").inner_text()
    assert "同意转为诉求" in ent.get_by_test_id("consent").inner_text()
    ent.get_by_test_id("question-appeal").get_by_role("link", name=appeal.number).click()
    ent.wait_for_url(f"**/appeals/{appeal.number}/")
    assert appeal.number in ent.content()
    question.refresh_from_db()
    assert question.appeal == appeal and question.consent_by.username == "ent"
