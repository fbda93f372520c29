"""An edition exists; the science and technology bureau's officer opens the candidate
pool (suggested from the registry and profile facts with the basis), is refused inviting nobody, invites two firms;
a firm's user sees the notice, opens its invitation, is refused registering without a track, registers in 新材料;
the bureau sees it registered and checks its eligibility (issue 22). Then a judged zone round: the bureau sets up
the round and adds a judge in the browser, a judge employed by one firm sees that entry refused (回避) and the
other judge scores both entries in the browser (a mark above full marks refused), the bureau publishes the results (the firm is told and reads its rank on the
notice), makes them final after the notice, records the firm's award, and the award raises the zone's matched
bonus policy for that firm (the firm is told and finds it among its policies)."""

import datetime as dt
from decimal import Decimal

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits.models import ProfileFact
from gaoxin.catalog.tests.factories import department
from gaoxin.competitions import services
from gaoxin.competitions.models import Registration
from gaoxin.enterprises.models import Qualification
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _firm(name, registered_on, revenue, **qualification):
    firm = EnterpriseFactory(name=name, registered_on=registered_on)
    ProfileFact.objects.create(enterprise=firm, field="revenue", number=Decimal(revenue))
    if qualification:
        Qualification.objects.create(enterprise=firm, valid_from=dt.date(2025, 1, 1), **qualification)
    return firm


def test_the_bureau_invites_and_a_firm_registers(live_server, browser):
    office = UserFactory(username="officer-science", role=Role.DEPT_OFFICER, full_name="孙科",
                         org_unit=department("science", "科技局"))
    own = _firm("湖南华宇新材料有限公司", dt.date(2018, 4, 1), 6000, kind="hnte")
    _firm("湘潭新创微电子有限公司", dt.date(2025, 6, 1), 300, kind="tech_sme", cert_no="2026430300A0001")
    _firm("湖南大型重工有限公司", dt.date(2003, 1, 1), 80000, kind="hnte")  # above the revenue cap
    user = UserFactory(username="firm", role=Role.ENTERPRISE, full_name="李建华")
    user.enterprise_memberships.create(enterprise=own)
    services.edition_create(actor=office, code="cxcy-2026", name="2026年中国创新创业大赛（湘潭高新区赛区）", year=2026,
                            organiser="湘潭高新区科技局", tracks=[("新材料", 6), ("高端装备制造", 6)],
                            stages=[("初赛", "local", 20)], award_levels=[("一等奖", 1)])

    page = session(browser, live_server, "officer-science")
    page.get_by_role("link", name="创新创业大赛", exact=True).first.click()
    page.get_by_role("link", name="2026年中国创新创业大赛（湘潭高新区赛区）").click()
    assert "不超过 20000 万元" in page.get_by_test_id("edition-rules").inner_text()
    page.get_by_role("link", name="推荐名单（可邀请）").click()
    candidates = page.get_by_test_id("candidates").inner_text()
    assert "湖南华宇新材料有限公司" in candidates and "湘潭新创微电子有限公司" in candidates
    assert "湖南大型重工有限公司" not in candidates and "初创企业组" in candidates
    assert "成长企业组；上年营业收入6000万元；高新技术企业" in candidates
    page.get_by_role("button", name="邀请所选企业").click()
    page.get_by_text("请勾选要邀请的企业").wait_for()
    page.get_by_label("邀请湖南华宇新材料有限公司").check()
    page.get_by_label("邀请湘潭新创微电子有限公司").check()
    page.get_by_role("button", name="邀请所选企业").click()
    page.get_by_text("已邀请 2 家企业").wait_for()
    assert "已邀请 2" in page.get_by_test_id("registration-counts").inner_text()

    firm = session(browser, live_server, "firm")
    firm.goto(f"{live_server.url}/notifications/")
    assert "邀请湖南华宇新材料有限公司参加" in firm.content()
    firm.get_by_role("link", name="创新创业大赛", exact=True).first.click()
    own_list = firm.get_by_test_id("own-registrations").inner_text()
    assert "湖南华宇新材料有限公司" in own_list and "湘潭新创微电子有限公司" not in own_list
    firm.get_by_test_id("own-registrations").get_by_role("link").first.click()
    form = firm.get_by_test_id("register-form")
    form.get_by_label("参赛项目名称").fill("高性能陶瓷基复合材料")
    form.get_by_role("button", name="报名参赛").click()
    assert "请选择本届的行业赛道" in firm.get_by_test_id("register-form").inner_text()
    assert firm.get_by_label("参赛项目名称").input_value() == "高性能陶瓷基复合材料"
    firm.get_by_label("行业赛道").select_option(label="新材料")
    firm.get_by_role("button", name="报名参赛").click()
    firm.get_by_text("已完成：报名参赛").wait_for()
    assert firm.get_by_test_id("registration-status").inner_text() == "已报名"

    registration = Registration.objects.get(enterprise=own)
    page.goto(f"{live_server.url}/competitions/registrations/{registration.pk}/")
    assert "高性能陶瓷基复合材料" in page.content()
    page.get_by_role("button", name="审核参赛资格").click()
    page.get_by_text("已完成：审核参赛资格").wait_for()
    assert page.get_by_test_id("registration-status").inner_text() == "资格已审核"


def test_results_published_and_an_award_raises_a_matched_policy(live_server, browser):
    from django.utils import timezone

    from gaoxin.benefits.models import Policy
    from gaoxin.benefits.services import policy_publish
    from gaoxin.competitions.demo_data import AWARD_BONUS_POLICY
    from gaoxin.competitions.models import JudgingRound, RegistrationStatus

    science = department("science", "科技局")
    office = UserFactory(username="officer-science", role=Role.DEPT_OFFICER, full_name="孙科", org_unit=science)
    admin = UserFactory(username="admin", role=Role.ZONE_ADMIN, full_name="管理员")
    edition = services.edition_create(actor=office, code="cxcy-2026", name="2026年中国创新创业大赛（湘潭高新区赛区）",
                                      year=2026, tracks=[("高端装备制造", 6), ("新材料", 6)],
                                      award_levels=[("一等奖", 1), ("二等奖", 2)])
    own = _firm("湘潭精工智能装备有限公司", dt.date(2018, 4, 1), 6000, kind="hnte")
    other = _firm("湖南华宇新材料有限公司", dt.date(2017, 4, 1), 5000, kind="hnte")
    firm_user = UserFactory(username="firm", role=Role.ENTERPRISE, full_name="陈精")
    firm_user.enterprise_memberships.create(enterprise=own)
    tracks = list(edition.tracks.all())
    entries = [Registration.objects.create(edition=edition, enterprise=f, group="growth", track=t, project=p,
                                           status=RegistrationStatus.CHECKED, invited_by=office)
               for f, t, p in ((own, tracks[0], "精密减速器"), (other, tracks[1], "高性能复合材料"))]
    policy = Policy.objects.create(issuer=science, effective_from=dt.date(2024, 1, 1), **AWARD_BONUS_POLICY)
    policy_publish(policy=policy, actor=admin)
    judge_user = UserFactory(username="judge", role=Role.DEPT_OFFICER, full_name="评委甲",
                             org_unit=department("finance", "财政局"))

    page = session(browser, live_server, "officer-science")
    page.goto(f"{live_server.url}/competitions/cxcy-2026/")
    page.get_by_role("link", name="新建评审轮次").click()
    page.get_by_label("评审轮次名称").fill("区内路演评审")
    page.get_by_label("每个项目的评委人数").fill("1")
    page.get_by_label("其中技术专家至少").fill("1")
    page.get_by_label("其中投资专家至少").fill("0")
    page.get_by_label("标准化方法").select_option(label="原始分")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已新建，请加入评委").wait_for()
    page.get_by_role("link", name="加入评委").click()
    page.locator("#id_user").select_option(label="评委甲（财政局）")
    page.get_by_label("评委类别").select_option(label="技术专家")
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已加入评委评委甲").wait_for()
    round = JudgingRound.objects.get(edition=edition)
    # A second judge works for the first firm: refused that entry automatically, the reason shown (回避).
    conflicted = UserFactory(username="judge2", role=Role.DEPT_OFFICER, full_name="评委乙",
                             org_unit=department("finance", "财政局"))
    services.judge_add(actor=office, round=round, user=conflicted, kind="investment", employer=own)
    other_judge = session(browser, live_server, "judge2")
    other_judge.goto(f"{live_server.url}/competitions/rounds/{round.pk}/")
    row = other_judge.get_by_test_id("judge-sheet").get_by_role("row").filter(has_text="精密减速器")
    assert "回避：" in row.inner_text() and "任职" in row.inner_text()
    assert row.get_by_role("link", name="评分").count() == 0
    other_judge.context.close()

    # The judge scores both entries in the browser: a mark above the criterion's full marks is refused, kept.
    judging = session(browser, live_server, "judge")
    judging.goto(f"{live_server.url}/competitions/rounds/{round.pk}/")
    for project, marks in (("精密减速器", ("90", "85", "88")), ("高性能复合材料", ("70", "75", "72"))):
        judging.get_by_test_id("judge-sheet").get_by_role("row").filter(has_text=project).get_by_role(
            "link", name="评分").click()
        form = judging.get_by_test_id("score-form")
        for field, mark in zip(("技术创新性", "市场前景", "团队与路演"), marks, strict=True):
            form.get_by_label(field).fill(mark)
        if project == "精密减速器":
            form.get_by_label("技术创新性").fill("120")
            form.get_by_role("button", name="提交评分").click()
            judging.get_by_text("“技术创新性”最高 100 分").wait_for()
            assert judging.get_by_label("市场前景").input_value() == "85"
            judging.get_by_label("技术创新性").fill(marks[0])
        judging.get_by_test_id("score-form").get_by_role("button", name="提交评分").click()
        judging.get_by_text("评分已提交").wait_for()
    assert "已评分" in judging.get_by_test_id("judge-sheet").inner_text()
    judging.context.close()
    from gaoxin.competitions.models import Score

    scored = Score.objects.filter(round=round)
    assert sorted(scored.values_list("registration_id", flat=True)) == sorted(e.pk for e in entries)
    assert {s.judge.user_id for s in scored.select_related("judge")} == {judge_user.pk}  # none by the conflicted
    page.reload()
    page.get_by_role("button", name="发布结果公示").click()
    page.get_by_text("已完成：发布结果公示").wait_for()
    assert page.get_by_test_id("round-status").inner_text() == "结果公示中"

    firm = session(browser, live_server, "firm")
    firm.goto(f"{live_server.url}/notifications/")
    assert "湘潭精工智能装备有限公司名列第1名" in firm.content()
    firm.goto(f"{live_server.url}/competitions/rounds/{round.pk}/notice/")
    assert "湖南华宇新材料有限公司" in firm.get_by_test_id("notice-results").inner_text()
    assert firm.get_by_test_id("objection-form").is_visible()

    # The notice is over (no objection): the bureau makes the results final and records the award.
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    JudgingRound.objects.filter(pk=round.pk).update(notice_start=yesterday - dt.timedelta(days=6), notice_end=yesterday)
    page.reload()
    page.get_by_role("button", name="公示期满，确定结果").click()
    page.get_by_text("已完成：公示期满，确定结果").wait_for()
    assert page.get_by_test_id("round-status").inner_text() == "结果已确定"
    page.get_by_role("link", name="湘潭精工智能装备有限公司").first.click()
    award = page.get_by_test_id("award-form")
    award.get_by_label("奖项").select_option(label="一等奖")
    award.get_by_label("获奖日期").fill(timezone.localdate().isoformat())
    award.get_by_role("button", name="登记获奖").click()
    page.get_by_text("获奖已登记").wait_for()
    assert "一等奖" in page.get_by_test_id("registration-award").inner_text()

    firm.goto(f"{live_server.url}/notifications/")
    body = firm.content()
    assert "湘潭精工智能装备有限公司获2026年中国创新创业大赛（湘潭高新区赛区）一等奖" in body
    assert "创新创业大赛获奖配套奖励" in body
    firm.goto(f"{live_server.url}/policies/mine/")
    assert "创新创业大赛获奖配套奖励" in firm.content()
