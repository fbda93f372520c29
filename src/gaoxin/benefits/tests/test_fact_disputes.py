"""Department data is protected (issue 14 §6): a fact a department supplied (纳税信用等级 by the tax bureau) is
not overwritten by the enterprise; its different value becomes a dispute routed to that department, which
corrects the fact or keeps it with a reason; until then the department's value is used. Values are checked by
the field's type and range."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import DisputeStatus, FactDispute, ProfileFact
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent, Notification


@pytest.fixture
def tax_officer(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "国家税务总局湘潭高新区税务局"))


@pytest.fixture
def rated(own_enterprise, tax_officer):
    """The tax bureau supplied the firm's 纳税信用等级 B."""
    services.profile_update(enterprise=own_enterprise, values={"tax_credit_rating": "B"}, actor=tax_officer,
                            source="税务")
    return ProfileFact.objects.get(enterprise=own_enterprise, field="tax_credit_rating")


def test_a_department_writes_only_the_facts_it_supplies(own_enterprise, tax_officer, rated):
    assert rated.supplied_by == tax_officer.org_unit and rated.text == "B"
    with pytest.raises(ValidationError) as refused:
        services.profile_update(enterprise=own_enterprise, values={"revenue": 5000}, actor=tax_officer)
    assert refused.value.message_dict == {"revenue": ["不能填写该数据"]}


@pytest.mark.parametrize("values,message", [
    ({"tax_credit_rating": "甲"}, "应为A、B、M、C、D之一"), ({"revenue": -5}, "上年营业收入不能为负数"),
    ({"layoff_rate": "1.5"}, "上年裁员率不能大于1"), ({"innovation_score": 120}, "不能大于100"),
])
def test_values_are_checked_by_type_and_range(own_enterprise, enterprise_user, values, message):
    with pytest.raises(ValidationError, match=message):
        services.profile_update(enterprise=own_enterprise, values=values, actor=enterprise_user)
    assert not ProfileFact.objects.filter(enterprise=own_enterprise).exists()


def test_the_enterprise_disputes_a_department_fact_instead_of_overwriting_it(own_enterprise, enterprise_user,
                                                                             tax_officer, rated,
                                                                             django_capture_on_commit_callbacks):
    with pytest.raises(ValidationError, match="企业不能直接修改"):  # no reason: refused beside the field
        services.profile_update(enterprise=own_enterprise, values={"tax_credit_rating": "A"}, actor=enterprise_user)
    with django_capture_on_commit_callbacks(execute=True):
        changed, disputes = services.profile_update(
            enterprise=own_enterprise, values={"tax_credit_rating": "A", "revenue": 8000}, actor=enterprise_user,
            dispute_reason="2025年度评价结果已更正为A级，见税务局通知书")
    assert changed == ["revenue"] and [(d.field, d.current, d.claimed) for d in disputes] == [("tax_credit_rating", "B", "A")]
    assert ProfileFact.objects.get(pk=rated.pk).text == "B"  # the department's value stays in use
    assert Notification.objects.filter(user=tax_officer, kind="FACT_DISPUTE").exists()
    with pytest.raises(ValidationError, match="已提出异议"):
        services.profile_update(enterprise=own_enterprise, values={"tax_credit_rating": "A"}, actor=enterprise_user,
                                dispute_reason="再次说明")

    dispute = FactDispute.objects.get()
    others = (UserFactory(role=Role.DEPT_OFFICER, org_unit=department("hrss", "人社局")), enterprise_user)
    for outsider in others:
        with pytest.raises(PermissionDenied):
            services.fact_dispute_transition(dispute=dispute, name="ACCEPT", actor=outsider)
    with pytest.raises(ValidationError, match="需要填写原因"):
        services.fact_dispute_transition(dispute=dispute, name="REJECT", actor=tax_officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.fact_dispute_transition(dispute=dispute, name="ACCEPT", actor=tax_officer)
    fact = ProfileFact.objects.get(pk=rated.pk)
    assert (fact.text, fact.supplied_by) == ("A", tax_officer.org_unit)  # corrected, still the department's
    assert FactDispute.objects.get().status == DisputeStatus.ACCEPTED
    assert Notification.objects.filter(user=enterprise_user, kind="FACT_DISPUTE_DECIDED").exists()
    assert AuditEvent.objects.filter(event_type="benefits.fact_dispute.accept").count() == 1


def test_the_pages(own_enterprise, enterprise_client, tax_officer, rated):
    url = f"/policies/profile/{own_enterprise.pk}/"
    page = enterprise_client.get(url).content.decode()
    assert 'data-testid="supplied-tax_credit_rating"' in page and "异议理由" in page
    refused = enterprise_client.post(url, {"tax_credit_rating": "A"})
    assert refused.status_code == 200 and "企业不能直接修改" in refused.content.decode()
    enterprise_client.post(url, {"tax_credit_rating": "A", "dispute_reason": "已更正为A级"})
    dispute = FactDispute.objects.get()

    officer = Client()
    officer.force_login(tax_officer)
    assert "已更正为A级" in officer.get("/policies/disputes/").content.decode()
    form = officer.get(f"/policies/profile/{own_enterprise.pk}/").content.decode()
    assert 'name="tax_credit_rating"' in form and 'name="revenue"' not in form  # its own facts only
    refused = officer.post(f"/policies/disputes/{dispute.pk}/act/", {"name": "REJECT"})
    assert refused.status_code == 400 and "需要填写原因" in refused.content.decode()
    officer.post(f"/policies/disputes/{dispute.pk}/act/", {"name": "REJECT", "reason": "2025年度评价结果仍为B级"})
    assert FactDispute.objects.get().status == DisputeStatus.REJECTED
    assert "2025年度评价结果仍为B级" in enterprise_client.get(url).content.decode()
