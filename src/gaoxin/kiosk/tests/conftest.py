import datetime as dt

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.testing import held_at, test_day
from gaoxin.core.validators import id_check_char
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.kiosk import services


def id_number(body: str = "43030219800101123") -> str:
    return body + id_check_char(body)


REP_ID = id_number("43030219800101123")      # a legal representative without an account
OWNER_ID = id_number("43030219750505321")    # an enterprise account's holder


@pytest.fixture
def terminal_key(db):
    _terminal, key = services.terminal_register(name="1号机", location="政务服务中心一楼智能微厅", actor=None)
    return key


@pytest.fixture
def kiosk(client, terminal_key):
    """A test client that is a registered terminal."""
    client.post("/kiosk/activate/", {"key": terminal_key})
    return client


@pytest.fixture
def firm(db):
    return EnterpriseFactory(name="湘潭恒达电气有限公司", legal_representative="刘建国", legal_representative_id_number=REP_ID)


@pytest.fixture
def items(admin_user):
    tax = department("tax", "税务局")
    instant = make_item(admin_user, code="43037105GG0002", name="发票验旧", case_type="immediate", promised_limit=0,
                        statutory_limit=1, situations=(), channels=["window", "web", "kiosk"], dept=tax)
    promised = make_item(admin_user, code="43037105GG0003", name="不动产转移登记", promised_limit=3,
                         situations=(), channels=["window", "kiosk"], dept=tax)
    window_only = make_item(admin_user, code="43037105GG0004", name="企业名称自主申报", case_type="immediate",
                            promised_limit=0, statutory_limit=1, situations=(), channels=["window", "web"], dept=tax)
    return {"instant": instant, "promised": promised, "window_only": window_only}


def log_in(client, number=REP_ID):
    return client.post("/kiosk/", {"id_number": number})


@pytest.fixture
def owner(db, firm):
    user = UserFactory(role=Role.ENTERPRISE, full_name="王芳", id_number=OWNER_ID)
    other = EnterpriseFactory(name="湘潭云帆科技有限公司")
    user.enterprise_memberships.create(enterprise=other)
    return user


def working_day_on_or_before(day: dt.date) -> dt.date:
    from gaoxin.core.selectors import work_calendar

    cal = work_calendar()
    while not cal.is_workday(day):
        day -= dt.timedelta(days=1)
    return day


def previous_working_day(day: dt.date) -> dt.date:
    return working_day_on_or_before(day - dt.timedelta(days=1))


def next_working_day(day: dt.date) -> dt.date:
    from gaoxin.core.selectors import work_calendar

    return work_calendar().add_working_days(day, 1)


@pytest.fixture
def opening_hours(db):
    """The hall open: 10:00 of the run's day, or of the working day before it when the run's day is a weekend or a
    holiday (tickets are issued only in opening hours of working days), whatever the hour the suite runs at."""
    with held_at(working_day_on_or_before(test_day()), dt.time(10)):
        yield
