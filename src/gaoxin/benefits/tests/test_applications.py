"""Benefit applications on the kernel: the table walked both ways and compared with benefits.md §3, who is
told of what, the page's forms (errors beside the field, nothing written), the API's one verb, numbering."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import ApplicationEvent, AppStatus, BenefitApplication, Policy, PolicyStatus
from gaoxin.benefits.workflow import POLICY_WORKFLOW, WORKFLOW
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.testing import test_day
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs

from .test_flow import facts, make_policy, publish

A = AppStatus
TODAY = test_day()


@pytest.fixture
def hrss(db):
    return department("hrss", "人力资源和社会保障局")


@pytest.fixture
def finance(db):
    return department("finance", "财政局")


@pytest.fixture
def hrss_officer(hrss):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss, full_name="人社 王芳")


@pytest.fixture
def finance_officer(finance):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=finance, full_name="财政 李强")


@pytest.fixture
def apply_policy(hrss, admin_user, own_enterprise, django_capture_on_commit_callbacks):
    """一次性扩岗补助 (申报审核), published and matched: the firm qualifies with 3 new hires."""
    facts(own_enterprise, eligible_new_hires=3)
    policy = make_policy(hrss, code="p11", mode="apply", rule="eligible_new_hires >= 1",
                         formula="eligible_new_hires * 0.15")
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    policy.refresh_from_db()
    return policy


@pytest.fixture
def application(apply_policy, own_enterprise, enterprise_user):
    return services.application_create(policy=apply_policy, enterprise=own_enterprise, actor=enterprise_user,
                                       bank_account="工商银行 6222 0000 3333 0002")


# --- the table and the spec ------------------------------------------------------------------------

# benefits.md §3, written out by hand from the spec (not from the table), so the table cannot drift from
# the spec unnoticed. 免申即享: CONFIRMED (意愿确认 with the account) → 数据比对 → APPROVED → 拨付 (FULFILLED) →
# ARCHIVED; 申报类: SUBMITTED → ACCEPTED | RETURNED_FOR_SUPPLEMENT | REJECTED → review (DEPT_REVIEW and the optional
# expert, audit, site and joint reviews are steps within ACCEPTED) → PUBLICITY → [OBJECTION] → APPROVED (the
# 用款计划 is within APPROVED) → PAID → ARCHIVED. Side exits: WITHDRAWN (DECLINED at CONFIRMED is a withdrawal).
SPEC = {
    A.CONFIRMED: {"VERIFY", "WITHDRAW"},
    A.SUBMITTED: {"ACCEPT", "RETURN", "REJECT", "WITHDRAW"},
    A.RETURNED: {"RESUBMIT", "WITHDRAW"},
    A.REJECTED: set(),
    A.ACCEPTED: {"APPROVE", "REFUSE"},
    A.REFUSED: set(),
    A.PUBLICITY: {"CLOSE_PUBLICITY", "OBJECTION_UPHELD"},
    A.APPROVED: {"PAY"},
    A.PAID: {"ARCHIVE"},
    A.ARCHIVED: set(),
    A.WITHDRAWN: set(),
}
SPEC_TARGETS = {
    "RESUBMIT": A.SUBMITTED, "WITHDRAW": A.WITHDRAWN, "ACCEPT": A.ACCEPTED, "RETURN": A.RETURNED,
    "REJECT": A.REJECTED, "APPROVE": None,  # 公示 for 申报审核 awards, straight to 待拨付 for 快申快享
    "REFUSE": A.REFUSED, "VERIFY": A.APPROVED, "CLOSE_PUBLICITY": A.APPROVED, "OBJECTION_UPHELD": A.ACCEPTED,
    "PAY": A.PAID, "ARCHIVE": A.ARCHIVED,
}
# The firm confirms, resubmits and withdraws; the policy's department handles; finance pays.
SPEC_ROLES = {"RESUBMIT": {"applicant"}, "WITHDRAW": {"applicant"}, "PAY": {"finance"}}


def test_the_table_is_the_specs_state_machine():
    assert available_from(WORKFLOW, A.values) == SPEC
    assert {t.name: t.target for t in WORKFLOW.transitions} == SPEC_TARGETS
    assert {t.name: set(t.roles) for t in WORKFLOW.transitions} == \
        {name: SPEC_ROLES.get(name, {"officer"}) for name in SPEC_TARGETS}


@pytest.mark.parametrize("name,status", pairs(WORKFLOW, A.values))
def test_application_transition_table(name, status, application, enterprise_user, hrss_officer, finance_officer):
    BenefitApplication.objects.filter(pk=application.pk).update(status=status)
    application.refresh_from_db()
    token = sorted(WORKFLOW[name].roles)[0]
    actor = {"applicant": enterprise_user, "officer": hrss_officer, "finance": finance_officer}[token]
    result = check_pair(WORKFLOW, application, name, actor=actor, history=lambda: ApplicationEvent.objects.count(),
                        amount=D("0.3"), payment_ref="ZF-1")
    if name == "APPROVE" and status == A.ACCEPTED:
        assert result.status == A.PUBLICITY and result.notice_end > TODAY  # a 申报审核 award goes on notice


@pytest.mark.parametrize("name", [t.name for t in WORKFLOW.transitions])
def test_roles_outside_the_table_are_refused(name, application, enterprise_user, hrss_officer, finance_officer,
                                             leader_user, clerk_user, other_enterprise):
    BenefitApplication.objects.filter(pk=application.pk).update(status=sorted(WORKFLOW[name].sources)[0])
    application.refresh_from_db()
    stranger = UserFactory(role=Role.ENTERPRISE)
    stranger.enterprise_memberships.create(enterprise=other_enterprise)
    check_roles_refused(WORKFLOW, application, name, {
        "applicant": enterprise_user, "officer": hrss_officer, "finance": finance_officer, "leader": leader_user,
        "clerk": clerk_user, "other firm": stranger,
        "other department": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局")),
    })


def test_a_fast_award_is_approved_for_payment_without_notice(apply_policy, own_enterprise, enterprise_user,
                                                             hrss_officer):
    Policy.objects.filter(pk=apply_policy.pk).update(mode="fast")
    app = services.application_create(policy=apply_policy, enterprise=own_enterprise, actor=enterprise_user,
                                      bank_account="湘潭银行 6222 0012 3456 7890")
    app = services.application_transition(application=app, name="ACCEPT", actor=hrss_officer)
    assert app.payment_due is not None  # 快申快享: paid within 60 working days of acceptance
    app = services.application_transition(application=app, name="APPROVE", actor=hrss_officer)
    assert app.status == A.APPROVED and app.amount_approved == D("0.45") and app.notice_end is None


def test_publishing_a_policy_is_a_transition_of_its_own_table(hrss, hrss_officer, admin_user):
    assert available_from(POLICY_WORKFLOW, PolicyStatus.values) == {
        PolicyStatus.DRAFT: {"PUBLISH"}, PolicyStatus.EXPIRED: {"PUBLISH"}, PolicyStatus.PUBLISHED: set()}
    policy = make_policy(hrss)
    other = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"))
    with pytest.raises(PermissionDenied):
        services.policy_publish(policy=policy, actor=other)
    published = check_pair(POLICY_WORKFLOW, policy, "PUBLISH", actor=hrss_officer,
                           history=lambda: AuditEvent.objects.filter(event_type="benefits.policy.publish").count())
    assert published.published_at is not None
    check_pair(POLICY_WORKFLOW, published, "PUBLISH", actor=admin_user, history=lambda: 0)  # refused, writes nothing
    expired = make_policy(hrss, code="old")
    Policy.objects.filter(pk=expired.pk).update(effective_to=TODAY - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="已过有效期"):
        services.policy_publish(policy=expired, actor=admin_user)


# --- numbers -----------------------------------------------------------------------------------------

def test_application_numbers_keep_their_format_and_never_repeat(application, apply_policy, other_enterprise):
    user = UserFactory(role=Role.ENTERPRISE)
    user.enterprise_memberships.create(enterprise=other_enterprise)
    second = services.application_create(policy=apply_policy, enterprise=other_enterprise, actor=user,
                                         bank_account="湘潭银行 6222 0012 3456 7890", amount=D("0.15"))
    day = timezone.localdate()
    assert application.number == f"HQ{day:%Y%m%d}00001" and second.number == f"HQ{day:%Y%m%d}00002"
    # A withdrawn application leaves its number behind; the next one does not take it again.
    services.application_transition(application=second, name="WITHDRAW", actor=user, reason="暂不申请")
    third = services.application_create(policy=apply_policy, enterprise=other_enterprise, actor=user,
                                        bank_account="湘潭银行 6222 0012 3456 7890", amount=D("0.15"))
    assert third.number == f"HQ{day:%Y%m%d}00003"


# --- who is told -------------------------------------------------------------------------------------

def _inbox(user, kind=None):
    qs = Notification.objects.filter(user=user)
    return qs.filter(kind=kind) if kind else qs


def test_everyone_is_told_of_the_work_that_arrives(apply_policy, own_enterprise, enterprise_user, hrss_officer,
                                                  finance_officer, django_capture_on_commit_callbacks):
    """Submitted → the policy's department; returned, decided, paid → the firm (by SMS too); approved for
    payment → finance. Every message links to the application and shows no internal code."""
    from gaoxin.core.notify import MemoryBackend

    MemoryBackend.outbox.clear()
    enterprise_user.phone = "13800000011"
    enterprise_user.save()
    capture = django_capture_on_commit_callbacks
    with capture(execute=True):
        app = services.application_create(policy=apply_policy, enterprise=own_enterprise, actor=enterprise_user,
                                          bank_account="湘潭银行 6222 0012 3456 7890")
    url = f"/policies/applications/{app.number}/"
    note = _inbox(hrss_officer, "BENEFIT_APPLICATION").get()
    assert note.url == url and "已提交，请受理" in note.message and app.number in note.message
    assert not _inbox(enterprise_user).exists()  # not told of what it did itself
    with capture(execute=True):
        app = services.application_transition(application=app, name="RETURN", actor=hrss_officer,
                                              reason="请补充劳动合同")
    returned = _inbox(enterprise_user, "BENEFIT_STEP").get()
    assert "退回补充" in returned.message and "请补充劳动合同" in returned.message and returned.url == url
    assert returned.delivered and MemoryBackend.outbox[-1][0] == "13800000011"
    with capture(execute=True):
        app = services.application_transition(application=app, name="RESUBMIT", actor=enterprise_user)
    assert "重新提交" in _inbox(hrss_officer, "BENEFIT_APPLICATION").first().message
    with capture(execute=True):
        app = services.application_transition(application=app, name="ACCEPT", actor=hrss_officer)
        app = services.application_transition(application=app, name="APPROVE", actor=hrss_officer)
    assert "公示至" in _inbox(enterprise_user, "BENEFIT_STEP").first().message
    assert not _inbox(finance_officer).exists()  # on notice: not yet finance's work
    BenefitApplication.objects.filter(pk=app.pk).update(notice_end=TODAY - dt.timedelta(days=1))
    app.refresh_from_db()
    with capture(execute=True):
        app = services.application_transition(application=app, name="CLOSE_PUBLICITY", actor=hrss_officer)
    to_pay = _inbox(finance_officer, "BENEFIT_TO_PAY").get()
    assert "请拨付" in to_pay.message and "0.45万元" in to_pay.message and to_pay.url == url
    with capture(execute=True):
        services.application_transition(application=app, name="PAY", actor=finance_officer, payment_ref="ZF-9")
    paid = _inbox(enterprise_user, "BENEFIT_STEP").first()
    assert "已拨付0.45万元" in paid.message and "ZF-9" in paid.message
    for n in Notification.objects.all():
        assert n.url and not any(code in n.message for code in ("PAY", "APPROVE", "RETURN", "submitted", "None"))


def test_a_confirmed_auto_application_goes_to_the_department_and_then_to_finance(
        own_enterprise, enterprise_user, hrss, hrss_officer, finance_officer, admin_user,
        django_capture_on_commit_callbacks):
    facts(own_enterprise, ui_months=24, layoff_rate="0.01", ui_paid=20)
    policy = make_policy(hrss)
    publish(policy, admin_user, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        app = services.application_create(policy=policy, enterprise=own_enterprise, actor=enterprise_user,
                                          bank_account="湘潭银行 6222 0012 3456 7890")
        services.application_transition(application=app, name="VERIFY", actor=hrss_officer)
    assert "数据比对" in _inbox(hrss_officer, "BENEFIT_APPLICATION").get().message
    assert _inbox(finance_officer, "BENEFIT_TO_PAY").exists()


# --- pages: forms, errors beside the field, nothing written ------------------------------------------

def test_applying_on_the_page_keeps_the_input_and_names_the_field(apply_policy, own_enterprise, enterprise_client):
    url = f"/policies/{apply_policy.code}/apply/"
    response = enterprise_client.post(url, {"enterprise_uscc": own_enterprise.uscc, "bank_account": "",
                                            "amount": "abc"})
    html = response.content.decode()
    assert response.status_code == 400 and not BenefitApplication.objects.exists()
    assert "请填写收款账户" in html and "请填写正确的金额" in html and "is-invalid" in html
    assert 'value="abc"' in html
    response = enterprise_client.post(url, {"enterprise_uscc": own_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890",
                                            "amount": "0.3"})
    app = BenefitApplication.objects.get()
    assert response.status_code == 302 and app.amount_requested == D("0.3") and app.status == A.SUBMITTED


def test_a_second_application_is_refused_above_the_form(application, apply_policy, own_enterprise,
                                                        enterprise_client):
    response = enterprise_client.post(f"/policies/{apply_policy.code}/apply/",
                                      {"enterprise_uscc": own_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890"})
    assert response.status_code == 400 and "本企业已申请该政策，请勿重复申请" in response.content.decode()
    api = enterprise_client.post("/api/v1/benefit-applications/", {
        "policy": apply_policy.code, "enterprise_uscc": own_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890"},
        content_type="application/json")
    assert api.status_code == 409 and api.json() == {"detail": ["本企业已申请该政策，请勿重复申请"]}
    assert BenefitApplication.objects.count() == 1


def test_applying_for_another_firm_is_refused(apply_policy, other_enterprise, enterprise_client, clerk_client):
    response = enterprise_client.post(f"/policies/{apply_policy.code}/apply/",
                                      {"enterprise_uscc": other_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890"})
    assert response.status_code == 400 and "请选择本企业" in response.content.decode()
    assert clerk_client.post(f"/policies/{apply_policy.code}/apply/", {"bank_account": "湘潭银行 6222 0012 3456 7890"}).status_code == 403
    assert not BenefitApplication.objects.exists()


def test_an_action_error_sits_beside_its_field_and_writes_nothing(application, hrss_officer, capped):
    from django.test import Client

    c = Client()
    c.force_login(hrss_officer)
    c.post(f"/policies/applications/{application.number}/act/", {"name": "ACCEPT"})
    application.refresh_from_db()
    assert application.status == A.ACCEPTED
    events = ApplicationEvent.objects.count()
    response = c.post(f"/policies/applications/{application.number}/act/", {"name": "APPROVE", "amount": "9"})
    html = response.content.decode()
    assert response.status_code == 400 and "is-invalid" in html
    field = html[html.index('id="id_approve_amount"'):]
    assert field.index("核定金额不能超过政策上限") < field.index("</form>") and 'value="9"' in html
    response = c.post(f"/policies/applications/{application.number}/act/", {"name": "REFUSE", "reason": ""})
    assert response.status_code == 400 and "需要填写原因或说明" in response.content.decode()
    application.refresh_from_db()
    assert application.status == A.ACCEPTED and ApplicationEvent.objects.count() == events


@pytest.fixture
def capped(apply_policy):
    Policy.objects.filter(pk=apply_policy.pk).update(amount_cap=D("0.5"))


def test_the_detail_page_shows_labels_not_codes(application, enterprise_client, hrss_officer):
    html = enterprise_client.get(f"/policies/applications/{application.number}/").content.decode()
    assert "符合条件的新招用高校毕业生人数" in html and "eligible_new_hires" not in html
    assert "提交申请" in html and "SUBMIT" not in html


def test_profile_errors_sit_beside_the_field_and_nothing_is_written(own_enterprise, enterprise_client):
    from gaoxin.benefits.models import ProfileFact

    url = f"/policies/profile/{own_enterprise.pk}/"
    response = enterprise_client.post(url, {"revenue": "一千", "employees": "1,200", "resident": "yes"})
    html = response.content.decode()
    assert response.status_code == 200 and "请填写数字" in html and 'value="一千"' in html
    assert 'value="1,200"' in html and not ProfileFact.objects.exists()
    response = enterprise_client.post(url, {"revenue": "3,000", "employees": "1200", "resident": "yes"})
    assert response.status_code == 302
    saved = {f.field: f for f in ProfileFact.objects.all()}
    assert saved["revenue"].number == D(3000) and saved["employees"].number == D(1200) and saved["resident"].flag
    assert saved["revenue"].source == "企业填报"
    html = enterprise_client.get(url).content.decode()
    assert 'value="3000"' in html and "E+" not in html


def test_publish_refused_is_shown_at_the_button(hrss, admin_client):
    policy = make_policy(hrss)
    Policy.objects.filter(pk=policy.pk).update(effective_to=TODAY - dt.timedelta(days=1))
    response = admin_client.post(f"/policies/{policy.code}/publish/")
    assert response.status_code == 400 and "政策已过有效期，不能发布" in response.content.decode()
    policy.refresh_from_db()
    assert policy.status == PolicyStatus.DRAFT


def test_officers_edit_only_their_departments_policies(hrss, hrss_officer):
    from django.test import Client

    tax = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"))
    policy = make_policy(hrss)
    c = Client()
    c.force_login(tax)
    assert c.get(f"/policies/{policy.code}/edit/").status_code == 403
    assert c.post(f"/policies/{policy.code}/publish/").status_code == 403
    html = c.get(f"/policies/{policy.code}/").content.decode()
    assert "发布并匹配企业" not in html
    mine = Client()
    mine.force_login(hrss_officer)
    assert "发布并匹配企业" in mine.get(f"/policies/{policy.code}/").content.decode()


def test_no_officer_takes_a_policy_to_another_department(hrss, hrss_officer, admin_user):
    """Issue 15 §1: POST /policies/p11/edit/ as 市场监管局 with the issuer set to itself took the policy over."""
    from django.test import Client

    market = department("market", "市场监督管理局")
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=market)
    policy = make_policy(hrss)
    form = {"code": policy.code, "title": "稳岗返还（改）", "level": "zone", "kind": "subsidy", "mode": "auto",
            "rule": policy.rule, "formula": policy.formula, "effective_from": "2024-01-01"}
    c = Client()
    c.force_login(officer)  # another department, with the issuer set to itself
    assert c.post(f"/policies/{policy.code}/edit/", form | {"issuer": market.pk}).status_code == 403
    c.force_login(hrss_officer)  # the owner may not hand it over either: the field offers its own department only
    handed = c.post(f"/policies/{policy.code}/edit/", form | {"issuer": market.pk})
    assert handed.status_code == 200 and 'value="稳岗返还（改）"' in handed.content.decode()
    policy.refresh_from_db()
    assert (policy.issuer, policy.title) == (hrss, "失业保险稳岗返还")
    copy = Policy.objects.get(pk=policy.pk)  # the service judges the stored policy, not the edited copy
    copy.issuer = market
    for actor in (officer, hrss_officer):
        with pytest.raises(PermissionDenied):
            services.policy_save(policy=copy, actor=actor)
    assert Policy.objects.get(pk=policy.pk).issuer == hrss
    services.policy_save(policy=copy, actor=admin_user)  # the administrator reassigns, and it is recorded
    event = AuditEvent.objects.filter(event_type="benefits.policy_saved").latest("pk")
    assert (event.before, event.after) == ({"issuer_id": hrss.pk}, {"issuer_id": market.pk, "created": False})


# --- the API's one verb ------------------------------------------------------------------------------

def test_the_api_uses_the_transition_verb_and_the_pages_form(application, hrss_officer, enterprise_client):
    from django.test import Client

    c = Client()
    c.force_login(hrss_officer)
    url = f"/api/v1/benefit-applications/{application.number}/transition/"
    assert c.post(url, {"name": "RETURN"}, content_type="application/json").status_code == 400
    accepted = c.post(url, {"name": "ACCEPT"}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    refused = c.post(url, {"name": "APPROVE", "amount": "abc"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["amount"] == ["请填写正确的金额"]
    assert enterprise_client.post(url, {"name": "APPROVE"}, content_type="application/json").status_code == 403
    assert c.post(url, {"name": "NOPE"}, content_type="application/json").status_code == 400
    assert c.post(f"/api/v1/benefit-applications/{application.number}/act/", {"name": "APPROVE"},
                  content_type="application/json").status_code == 404  # the old verb is gone


def test_the_api_applies_with_the_pages_form(apply_policy, own_enterprise, other_enterprise, enterprise_client):
    url = "/api/v1/benefit-applications/"
    refused = enterprise_client.post(url, {"policy": "p11", "enterprise_uscc": own_enterprise.uscc,
                                           "bank_account": ""}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["bank_account"] == ["请填写收款账户"]
    other = enterprise_client.post(url, {"policy": "p11", "enterprise_uscc": other_enterprise.uscc,
                                         "bank_account": "湘潭银行 6222 0012 3456 7890"}, content_type="application/json")
    assert other.status_code == 400 and "enterprise_uscc" in other.json()
    assert not BenefitApplication.objects.exists()
    created = enterprise_client.post(url, {"policy": "p11", "enterprise_uscc": own_enterprise.uscc.lower(),
                                           "bank_account": "湘潭银行 6222 0012 3456 7890"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["status"] == "submitted"


def test_the_upgrade_starts_todays_counter_after_the_applications_already_numbered(application, apply_policy,
                                                                                   other_enterprise):
    import importlib

    from django.apps import apps

    from gaoxin.core.models import DocumentCounter

    seed = importlib.import_module("gaoxin.benefits.migrations.0002_seed_application_counters").seed_counters
    day = timezone.localdate()
    BenefitApplication.objects.filter(pk=application.pk).update(number=f"HQ{day:%Y%m%d}00012")
    DocumentCounter.objects.all().delete()
    seed(apps, None)
    user = UserFactory(role=Role.ENTERPRISE)
    user.enterprise_memberships.create(enterprise=other_enterprise)
    again = services.application_create(policy=apply_policy, enterprise=other_enterprise, actor=user,
                                        bank_account="湘潭银行 6222 0012 3456 7890", amount=D("0.15"))
    assert again.number == f"HQ{day:%Y%m%d}00013"


def test_the_bank_account_is_whole_for_the_firm_finance_and_the_administrator(
        apply_policy, own_enterprise, enterprise_user, enterprise_client, hrss_officer, finance_officer, admin_client,
        leader_client):
    """Issue 15 §2: bank accounts were shown unmasked to the policy's department and leaders."""
    from django.test import Client

    from gaoxin.benefits import permissions

    app = services.application_create(policy=apply_policy, enterprise=own_enterprise, actor=enterprise_user,
                                      bank_account="湘潭银行 6222 0012 3456 7890")
    url = f"/policies/applications/{app.number}/"

    def account(client):
        return client.get(url).content.decode().split('data-testid="bank-account">')[1].split("<")[0]

    officer = Client()
    officer.force_login(hrss_officer)
    assert permissions.can_read_bank_account(finance_officer, app)  # finance pays (it sees approved ones)
    for client in (enterprise_client, admin_client):
        assert account(client) == "湘潭银行 6222 0012 3456 7890"
    for client in (officer, leader_client):
        assert account(client) == "湘潭银行 **** **** **** 7890"


def test_the_amount_is_checked_against_the_cap_and_the_estimate(apply_policy, own_enterprise, enterprise_client,
                                                                hrss_officer):
    """Issue 14 §7: refused above the policy's cap; above the estimate a warning to the firm, and the reviewer
    sees the estimate, its basis and the difference."""
    from django.test import Client

    url = f"/policies/{apply_policy.code}/apply/"
    Policy.objects.filter(pk=apply_policy.pk).update(amount_cap=D("0.5"))
    refused = enterprise_client.post(url, {"enterprise_uscc": own_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890",
                                           "amount": "0.6"})
    assert refused.status_code == 400 and "申请金额不能超过政策最高额度0.5万元" in refused.content.decode()
    api = enterprise_client.post("/api/v1/benefit-applications/", {
        "policy": apply_policy.code, "enterprise_uscc": own_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890", "amount": "0.6"},
        content_type="application/json")
    assert api.status_code == 400 and "amount" in api.json() and not BenefitApplication.objects.exists()

    page = enterprise_client.post(url, {"enterprise_uscc": own_enterprise.uscc, "bank_account": "湘潭银行 6222 0012 3456 7890",
                                        "amount": "0.5"}, follow=True).content.decode()
    assert "申请金额高于平台测算金额0.05万元" in page  # 3 new hires × 0.15 = 0.45
    app = BenefitApplication.objects.get()
    assert (app.estimate, app.above_estimate) == (D("0.45"), D("0.05"))
    reviewer = Client()
    reviewer.force_login(hrss_officer)
    detail = reviewer.get(f"/policies/applications/{app.number}/").content.decode()
    assert "0.45 万元（依据：" in detail and "申请金额比测算高 0.05 万元" in detail and "政策最高额度 0.50 万元" in detail
