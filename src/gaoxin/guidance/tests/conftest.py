import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import make_item
from gaoxin.guidance import services

TZ = timezone.get_current_timezone()
# A known working day of the seeded calendar, long past: a booking made the day before is bookable, and by now the
# session has begun (HOLD, NO_SHOW may be taken).
PAST_DAY = dt.date(2026, 11, 2)  # Monday
BOOKED_ON = dt.datetime(2026, 10, 30, 8, 0, tzinfo=TZ)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


def future_day() -> dt.date:
    """A bookable working day after today (the second of the bookable days)."""
    return services.bookable_days(timezone.localdate())[1]


@pytest.fixture
def item(admin_user, department):
    return make_item(admin_user, code="43037105XK0101", name="企业设立登记", dept=department)


@pytest.fixture
def book(enterprise_user, own_enterprise, item):
    """Book as the firm's user, by default the past Monday's 09:00 slot (booked the Friday before)."""

    def _book(*, starts_at=None, actor=None, now=BOOKED_ON, **kw):
        kw.setdefault("question", "设立有限公司需要准备哪些材料？")
        kw.setdefault("contact_name", "张伟")
        kw.setdefault("contact_phone", "13800000001")
        kw.setdefault("enterprise", own_enterprise)
        return services.session_book(actor=actor or enterprise_user, item=kw.pop("item", item),
                                     starts_at=starts_at or at(PAST_DAY, 9), now=now, **kw)

    return _book


@pytest.fixture
def other_firm_user(other_enterprise):
    user = UserFactory(role=Role.ENTERPRISE, username="other-ent")
    user.enterprise_memberships.create(enterprise=other_enterprise)
    return user
