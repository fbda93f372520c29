"""Fifty appeals raised at the same moment get fifty distinct numbers (core.numbering's locked counter; with
count() + 1, 38–43 of 50 concurrent POSTs answered 500). Needs real row locks and concurrent connections,
so it runs on PostgreSQL (CI runs the suite there)."""

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.appeals import services
from gaoxin.appeals.models import Appeal
from gaoxin.core.tests.concurrency import at_once, postgresql_only
from gaoxin.enterprises.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

N = 50


def test_fifty_appeals_at_once_get_fifty_numbers():
    firm = EnterpriseFactory()
    user = UserFactory(role=Role.ENTERPRISE)
    user.enterprise_memberships.create(enterprise=firm)
    today = timezone.localdate()

    def submit(i):
        return services.appeal_submit(actor=user, enterprise=firm, channel="平台", category="talent",
                                      request_type="help", title=f"招工难{i}", description="急需技工",
                                      contact_name="王经理", contact_phone="13800000000").number

    numbers, errors = at_once(submit, [(i,) for i in range(N)])
    assert not errors, errors[:3]
    assert sorted(numbers) == [f"SQ{today:%Y%m%d}{i:05d}" for i in range(1, N + 1)]
    assert Appeal.objects.count() == N
