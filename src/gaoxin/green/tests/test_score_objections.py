# ruff: noqa: F811
"""Objections to a green scorecard grade (issue 21 item 3, "a firm can object through the same flow as evaluation
objections"): the firm files against its own result in the latest run, within the objection window, naming the
indicator, with a reason and evidence; the economic bureau upholds it (re-scoring the firm from corrected facts, or
correcting the grade) or rejects it with a reason; one audit event per step, the other side told; every refused
step writes nothing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.green import services, services_scorecard
from gaoxin.green.models import LabelKind, ScorecardResult, ScorecardRun, ScoreObjection

from .test_scorecard_pages import office, zone  # noqa: F401  (fixtures, used as arguments below)

pytestmark = pytest.mark.django_db


def _pdf(name="认定文件.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", "application/pdf")


@pytest.fixture
def run(zone, office, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        return services_scorecard.scorecard_start(actor=office, background=False)


@pytest.fixture
def mine(run, own_enterprise):
    return ScorecardResult.objects.get(run=run, enterprise=own_enterprise)  # 48.75, 普绿


@pytest.fixture
def objection(mine, enterprise_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return services_scorecard.score_objection_file(actor=enterprise_user, result=mine, indicator="G5",
                                                       reason="本企业已列入省级绿色供应链管理企业名单", evidence=_pdf())


def test_a_firm_objects_and_the_bureau_is_told(mine, enterprise_user, office, django_capture_on_commit_callbacks):
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        o = services_scorecard.score_objection_file(actor=enterprise_user, result=mine, indicator="G5",
                                                    reason="已列入省级绿色供应链管理企业名单", evidence=_pdf())
    assert AuditEvent.objects.count() == before + 1
    assert AuditEvent.objects.latest("pk").event_type == "green.objection.file"
    assert (o.status, o.indicator_name, o.grade_before_name, o.total_before) == ("open", "绿色供应链管理企业", "普绿",
                                                                                 Decimal("48.75"))
    note = Notification.objects.get(user=office)
    assert "对第1次绿色评价测算的“绿色供应链管理企业”提出异议" in note.message and "status=open" in note.url


def test_rejected_with_a_reason_the_result_stands(objection, mine, office, enterprise_user,
                                                  django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError) as exc:
        services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=False, reason=" ")
    assert exc.value.message_dict == {"reason": ["请填写处理意见"]}
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=False,
                                                  reason="名单中未见该企业")
    assert AuditEvent.objects.count() == before + 1
    objection.refresh_from_db()
    mine.refresh_from_db()
    assert objection.status == "rejected" and mine.grade_name == "普绿" and mine.total == Decimal("48.75")
    assert "异议不予采纳（名单中未见该企业）" in Notification.objects.get(user=enterprise_user).message
    with pytest.raises(ValidationError, match="该异议已处理（不予采纳）"):  # decided once only
        services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=True, reason="再议")


def test_upheld_the_firm_is_rescored_from_the_corrected_facts(objection, mine, run, office, own_enterprise,
                                                              enterprise_user, django_capture_on_commit_callbacks):
    # Nothing corrected yet: a re-score would change nothing, refused beside the remedy.
    with pytest.raises(ValidationError) as exc:
        services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=True, reason="属实")
    assert "结果不变（48.75 分，普绿）" in exc.value.message_dict["remedy"][0]
    services.label_create(actor=office, enterprise=own_enterprise, kind=LabelKind.GREEN_SUPPLY_CHAIN,
                          level="provincial", year=2024)
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=True, reason="核实属实")
    assert AuditEvent.objects.count() == before + 1
    mine.refresh_from_db()
    objection.refresh_from_db()
    # 48.75 + 5 (绿色供应链管理企业) = 53.75 → 浅绿
    assert (mine.total, mine.grade_name) == (Decimal("53.75"), "浅绿")
    assert mine.reasons[-1].startswith("经异议复核，按更正后的数据重新测算（原为48.75分，普绿）")
    assert (objection.status, objection.remedy, objection.grade_after_name, objection.total_after) == \
        ("upheld", "rescore", "浅绿", Decimal("53.75"))
    run.refresh_from_db()
    assert run.counts == {"light": 1, "non_green": 1}
    assert "异议已采纳，现为浅绿（53.75分）" in Notification.objects.get(user=enterprise_user).message


def test_upheld_with_a_corrected_grade(objection, mine, run, office):
    with pytest.raises(ValidationError) as exc:
        services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=True, reason="属实",
                                                  remedy="grade", grade="plain")
    assert exc.value.message_dict == {"grade": ["更正后的等级与现等级（普绿）相同"]}
    with pytest.raises(ValidationError) as exc:  # the firm's objection cannot lower its grade
        services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=True, reason="属实",
                                                  remedy="grade", grade="non_green")
    assert exc.value.message_dict == {"grade": ["采纳企业异议只能提高等级，不能低于现等级（普绿）"]}
    services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=True, reason="领导小组审定",
                                              remedy="grade", grade="light")
    mine.refresh_from_db()
    run.refresh_from_db()
    assert (mine.grade, mine.grade_name, mine.total) == ("light", "浅绿", Decimal("48.75"))
    assert run.counts == {"light": 1, "non_green": 1}
    from django.test import Client

    client = Client()
    client.force_login(office)  # the list says why a grade differs from what the rule printed above it gives
    page = client.get(reverse("green_scorecard")).content.decode()
    row = next(r for r in page.split("<tr>") if mine.enterprise.name in r)
    assert "浅绿" in row and "经异议复核更正" in row


def test_refused_objections_write_nothing(mine, run, enterprise_user, office, other_enterprise, objection):
    before = (AuditEvent.objects.count(), ScoreObjection.objects.count())
    # One open objection per result.
    with pytest.raises(ValidationError, match="异议正在核实"):
        services_scorecard.score_objection_file(actor=enterprise_user, result=mine, indicator="", reason="再提",
                                                evidence=_pdf())
    # Another firm's result.
    theirs = ScorecardResult.objects.get(run=run, enterprise=other_enterprise)
    with pytest.raises(PermissionDenied):
        services_scorecard.score_objection_file(actor=enterprise_user, result=theirs, indicator="", reason="x",
                                                evidence=_pdf())
    # Only the bureau decides.
    for who in (UserFactory(role=Role.LEADER), enterprise_user):
        with pytest.raises(PermissionDenied):
            services_scorecard.score_objection_decide(actor=who, objection=objection, uphold=False, reason="x")
    assert (AuditEvent.objects.count(), ScoreObjection.objects.count()) == before


def test_the_window_closes_and_a_newer_run_supersedes(mine, run, enterprise_user, office, settings):
    settings.GAOXIN_GREEN_SCORECARD_OBJECTION_UNIT = "calendar"
    settings.GAOXIN_GREEN_SCORECARD_OBJECTION_LENGTH = 10
    ScorecardRun.objects.filter(pk=run.pk).update(finished_at=dt.datetime(2020, 3, 2, 2, tzinfo=dt.UTC))
    with pytest.raises(ValidationError, match="公示期已于2020年03月11日结束，逾期不再受理异议"):
        services_scorecard.score_objection_file(actor=enterprise_user, result=mine, indicator="", reason="x",
                                                evidence=_pdf())
    services_scorecard.scorecard_start(actor=office, background=False)
    with pytest.raises(ValidationError, match="已有更新的绿色评价测算结果"):
        services_scorecard.score_objection_file(actor=enterprise_user, result=mine, indicator="", reason="x",
                                                evidence=_pdf())
    assert not ScoreObjection.objects.exists()


def test_the_firm_objects_on_its_card_and_keeps_what_it_typed(mine, enterprise_client):
    card = enterprise_client.get(reverse("green_score", args=[mine.pk])).content.decode()
    assert 'data-testid="objection-form"' in card and "提出异议" in card
    refused = enterprise_client.post(reverse("green_score_object", args=[mine.pk]),
                                     {"indicator": "G7", "reason": "两项绿色设计产品之外还有一项未计入"})
    page = refused.content.decode()
    assert refused.status_code == 400 and "请上传证明材料" in page and "两项绿色设计产品之外还有一项未计入" in page
    assert not ScoreObjection.objects.exists()
    done = enterprise_client.post(reverse("green_score_object", args=[mine.pk]),
                                  {"indicator": "G7", "reason": "还有一项未计入", "evidence": _pdf()})
    assert done.status_code == 302
    card = enterprise_client.get(reverse("green_score", args=[mine.pk])).content.decode()
    assert "对“绿色设计产品”提出异议" in card and "待核实" in card and "异议正在核实" in card


def test_the_bureau_decides_on_its_list_and_opens_the_evidence_audited(objection, office, client,
                                                                       django_assert_max_num_queries):
    client.force_login(office)
    for n in range(20):  # more objections, same number of queries
        result = ScorecardResult.objects.create(run=objection.result.run, enterprise=EnterpriseFactory(), total=n,
                                                grade="non_green", grade_name="非绿", reasons=[])
        ScoreObjection.objects.create(result=result, indicator_name="总体等级", reason="x", evidence="green/x.pdf",
                                      grade_before="non_green", grade_before_name="非绿", total_before=n,
                                      created_by=office, status="rejected" if n % 2 else "open")
    with django_assert_max_num_queries(14):
        page = client.get(reverse("green_score_objections"))
    assert page.status_code == 200 and "已列入省级绿色供应链管理企业名单" in page.content.decode()
    url = reverse("green_score_objection_decide", args=[objection.pk]) + "?status=open"
    refused = client.post(url, {f"o{objection.pk}-decision": "uphold", f"o{objection.pk}-remedy": "grade",
                                f"o{objection.pk}-reason": "审定"})
    assert refused.status_code == 400 and "请选择更正后的等级" in refused.content.decode()
    assert "审定" in refused.content.decode()  # what was typed kept
    done = client.post(url, {f"o{objection.pk}-decision": "reject", f"o{objection.pk}-reason": "不属实"})
    assert done.status_code == 302 and done.url.endswith("?status=open")
    before = AuditEvent.objects.count()
    assert client.get(reverse("green_score_objection_evidence", args=[objection.pk])).status_code == 200
    assert AuditEvent.objects.latest("pk").event_type == "green.objection.evidence_open"
    assert AuditEvent.objects.count() == before + 1
    leader = UserFactory(role=Role.LEADER)
    client.force_login(leader)
    assert client.get(reverse("green_score_objections")).status_code == 403
    assert client.get(reverse("green_score_objection_evidence", args=[objection.pk])).status_code == 404


def test_the_api_gives_a_firm_its_own_objections_and_the_bureau_all(objection, office, enterprise_user,
                                                                    other_enterprise):
    from django.test import Client

    services_scorecard.score_objection_decide(actor=office, objection=objection, uphold=False,
                                              reason="名单中未见该企业")
    c = Client()
    for who in (office, enterprise_user):
        c.force_login(who)
        (row,) = c.get("/api/v1/green-score-objections/").json()["results"]
        assert (row["uscc"], row["indicator_name"], row["status"], row["grade_before_name"], row["decision_reason"]) \
            == (objection.result.enterprise.uscc, "绿色供应链管理企业", "rejected", "普绿", "名单中未见该企业")
    stranger = UserFactory(role=Role.ENTERPRISE)
    stranger.enterprise_memberships.create(enterprise=other_enterprise)
    c.force_login(stranger)
    assert c.get("/api/v1/green-score-objections/").json()["results"] == []
    assert c.get(f"/api/v1/green-score-objections/{objection.pk}/").status_code == 404
