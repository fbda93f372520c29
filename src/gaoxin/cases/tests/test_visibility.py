"""An enterprise user's scope is the ids of its firms (issue 17): one small query kept on the user object, no join
through the memberships and no DISTINCT, and a membership granted or revoked is seen at once."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from gaoxin.accounts.models import EnterpriseMembership, Role
from gaoxin.accounts.permissions import firm_ids_of
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.appeals.permissions import appeals_visible_to
from gaoxin.assist.permissions import orders_visible_to
from gaoxin.benefits.permissions import applications_visible_to
from gaoxin.cases.permissions import cases_visible_to
from gaoxin.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_the_firm_ids_are_asked_once_and_follow_the_memberships():
    user, firm, other = UserFactory(role=Role.ENTERPRISE), EnterpriseFactory(), EnterpriseFactory()
    assert firm_ids_of(user) == frozenset()
    membership = user.enterprise_memberships.create(enterprise=firm)
    with CaptureQueriesContext(connection) as ctx:
        assert firm_ids_of(user) == {firm.pk}
        assert firm_ids_of(user) == {firm.pk}
    assert len(ctx.captured_queries) == 1
    EnterpriseMembership.objects.create(user=user, enterprise=other)
    assert firm_ids_of(user) == {firm.pk, other.pk}
    membership.delete()
    assert firm_ids_of(user) == {other.pk}
    user.enterprises.remove(other)
    assert firm_ids_of(user) == frozenset()


def test_no_scoper_joins_through_the_memberships():
    user = UserFactory(role=Role.ENTERPRISE)
    user.enterprise_memberships.create(enterprise=EnterpriseFactory())
    for scoper in (cases_visible_to, appeals_visible_to, orders_visible_to, applications_visible_to):
        sql = str(scoper(user).query).lower()
        assert "enterprisemembership" not in sql and "distinct" not in sql, scoper.__name__
