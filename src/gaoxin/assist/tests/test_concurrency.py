"""Fifty orders placed at the same moment get fifty distinct numbers (the locked counter of core.numbering,
not count() + 1). Needs real row locks and concurrent connections, so it runs on PostgreSQL (CI runs the
suite there)."""

import pytest
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder
from gaoxin.core.tests.concurrency import at_once, postgresql_only
from gaoxin.enterprises.tests.factories import EnterpriseFactory

pytestmark = [pytest.mark.django_db(transaction=True), postgresql_only]

N = 50


def test_fifty_orders_at_once_get_fifty_numbers():
    station = OrgUnit.objects.create(code="station-jinrong", name="金荣政务服务驿站", kind=OrgKind.STATION)
    officer = UserFactory(role=Role.STATION_OFFICER, org_unit=station)
    firm = EnterpriseFactory()
    today = timezone.localdate()

    def place(i):
        return services.order_create(actor=officer, enterprise=firm, channel="station", description=f"代办{i}",
                                     contact_name="张", contact_phone="13800000000",
                                     commission_signed_on=today, commission_valid_until=today).number

    numbers, errors = at_once(place, [(i,) for i in range(N)])
    assert not errors, errors[:3]
    assert len(numbers) == len(set(numbers)) == N
    assert sorted(numbers) == [f"BD{today:%Y%m%d}{i:05d}" for i in range(1, N + 1)]
    assert AssistOrder.objects.count() == N
