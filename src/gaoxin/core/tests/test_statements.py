"""core.statements: a read compiled once gives what its queryset gives, for any values, and compiles only once per
form (issue 17)."""

from unittest import mock

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db.models.sql.compiler import SQLCompiler
from django.test import Client
from rest_framework.authtoken.models import Token

from gaoxin.accounts.models import EnterpriseMembership, Role, User
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.core.statements import Statement, attach_prefetched
from gaoxin.enterprises.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def _fields(objs, *names):
    return [tuple(getattr(o, n) for n in names) for o in objs]


def test_a_statement_gives_what_its_queryset_gives_for_every_value():
    department = OrgUnitFactory(name="税务局", code="tax")
    users = [UserFactory(role=Role.DEPT_OFFICER, org_unit=department), UserFactory(role=Role.ENTERPRISE),
             UserFactory(role=Role.LEADER)]
    tokens = [Token.objects.create(user=u) for u in users]

    def build(variant, key):
        return Token.objects.select_related("user__org_unit").filter(key=key)

    statement = Statement(build)
    for token in [*tokens, Token(key="0" * 40)]:
        got, expected = statement.fetch(key=token.key), list(build(None, token.key))
        assert _fields(got, "key", "user_id", "created") == _fields(expected, "key", "user_id", "created")
        # the related objects are there, as select_related puts them (no query to read them)
        assert [(t.user.username, t.user.org_unit and t.user.org_unit.name) for t in got] == \
            [(t.user.username, t.user.org_unit and t.user.org_unit.name) for t in expected]
    assert statement.fetch(key="no such key") == []


def test_a_form_is_compiled_once_and_later_calls_only_bind_their_values(django_assert_num_queries):
    users = [UserFactory(role=Role.ENTERPRISE) for _ in range(3)]
    statement = Statement(lambda variant, pk: User.objects.filter(pk=pk))
    with mock.patch.object(SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql) as compiled:
        assert [u.pk for u in statement.fetch(pk=users[0].pk)] == [users[0].pk]
        assert compiled.call_count == 1
        with django_assert_num_queries(2):
            assert [u.pk for u in statement.fetch(pk=users[1].pk)] == [users[1].pk]
            assert [u.pk for u in statement.fetch(pk=users[2].pk)] == [users[2].pk]
        assert compiled.call_count == 1


def test_a_list_length_a_none_and_the_variant_each_make_a_form_of_their_own():
    department = OrgUnitFactory(name="税务局", code="tax")
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department)
    loose = UserFactory(role=Role.LEADER)
    others = [UserFactory(role=Role.ENTERPRISE) for _ in range(3)]

    def build(variant, ids, unit):
        qs = User.objects.filter(pk__in=ids) if variant == "ids" else User.objects.filter(org_unit_id=unit)
        return qs.order_by("pk")

    statement = Statement(build)
    pks = [u.pk for u in others]
    for ids in (pks, pks[:1], [], [*pks, officer.pk]):
        assert [u.pk for u in statement.fetch("ids", ids=ids, unit=None)] == sorted(ids)
    assert [u.pk for u in statement.fetch("unit", ids=[], unit=department.pk)] == [officer.pk]
    assert loose.pk in [u.pk for u in statement.fetch("unit", ids=[], unit=None)]  # IS NULL, not = NULL
    assert officer.pk not in [u.pk for u in statement.fetch("unit", ids=[], unit=None)]


def test_values_list_reads_and_empty_querysets():
    firm = EnterpriseFactory()
    user = UserFactory(role=Role.ENTERPRISE)
    EnterpriseMembership.objects.create(user=user, enterprise=firm)
    firms = Statement(lambda variant, user: EnterpriseMembership.objects.filter(user_id=user)
                      .values_list("enterprise_id", flat=True))
    assert firms.fetch(user=user.pk) == [firm.pk]
    pairs = Statement(lambda variant, user: EnterpriseMembership.objects.filter(user_id=user)
                      .values_list("user_id", "enterprise_id"))
    assert pairs.fetch(user=user.pk) == [(user.pk, firm.pk)]
    assert Statement(lambda variant, pk: User.objects.none()).fetch(pk=user.pk) == []


def test_a_value_the_sql_does_not_carry_unchanged_is_refused():
    with pytest.raises(ImproperlyConfigured, match="name"):
        Statement(lambda variant, name: User.objects.filter(username__icontains=name)).fetch(name="王")
    with pytest.raises(ImproperlyConfigured, match="variant"):
        Statement(lambda variant, flag: User.objects.filter(is_active=flag)).fetch(flag=True)
    with pytest.raises(ImproperlyConfigured, match="prefetch"):
        Statement(lambda variant, pk: User.objects.filter(pk=pk).prefetch_related("enterprise_memberships")
                  ).fetch(pk=1)


def test_attached_rows_are_read_as_prefetched(django_assert_num_queries):
    firm = EnterpriseFactory()
    user = UserFactory(role=Role.ENTERPRISE)
    membership = EnterpriseMembership.objects.create(user=user, enterprise=firm)
    attach_prefetched(user, "enterprise_memberships", [membership])
    with django_assert_num_queries(0):
        assert list(user.enterprise_memberships.all()) == [membership]


def test_the_api_token_is_read_by_a_statement_and_answered_as_drf_answers_it():
    user = UserFactory(role=Role.ENTERPRISE)
    api = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    assert api.get("/api/v1/cases/").status_code == 200
    unknown = Client(HTTP_AUTHORIZATION="Token " + "0" * 40).get("/api/v1/cases/")
    assert unknown.status_code == 401 and unknown.json() == {"detail": "认证令牌无效。"}
    user.is_active = False
    user.save()
    assert api.get("/api/v1/cases/").status_code == 401
