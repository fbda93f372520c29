"""Publishing, matching and push; profile updates; applications from confirmation to payment."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import AppStatus, MatchResult, Policy, ProfileFact
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.enterprises.tests.factories import QualificationFactory


@pytest.fixture
def hrss(db):
    return department("hrss", "人力资源和社会保障局")


@pytest.fixture
def finance(db):
    return department("finance", "财政局")


@pytest.fixture
def hrss_officer(hrss):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss)


@pytest.fixture
def finance_officer(finance):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=finance)


def make_policy(issuer, *, code="p10", mode="auto", rule="ui_months >= 12 and layoff_rate <= 0.055",
                formula="ui_paid * 0.60", cap=None):
    return Policy.objects.create(code=code, title="失业保险稳岗返还", issuer=issuer, kind="subsidy", mode=mode, rule=rule,
                                 formula=formula, amount_cap=cap, effective_from=dt.date(2024, 1, 1))


def facts(enterprise, **values):
    for field, value in values.items():
        ProfileFact.objects.create(enterprise=enterprise, field=field, number=D(str(value)))


def publish(policy, actor, capture):
    with capture(execute=True):
        services.policy_publish(policy=policy, actor=actor)


def test_publish_matches_and_pushes(own_enterprise, other_enterprise, enterprise_user, hrss, admin_user,
                                    django_capture_on_commit_callbacks):
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20)
    facts(other_enterprise, ui_months=6, layoff_rate="0.01", ui_paid=20)
    policy = make_policy(hrss)
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    match = MatchResult.objects.get(policy=policy)
    assert match.enterprise == own_enterprise and match.verdict == "eligible" and match.estimate == D(12)
    assert match.told_at is not None
    note = Notification.objects.get(user=enterprise_user, kind="POLICY_MATCH")
    assert f"{own_enterprise.name}可能符合“失业保险稳岗返还”" in note.message and "12.00万元" in note.message


def test_profile_update_rematches_and_missing_data_is_partial(own_enterprise, enterprise_user, hrss, admin_user,
                                                               django_capture_on_commit_callbacks):
    policy = make_policy(hrss)
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    services.profile_update(enterprise=own_enterprise, values={"ui_months": 24}, actor=enterprise_user)
    match = MatchResult.objects.get(policy=policy, enterprise=own_enterprise)
    assert match.verdict == "partial" and match.missing == ["上年裁员率"]
    services.profile_update(enterprise=own_enterprise, values={"layoff_rate": D("0.06")}, actor=enterprise_user)
    assert not MatchResult.objects.filter(policy=policy, enterprise=own_enterprise).exists()
    with pytest.raises(ValidationError):
        services.profile_update(enterprise=own_enterprise, values={"rd_ratio": 1}, actor=enterprise_user)  # derived


def test_bad_rule_is_refused_when_saved(hrss, admin_client):
    response = admin_client.post("/policies/new/", {
        "code": "x1", "title": "测试", "issuer": hrss.pk, "level": "zone", "kind": "subsidy", "mode": "apply",
        "rule": "revenu >= 100", "effective_from": "2026-01-01"})
    assert response.status_code == 200 and "未知字段“revenu”" in response.content.decode()
    assert not Policy.objects.filter(code="x1").exists()


@pytest.mark.parametrize("rule", [" + ".join(["revenue"] * 5000) + " > 1", " and ".join(["revenue > 1"] * 20000)],
                         ids=["5000 added terms", "20000 anded conditions"])
def test_a_rule_past_the_bounds_is_refused_beside_the_field_at_once(hrss, admin_client, rule):
    import time

    started = time.perf_counter()
    response = admin_client.post("/policies/new/", {
        "code": "x2", "title": "测试", "issuer": hrss.pk, "level": "zone", "kind": "subsidy", "mode": "apply",
        "rule": rule, "effective_from": "2026-01-01"})
    assert time.perf_counter() - started < 10
    assert response.status_code == 200
    assert response.context["form"].errors["rule"] == [
        f"适用条件有误：条件过长（{len(rule)}个字符，最多2000个），请精简或拆分为多条政策"]
    assert not Policy.objects.filter(code="x2").exists()


def test_auto_policy_confirm_verify_pay(own_enterprise, enterprise_user, hrss, hrss_officer, finance_officer,
                                        admin_user, django_capture_on_commit_callbacks):
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20)
    policy = make_policy(hrss)
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    app = services.application_create(policy=policy, enterprise=own_enterprise, actor=enterprise_user,
                                      bank_account="中国银行湘潭分行 6217 0000 1111 0001")
    assert app.status == AppStatus.CONFIRMED and app.amount_requested == D(12) and app.profile_snapshot["ui_paid"]
    with pytest.raises(ValidationError):
        services.application_create(policy=policy, enterprise=own_enterprise, actor=enterprise_user,
                                    bank_account="湘潭银行 6222 0012 3456 7890")
    with pytest.raises(PermissionDenied):
        services.application_transition(application=app, name="PAY", actor=hrss_officer, payment_ref="x")
    app = services.application_transition(application=app, name="VERIFY", actor=hrss_officer)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        services.application_transition(application=app, name="PAY", actor=finance_officer)  # no reference
    app = services.application_transition(application=app, name="PAY", actor=finance_officer, payment_ref="ZF2026-001")
    assert app.status == AppStatus.PAID and app.amount_paid == D(12) and AuditEvent.objects.count() == before + 1


def test_apply_policy_review_publicity_payment(own_enterprise, enterprise_user, hrss, hrss_officer, finance_officer,
                                               admin_user, monkeypatch, django_capture_on_commit_callbacks):
    facts(own_enterprise, eligible_new_hires=3)
    policy = make_policy(hrss, code="p11", mode="apply", rule="eligible_new_hires >= 1",
                         formula="eligible_new_hires * 0.15")
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    app = services.application_create(policy=policy, enterprise=own_enterprise, actor=enterprise_user,
                                      bank_account="工商银行 6222 0000 3333 0002")
    app = services.application_transition(application=app, name="RETURN", actor=hrss_officer, reason="请补充劳动合同")
    app = services.application_transition(application=app, name="RESUBMIT", actor=enterprise_user)
    app = services.application_transition(application=app, name="ACCEPT", actor=hrss_officer)
    with pytest.raises(ValidationError, match="上限"):
        Policy.objects.filter(pk=policy.pk).update(amount_cap=D("0.3"))
        services.application_transition(application=app, name="APPROVE", actor=hrss_officer, amount=D("0.45"))
    app = services.application_transition(application=app, name="APPROVE", actor=hrss_officer, amount=D("0.3"))
    assert app.status == AppStatus.PUBLICITY and app.notice_end > dt.date.today()
    with pytest.raises(ValidationError, match="公示期"):
        services.application_transition(application=app, name="CLOSE_PUBLICITY", actor=hrss_officer)
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: app.notice_end + dt.timedelta(days=1))
    app = services.application_transition(application=app, name="CLOSE_PUBLICITY", actor=hrss_officer)
    app = services.application_transition(application=app, name="PAY", actor=finance_officer, payment_ref="ZF-9")
    app = services.application_transition(application=app, name="ARCHIVE", actor=hrss_officer)
    assert app.status == AppStatus.ARCHIVED and [e.transition for e in app.events.all()] == [
        "SUBMIT", "RETURN", "RESUBMIT", "ACCEPT", "APPROVE", "CLOSE_PUBLICITY", "PAY", "ARCHIVE"]


def test_scoping_of_pages(enterprise_client, other_enterprise, own_enterprise, enterprise_user, hrss, hrss_officer,
                          admin_user, client, django_capture_on_commit_callbacks):
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20)
    policy = make_policy(hrss)
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    html = enterprise_client.get("/policies/mine/").content.decode()
    assert "失业保险稳岗返还" in html and "12.00" in html
    assert enterprise_client.get(f"/policies/profile/{other_enterprise.pk}/").status_code == 404
    assert enterprise_client.get(f"/policies/profile/{own_enterprise.pk}/").status_code == 200
    app = services.application_create(policy=policy, enterprise=own_enterprise, actor=enterprise_user,
                                    bank_account="湘潭银行 6222 0012 3456 7890")
    other_officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"))
    from django.test import Client

    c = Client()
    c.force_login(other_officer)
    assert c.get(f"/policies/applications/{app.number}/").status_code == 404
    assert client.get("/policies/").status_code == 302


def test_statistics_page(admin_client, own_enterprise, hrss, admin_user, django_capture_on_commit_callbacks):
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20)
    publish(make_policy(hrss), admin_user, django_capture_on_commit_callbacks)
    html = admin_client.get("/policies/statistics/").content.decode()
    assert "失业保险稳岗返还" in html and "人力资源和社会保障局" in html


def test_hnte_qualification_feeds_has(own_enterprise, hrss, admin_user, django_capture_on_commit_callbacks):
    QualificationFactory(enterprise=own_enterprise, valid_to=dt.date(2099, 1, 1))
    policy = make_policy(hrss, code="p3", rule="has('高新技术企业')", formula="")
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    assert MatchResult.objects.get(policy=policy).enterprise == own_enterprise


def test_api(enterprise_client, clerk_client, own_enterprise, hrss, admin_user, client, django_capture_on_commit_callbacks):
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20)
    publish(make_policy(hrss), admin_user, django_capture_on_commit_callbacks)
    assert client.get("/api/v1/policies/").status_code == 401
    assert enterprise_client.get("/api/v1/policies/").json()["count"] == 1
    mine = enterprise_client.get("/api/v1/policy-matches/").json()["results"]
    assert mine[0]["verdict"] == "eligible" and mine[0]["estimate"] == "12.0000"
    created = enterprise_client.post("/api/v1/benefit-applications/", {
        "policy": "p10", "enterprise_uscc": own_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "confirmed"
    assert enterprise_client.get("/api/v1/policies/p10/matches/").status_code == 403
    assert clerk_client.get("/api/v1/policies/p10/matches/").status_code == 403  # the policy's department only
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss)
    client.force_login(officer)
    assert client.get("/api/v1/policies/p10/matches/").json()["count"] == 1
    assert "/api/v1/benefit-applications/" in clerk_client.get("/api/schema/").content.decode()


def test_registry_import_rematches(own_enterprise, hrss, admin_user, django_capture_on_commit_callbacks):
    from gaoxin.enterprises.registry import ParsedRegistry
    from gaoxin.enterprises.services import registry_import

    policy = make_policy(hrss, code="p3", rule="has('高新技术企业')", formula="")
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    assert not MatchResult.objects.filter(policy=policy).exists()
    parsed = ParsedRegistry(
        enterprises=[{"uscc": own_enterprise.uscc, "name": own_enterprise.name, "legal_representative": "张三",
                      "industry_id": "38", "industry_code": "", "size_group": "ABOVE", "registered_on": None,
                      "registered_capital": None, "address": "", "park_area_name": "", "status": "operating"}],
        qualifications=[{"uscc": own_enterprise.uscc, "kind": "hnte", "level": "", "cert_no": "GR1",
                         "valid_from": dt.date(2025, 1, 1), "valid_to": dt.date(2099, 1, 1)}],
    )
    with django_capture_on_commit_callbacks(execute=True):
        registry_import(parsed=parsed, actor=admin_user)
    assert MatchResult.objects.get(policy=policy).enterprise == own_enterprise


def test_list_pages_have_constant_queries(enterprise_client, admin_client, own_enterprise, enterprise_user, hrss,
                                          admin_user, django_assert_max_num_queries, django_capture_on_commit_callbacks):
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20, eligible_new_hires=2)

    def load(n):
        for _ in range(n):
            policy = make_policy(hrss, code=f"q{Policy.objects.count()}", rule="ui_months >= 12")
            publish(policy, admin_user, django_capture_on_commit_callbacks)
            services.application_create(policy=policy, enterprise=own_enterprise, actor=enterprise_user,
                                        bank_account="湘潭银行 6222 0012 3456 7890")
        for client, url, budget in ((admin_client, "/policies/", 9), (enterprise_client, "/policies/mine/", 10),
                                    (admin_client, "/policies/applications/", 9), (admin_client, "/policies/statistics/", 10)):
            with django_assert_max_num_queries(budget):
                assert client.get(url).status_code == 200, url

    load(2)
    load(15)


def test_an_eligible_firm_sees_no_pass_rate_beside_its_badge(enterprise_client, own_enterprise, hrss, admin_user,
                                                             django_capture_on_commit_callbacks):
    """Issue 14 §5: "符合" sat beside "自测通过率 60%" for a firm meeting an OR rule through one branch."""
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20)
    publish(make_policy(hrss, rule="ui_months >= 12 or layoff_rate <= 0.001 or ui_paid >= 1000"), admin_user,
            django_capture_on_commit_callbacks)
    assert MatchResult.objects.get(enterprise=own_enterprise).pass_ratio < 1
    html = enterprise_client.get("/policies/p10/").content.decode()
    assert "符合" in html and 'data-testid="pass-ratio"' not in html and "满足以下任一条件" in html


def test_a_negative_cap_is_refused_beside_its_field(hrss, admin_client):
    """Red-team walk of issue 15: amount_cap = -1 was saved."""
    response = admin_client.post("/policies/new/", {
        "code": "x2", "title": "测试", "issuer": hrss.pk, "level": "zone", "kind": "subsidy", "mode": "apply",
        "rule": "revenue >= 100", "amount_cap": "-1", "effective_from": "2026-01-01"})
    assert response.status_code == 200 and "最高金额应大于0" in response.content.decode()
    assert not Policy.objects.filter(code="x2").exists()
