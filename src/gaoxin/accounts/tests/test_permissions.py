"""Permission predicates and scopers: deny by default; an enterprise user sees only its own."""

import pytest
from django.contrib.auth.models import AnonymousUser

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core import permissions as core_perms
from gaoxin.enterprises import permissions as ent_perms

STAFF = [Role.ZONE_ADMIN, Role.WINDOW_CLERK, Role.DEPT_OFFICER, Role.AGENT, Role.STATION_OFFICER, Role.LEADER]


@pytest.mark.parametrize("role", STAFF)
def test_staff_see_whole_registry(role, own_enterprise, other_enterprise):
    user = UserFactory(role=role)
    assert set(ent_perms.enterprises_visible_to(user)) == {own_enterprise, other_enterprise}


def test_enterprise_user_sees_only_bound(enterprise_user, own_enterprise, other_enterprise):
    assert list(ent_perms.enterprises_visible_to(enterprise_user)) == [own_enterprise]
    assert ent_perms.can_view_enterprise(enterprise_user, own_enterprise)
    assert not ent_perms.can_view_enterprise(enterprise_user, other_enterprise)


def test_anonymous_and_inactive_see_nothing(own_enterprise):
    assert not ent_perms.enterprises_visible_to(AnonymousUser()).exists()
    inactive = UserFactory(role=Role.ZONE_ADMIN, is_active=False)
    assert not ent_perms.enterprises_visible_to(inactive).exists()
    assert not core_perms.can_manage_calendar(inactive)


@pytest.mark.parametrize("role,import_,export,calendar,audit,personal", [
    (Role.ZONE_ADMIN, True, True, True, True, True),
    (Role.WINDOW_CLERK, False, False, False, False, True),
    (Role.DEPT_OFFICER, False, False, False, False, False),
    (Role.AGENT, False, False, False, False, False),
    (Role.STATION_OFFICER, False, False, False, False, False),
    (Role.LEADER, False, True, False, False, False),
    (Role.ENTERPRISE, False, False, False, False, False),
])
def test_predicates_per_role(db, role, import_, export, calendar, audit, personal):
    user = UserFactory(role=role)
    assert ent_perms.can_import_enterprises(user) is import_
    assert ent_perms.can_export_enterprises(user) is export
    assert core_perms.can_manage_calendar(user) is calendar
    assert core_perms.can_view_audit(user) is audit
    assert perms.can_view_personal_data(user) is personal


def test_jobs_scoped_to_creator(clerk_user, officer_user, admin_user):
    from gaoxin.core.services import job_create

    job = job_create(kind="enterprise_export", actor=clerk_user)
    assert list(core_perms.jobs_visible_to(clerk_user)) == [job]
    assert not core_perms.jobs_visible_to(officer_user).exists()
    assert list(core_perms.jobs_visible_to(admin_user)) == [job]
