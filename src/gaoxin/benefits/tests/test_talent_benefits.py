"""Talent benefits through the benefits engine (issue 19 item 7, benefits.md §6.2): person rules, claims through any
channel with 同一事项不重复享受, the workplace = social-insurance location check, caps, yearly instalments approved and
paid on the kernel, clawback when the person leaves within the service period, who sees what."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import (
    PersonFact,
    TalentClaim,
    TalentClawback,
    TalentInstalment,
)
from gaoxin.benefits.selectors import talent_eligibility
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.workflow import Conflict
from gaoxin.enterprises.tests.factories import EnterpriseFactory

from .talent_fixtures import finance_user, make_talent, office_user, seed_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def items():
    return seed_items()


@pytest.fixture
def office():
    return office_user()


@pytest.fixture
def finance():
    return finance_user()


def _claim(talent, item, actor, **kw):
    return services.talent_claim_create(talent=talent, item=item, actor=actor, bank_account="湘潭银行 6222001234567890",
                                        **kw)


# --- eligibility on person facts -----------------------------------------------------------------------------

def test_a_c_tier_talent_with_a_title_may_claim_the_housing_subsidy_at_the_tier_amount(items):
    talent = make_talent(tier="C", title="车城人才")
    check = talent_eligibility(talent, items["housing-purchase"])
    assert check.ok is True and check.amount == D(1500000) and "C类" in check.basis


def test_a_tier_outside_the_item_is_refused_with_the_tiers_it_takes(items):
    check = talent_eligibility(make_talent(tier="A"), items["housing-purchase"])
    assert check.ok is False and any("本事项适用B类、C类、D类、E类" in r for r in check.refused)


def test_workplace_must_be_the_social_insurance_location_where_the_item_requires_it(items):
    away = make_talent(n=2, work="湘潭高新区", insured="长沙市岳麓区")
    check = talent_eligibility(away, items["housing-purchase"])
    assert check.ok is False and "工作地（湘潭高新区）与社保缴纳地（长沙市岳麓区）不一致" in check.refused
    assert talent_eligibility(away, items["living"]).ok is True  # living allowance does not require it
    unknown = make_talent(n=3, work="", insured="")
    assert talent_eligibility(unknown, items["housing-purchase"]).ok is None  # 待完善, not refused


def test_a_person_without_a_valid_recognition_has_no_tier(items):
    lapsed = make_talent(n=4, recognised_on=timezone.localdate() - dt.timedelta(days=4 * 365))
    check = talent_eligibility(lapsed, items["housing-purchase"])
    assert check.ok is False and "未持有有效的人才认定（无人才层次）" in check.refused


@pytest.mark.parametrize("taxable,paid,expected", [
    (D(200), D(60), D(300000)),  # benefits.md §4 P13: taxable 200万, IIT 60万 → 30万 (元 in the ledger)
    (D(100), D(10), None),  # → 0: nothing to claim
])
def test_p13_iit_subsidy_on_person_facts(items, taxable, paid, expected):
    talent = make_talent(tier="B")
    PersonFact.objects.create(talent=talent, field="personal_taxable_income", number=taxable)
    PersonFact.objects.create(talent=talent, field="iit_paid", number=paid)
    check = talent_eligibility(talent, items["iit"])
    if expected is None:
        assert check.ok is False
    else:
        assert check.ok is True and check.amount == expected


def test_the_iit_subsidy_is_capped_and_the_rate_is_configurable(items, office):
    talent = make_talent(tier="B")
    PersonFact.objects.create(talent=talent, field="personal_taxable_income", number=D(1000))
    PersonFact.objects.create(talent=talent, field="iit_paid", number=D(400))
    assert talent_eligibility(talent, items["iit"]).amount == D(500000)  # 250万 capped at 50万
    services.talent_item_save(item=items["iit"], values={"rate": D("0.45"), "cap": None}, amounts={}, actor=office)
    items["iit"].refresh_from_db()
    assert talent_eligibility(talent, items["iit"]).ok is False  # 400 − 1000 × 0.45 < 0


def test_iit_without_the_tax_figures_waits_for_them(items):
    check = talent_eligibility(make_talent(tier="B"), items["iit"])
    assert check.ok is None and "上年已缴个人所得税" in check.missing


def test_office_records_person_facts_checked_by_type(office):
    talent = make_talent()
    with pytest.raises(ValidationError) as exc:
        services.person_facts_update(talent=talent, values={"iit_paid": "-1"}, actor=office)
    assert "不能为负数" in str(exc.value)
    assert services.person_facts_update(talent=talent, values={"iit_paid": "60"}, actor=office) == ["iit_paid"]
    assert AuditEvent.objects.filter(event_type="benefits.person_facts_updated").count() == 1
    with pytest.raises(PermissionDenied):
        services.person_facts_update(talent=talent, values={"iit_paid": "1"}, actor=UserFactory(role=Role.LEADER))


# --- claims, 同一事项不重复享受 ---------------------------------------------------------------------------------

def test_second_claim_of_the_same_item_through_another_channel_is_refused(items, office):
    firm = EnterpriseFactory()
    employer = UserFactory(role=Role.ENTERPRISE)
    employer.enterprise_memberships.create(enterprise=firm)
    person = UserFactory(role=Role.TALENT)
    talent = make_talent(employer=firm, user=person)
    first = _claim(talent, items["housing-purchase"], person)
    assert first.channel == "self" and first.number.startswith("RC") and first.amount == D(1500000)
    for actor in (office, employer, person):
        with pytest.raises(Conflict, match="同一事项不重复享受"):
            _claim(talent, items["housing-purchase"], actor)
    assert TalentClaim.objects.filter(talent=talent).count() == 1
    # Another item is another matter; a refused claim frees the item again.
    assert _claim(talent, items["living"], employer).channel == "enterprise"
    services.talent_claim_transition(claim=first, name="REFUSE", actor=office, reason="材料不全")
    assert _claim(talent, items["housing-purchase"], office).channel == "office"


def test_the_live_claim_constraint(items, office):
    talent = make_talent()
    first = _claim(talent, items["living"], office)
    second = TalentClaim(number="RC2099010100001", talent=talent, item=first.item, channel="office", amount=D(1),
                         bank_account="x", created_by=office)
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()


def test_an_ineligible_claim_is_refused_beside_the_item(items, office):
    talent = make_talent(tier="A")
    with pytest.raises(ValidationError) as exc:
        _claim(talent, items["housing-purchase"], office)
    assert "不符合申领条件" in exc.value.message_dict["item"][0]


def test_an_employer_claims_only_for_its_own_people(items):
    employer = UserFactory(role=Role.ENTERPRISE)
    employer.enterprise_memberships.create(enterprise=EnterpriseFactory())
    stranger = make_talent(employer=EnterpriseFactory())
    with pytest.raises(PermissionDenied):
        _claim(stranger, items["living"], employer)


# --- instalments on the kernel -----------------------------------------------------------------------------------

def test_instalment_schedule_is_yearly_and_adds_up(items, office):
    talent = make_talent(tier="C")
    claim = _claim(talent, items["housing-purchase"], office)
    services.talent_claim_transition(claim=claim, name="APPROVE", actor=office)
    rows = list(claim.instalments.order_by("seq"))
    today = timezone.localdate()
    assert [r.amount for r in rows] == [D(300000)] * 5 and sum(r.amount for r in rows) == claim.amount
    assert [r.due_on.year for r in rows] == [today.year + i for i in range(5)]


def test_instalment_approved_then_paid_each_one_audit_event_and_the_last_completes(
        items, office, finance, django_capture_on_commit_callbacks):
    talent = make_talent(tier="E", title="车城人才", education="bachelor")
    claim = _claim(talent, items["housing-rent"], office)
    services.talent_claim_transition(claim=claim, name="APPROVE", actor=office)
    first = claim.instalments.get(seq=1)
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.talent_instalment_transition(instalment=first, name="APPROVE", actor=office)
    assert AuditEvent.objects.count() == before + 1
    assert Notification.objects.filter(user=finance, kind="TALENT_TO_PAY").exists()
    with pytest.raises(ValidationError) as exc:
        services.talent_instalment_transition(instalment=first, name="PAY", actor=finance)
    assert "请填写拨付凭证号" in str(exc.value)
    services.talent_instalment_transition(instalment=first, name="PAY", actor=finance, payment_ref="ZF2026-1")
    assert AuditEvent.objects.count() == before + 2
    first.refresh_from_db()
    assert first.status == "paid" and first.paid_on == timezone.localdate()
    second = claim.instalments.get(seq=2)
    with pytest.raises(ValidationError, match="到期后才能审核"):  # next year's is not due yet
        services.talent_instalment_transition(instalment=second, name="APPROVE", actor=office)
    # The years go by: the remaining instalments approved and paid complete the claim.
    TalentInstalment.objects.filter(claim=claim).update(due_on=timezone.localdate())
    for inst in claim.instalments.filter(seq__gt=1).order_by("seq"):
        inst = services.talent_instalment_transition(instalment=inst, name="APPROVE", actor=office)
        services.talent_instalment_transition(instalment=inst, name="PAY", actor=finance, payment_ref=f"ZF-{inst.seq}")
    claim.refresh_from_db()
    assert claim.status == "completed"


# Every (workflow, transition) pair: allowed roles succeed from their source states, others are refused.
@pytest.mark.parametrize("name,who,ok", [
    ("APPROVE", "office", True), ("APPROVE", "finance", False), ("APPROVE", "claimant", False),
    ("REFUSE", "office", True), ("REFUSE", "claimant", False),
    ("WITHDRAW", "claimant", True), ("WITHDRAW", "office", True), ("WITHDRAW", "finance", False),
])
def test_claim_transitions_by_role(items, office, finance, name, who, ok):
    person = UserFactory(role=Role.TALENT)
    talent = make_talent(user=person)
    claim = _claim(talent, items["living"], person)
    actor = {"office": office, "finance": finance, "claimant": person}[who]
    call = lambda: services.talent_claim_transition(claim=claim, name=name, actor=actor, reason="说明")  # noqa: E731
    if ok:
        call()
    else:
        with pytest.raises(PermissionDenied):
            call()


def test_forbidden_from_states(items, office, finance):
    claim = _claim(make_talent(), items["living"], office)
    with pytest.raises(ValidationError):  # only a claim being paid is stopped
        services.talent_claim_transition(claim=claim, name="RECORD_DEPARTURE", actor=office, reason="离职")
    claim = services.talent_claim_transition(claim=claim, name="APPROVE", actor=office)
    for name in ("APPROVE", "REFUSE", "WITHDRAW"):
        with pytest.raises(ValidationError):
            services.talent_claim_transition(claim=claim, name=name, actor=office, reason="x")
    inst = claim.instalments.get(seq=1)
    with pytest.raises(ValidationError):  # not approved yet
        services.talent_instalment_transition(instalment=inst, name="PAY", actor=finance, payment_ref="x")
    with pytest.raises(PermissionDenied):  # finance pays, the office approves
        services.talent_instalment_transition(instalment=inst, name="APPROVE", actor=finance)
    inst = services.talent_instalment_transition(instalment=inst, name="APPROVE", actor=office)
    with pytest.raises(PermissionDenied):
        services.talent_instalment_transition(instalment=inst, name="PAY", actor=office, payment_ref="x")


# --- departure and clawback ------------------------------------------------------------------------------------

def _paid_first(claim, office, finance):
    services.talent_claim_transition(claim=claim, name="APPROVE", actor=office)
    inst = claim.instalments.get(seq=1)
    inst = services.talent_instalment_transition(instalment=inst, name="APPROVE", actor=office)
    services.talent_instalment_transition(instalment=inst, name="PAY", actor=finance, payment_ref="ZF-1")
    claim.refresh_from_db()


def test_employer_change_stops_the_payments_and_raises_the_clawback_to_the_office(items, office, finance,
                                                                                 django_capture_on_commit_callbacks):
    firm, other = EnterpriseFactory(), EnterpriseFactory(name="另一家公司")
    talent = make_talent(tier="C", employer=firm, user=UserFactory(role=Role.TALENT))
    claim = _claim(talent, items["living"], office)  # 100万 over 5 years, 5-year service period
    _paid_first(claim, office, finance)
    with django_capture_on_commit_callbacks(execute=True):
        talent.employer = other
        talent.save()
    # The departure is recorded after the change commits, and its notice after that.
    assert Notification.objects.filter(user=office, kind="TALENT_CLAWBACK").exists()
    claim.refresh_from_db()
    assert claim.status == "stopped"
    # Finance hears the rest will not come (no instalment paid by mistake); the claimant that the payments stopped.
    assert "请勿拨付" in Notification.objects.filter(user=finance).latest("pk").message
    assert "未发放的分期已停发，需退回" in Notification.objects.filter(user=talent.user).latest("pk").message
    assert set(claim.instalments.exclude(seq=1).values_list("status", flat=True)) == {"cancelled"}
    clawback = TalentClawback.objects.get(claim=claim)
    # Left at once: 0 of 60 months served, the whole 20万 paid is recovered (pro rata).
    assert clawback.paid == D(200000) and clawback.amount == D(200000) and clawback.status == "raised"
    assert "另一家公司" in clawback.reason
    with pytest.raises(ValidationError):
        services.talent_clawback_transition(clawback=clawback, name="WAIVE", actor=office)  # a reason is needed
    services.talent_clawback_transition(clawback=clawback, name="RECOVER", actor=office, recovered_ref="ZH-1")
    clawback.refresh_from_db()
    assert clawback.status == "recovered"


def test_office_records_a_departure_pro_rata(items, office, finance):
    talent = make_talent(tier="C", employer=EnterpriseFactory())
    claim = _claim(talent, items["living"], office)
    _paid_first(claim, office, finance)
    TalentClaim.objects.filter(pk=claim.pk).update(approved_on=timezone.localdate() - dt.timedelta(days=731))
    claim.refresh_from_db()
    services.talent_claim_transition(claim=claim, name="RECORD_DEPARTURE", actor=office, reason="本人辞职",
                                     left_on=timezone.localdate())
    # 24 of 60 months served: 36/60 of the 20万 paid.
    assert TalentClawback.objects.get(claim=claim).amount == D(120000)


def test_a_left_hire_at_the_employer_is_a_departure(items, office, finance):
    from gaoxin.talent.models import Hire, JobDemand

    firm = EnterpriseFactory()
    talent = make_talent(tier="C", employer=firm)
    claim = _claim(talent, items["living"], office)
    _paid_first(claim, office, finance)
    demand = JobDemand.objects.create(number="YG1", enterprise=firm, post="工程师", quantity=1, skill_level="master",
                                      pay_min=1, pay_max=2, location="高新区", created_by=office)
    Hire.objects.create(demand=demand, name=talent.name, id_number=talent.id_number, hired_on=dt.date(2024, 1, 1),
                        status="left", left_on=timezone.localdate(), recorded_by=office)
    assert services.talent_departures_check() == 1
    assert TalentClaim.objects.get(pk=claim.pk).status == "stopped"
    assert services.talent_departures_check() == 0  # once


def test_the_departure_check_reads_the_hires_once_for_all_claims(items, office, finance,
                                                                 django_assert_num_queries):
    for n in range(4):
        talent = make_talent(n=n + 1, tier="C", employer=EnterpriseFactory())
        _paid_first(_claim(talent, items["living"], office), office, finance)
    with django_assert_num_queries(2):  # the claims, then every recorded departure among them
        assert services.talent_departures_check() == 0


def test_no_clawback_after_the_service_period_or_without_one(items, office, finance):
    talent = make_talent(tier="E", education="bachelor", employer=EnterpriseFactory())
    claim = _claim(talent, items["housing-rent"], office)  # no service period
    _paid_first(claim, office, finance)
    services.talent_claim_transition(claim=claim, name="RECORD_DEPARTURE", actor=office, reason="调离")
    assert not TalentClawback.objects.exists()


def test_clawback_transitions_by_role_and_state(items, office, finance):
    talent = make_talent(tier="C", employer=EnterpriseFactory())
    claim = _claim(talent, items["living"], office)
    _paid_first(claim, office, finance)
    services.talent_claim_transition(claim=claim, name="RECORD_DEPARTURE", actor=office, reason="辞职")
    clawback = TalentClawback.objects.get(claim=claim)
    with pytest.raises(PermissionDenied):  # the talent office settles it, not finance
        services.talent_clawback_transition(clawback=clawback, name="RECOVER", actor=finance, recovered_ref="x")
    with pytest.raises(ValidationError, match="请填写追回凭证号"):
        services.talent_clawback_transition(clawback=clawback, name="RECOVER", actor=office)
    before = AuditEvent.objects.count()
    clawback = services.talent_clawback_transition(clawback=clawback, name="WAIVE", actor=office,
                                                   reason="经批准因公调动，免于追回")
    assert clawback.status == "waived" and AuditEvent.objects.count() == before + 1
    with pytest.raises(ValidationError):  # settled once
        services.talent_clawback_transition(clawback=clawback, name="RECOVER", actor=office, recovered_ref="x")
    labels = [e.transition for e in claim.events.all()]
    assert labels[-1] == "CLAWBACK_WAIVE" and "RECORD_DEPARTURE" in labels and "INSTALMENT_PAY" in labels


def test_the_sweep_tells_a_qualifying_talent_once(items, office, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    person = UserFactory(role=Role.TALENT)
    talent = make_talent(tier="C", user=person)
    _claim(talent, items["living"], office)  # held: not pushed again
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_talent_benefits")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("sweep_talent_benefits")
    told = list(Notification.objects.filter(user=person, kind="TALENT_ITEM_MATCH").values_list("message", flat=True))
    assert len(told) == 2 and any("人才购房补贴" in m and "1,500,000.00元" in m for m in told)  # housing and car
    assert not any("生活补贴" in m for m in told)
