"""Fifty firms applying at the same moment get fifty distinct application numbers (the locked counter of
core.numbering, not count() + 1). Needs real row locks and concurrent connections, so it runs on PostgreSQL
(CI runs the suite there)."""

import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.benefits import services
from gaoxin.benefits.models import BenefitApplication, Policy, PolicyStatus
from gaoxin.catalog.tests.factories import department
from gaoxin.core.tests.concurrency import at_once, postgresql_only
from gaoxin.enterprises.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

N = 50


def test_fifty_applications_at_once_get_fifty_numbers():
    policy = Policy.objects.create(code="p11", title="一次性扩岗补助", issuer=department("hrss", "人社局"),
                                   kind="subsidy", mode="apply", rule="eligible_new_hires >= 1",
                                   effective_from=dt.date(2024, 1, 1), status=PolicyStatus.PUBLISHED)
    applicants = []
    for _ in range(N):
        user = UserFactory(role=Role.ENTERPRISE)
        firm = EnterpriseFactory()
        user.enterprise_memberships.create(enterprise=firm)
        applicants.append((user, firm))

    def apply(user, firm):
        return services.application_create(policy=policy, enterprise=firm, actor=user, bank_account="湘潭银行 6222 0012 3456 7890").number

    numbers, errors = at_once(apply, applicants)
    today = timezone.localdate()
    assert not errors, errors[:3]
    assert len(numbers) == len(set(numbers)) == N
    assert sorted(numbers) == [f"HQ{today:%Y%m%d}{i:05d}" for i in range(1, N + 1)]
    assert BenefitApplication.objects.count() == N


def test_one_firm_applying_fifty_times_at_once_has_one_live_application():
    """Issue 15 §5: one firm applying for one policy 50 times at once got 2–3 live applications. The firm's row
    is locked and uniq_live_application holds the rule; the others are told, as a conflict, in Chinese."""
    from gaoxin.core.workflow import Conflict

    policy = Policy.objects.create(code="p12", title="一次性扩岗补助", issuer=department("hrss", "人社局"),
                                   kind="subsidy", mode="apply", rule="eligible_new_hires >= 1",
                                   effective_from=dt.date(2024, 1, 1), status=PolicyStatus.PUBLISHED)
    user, firm = UserFactory(role=Role.ENTERPRISE), EnterpriseFactory()
    user.enterprise_memberships.create(enterprise=firm)

    def apply():
        try:
            return services.application_create(policy=policy, enterprise=firm, actor=user, bank_account="湘潭银行 6222 0012 3456 7890").number
        except Conflict as exc:
            return exc.messages[0]

    results, errors = at_once(apply, [()] * N)
    assert not errors, errors[:3]
    assert BenefitApplication.objects.filter(policy=policy, enterprise=firm).count() == 1
    assert sorted(set(results)) == sorted({BenefitApplication.objects.get().number, "本企业已申请该政策，请勿重复申请"})
