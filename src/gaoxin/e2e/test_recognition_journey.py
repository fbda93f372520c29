"""A talent applies in a recognition round; the talent office passes the formal check and closes the applications;
a reviewer scores; the office concludes and publishes the notice; a user objects inside the window; the office
dismisses the objection and, the notice over, recognises the talent, who sees the title on their own page
(issue 19 items 5 and 6)."""

import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.talent import services
from gaoxin.talent.models import RecognitionRound, RoundApplication, RoundObjection, TalentTier, TalentTitle
from gaoxin.talent.tests.factories import talent_id

from .conftest import session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_talent_applies_through_notice_and_objection_to_recognition(live_server, browser, tmp_path):
    firm = EnterpriseFactory(name="湖南精工机械有限公司")
    office = UserFactory(username="hrss", role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"))
    UserFactory(username="expert", role=Role.DEPT_OFFICER, full_name="王专家")
    objector = UserFactory(username="ent", role=Role.ENTERPRISE)
    objector.enterprise_memberships.create(enterprise=firm)
    talent = services.talent_create(actor=office, id_number=talent_id(1), name="欧阳博文", education="doctor",
                                    professional_title="高级工程师", employer=firm)
    services.talent_account_open(actor=office, talent=talent, phone="13900000001", password="Secret-pass-123")
    today = timezone.localdate()
    tiers = TalentTier.objects.filter(code__in=["C", "D"])
    round = services.round_create(actor=office, title="2026年度车城人才认定", talent_title=TalentTitle.objects.get(
        name="车城人才"), tiers=tiers, opens_on=today, closes_on=today + dt.timedelta(days=20), pass_score=70,
        reviewers=[UserFactory._meta.model.objects.get(username="expert")])
    evidence = tmp_path / "博士学位证书.pdf"
    evidence.write_bytes(PDF)

    # The talent applies; a missing file is refused with what was typed kept.
    me = session(browser, live_server, "13900000001")
    me.get_by_role("link", name="人才认定").first.click()
    me.get_by_role("link", name=round.title).click()
    me.get_by_role("link", name="我要申报").click()
    me.get_by_label("申报层次").select_option(label=str(tiers.get(code="C")))
    me.get_by_label("申报理由及主要业绩").fill("主持完成省级科技项目两项，获授权发明专利五件。")
    me.get_by_role("button", name="提交").click()
    assert "请上传至少一份证明材料" in me.get_by_test_id("talent-form").inner_text()
    assert me.get_by_label("申报理由及主要业绩").input_value().startswith("主持完成省级科技项目")
    me.get_by_label("证明材料一（PDF 或图片）").set_input_files(str(evidence))
    me.get_by_role("button", name="提交").click()
    me.get_by_text("申报已提交，等待形式审查").wait_for()
    application = RoundApplication.objects.get()

    # The office: formal check, then the applications close.
    hrss = session(browser, live_server, "hrss")
    hrss.goto(f"{live_server.url}/talent/rounds/{round.pk}/")
    assert talent_id(1) in hrss.get_by_test_id("applications").inner_text()  # in full for the talent office
    hrss.get_by_test_id(f"application-{application.pk}").get_by_role("button", name="形式审查通过").click()
    hrss.get_by_text("已完成：形式审查通过").wait_for()
    hrss.get_by_test_id("close-reason").fill("申报已齐，提前截止")  # before the published deadline: a reason
    hrss.get_by_role("button", name="截止申报，进入评审").click()
    hrss.get_by_text("已完成：截止申报，进入评审").wait_for()

    # The reviewer scores (the link is in the message the reviewer was sent).
    expert = session(browser, live_server, "expert")
    expert.goto(f"{live_server.url}/talent/rounds/{round.pk}/")
    assert "430302********" in expert.get_by_test_id("applications").inner_text()  # masked for a reviewer
    expert.get_by_test_id(f"application-{application.pk}").get_by_role("link", name="评分").click()
    expert.get_by_label("评分（0–100）").fill("86")
    expert.get_by_role("button", name="提交评分").click()
    expert.get_by_text("评分已保存").wait_for()

    hrss.reload()
    hrss.get_by_test_id(f"application-{application.pk}").get_by_role("button", name="评审结论").click()
    hrss.get_by_text("已完成：评审结论").wait_for()
    assert "评审通过" in hrss.get_by_test_id(f"application-{application.pk}").inner_text()
    hrss.get_by_role("button", name="发布公示").click()
    hrss.get_by_text("已完成：发布公示").wait_for()

    # The public notice: masked; an objection inside the window.
    ent = session(browser, live_server, "ent")
    ent.goto(f"{live_server.url}/notices/")  # listed among the public notices
    ent.get_by_role("link", name=f"{round.title}拟认定人选公示").click()
    assert "人力资源和社会保障局" in ent.get_by_test_id("objection-how").inner_text()  # by letter or phone too
    listed = ent.get_by_test_id("notice-list").inner_text()
    assert "欧阳博文" in listed and talent_id(1) not in listed and "430302********" in listed
    ent.get_by_test_id("notice-list").get_by_text("提出异议").click()  # the page also says how to object
    ent.get_by_label("异议内容和理由").fill("其所报项目的完成时间与实际不符，请核查。")
    ent.get_by_role("button", name="提交异议").click()
    ent.get_by_text("异议已提交").wait_for()

    hrss.reload()
    objection = RoundObjection.objects.get()
    row = hrss.get_by_test_id(f"objection-{objection.pk}")
    row.get_by_label("异议不成立说明").fill("经核查，项目完成时间属实")
    row.get_by_role("button", name="异议不成立").click()
    hrss.get_by_text("已完成：异议不成立").wait_for()
    assert hrss.get_by_role("button", name="公示期满，认定").count() == 0  # not offered before the notice ends

    # The notice is over: objections are no longer taken, and the office recognises.
    RecognitionRound.objects.filter(pk=round.pk).update(notice_start=today - dt.timedelta(days=8),
                                                        notice_end=today - dt.timedelta(days=1))
    ent.reload()
    assert "逾期不再受理" in ent.get_by_test_id("notice-closed").inner_text()
    hrss.goto(f"{live_server.url}/talent/rounds/{round.pk}/")
    hrss.get_by_role("button", name="公示期满，认定").click()
    hrss.get_by_text("已完成：公示期满，认定").wait_for()
    assert hrss.get_by_test_id("round-status").inner_text() == "已认定"

    me.goto(f"{live_server.url}/talent/me/")
    assert "车城人才" in me.get_by_test_id("recognitions").inner_text()
