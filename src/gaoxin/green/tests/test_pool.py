"""The risk-compensation pool and interest subsidies (issue 21 item 5): subsidy amounts on hand-computed vectors
(Decimal, half up to the fen), contributions by source, a subsidy paid once per disbursed loan, a defaulted loan
compensated up to its share, every movement one audit event, the balance never negative (a clear refusal, nothing
written; a database constraint behind it), the pages and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from gaoxin.core.models import AuditEvent, Notification
from gaoxin.green import selectors, services
from gaoxin.green.models import BankResponse, PoolMovement, ResponseStatus, RiskPool
from gaoxin.green.subsidy import SubsidyTerms, compensation_limit, interest_subsidy

TERMS = SubsidyTerms(share=Decimal("0.5"), rate_ceiling=Decimal("3.00"), months=12, cap=Decimal("500000"))


# (principal, annual rate %, months) -> (subsidy, interest, rate used, months used, capped), computed by hand.
VECTORS = [
    # 1,000,000 × 3.00 % (3.45 above the ceiling) × 12/12 = 30,000; half: 15,000.00
    (("1000000", "3.45", 12), ("15000.00", "30000.00", "3.00", 12, False)),
    # 3,000,000 × 2.80 % × 12/12 (36 months, first 12) = 84,000; half: 42,000.00
    (("3000000", "2.80", 36), ("42000.00", "84000.00", "2.80", 12, False)),
    # 2,000,000 × 2.50 % × 6/12 = 25,000; half: 12,500.00
    (("2000000", "2.50", 6), ("12500.00", "25000.00", "2.50", 6, False)),
    # 1,234,567 × 2.85 % = 35,185.1595; half: 17,592.57975 → 17,592.58
    (("1234567", "2.85", 12), ("17592.58", "35185.16", "2.85", 12, False)),
    # 333,333.33 × 2.99 % × 7/12 = 5,813.8888…; half: 2,906.9444… → 2,906.94
    (("333333.33", "2.99", 7), ("2906.94", "5813.89", "2.99", 7, False)),
    # 50,000,000 × 3.00 % = 1,500,000; half 750,000 above the cap: 500,000.00
    (("50000000", "3.00", 12), ("500000.00", "1500000.00", "3.00", 12, True)),
]


@pytest.mark.parametrize("given,expected", VECTORS)
def test_interest_subsidy_matches_hand_computed_vectors(given, expected):
    principal, rate, months = given
    got = interest_subsidy(principal=Decimal(principal), annual_rate=Decimal(rate), term_months=months, terms=TERMS)
    assert (str(got.amount), str(got.interest), str(got.rate), got.months, got.capped) == expected


def test_compensation_limit_and_nothing_for_nothing():
    assert compensation_limit(disbursed=Decimal("1000000"), share=Decimal("0.5")) == Decimal("500000.00")
    assert compensation_limit(disbursed=Decimal("333333.33"), share=Decimal("0.8")) == Decimal("266666.66")
    assert interest_subsidy(principal=Decimal(0), annual_rate=Decimal(3), term_months=12, terms=TERMS).amount == 0


def _lend(need, banker, *, amount="2000000", rate="2.80", months=24):
    response = need.responses.get(bank=banker.org_unit)
    response = services.response_transition(response=response, name="GRANT", actor=banker, credit_amount=amount,
                                             rate=rate)
    return services.response_transition(response=response, name="DISBURSE", actor=banker, disbursed_amount=amount,
                                        disbursed_on=dt.date(2026, 11, 1), loan_term_months=months)


def test_contributions_by_source_make_the_balance_one_audit_event_each(finance):
    for source, amount in (("province", "10000000"), ("city", "10000000"), ("zone", "10000000.50")):
        before = AuditEvent.objects.count()
        services.pool_contribute(actor=finance, source=source, amount=amount, occurred_on=dt.date(2026, 1, 5))
        assert AuditEvent.objects.count() == before + 1
    summary = selectors.pool_summary()
    assert summary["balance"] == Decimal("30000000.50") == summary["contributed"]
    assert [s["amount"] for s in summary["sources"]] == [Decimal("10000000"), Decimal("10000000"),
                                                         Decimal("10000000.50")]


def test_contributions_are_checked_and_only_the_finance_office_makes_them(finance, banker_a, enterprise_user):
    with pytest.raises(ValidationError) as exc:
        services.pool_contribute(actor=finance, source="county", amount="-1",
                                 occurred_on=dt.date.today() + dt.timedelta(days=3))
    assert set(exc.value.error_dict) == {"source", "amount", "occurred_on"}
    for user in (banker_a, enterprise_user):
        with pytest.raises(PermissionDenied):
            services.pool_contribute(actor=user, source="zone", amount="1")
    assert not PoolMovement.objects.exists()


def test_a_subsidy_is_paid_once_from_the_pool(need, banker_a, finance, enterprise_user,
                                              django_capture_on_commit_callbacks):
    services.pool_contribute(actor=finance, source="zone", amount="100000")
    loan = _lend(need, banker_a)  # 2,000,000 × 2.80 % × 12/12 × 50 % = 28,000.00
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        move = services.subsidy_pay(loan=loan, actor=finance)
    assert move.amount == Decimal("28000.00") and move.balance_after == Decimal("72000.00")
    assert RiskPool.objects.get().balance == Decimal("72000.00")
    assert AuditEvent.objects.count() == before + 1
    assert Notification.objects.filter(user=enterprise_user, message__contains="贴息 28,000.00 元").exists()
    assert Notification.objects.filter(user=banker_a, message__contains="贴息").exists()
    with pytest.raises(ValidationError, match="不能重复拨付"):
        services.subsidy_pay(loan=loan, actor=finance)
    assert PoolMovement.objects.filter(kind="subsidy").count() == 1


def test_the_balance_never_goes_negative(need, banker_a, finance):
    services.pool_contribute(actor=finance, source="city", amount="1000")
    loan = _lend(need, banker_a)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="资金池余额不足：当前余额 1,000.00 元，本次需支出 28,000.00 元"):
        services.subsidy_pay(loan=loan, actor=finance)
    assert RiskPool.objects.get().balance == Decimal("1000.00") and AuditEvent.objects.count() == before
    assert not PoolMovement.objects.filter(kind="subsidy").exists()
    with pytest.raises(IntegrityError), transaction.atomic():  # and the database refuses it too
        RiskPool.objects.update(balance=Decimal("-1"))


def test_only_disbursed_loans_are_subsidised_by_the_office(need, banker_a, finance):
    services.pool_contribute(actor=finance, source="zone", amount="100000")
    response = need.responses.get(bank=banker_a.org_unit)
    with pytest.raises(ValidationError, match="只有已放款的贷款"):
        services.subsidy_pay(loan=response, actor=finance)
    loan = _lend(need, banker_a)
    with pytest.raises(PermissionDenied):
        services.subsidy_pay(loan=loan, actor=banker_a)


def test_a_defaulted_loan_is_compensated_up_to_its_share(need, banker_a, finance):
    services.pool_contribute(actor=finance, source="province", amount="2000000")
    loan = _lend(need, banker_a, amount="1000000")
    loan = services.response_transition(response=loan, name="DEFAULT", actor=banker_a, reason="逾期 90 天")
    with pytest.raises(ValidationError) as exc:
        services.response_transition(response=loan, name="COMPENSATE", actor=finance, amount="500000.01")
    assert "500,000.00" in str(exc.value.error_dict["amount"])
    before = AuditEvent.objects.count()
    loan = services.response_transition(response=loan, name="COMPENSATE", actor=finance, amount="400000")
    assert loan.status == ResponseStatus.COMPENSATED and AuditEvent.objects.count() == before + 1
    move = PoolMovement.objects.get(kind="compensation")
    assert move.loan == loan and move.balance_after == Decimal("1600000.00")
    assert selectors.pool_summary()["compensations"] == Decimal("400000.00")
    # A loan in default pays no interest: it earns no subsidy and leaves the office's work list (the QA walk found
    # a compensated loan offered a subsidy).
    assert loan not in selectors.loans_awaiting_subsidy(user=finance)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError, match="该笔贷款已风险补偿，未按期付息，不予贴息"):
        services.subsidy_pay(loan=loan, actor=finance)
    assert AuditEvent.objects.count() == before and not PoolMovement.objects.filter(kind="subsidy").exists()


def test_a_compensation_larger_than_the_balance_is_refused(need, banker_a, finance):
    services.pool_contribute(actor=finance, source="zone", amount="100")
    loan = _lend(need, banker_a, amount="1000000")
    loan = services.response_transition(response=loan, name="DEFAULT", actor=finance, reason="逾期")
    with pytest.raises(ValidationError, match="资金池余额不足"):
        services.response_transition(response=loan, name="COMPENSATE", actor=finance, amount="1000")
    loan.refresh_from_db()
    assert loan.status == ResponseStatus.DEFAULTED and RiskPool.objects.get().balance == Decimal("100.00")


# --- pages and API ------------------------------------------------------------------------------------------------


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_the_pool_page_contribution_and_subsidy_through_the_pages(need, banker_a, finance,
                                                                  django_assert_max_num_queries):
    c = _client(finance)
    r = c.post(reverse("green_pool_contribute"), {"source": "", "amount": "5000", "occurred_on": "2026-01-05"})
    assert r.status_code == 400 and "请选择资金来源" in r.content.decode() and "5000" in r.content.decode()
    assert c.post(reverse("green_pool_contribute"), {"source": "zone", "amount": "100000",
                                                     "occurred_on": "2026-01-05"}).status_code == 302
    loan = _lend(need, banker_a)
    page = c.get(reverse("green_need", args=[need.pk])).content.decode()
    assert "应贴息" in page and "28,000.00" in page
    assert c.post(reverse("green_subsidy_pay", args=[loan.pk])).status_code == 302
    page = c.get(reverse("green_need", args=[need.pk])).content.decode()
    assert 'data-testid="subsidy"' in page
    for i in range(12):
        services.pool_contribute(actor=finance, source="city", amount=str(100 + i))
    with django_assert_max_num_queries(14):
        page = c.get(reverse("green_pool")).content.decode()
    assert "区级注资" in page and "28,000.00" in page


def test_banks_and_firms_do_not_reach_the_pool(banker_a, enterprise_user, officer_user, leader_user, finance):
    services.pool_contribute(actor=finance, source="zone", amount="100")
    for user in (banker_a, enterprise_user, officer_user):
        c = _client(user)
        assert c.get(reverse("green_pool")).status_code == 403
        assert c.post(reverse("green_pool_contribute"), {"source": "zone", "amount": "1"}).status_code == 403
        assert c.get(reverse("pool-movement-list")).json().get("count", 0) == 0
    assert _client(leader_user).get(reverse("green_pool")).status_code == 200
    assert _client(leader_user).post(reverse("green_pool_contribute"),
                                     {"source": "zone", "amount": "1"}).status_code == 403
    assert _client(finance).get(reverse("pool-movement-list")).json()["count"] == 1


def test_a_bank_cannot_pay_itself_a_subsidy(need, banker_a, finance):
    services.pool_contribute(actor=finance, source="zone", amount="100000")
    loan = _lend(need, banker_a)
    assert _client(banker_a).post(reverse("green_subsidy_pay", args=[loan.pk])).status_code == 403
    assert not BankResponse.objects.filter(movements__isnull=False).exists()


def test_the_overview_shows_the_finance_figures(need, banker_a, banker_b, finance, leader_user, enterprise_user,
                                                 own_enterprise, today):
    services.pool_contribute(actor=finance, source="zone", amount="100000")
    loan = _lend(need, banker_a)  # green: 2,000,000
    plain = services.need_post(actor=enterprise_user, enterprise=own_enterprise, amount=1000000, term_months=12,
                               purpose="流动资金", share_scope="need", contact_name="张伟", contact_phone="138",
                               today=today)
    _lend(plain, banker_b, amount="1000000")
    services.subsidy_pay(loan=loan, actor=finance)
    figures = selectors.finance_figures()
    assert (figures["green_loans"], figures["green_amount"], figures["all_loans"]) == (1, Decimal("2000000.00"), 2)
    assert (figures["count_share"], figures["amount_share"]) == (50.0, 66.7)
    assert (figures["subsidies"], figures["balance"]) == (Decimal("28000.00"), Decimal("72000.00"))
    page = _client(leader_user).get(reverse("green_labels")).content.decode()
    assert "绿色贷款" in page and "笔数 50.0%，金额 66.7%" in page and "72,000.00" in page
    assert 'data-testid="finance-figures"' not in _client(enterprise_user).get(reverse("green_labels")).content.decode()
