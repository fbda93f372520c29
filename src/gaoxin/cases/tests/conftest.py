import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.cases.models import Case
from gaoxin.catalog.tests.factories import department, make_item


@pytest.fixture
def market(db):
    return department("market", "市场监督管理局")


@pytest.fixture
def item(admin_user, market):
    """A 承诺件 (promised in 1 WD, statutory 15) that allows 容缺, with situations."""
    return make_item(admin_user, tolerance_allowed=True, channels=["window", "web", "station", "proxy"])


@pytest.fixture
def immediate_item(admin_user, market):
    return make_item(admin_user, code="43037105GG0002", name="发票验旧", case_type="immediate", promised_limit=0,
                     statutory_limit=1, situations=(), channels=["window", "web", "kiosk"])


@pytest.fixture
def officer(market):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=market, username="market-officer")


@pytest.fixture
def other_officer(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"), username="tax-officer")


def required_ids(item) -> set[int]:
    return set(item.current_version.materials.filter(necessity="required").values_list("pk", flat=True))


@pytest.fixture
def submit(enterprise_user, own_enterprise, clerk_user):
    def _submit(item, *, originals=None, actor=None, channel="window") -> Case:
        applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise,
                                       phone="13812345678")
        return services.case_submit(item=item, applicant=applicant, channel=channel, actor=actor or clerk_user,
                                    originals_seen=required_ids(item) if originals is None else originals)
    return _submit
