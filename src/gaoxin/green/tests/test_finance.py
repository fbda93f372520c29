"""The green finance board (issue 21 item 4): a firm posts a need and chooses what to share and with which banks; a
bank sees only what was shared with it and never another bank's response; responses are due within N working days
(overdue flagged); the outcome table walked (one audit event and one timeline row per step, every other refused);
pages at constant query counts; the API scoped the same way."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.green import selectors, services
from gaoxin.green.models import BankResponse, FinanceNeed, NeedStatus, ResponseStatus
from gaoxin.green.permissions import needs_visible_to, responses_visible_to
from gaoxin.green.workflow import NEED_WORKFLOW, RESPONSE_WORKFLOW


def _client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


def test_posting_shares_with_every_bank_due_in_working_days_one_audit_event(need, bank_a, bank_b, banker_a,
                                                                             banker_b):
    assert AuditEvent.objects.filter(event_type="green.need.post").count() == 1
    assert need.is_green and need.amount == Decimal("3000000.00")
    responses = list(need.responses.order_by("bank__sort_order"))
    assert [r.bank for r in responses] == [bank_a, bank_b]
    # Posted on Monday 2026-11-02: five working days later is Monday 2026-11-09.
    assert {r.respond_by for r in responses} == {dt.date(2026, 11, 9)}
    assert need.events.get().label == "发布融资需求"


def test_banks_are_told_after_commit(enterprise_user, own_enterprise, bank_a, banker_a, today,
                                     django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.need_post(actor=enterprise_user, enterprise=own_enterprise, amount=500000, term_months=12,
                           purpose="流动资金", share_scope="need", contact_name="张伟", contact_phone="138", today=today)
    note = Notification.objects.get(user=banker_a)
    assert "请于2026年11月9日前响应" in note.message


def test_the_firm_chooses_banks_and_only_those_see_the_need(enterprise_user, own_enterprise, bank_a, bank_b,
                                                             banker_a, banker_b, today):
    need = services.need_post(actor=enterprise_user, enterprise=own_enterprise, amount=800000, term_months=12,
                              purpose="购置节能电机", green_tags=["energy_saving"], share_scope="need",
                              all_banks=False, banks=[bank_b], contact_name="张伟", contact_phone="138", today=today)
    assert list(needs_visible_to(banker_b)) == [need]
    assert not needs_visible_to(banker_a).exists()
    assert _client(banker_a).get(reverse("green_need", args=[need.pk])).status_code == 404
    assert _client(banker_a).get(reverse("finance-need-detail", args=[need.pk])).status_code == 404
    assert _client(banker_b).get(reverse("green_need", args=[need.pk])).status_code == 200


def test_posting_is_checked_beside_the_fields(enterprise_user, own_enterprise, other_enterprise, bank_a, today):
    with pytest.raises(ValidationError) as exc:
        services.need_post(actor=enterprise_user, enterprise=own_enterprise, amount=0, term_months=0, purpose=" ",
                           green_tags=["coal"], share_scope="all", all_banks=False, banks=[], contact_name="",
                           contact_phone="", today=today)
    assert set(exc.value.error_dict) == {"amount", "term_months", "purpose", "green_tags", "share_scope", "banks",
                                         "contact_name", "contact_phone"}
    with pytest.raises(PermissionDenied):
        services.need_post(actor=enterprise_user, enterprise=other_enterprise, amount=1, term_months=1, purpose="x",
                           contact_name="a", contact_phone="1", today=today)
    assert not FinanceNeed.objects.exists()


def test_a_bank_sees_only_what_the_firm_shared(need, banker_a, enterprise_user):
    page = _client(banker_a).get(reverse("green_need", args=[need.pk])).content.decode()
    assert need.enterprise.legal_representative in page and "统一社会信用代码" in page  # profile shared
    assert 'data-testid="shared-grades"' not in page and "碳效等级（" not in page  # grades not shared
    FinanceNeed.objects.filter(pk=need.pk).update(share_scope="need")
    page = _client(banker_a).get(reverse("green_need", args=[need.pk])).content.decode()
    assert need.enterprise.legal_representative not in page and 'data-testid="shared-profile"' not in page
    assert "企业未共享档案" in page
    FinanceNeed.objects.filter(pk=need.pk).update(share_scope="grades")
    page = _client(banker_a).get(reverse("green_need", args=[need.pk])).content.decode()
    assert 'data-testid="shared-grades"' in page


def test_one_bank_never_sees_another_banks_response(need, banker_a, banker_b, enterprise_user):
    response_a = need.responses.get(bank=banker_a.org_unit)
    services.response_transition(response=response_a, name="REFUSE", actor=banker_a, reason="抵押物不足，另行商议")
    assert list(responses_visible_to(banker_b)) == [need.responses.get(bank=banker_b.org_unit)]
    page = _client(banker_b).get(reverse("green_need", args=[need.pk])).content.decode()
    assert "湘潭银行高新支行" not in page and "抵押物不足" not in page
    api = _client(banker_b).get(reverse("bank-response-list")).json()
    assert [r["bank"] for r in api["results"]] == ["建设银行湘潭高新支行"]
    assert _client(banker_b).get(reverse("bank-response-detail", args=[response_a.pk])).status_code == 404
    assert _client(banker_b).post(reverse("green_response_act", args=[response_a.pk]),
                                  {"name": "GRANT", "credit_amount": "1", "rate": "3"}).status_code == 404
    # The firm sees both banks' answers.
    page = _client(enterprise_user).get(reverse("green_need", args=[need.pk])).content.decode()
    assert "抵押物不足" in page and "建设银行湘潭高新支行" in page


def test_a_bank_grants_and_disburses_the_firm_is_told(need, banker_a, enterprise_user, today,
                                                      django_capture_on_commit_callbacks):
    response = need.responses.get(bank=banker_a.org_unit)
    with django_capture_on_commit_callbacks(execute=True):
        response = services.response_transition(response=response, name="GRANT", actor=banker_a,
                                                 credit_amount="2000000", rate="3.45")
    assert response.responded_on is not None and response.officer == banker_a
    with pytest.raises(ValidationError) as exc:
        services.response_transition(response=response, name="DISBURSE", actor=banker_a,
                                     disbursed_amount="2500000", disbursed_on=today, loan_term_months=24)
    assert "disbursed_amount" in exc.value.error_dict
    response = services.response_transition(response=response, name="DISBURSE", actor=banker_a,
                                             disbursed_amount="2000000", disbursed_on=today, loan_term_months=24)
    assert response.status == ResponseStatus.DISBURSED and response.disbursed_amount == Decimal("2000000.00")
    assert Notification.objects.filter(user=enterprise_user, message__contains="授信").exists()


def test_overdue_responses_are_flagged(need, banker_a, finance):
    response = need.responses.get(bank=banker_a.org_unit)
    assert not response.overdue_on(dt.date(2026, 11, 9))
    assert response.overdue_on(dt.date(2026, 11, 10))
    BankResponse.objects.filter(pk=response.pk).update(respond_by=dt.date(2020, 1, 1))
    page = _client(banker_a).get(reverse("green_finance") + "?status=overdue").content.decode()
    assert "超期未响应" in page and need.enterprise.name in page
    page = _client(finance).get(reverse("green_need", args=[need.pk])).content.decode()
    assert "超期未响应" in page


def test_a_withdrawn_need_takes_no_more_bank_steps(need, banker_a, enterprise_user):
    services.need_transition(need=need, name="WITHDRAW", actor=enterprise_user, reason="已通过其他渠道解决")
    response = need.responses.get(bank=banker_a.org_unit)
    with pytest.raises(ValidationError, match="企业已撤回"):
        services.response_transition(response=response, name="CONTACT", actor=banker_a, reason="电话联系")


# --- the tables walked --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name,state", pairs(NEED_WORKFLOW, NeedStatus.values))
def test_every_need_transition_from_every_state(need, enterprise_user, name, state):
    FinanceNeed.objects.filter(pk=need.pk).update(status=state)
    need.refresh_from_db()
    check_pair(NEED_WORKFLOW, need, name, actor=enterprise_user, history=lambda: need.events.count())


@pytest.mark.parametrize("name,state", pairs(RESPONSE_WORKFLOW, ResponseStatus.values))
def test_every_response_transition_from_every_state(need, banker_a, finance, today, name, state):
    services.pool_contribute(actor=finance, source="zone", amount="1000000")
    response = need.responses.get(bank=banker_a.org_unit)
    BankResponse.objects.filter(pk=response.pk).update(status=state, credit_amount=Decimal("1000000"),
                                                       rate=Decimal("3.45"), disbursed_amount=Decimal("1000000"))
    response.refresh_from_db()
    actor = finance if name == "COMPENSATE" else banker_a  # the pool's step is the finance office's
    check_pair(RESPONSE_WORKFLOW, response, name, actor=actor, history=lambda: response.events.count(),
               credit_amount="1000000", rate="3.45", disbursed_amount="1000000", disbursed_on=today,
               loan_term_months=12, amount="100000")


def test_the_tables_match_the_spec():
    assert available_from(NEED_WORKFLOW, NeedStatus.values) == {
        "open": {"CLOSE", "WITHDRAW"}, "closed": set(), "withdrawn": set()}
    assert available_from(RESPONSE_WORKFLOW, ResponseStatus.values) == {
        "pending": {"CONTACT", "GRANT", "REFUSE"}, "contacted": {"GRANT", "REFUSE"},
        "granted": {"DISBURSE", "REFUSE"}, "disbursed": {"DEFAULT"}, "refused": set(), "defaulted": {"COMPENSATE"},
        "compensated": set()}


@pytest.mark.parametrize("name", ["CONTACT", "GRANT", "DISBURSE", "REFUSE", "DEFAULT"])
def test_others_may_not_act_for_a_bank(need, banker_b, enterprise_user, officer_user, name):
    response = need.responses.get(bank__code="bank-a")
    check_roles_refused(RESPONSE_WORKFLOW, response, name,
                        {"other bank": banker_b, "firm": enterprise_user, "officer": officer_user})


@pytest.mark.parametrize("name", ["CLOSE", "WITHDRAW"])
def test_only_the_firm_closes_its_need(need, banker_a, finance, name):
    check_roles_refused(NEED_WORKFLOW, need, name, {"bank": banker_a, "finance": finance})


# --- pages and API ------------------------------------------------------------------------------------------------


def test_the_firm_posts_through_the_page_errors_beside_the_fields(enterprise_user, own_enterprise, bank_a, bank_b):
    c = _client(enterprise_user)
    form = {"enterprise": own_enterprise.pk, "amount": "1000000", "term_months": "12", "purpose": "光伏",
            "green_tags": ["clean_energy"], "share_scope": "grades", "all_banks": "some", "contact_name": "张伟",
            "contact_phone": "138"}
    r = c.post(reverse("green_need_new"), form)
    assert r.status_code == 400 and "请至少选择一家合作银行" in r.content.decode() and "光伏" in r.content.decode()
    r = c.post(reverse("green_need_new"), {**form, "banks": [bank_a.pk]})
    assert r.status_code == 302
    need = FinanceNeed.objects.get()
    assert [x.bank for x in need.responses.all()] == [bank_a] and need.share_scope == "grades"


def test_a_bank_answers_through_the_page(need, banker_a):
    response = need.responses.get(bank=banker_a.org_unit)
    c = _client(banker_a)
    r = c.post(reverse("green_response_act", args=[response.pk]), {"name": "GRANT", "credit_amount": "1000000"})
    assert r.status_code == 400 and "请填写年利率" in r.content.decode()
    r = c.post(reverse("green_response_act", args=[response.pk]),
               {"name": "GRANT", "credit_amount": "1000000", "rate": "3.45"})
    assert r.status_code == 302
    response.refresh_from_db()
    assert response.status == ResponseStatus.GRANTED and response.rate == Decimal("3.45")


def test_others_do_not_reach_the_board(officer_user, leader_user, finance, need):
    assert _client(officer_user).get(reverse("green_finance")).status_code == 403
    for user in (leader_user, finance):
        page = _client(user).get(reverse("green_finance")).content.decode()
        assert need.enterprise.name in page


@pytest.mark.parametrize("who", ["enterprise_user", "banker_a", "finance"])
def test_lists_at_a_constant_query_count(request, who, enterprise_user, own_enterprise, bank_a, bank_b, today,
                                         django_assert_max_num_queries):
    user = request.getfixturevalue(who)
    for i in range(12):
        services.need_post(actor=enterprise_user, enterprise=own_enterprise, amount=100000 + i, term_months=12,
                           purpose=f"用途{i}", share_scope="need", contact_name="张伟", contact_phone="138",
                           today=today)
    c = _client(user)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("green_finance")).status_code == 200
    need = FinanceNeed.objects.first()
    with django_assert_max_num_queries(24):
        assert c.get(reverse("green_need", args=[need.pk])).status_code == 200


def test_the_selector_counts_only_answers_the_viewer_sees(need, banker_a, banker_b):
    services.response_transition(response=need.responses.get(bank=banker_b.org_unit), name="CONTACT",
                                 actor=banker_b, reason="已电话联系")
    row = selectors.need_list(user=banker_a).get()
    assert (row.n_responses, row.n_answered) == (1, 0)


def test_the_list_says_a_loan_was_made_and_a_bank_is_late(need, banker_a, banker_b, finance, today):
    """The QA walk saw every need 征集中 whatever became of it, and overdue banks only on the need's page."""
    services.response_transition(response=need.responses.get(bank=banker_b.org_unit), name="GRANT", actor=banker_b,
                                 credit_amount="1000000", rate="3.45")
    services.response_transition(response=need.responses.get(bank=banker_b.org_unit), name="DISBURSE",
                                 actor=banker_b, disbursed_amount="1000000", disbursed_on=today, loan_term_months=12)
    late = need.responses.get(bank=banker_a.org_unit)
    BankResponse.objects.filter(pk=late.pk).update(respond_by=today - dt.timedelta(days=1))
    row = selectors.need_list(user=finance).get()
    assert (row.n_lent, row.n_overdue) == (1, 1)
    page = _client(finance).get(reverse("green_finance")).content.decode()
    assert "已放款</span>" in page and "1 家超期未响应" in page
    assert (selectors.need_list(user=banker_b).get().n_overdue, selectors.need_list(user=banker_a).get().n_lent) \
        == (0, 0)  # each bank counts only what it may read


def test_an_unrelated_firm_sees_nothing(need):
    from gaoxin.accounts.models import Role
    from gaoxin.accounts.tests.factories import UserFactory

    other = UserFactory(role=Role.ENTERPRISE)
    other.enterprise_memberships.create(enterprise=EnterpriseFactory())
    assert not needs_visible_to(other).exists() and not responses_visible_to(other).exists()
    assert _client(other).get(reverse("green_need", args=[need.pk])).status_code == 404


def test_the_sweep_reminds_banks_of_overdue_needs_once(need, banker_a, banker_b, django_capture_on_commit_callbacks):
    services.response_transition(response=need.responses.get(bank=banker_b.org_unit), name="CONTACT",
                                 actor=banker_b, reason="已电话联系")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            assert services.responses_remind_overdue(today=dt.date(2026, 11, 10)) == 1
    assert Notification.objects.filter(user=banker_a, kind="green_finance_overdue").count() == 1
    assert not Notification.objects.filter(user=banker_b, kind="green_finance_overdue").exists()
    assert services.responses_remind_overdue(today=dt.date(2026, 11, 9)) == 0
