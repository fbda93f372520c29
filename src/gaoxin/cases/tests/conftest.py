import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.cases.models import Case
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.validators import id_check_char


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


@pytest.fixture
def seal_item(admin_user):
    from gaoxin.catalog.tests.factories import department as dept

    return make_item(admin_user, code="43037106XK0002", name="印章刻制备案", situations=(),
                     dept=dept("public-security", "公安局"), channels=["window", "web"])


@pytest.fixture
def two_item_bundle(item, seal_item, market):
    """A 一件事 of two items (企业设立登记, 印章刻制备案), in that order."""
    from gaoxin.catalog.models import Bundle, BundleItem

    bundle = Bundle.objects.create(code="startup-one", name="企业开办一件事", zone=item.zone, lead_department=market,
                                   promised_limit=1)
    BundleItem.objects.bulk_create([BundleItem(bundle=bundle, item=item, sort_order=0),
                                    BundleItem(bundle=bundle, item=seal_item, sort_order=1)])
    return bundle


@pytest.fixture
def file_package(two_item_bundle, enterprise_user, own_enterprise, clerk_user):
    """File the 一件事 for the own enterprise (at the window unless `actor`/`channel` say otherwise)."""
    from django.core.files.base import ContentFile

    from gaoxin.cases import application

    def _file(*, actor=None, channel="window") -> Case:
        applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise,
                                       phone="13812345678")
        parts = application.bundle_parts(two_item_bundle)
        situations = {p.item.pk: p.situations[0] if p.situations else None for p in parts}
        files = {g.key: ContentFile(b"%PDF-1.4 test", name=f"{g.name}.pdf")
                 for g in application.material_groups(two_item_bundle, parts, situations, "enterprise") if g.required}
        return services.bundle_submit(bundle=two_item_bundle, applicant=applicant, channel=channel,
                                      actor=actor or clerk_user, situations=situations,
                                      files=files if channel == "web" else {})
    return _file


@pytest.fixture(autouse=True)
def _fresh_throttles():
    """Look-up throttles (public tracking) count per client address in the cache: each test starts afresh."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


FOUNDER_ID = "43030219900315202" + id_check_char("43030219900315202")


@pytest.fixture
def founder(db):
    """A natural person with a verified ID number and no firm yet (创业者)."""
    return UserFactory(username="13907320001", full_name="孙悦", role=Role.ENTERPRISE, phone="13907320001",
                       id_number=FOUNDER_ID)
