"""Role-named users and logged-in clients shared by every app's tests."""

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.core.testing import held_on_test_day, running_in_ci, test_day
from gaoxin.enterprises.tests.factories import EnterpriseFactory

PASSWORD = "Secret-pass-123"

# Hypothesis: in CI a failure prints its @reproduce_failure blob, and timing never fails a test
# (the 2-core CI machine is shared; speed is not what these properties check). Examples stay
# random in CI too, so it keeps searching. Local runs keep Hypothesis' defaults. Both start from
# Hypothesis' "default" and are loaded explicitly: Hypothesis' own CI detection takes CI=false for CI.
_hypothesis_default = hypothesis_settings.get_profile("default")
# Timing is not what the properties test, and these 2-core machines run two workers (and often more): no
# deadline and no too-slow health check anywhere, or a busy machine fails a correct property.
hypothesis_settings.register_profile("ci", _hypothesis_default, print_blob=True, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.register_profile("local", _hypothesis_default, deadline=None,
                                     suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("ci" if running_in_ci() else "local")


@pytest.fixture(autouse=True)
def _one_day_per_run(request):
    """Tests name "today" at import (`TODAY = test_day()`); should the run cross midnight, each later test runs on
    that day's clock (core.testing.held_on_test_day). The day is fixed before any test module is imported.
    Not for a test whose other side keeps the real clock: a browser on the live server (12 hours apart, its cache
    takes every response for stale) or a worker process (`real_clock` marker: its heartbeats would date from the
    future); those tests date nothing by a module-level TODAY."""
    if "live_server" in request.fixturenames or request.node.get_closest_marker("real_clock"):
        yield
        return
    with held_on_test_day():
        yield


def pytest_collection(session):
    test_day()  # the run's day, before the test modules (and their TODAY) are imported


def _seed_reference_data() -> None:
    """The reference tables migrations fill (industries, the calendar, default tier policies, synonyms and the talent
    tier table)."""
    from gaoxin.catalog.models import SearchSynonym
    from gaoxin.catalog.synonym_seed import seed_default_synonyms
    from gaoxin.core.calendar_seed import seed_calendar
    from gaoxin.core.models import CalendarDay, CalendarYear
    from gaoxin.enterprises.industries import seed_industries
    from gaoxin.enterprises.models import Industry
    from gaoxin.evaluation.models import TierPolicy
    from gaoxin.evaluation.policy_seed import seed_default_policies
    from gaoxin.talent.models import TalentTier, TalentTitle
    from gaoxin.talent.tier_seed import seed_default_tiers

    seed_industries(Industry)
    seed_calendar(CalendarYear, CalendarDay)
    seed_default_policies(TierPolicy)
    seed_default_synonyms(SearchSynonym)
    seed_default_tiers(TalentTier, TalentTitle)


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    """A test in committed transactions (browser journeys, concurrency) flushes the whole database when it
    ends, the reference tables included. Put them back right after the flush, committed, so whatever test
    runs next on this worker (two workers take whole files in any order) finds them."""
    yield
    marker = item.get_closest_marker("django_db")
    # The last test of a worker has no next test, and its teardown has dropped the test database already.
    if nextitem is not None and marker and marker.kwargs.get("transaction"):
        from pytest_django.plugin import blocking_manager_key

        with item.config.stash[blocking_manager_key].unblock():
            _seed_reference_data()


@pytest.fixture
def department(db):
    return OrgUnitFactory(name="市场监督管理局", code="market")


def _user(role, **kw):
    return UserFactory(role=role, **kw)


@pytest.fixture
def admin_user(db):
    # As in the demo, the zone administrator is also the superuser of the administration (/django-admin/).
    return _user(Role.ZONE_ADMIN, username="admin", is_staff=True, is_superuser=True)


@pytest.fixture
def clerk_user(db):
    return _user(Role.WINDOW_CLERK, username="clerk")


@pytest.fixture
def officer_user(department):
    return _user(Role.DEPT_OFFICER, username="officer", org_unit=department)


@pytest.fixture
def leader_user(db):
    return _user(Role.LEADER, username="leader")


@pytest.fixture
def own_enterprise(db):
    return EnterpriseFactory(name="湖南自家电工有限公司")


@pytest.fixture
def other_enterprise(db):
    return EnterpriseFactory(name="湖南别家机械有限公司")


@pytest.fixture
def enterprise_user(own_enterprise):
    user = _user(Role.ENTERPRISE, username="ent")
    user.enterprise_memberships.create(enterprise=own_enterprise)
    return user


def _login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# pytest-django's `admin_client` logs in `admin_user` above, the zone administrator.


@pytest.fixture
def clerk_client(clerk_user):
    return _login(clerk_user)


@pytest.fixture
def officer_client(officer_user):
    return _login(officer_user)


@pytest.fixture
def leader_client(leader_user):
    return _login(leader_user)


@pytest.fixture
def enterprise_client(enterprise_user):
    return _login(enterprise_user)
