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
        return services.application_create(policy=policy, enterprise=firm, actor=user, bank_account="6222").number

    numbers, errors = at_once(apply, applicants)
    today = timezone.localdate()
    assert not errors, errors[:3]
    assert len(numbers) == len(set(numbers)) == N
    assert sorted(numbers) == [f"HQ{today:%Y%m%d}{i:05d}" for i in range(1, N + 1)]
    assert BenefitApplication.objects.count() == N
