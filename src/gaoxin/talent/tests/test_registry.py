"""The talent registry (benefits.md §6.2) and recognition rounds (platform.md §3): registering with a checked ID
number and an employer by USCC, evidence served privately, recognitions revoked and expired on the kernel, masked ID
numbers outside the talent office, a firm's own employees, a talent's own log-in; rounds from application through
formal check, expert review, public notice and objections to recognition."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.testing import test_day
from gaoxin.core.tests.workflow_walk import check_pair, pairs
from gaoxin.core.validators import id_check_char
from gaoxin.talent import selectors, services
from gaoxin.talent.models import (
    ApplicationStatus,
    ObjectionStatus,
    Recognition,
    RecognitionStatus,
    RoundApplication,
    RoundObjection,
    RoundStatus,
    School,
    Talent,
    TalentTier,
    TalentTitle,
)
from gaoxin.talent.workflow import APPLICATION_WORKFLOW, RECOGNITION_WORKFLOW, offered, round_score

TODAY = test_day()
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _id(n: int) -> str:
    body = f"43030219880101{n:03d}"
    return body + id_check_char(body)


def _pdf(name="证书.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def office(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"), username="hrss",
                       full_name="人才办")


@pytest.fixture
def reviewer(db):
    return UserFactory(role=Role.DEPT_OFFICER, username="expert", full_name="王专家")


@pytest.fixture
def tiers(db):
    return {t.code: t for t in TalentTier.objects.all()}


@pytest.fixture
def title(db):
    return TalentTitle.objects.get(name="车城人才")


@pytest.fixture
def talent(office, own_enterprise):
    return services.talent_create(actor=office, id_number=_id(1), name="张工", education="master",
                                  professional_title="高级工程师", employer=own_enterprise, work_location="高新区",
                                  insurance_location="高新区", phone="13800000001")


@pytest.fixture
def talent_user(office, talent):
    return services.talent_account_open(actor=office, talent=talent, phone="13900000001", password="Tal-ent-2026!x")


# --- registry --------------------------------------------------------------------------------------------------


def test_registering_checks_the_id_number_and_the_employer(office, own_enterprise, client):
    client.force_login(office)
    url = reverse("talent_person_new")
    bad = client.post(url, {"id_number": "430302198801010070", "name": "李四", "education": "bachelor",
                            "uscc": "91430300MA0000000X"})
    body = bad.content.decode()
    assert bad.status_code == 400
    assert "企业档案中没有该统一社会信用代码" in body and "校验" in body  # both wrong: both told at once
    assert 'value="李四"' in body  # what was typed is kept
    bad = client.post(url, {"id_number": "430302198801010070", "name": "李四", "education": "bachelor",
                            "uscc": own_enterprise.uscc})
    assert bad.status_code == 400 and "校验" in bad.content.decode()  # the check digit, beside the field
    ok = client.post(url, {"id_number": _id(2), "name": "李四", "education": "bachelor", "uscc": own_enterprise.uscc})
    assert ok.status_code == 302
    talent = Talent.objects.get(id_number=_id(2))
    assert talent.employer == own_enterprise
    assert AuditEvent.objects.filter(event_type="talent.registry.create").count() == 1
    again = client.post(url, {"id_number": _id(2).lower(), "name": "李四", "education": "bachelor"})
    assert again.status_code == 400 and "已登记在人才库中" in again.content.decode()


def test_only_the_office_registers(enterprise_user):
    with pytest.raises(PermissionDenied):
        services.talent_create(actor=enterprise_user, id_number=_id(3), name="x", education="bachelor")


def test_an_edit_is_one_audit_event_with_what_changed(office, talent):
    before = AuditEvent.objects.count()
    services.talent_update(actor=office, talent=talent, professional_title="正高级工程师", phone="13800000001")
    event = AuditEvent.objects.latest("pk")
    assert AuditEvent.objects.count() == before + 1
    assert event.after == {"professional_title": "正高级工程师"}


def test_id_numbers_are_masked_outside_the_office(office, talent, enterprise_client, leader_client, client):
    client.force_login(office)
    assert _id(1) in client.get(reverse("talent_registry")).content.decode()
    for other in (enterprise_client, leader_client):
        page = other.get(reverse("talent_registry")).content.decode()
        assert "张工" in page and _id(1) not in page and talent.masked_id_number in page
        detail = other.get(reverse("talent_person", args=[talent.pk])).content.decode()
        assert _id(1) not in detail and talent.masked_id_number in detail


def test_a_firm_sees_only_its_own_employees(office, talent, other_enterprise, enterprise_client):
    stranger = services.talent_create(actor=office, id_number=_id(4), name="外企人才", education="doctor",
                                      employer=other_enterprise)
    page = enterprise_client.get(reverse("talent_registry")).content.decode()
    assert "张工" in page and "外企人才" not in page
    assert enterprise_client.get(reverse("talent_person", args=[stranger.pk])).status_code == 404
    assert enterprise_client.get(reverse("talent_person_new")).status_code == 403


def test_registry_filters_and_constant_queries(office, own_enterprise, other_enterprise, tiers, title, client,
                                               django_assert_max_num_queries):
    leader = TalentTitle.objects.get(name="领军人才")
    for n in range(40):
        t = services.talent_create(actor=office, id_number=_id(100 + n), name=f"人才{n:02d}", education="bachelor",
                                   employer=own_enterprise if n % 2 else other_enterprise)
        services.recognition_grant(actor=office, talent=t, title=title if n % 3 else leader,
                                   tier=tiers["ABCDE"[n % 5]], basis="测试", recognised_on=TODAY)
    assert selectors.talent_list(user=office, tier=tiers["A"]).count() == 8
    assert selectors.talent_list(user=office, title=leader).count() == 14
    assert selectors.talent_list(user=office, employer=own_enterprise.uscc.lower()).count() == 20
    client.force_login(office)
    with django_assert_max_num_queries(16):
        first = client.get(reverse("talent_registry"))
    with django_assert_max_num_queries(16):
        filtered = client.get(reverse("talent_registry"), {"tier": tiers["A"].pk, "page": 1})
    assert first.status_code == filtered.status_code == 200
    assert "A类" in filtered.content.decode()
    with CaptureQueriesContext(connection) as full_page:
        client.get(reverse("talent_registry"))
    Talent.objects.filter(name__in=[f"人才{n:02d}" for n in range(20, 40)]).delete()
    with CaptureQueriesContext(connection) as smaller:
        client.get(reverse("talent_registry"))
    assert len(full_page) == len(smaller)  # the count does not grow with the rows


def test_evidence_is_checked_and_served_privately(office, talent, talent_user, enterprise_client, client):
    html = SimpleUploadedFile("证书.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with pytest.raises(ValidationError) as err:
        services.evidence_add(actor=office, talent=talent, label="职称证书", file=html)
    assert "file" in err.value.message_dict
    evidence = services.evidence_add(actor=office, talent=talent, label="职称证书", file=_pdf())
    url = reverse("talent_evidence", args=[evidence.pk])
    client.force_login(office)
    audits = AuditEvent.objects.filter(event_type="talent.evidence.open").count()
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(event_type="talent.evidence.open").count() == audits + 1  # staff: audited
    client.force_login(talent_user)
    assert client.get(url).status_code == 200
    assert enterprise_client.get(url).status_code == 404  # the employer does not see personal documents


def test_recognition_walk(office, talent, tiers, title):
    """Every (transition, state) pair of the recognition table: allowed → one audit event and one timeline row."""
    for name, state in pairs(RECOGNITION_WORKFLOW, RecognitionStatus.values):
        Recognition.objects.all().delete()
        recognition = Recognition.objects.create(talent=talent, title=title, tier=tiers["C"], basis="x",
                                                 recognised_on=TODAY - dt.timedelta(days=800),
                                                 valid_to=TODAY - dt.timedelta(days=1), status=state,
                                                 created_by=office)
        check_pair(RECOGNITION_WORKFLOW, recognition, name, actor=office, history=lambda r=recognition: r.events.count())


def test_the_sweep_expires_recognitions_once(office, talent, tiers, title, talent_user,
                                             django_capture_on_commit_callbacks):
    recognition = services.recognition_grant(actor=office, talent=talent, title=title, tier=tiers["C"], basis="x",
                                             recognised_on=TODAY - dt.timedelta(days=400),
                                             valid_to=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="尚未到期"):
        services.recognition_transition(recognition=services.recognition_grant(
            actor=office, talent=talent, title=TalentTitle.objects.get(name="领军人才"), tier=tiers["B"], basis="y",
            recognised_on=TODAY), name="EXPIRE", actor=None)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.sweep()["recognitions_expired"] == 1
    assert services.sweep()["recognitions_expired"] == 0
    recognition.refresh_from_db()
    assert recognition.status == RecognitionStatus.EXPIRED
    assert AuditEvent.objects.filter(event_type="talent.recognition.expire").count() == 1
    assert Notification.objects.filter(user=talent_user, kind="talent_recognition").exists()


def test_revoking_needs_a_reason_and_only_the_office(office, talent, tiers, title, enterprise_user):
    recognition = services.recognition_grant(actor=office, talent=talent, title=title, tier=tiers["C"], basis="x",
                                             recognised_on=TODAY)
    with pytest.raises(ValidationError):
        services.recognition_transition(recognition=recognition, name="REVOKE", actor=office)
    with pytest.raises(PermissionDenied):
        services.recognition_transition(recognition=recognition, name="REVOKE", actor=enterprise_user, reason="x")
    services.recognition_transition(recognition=recognition, name="REVOKE", actor=office, reason="提供虚假材料")
    recognition.refresh_from_db()
    assert recognition.status == RecognitionStatus.REVOKED


def test_a_talent_logs_in_and_sees_their_own_entry(office, talent, talent_user, client):
    assert talent_user.role == Role.TALENT and talent_user.id_number == talent.id_number
    with pytest.raises(ValidationError):
        services.talent_account_open(actor=office, talent=talent, phone="13900000002", password="Tal-ent-2026!x")
    client.force_login(talent_user)
    home = client.get("/").content.decode()
    assert reverse("talent_me") in home and "尚未绑定企业" not in home
    assert reverse("enterprise_index") not in home  # no firm pages in a talent's navigation
    me = client.get(reverse("talent_me")).content.decode()
    assert _id(1) in me and "张工" in me
    other = services.talent_create(actor=office, id_number=_id(5), name="别人", education="bachelor")
    assert client.get(reverse("talent_person", args=[other.pk])).status_code == 403
    assert client.get(reverse("talent_registry")).status_code == 403
    assert client.get(reverse("talent_index")).status_code == 403


def test_the_admin_edits_the_tier_table_audited(admin_client, tiers):
    url = reverse("admin:talent_talenttier_change", args=[tiers["E"].pk])
    answer = admin_client.post(url, {"code": "E", "name": "青年英才", "rank": 5, "description": "", "is_active": "on"})
    assert answer.status_code == 302
    assert TalentTier.objects.get(code="E").name == "青年英才"
    assert AuditEvent.objects.filter(event_type="talent.tier.update").count() == 1


# --- recognition rounds ----------------------------------------------------------------------------------------


@pytest.fixture
def round(office, reviewer, tiers, title):
    return services.round_create(actor=office, title="2026年度车城人才认定", talent_title=title,
                                 tiers=[tiers["C"], tiers["D"], tiers["E"]], opens_on=TODAY - dt.timedelta(days=5),
                                 closes_on=TODAY + dt.timedelta(days=10), reviewers=[reviewer], pass_score=60)


def test_a_reviewer_from_another_department_finds_the_rounds_in_the_navigation(round, reviewer, client):
    other = UserFactory(role=Role.DEPT_OFFICER, username="other-officer")
    for user, shown in ((reviewer, True), (other, False)):
        client.force_login(user)
        page = client.get(reverse("home")).content.decode()
        assert (f'href="{reverse("talent_rounds")}"' in page) is shown
        assert ("人才认定评审" in page) is shown


def _apply(actor, round, talent, tier):
    return services.application_submit(actor=actor, round=round, talent=talent, tier=tier, statement="主持研发项目",
                                       evidence=[("学位证书", _pdf())])


@pytest.fixture
def tell(django_capture_on_commit_callbacks):
    """Notifications are sent after commit: run each test step's callbacks as if it had committed."""
    def run(call):
        with django_capture_on_commit_callbacks(execute=True):
            return call()
    return run


def test_a_round_from_application_to_recognition(office, reviewer, round, talent, talent_user, tiers, client, tell):
    with pytest.raises(ValidationError) as err:
        services.application_submit(actor=talent_user, round=round, talent=talent, tier=tiers["A"], statement="",
                                    evidence=[])
    assert set(err.value.message_dict) == {"tier", "statement", "evidence"}
    application = tell(lambda: _apply(talent_user, round, talent, tiers["C"]))
    assert Notification.objects.filter(user=office, kind="talent_round").exists()
    with pytest.raises(ValidationError, match="已在本批次申报"):
        _apply(talent_user, round, talent, tiers["C"])
    application = services.application_transition(application=application, name="RETURN", actor=office,
                                                  reason="请补充职称证书")
    services.evidence_add(actor=talent_user, talent=talent, application=application, label="职称证书", file=_pdf())
    application = services.application_transition(application=application, name="RESUBMIT", actor=talent_user)
    application = services.application_transition(application=application, name="PASS_CHECK", actor=office)
    with pytest.raises(ValidationError):  # scores come after the applications close
        services.score_enter(actor=reviewer, application=application, score=80)
    tell(lambda: services.round_transition(round=round, name="CLOSE", actor=office, reason="申报已齐，提前截止"))
    assert Notification.objects.filter(user=reviewer, kind="talent_review").exists()
    with pytest.raises(PermissionDenied):
        services.score_enter(actor=office, application=application, score=80)
    with pytest.raises(ValidationError):
        services.application_transition(application=application, name="CONCLUDE", actor=office)  # not scored yet
    services.score_enter(actor=reviewer, application=application, score="85.5")
    round.refresh_from_db()
    with pytest.raises(ValidationError, match="未完成"):
        services.round_transition(round=round, name="PUBLISH_NOTICE", actor=office)
    application = services.application_transition(application=application, name="CONCLUDE", actor=office)
    assert application.status == ApplicationStatus.PASSED and application.score == Decimal("85.50")
    round = services.round_transition(round=round, name="PUBLISH_NOTICE", actor=office)
    assert (round.notice_start, round.notice_end) == (TODAY, TODAY + dt.timedelta(days=6))

    # the public notice: anonymous, masked
    notice_page = client.get(reverse("talent_round_notice", args=[round.pk]))
    body = notice_page.content.decode()
    assert notice_page.status_code == 200 and "张工" in body and talent.masked_id_number in body and _id(1) not in body
    assert client.get(reverse("talent_round_notice_print", args=[round.pk])).status_code == 200

    # objections inside the window only
    objector = UserFactory(role=Role.ENTERPRISE, username="citizen")
    objection = services.objection_file(actor=objector, application=application, reason="学历存疑")
    with pytest.raises(ValidationError, match="逾期不再受理"):
        services.objection_file(actor=objector, application=application, reason="再提",
                                today=round.notice_end + dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="期满后"):
        services.round_transition(round=round, name="RECOGNISE", actor=office)
    tell(lambda: services.objection_transition(objection=objection, name="DISMISS", actor=office,
                                               reason="经核查学历属实"))
    assert Notification.objects.filter(user=objector, kind="talent_objection").exists()
    round.__class__.objects.filter(pk=round.pk).update(notice_start=TODAY - dt.timedelta(days=8),
                                                       notice_end=TODAY - dt.timedelta(days=1))
    round.refresh_from_db()
    round = tell(lambda: services.round_transition(round=round, name="RECOGNISE", actor=office))
    recognition = Recognition.objects.get(talent=talent)
    assert recognition.title == round.talent_title and recognition.tier == tiers["C"]
    assert recognition.application == application and recognition.valid_to.year == TODAY.year + 3
    assert AuditEvent.objects.filter(event_type="talent.round.recognise").count() == 1
    assert Notification.objects.filter(user=talent_user, message__contains="您已被认定为").exists()


def test_an_upheld_objection_disqualifies(office, reviewer, round, talent, talent_user, tiers,
                                          django_capture_on_commit_callbacks):
    application = _apply(office, round, talent, tiers["D"])  # the office applies on the talent's behalf
    application = services.application_transition(application=application, name="PASS_CHECK", actor=office)
    services.round_transition(round=round, name="CLOSE", actor=office, reason="申报已齐，提前截止")
    services.score_enter(actor=reviewer, application=application, score=70)
    application = services.application_transition(application=application, name="CONCLUDE", actor=office)
    round.refresh_from_db()
    services.round_transition(round=round, name="PUBLISH_NOTICE", actor=office)
    objection = services.objection_file(actor=office, application=application, reason="业绩不实", contact="来信")
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_transition(objection=objection, name="UPHOLD", actor=office, reason="业绩材料与事实不符")
    # One decision takes the person off the list: the objection's and the application's transitions, each audited.
    assert AuditEvent.objects.count() == before + 2
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISQUALIFIED
    assert Notification.objects.filter(user=talent_user, message__contains="不予认定").exists()
    round.__class__.objects.filter(pk=round.pk).update(notice_end=TODAY - dt.timedelta(days=1))
    round.refresh_from_db()
    services.round_transition(round=round, name="RECOGNISE", actor=office)
    assert not Recognition.objects.exists()
    assert RoundObjection.objects.get().status == ObjectionStatus.UPHELD


def test_a_quota_holds_the_notice(office, reviewer, round, talent, tiers):
    round.__class__.objects.filter(pk=round.pk).update(quota=1)
    round.refresh_from_db()
    second = services.talent_create(actor=office, id_number=_id(6), name="赵工", education="doctor")
    apps = [_apply(office, round, t, tiers["C"]) for t in (talent, second)]
    apps = [services.application_transition(application=a, name="PASS_CHECK", actor=office) for a in apps]
    services.round_transition(round=round, name="CLOSE", actor=office, reason="申报已齐，提前截止")
    for a, score in zip(apps, (90, 70), strict=True):
        services.score_enter(actor=reviewer, application=a, score=score)
    apps = [services.application_transition(application=a, name="CONCLUDE", actor=office) for a in apps]
    round.refresh_from_db()
    with pytest.raises(ValidationError, match="超过认定名额1人"):
        services.round_transition(round=round, name="PUBLISH_NOTICE", actor=office)
    for a in apps:  # two passed for one place: the office is offered 超出名额 on each
        a.round = round
        assert "OVER_QUOTA" in [t.name for t in offered(APPLICATION_WORKFLOW, a, office)]
    services.application_transition(application=apps[1], name="OVER_QUOTA", actor=office, reason="按得分排名")
    round = round.__class__.objects.get(pk=round.pk)  # as the next page load reads it
    first = RoundApplication.objects.get(pk=apps[0].pk)
    first.round = round  # one passed for one place: no longer offered (the QA walk found it on a full round)
    assert "OVER_QUOTA" not in [t.name for t in offered(APPLICATION_WORKFLOW, first, office)]
    round = services.round_transition(round=round, name="PUBLISH_NOTICE", actor=office)
    assert round.status == RoundStatus.NOTICE
    first.round = round  # nor on notice, where the service refuses it
    assert "OVER_QUOTA" not in [t.name for t in offered(APPLICATION_WORKFLOW, first, office)]


def test_scores_mean_or_trimmed():
    assert round_score([80, 90], "mean") == Decimal("85.00")
    assert round_score([60, 80, 90, 100], "trimmed") == Decimal("85.00")
    assert round_score([60, 80], "trimmed") == Decimal("70.00")


def test_applying_outside_the_window_is_refused(office, round, talent, tiers):
    round.__class__.objects.filter(pk=round.pk).update(closes_on=TODAY - dt.timedelta(days=1))
    round.refresh_from_db()
    with pytest.raises(ValidationError, match="不在申报期内"):
        _apply(office, round, talent, tiers["C"])


ROUND_STATE_FOR = {"PASS_CHECK": RoundStatus.OPEN, "RETURN": RoundStatus.OPEN, "REJECT": RoundStatus.REVIEW,
                   "RESUBMIT": RoundStatus.OPEN, "CONCLUDE": RoundStatus.REVIEW, "OVER_QUOTA": RoundStatus.REVIEW,
                   "DISQUALIFY": RoundStatus.NOTICE}


def test_application_walk(office, reviewer, round, talent, talent_user, tiers):
    """Every (transition, state) pair of the application table, the round in the state the step needs."""
    for name, state in pairs(APPLICATION_WORKFLOW, ApplicationStatus.values):
        RoundObjection.objects.all().delete()
        RoundApplication.objects.all().delete()
        round.__class__.objects.filter(pk=round.pk).update(status=ROUND_STATE_FOR[name])
        round.refresh_from_db()
        application = RoundApplication.objects.create(round=round, talent=talent, tier=tiers["C"], statement="x",
                                                      status=state, submitted_by=office)
        if name == "CONCLUDE":
            application.scores.create(reviewer=reviewer, score=75)
        if name == "DISQUALIFY":
            RoundObjection.objects.create(application=application, reason="x", status=ObjectionStatus.UPHELD,
                                          filed_by=office)
        actor = talent_user if name == "RESUBMIT" else office
        check_pair(APPLICATION_WORKFLOW, application, name, actor=actor,
                   history=lambda a=application: a.events.count())


def test_pages_of_a_round(office, reviewer, round, talent, talent_user, tiers, client, enterprise_client,
                          django_assert_max_num_queries):
    client.force_login(talent_user)
    form = client.get(reverse("talent_round_apply", args=[round.pk]))
    assert form.status_code == 200 and "申报人身份证号码" not in form.content.decode()
    bad = client.post(reverse("talent_round_apply", args=[round.pk]),
                      {"tier": tiers["C"].pk, "statement": "业绩", "label1": "学位证书"})
    assert bad.status_code == 400 and "请上传至少一份证明材料" in bad.content.decode()
    assert bad.context["form"].errors["file1"] == ["请上传至少一份证明材料"]  # beside the file, not above the form
    assert "业绩" in bad.content.decode()
    ok = client.post(reverse("talent_round_apply", args=[round.pk]),
                     {"tier": tiers["C"].pk, "statement": "业绩", "label1": "学位证书", "file1": _pdf()})
    assert ok.status_code == 302
    application = RoundApplication.objects.get()
    assert client.get(reverse("talent_application", args=[application.pk])).status_code == 200
    for n in range(20):
        other = services.talent_create(actor=office, id_number=_id(200 + n), name=f"申报人{n}", education="master")
        _apply(office, round, other, tiers["D"])
    client.force_login(office)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("talent_round", args=[round.pk])).status_code == 200
    with django_assert_max_num_queries(12):
        assert client.get(reverse("talent_rounds")).status_code == 200
    client.force_login(reviewer)  # before the formal check, a reviewer sees no application
    assert client.get(reverse("talent_application", args=[application.pk])).status_code == 404
    assert enterprise_client.get(reverse("talent_round", args=[round.pk])).status_code == 403
    assert client.get(reverse("talent_round_notice", args=[round.pk])).status_code == 404  # not on notice yet


def test_api_talents_and_rounds(office, talent, own_enterprise, other_enterprise, enterprise_client, client, round,
                                talent_user):
    services.talent_create(actor=office, id_number=_id(7), name="外企人才", education="doctor",
                           employer=other_enterprise)
    client.force_login(office)
    listed = client.get("/api/v1/talents/").json()
    rows = listed["results"] if "results" in listed else listed
    assert {r["id_number"] for r in rows} == {_id(1), _id(7)}  # the office sees every talent in full
    bad = client.post("/api/v1/talents/", {"id_number": "430302198801010070", "name": "x", "education": "master"},
                      content_type="application/json")
    assert bad.status_code == 400 and "id_number" in bad.json()
    made = client.post("/api/v1/talents/", {"id_number": _id(8), "name": "新人", "education": "master",
                                            "uscc": own_enterprise.uscc}, content_type="application/json")
    assert made.status_code == 201 and made.json()["employer"] == own_enterprise.uscc
    mine = enterprise_client.get("/api/v1/talents/").json()
    rows = mine["results"] if "results" in mine else mine
    assert {r["name"] for r in rows} == {"张工", "新人"}  # only its own employees, masked
    assert all("********" in r["id_number"] for r in rows)
    assert enterprise_client.post("/api/v1/talents/", {"id_number": _id(9), "name": "y", "education": "master"},
                                  content_type="application/json").status_code == 403
    rounds = client.get("/api/v1/recognition-rounds/").json()
    rows = rounds["results"] if "results" in rounds else rounds
    assert rows[0]["title"] == round.title and rows[0]["tiers"] == ["C", "D", "E"]
    client.force_login(talent_user)
    own = client.get("/api/v1/talents/").json()
    rows = own["results"] if "results" in own else own
    assert [r["id_number"] for r in rows] == [_id(1)]


ROUND_NEEDS = {"CLOSE": RoundStatus.OPEN, "PUBLISH_NOTICE": RoundStatus.REVIEW, "RECOGNISE": RoundStatus.NOTICE}


def test_round_and_objection_walks(office, reviewer, round, talent, tiers, title):
    """Every (transition, state) pair of the round and objection tables: one audit event and one timeline row each
    when allowed, nothing written when refused."""
    from gaoxin.talent.models import RecognitionRound
    from gaoxin.talent.workflow import OBJECTION_WORKFLOW, ROUND_WORKFLOW

    for name, state in pairs(ROUND_WORKFLOW, RoundStatus.values):
        Recognition.objects.all().delete()
        RoundApplication.objects.all().delete()
        RecognitionRound.objects.filter(pk=round.pk).update(status=state, notice_start=TODAY - dt.timedelta(days=9),
                                                            notice_end=TODAY - dt.timedelta(days=1),
                                                            closes_on=TODAY - dt.timedelta(days=1))
        round.refresh_from_db()
        RoundApplication.objects.create(round=round, talent=talent, tier=tiers["C"], statement="x", score=80,
                                        status=ApplicationStatus.PASSED, submitted_by=office)
        check_pair(ROUND_WORKFLOW, round, name, actor=office, history=lambda: round.events.count())
    RecognitionRound.objects.filter(pk=round.pk).update(status=RoundStatus.NOTICE)
    for name, state in pairs(OBJECTION_WORKFLOW, ObjectionStatus.values):
        objection = RoundObjection.objects.create(application=RoundApplication.objects.get(), reason="x",
                                                  status=state, filed_by=office)
        check_pair(OBJECTION_WORKFLOW, objection, name, actor=office, history=lambda o=objection: o.events.count())


def test_outsiders_cannot_act(office, round, talent, tiers, enterprise_user, reviewer):
    application = _apply(office, round, talent, tiers["C"])
    for actor in (enterprise_user, reviewer):
        with pytest.raises(PermissionDenied):
            services.application_transition(application=application, name="PASS_CHECK", actor=actor)
        with pytest.raises(PermissionDenied):
            services.round_transition(round=round, name="CLOSE", actor=actor)
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=enterprise_user, round=round, talent=talent, tier=tiers["C"],
                                    statement="x", evidence=[("a", _pdf())])
    assert AuditEvent.objects.filter(event_type__startswith="talent.application.pass").count() == 0


def test_detail_pages_have_a_query_budget(office, talent, talent_user, round, tiers, title, client,
                                          django_assert_max_num_queries):
    for n in range(5):
        services.evidence_add(actor=office, talent=talent, label=f"材料{n}", file=_pdf())
    application = _apply(office, round, talent, tiers["D"])
    services.recognition_grant(actor=office, talent=talent, title=TalentTitle.objects.get(name="领军人才"),
                               tier=tiers["C"], basis="x", recognised_on=TODAY)
    client.force_login(office)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("talent_person", args=[talent.pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("talent_application", args=[application.pk])).status_code == 200
    client.force_login(talent_user)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("talent_me")).status_code == 200


def test_a_reviewer_finds_the_work_on_the_home_page(office, reviewer, round, talent, tiers, client):
    client.force_login(reviewer)
    assert "为通过形式审查的人才认定申报评分" not in client.get("/").content.decode()  # nothing to review yet
    application = _apply(office, round, talent, tiers["C"])
    services.application_transition(application=application, name="PASS_CHECK", actor=office)
    services.round_transition(round=round, name="CLOSE", actor=office, reason="申报已齐，提前截止")
    assert "为通过形式审查的人才认定申报评分" in client.get("/").content.decode()
    page = client.get(reverse("talent_rounds")).content.decode()
    assert round.title in page


# --- QA walk fixes ---------------------------------------------------------------------------------------------


def _on_notice(round, application):
    """The round put on notice (today to six days on) with `application` passed, without walking the review."""
    RoundApplication.objects.filter(pk=application.pk).update(status=ApplicationStatus.PASSED, score=80)
    round.__class__.objects.filter(pk=round.pk).update(status=RoundStatus.NOTICE, notice_start=TODAY,
                                                       notice_end=TODAY + dt.timedelta(days=6))
    round.refresh_from_db()
    return round


def test_a_round_on_notice_is_on_the_public_notices_page_and_says_how_to_object(office, round, talent, tiers,
                                                                                 client):
    from gaoxin.accounts.models import OrgUnit

    OrgUnit.objects.filter(code="hrss").update(phone="0731-58000000", address="高新区人才大厦3楼")
    round = _on_notice(round, _apply(office, round, talent, tiers["C"]))
    page = client.get(reverse("public_notices")).content.decode()
    assert "2026年度车城人才认定拟认定人选公示" in page and reverse("talent_round_notice", args=[round.pk]) in page
    notice_page = client.get(reverse("talent_round_notice", args=[round.pk])).content.decode()
    assert "0731-58000000" in notice_page and "高新区人才大厦3楼" in notice_page
    assert "登录后在线提出异议" in notice_page


def test_steps_the_guards_would_refuse_are_not_offered(office, round, talent, tiers, client, own_enterprise):
    from gaoxin.talent.workflow import AGREEMENT_WORKFLOW, ROUND_WORKFLOW, offered

    application = _apply(office, round, talent, tiers["C"])
    application = services.application_transition(application=application, name="PASS_CHECK", actor=office)
    round.__class__.objects.filter(pk=round.pk).update(status=RoundStatus.REVIEW)
    round.refresh_from_db()
    assert "PUBLISH_NOTICE" not in [t.name for t in offered(ROUND_WORKFLOW, round, office)]  # not concluded yet
    RoundApplication.objects.filter(pk=application.pk).update(status=ApplicationStatus.PASSED, score=80)
    round.refresh_from_db()
    assert "PUBLISH_NOTICE" in [t.name for t in offered(ROUND_WORKFLOW, round, office)]
    client.force_login(office)
    page = client.get(reverse("talent_round", args=[round.pk])).content.decode()
    assert "超出名额" not in page  # the round has no quota
    round = _on_notice(round, application)
    page = client.get(reverse("talent_round", args=[round.pk])).content.decode()
    assert "公示期满，认定" not in page and "不予认定" not in page  # inside the notice, no upheld objection
    with pytest.raises(ValidationError, match="期满后"):  # the guard stays
        services.round_transition(round=round, name="RECOGNISE", actor=office)
    application.refresh_from_db()
    with pytest.raises(ValidationError, match="没有成立的异议"):
        services.application_transition(application=application, name="DISQUALIFY", actor=office, reason="x")
    round.__class__.objects.filter(pk=round.pk).update(notice_end=TODAY - dt.timedelta(days=1))
    assert "公示期满，认定" in client.get(reverse("talent_round", args=[round.pk])).content.decode()
    school = School.objects.create(name="湘潭大学")
    agreement = services.agreement_create(actor=office, school=school, enterprise=own_enterprise, kind="internship",
                                          title="实习基地", signed_on=TODAY - dt.timedelta(days=10),
                                          expires_on=TODAY + dt.timedelta(days=100))
    assert "END" not in [t.name for t in offered(AGREEMENT_WORKFLOW, agreement, office)]
    assert "TERMINATE" in [t.name for t in offered(AGREEMENT_WORKFLOW, agreement, office)]


def test_the_apply_form_tells_missing_evidence_with_the_other_errors(office, round, talent, talent_user, client):
    client.force_login(talent_user)
    bad = client.post(reverse("talent_round_apply", args=[round.pk]), {"tier": "", "statement": "",
                                                                       "label1": "学位证书"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "请上传至少一份证明材料" in body and body.count("必填") + body.count("请") >= 3


def test_a_bad_second_file_is_told_beside_it_with_the_statement_kept(office, round, talent, talent_user, tiers,
                                                                     client):
    client.force_login(talent_user)
    bad = client.post(reverse("talent_round_apply", args=[round.pk]), {
        "tier": tiers["C"].pk, "statement": "主持省级课题三项", "label1": "学位证书", "label2": "职称证书",
        "file1": SimpleUploadedFile("学位.pdf", PDF, content_type="application/pdf"),
        "file2": SimpleUploadedFile("职称.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")})
    body = bad.content.decode()
    assert bad.status_code == 400 and "主持省级课题三项" in body
    beside = body.split('id="id_file2"')[1].split("</div>")[0]  # the error sits under the second file's input
    assert "证明材料二：" in beside and "不是 PDF" in beside
    assert "alert-danger" not in body.split('data-testid="talent-form"')[1].split('id="id_tier"')[0]


def test_round_pages_name_the_section_and_reviewers_by_department(office, round, talent_user, client):
    from gaoxin.accounts.models import OrgKind
    from gaoxin.accounts.tests.factories import OrgUnitFactory

    UserFactory(role=Role.DEPT_OFFICER, org_unit=department("science", "科学技术局"), username="sci-expert",
                full_name="李科技")
    UserFactory(role=Role.STATION_OFFICER, org_unit=OrgUnitFactory(kind=OrgKind.STATION, code="st", name="某驿站"),
                username="station-x", full_name="驿站员")
    client.force_login(office)
    page = client.get(reverse("talent_round_new")).content.decode()
    assert "李科技（科学技术局）" in page and "sci-expert" not in page and "驿站员" not in page
    client.force_login(talent_user)
    page = client.get(reverse("talent_round_apply", args=[round.pk])).content.decode()
    assert '">人才认定</a></li>' in page and '">人才与用工</a></li>' not in page


def test_the_office_is_told_when_all_have_scored_and_review_notices_go_stale(office, reviewer, round, talent, tiers,
                                                                             tell):
    application = _apply(office, round, talent, tiers["C"])
    application = services.application_transition(application=application, name="PASS_CHECK", actor=office)
    tell(lambda: services.round_transition(round=round, name="CLOSE", actor=office, reason="申报已齐，提前截止"))
    review = Notification.objects.get(user=reviewer, kind="talent_review")
    assert review.read_at is None
    tell(lambda: services.score_enter(actor=reviewer, application=application, score=80))
    assert Notification.objects.filter(user=office, message__contains="已由全部评审专家评分").count() == 1
    application = services.application_transition(application=application, name="CONCLUDE", actor=office)
    round.refresh_from_db()
    tell(lambda: services.round_transition(round=round, name="PUBLISH_NOTICE", actor=office))
    review.refresh_from_db()
    assert review.read_at is not None  # no longer "请评分" once the round is on notice


def test_an_objection_decision_needs_a_reason_beside_it_and_joins_the_round_record(office, round, talent, tiers,
                                                                                  client):
    round = _on_notice(round, _apply(office, round, talent, tiers["C"]))
    objector = UserFactory(role=Role.ENTERPRISE, username="citizen2")
    objection = services.objection_file(actor=objector, application=round.applications.get(), reason="业绩存疑")
    client.force_login(office)
    bad = client.post(reverse("talent_objection_act", args=[objection.pk]), {"name": "DISMISS", "reason": ""})
    body = bad.content.decode()
    assert bad.status_code == 400 and 'data-testid="objection-error"' in body and 'data-testid="act-error"' not in body
    ok = client.post(reverse("talent_objection_act", args=[objection.pk]), {"name": "DISMISS", "reason": "经核查属实"})
    assert ok.status_code == 302
    page = client.get(reverse("talent_round", args=[round.pk])).content.decode()
    record = page.split("批次记录")[1]
    assert "对张工的异议" in record and "经核查属实" in record


def test_the_demo_registry_recognitions_agree_with_the_rounds(office, reviewer, own_enterprise, other_enterprise,
                                                              enterprise_user):
    import random

    from gaoxin.talent.demo_data import build_demo_registry
    from gaoxin.talent.models import RecognitionRound

    talent_user = UserFactory(role=Role.TALENT, username="demo-talent")
    build_demo_registry(rng=random.Random(42), enterprises=[other_enterprise], office=office,
                        enterprise_user=enterprise_user, talent_user=talent_user, reviewers=[reviewer], today=TODAY)
    leaders = TalentTitle.objects.get(name="领军人才")
    assert not Recognition.objects.filter(title=leaders, tier__code__in=["D", "E"]).exists()  # 领军人才 are A–C
    rounds = list(RecognitionRound.objects.values_list("title", flat=True))
    for basis in Recognition.objects.filter(application__isnull=True).values_list("basis", flat=True):
        assert not any(basis.startswith(title) for title in rounds), basis  # not credited to a round it did not pass
    # The round on notice reads as it happened (QA walk: closed "early" on the seeding day, after its shown deadline;
    # every application, check and score stamped at seeding): applications in its window, closed before its deadline.
    on_notice = RecognitionRound.objects.get(status=RoundStatus.NOTICE)
    closed = timezone.localtime(on_notice.events.get(transition="CLOSE").at).date()
    assert on_notice.opens_on < closed <= on_notice.closes_on and closed < on_notice.notice_start
    for application in on_notice.applications.all():
        assert on_notice.opens_on <= timezone.localtime(application.submitted_at).date() < closed
        for score in application.scores.all():
            assert closed <= timezone.localtime(score.scored_at).date() <= on_notice.notice_start


def test_closing_a_round_before_its_deadline_needs_a_reason_shown_on_the_page(office, round, talent, tiers, client):
    _apply(office, round, talent, tiers["C"])
    with pytest.raises(ValidationError) as err:
        services.round_transition(round=round, name="CLOSE", actor=office)
    assert "提前截止须写明原因" in err.value.message_dict["reason"][0]
    client.force_login(office)
    assert 'data-testid="close-reason"' in client.get(reverse("talent_round", args=[round.pk])).content.decode()
    bad = client.post(reverse("talent_round_act", args=[round.pk]), {"name": "CLOSE"})
    assert bad.status_code == 400 and "提前截止须写明原因" in bad.content.decode()
    client.post(reverse("talent_round_act", args=[round.pk]), {"name": "CLOSE", "reason": "申报人数已满足评审需要"})
    round.refresh_from_db()
    assert round.status == RoundStatus.REVIEW
    page = client.get(reverse("talent_round", args=[round.pk])).content.decode()
    assert "提前于" in page and "申报人数已满足评审需要" in page
