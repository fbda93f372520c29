"""Fixtures of the 帮代办 tests: a station, its officer, the agent and an order in each stage."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.catalog import services as catalog_services
from gaoxin.catalog.models import Material
from gaoxin.catalog.tests.factories import make_item
from gaoxin.core.testing import test_day

TODAY = test_day()
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf(name="委托书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


@pytest.fixture
def agent(db):
    return UserFactory(role=Role.AGENT, username="agent", full_name="帮代办 陈杰")


@pytest.fixture
def agent_client(agent):
    return login(agent)


@pytest.fixture
def station(db):
    return OrgUnit.objects.create(code="station-jinrong", name="金荣政务服务驿站", kind=OrgKind.STATION)


@pytest.fixture
def station_officer(station):
    return UserFactory(role=Role.STATION_OFFICER, org_unit=station)


@pytest.fixture
def order(station_officer, own_enterprise):
    return services.order_create(actor=station_officer, enterprise=own_enterprise, channel="station",
                                 description="代办企业变更登记", contact_name="张", contact_phone="13800000000",
                                 commission_signed_on=TODAY, commission_valid_until=TODAY + dt.timedelta(days=90))


@pytest.fixture
def change_item(admin_user):
    """企业变更登记: a required form, a required licence, an optional photo and a 容缺 premises proof."""
    item = make_item(admin_user, code="43037105XK0009", name="企业变更登记", situations=(), publish=False,
                     channels=["window", "proxy"])
    version = item.versions.get()
    Material.objects.create(version=version, name="营业执照正副本", necessity="required")
    Material.objects.create(version=version, name="经营场所照片", necessity="optional")
    catalog_services.version_publish(version=version, actor=admin_user)
    item.refresh_from_db()
    return item


@pytest.fixture
def working_order(station_officer, own_enterprise, clerk_user, agent, change_item):
    """An order for 企业变更登记 with its 委托书, assigned to the agent, being worked."""
    order = services.order_create(actor=station_officer, enterprise=own_enterprise, channel="station",
                                  description="变更注册地址，上门代办", contact_name="张伟", contact_phone="13812345678",
                                  commission_signed_on=TODAY, commission_valid_until=TODAY + dt.timedelta(days=90),
                                  item=change_item, commission_file=pdf())
    order = services.order_transition(order=order, name="ASSIGN", actor=clerk_user, agent=agent)
    return services.order_transition(order=order, name="START", actor=agent)


def materials(item) -> dict[str, Material]:
    return {m.name: m for m in item.current_version.materials.all()}
