import pytest
from django.test import Client

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department


@pytest.fixture
def science(db):
    """An officer of the organising department (科技局, code "science" as GAOXIN_COMPETITIONS_DEPARTMENT_CODES)."""
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("science", "科技局"), username="science",
                       full_name="孙科")


@pytest.fixture
def tax_officer(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局"), username="tax")


@pytest.fixture
def science_client(science):
    client = Client()
    client.force_login(science)
    return client


TRACKS = [("新一代信息技术", None), ("高端装备制造", 3), ("新材料", 3), ("生物医药", None),
          ("新能源、新能源汽车、节能环保", None)]


@pytest.fixture
def edition(science):
    from gaoxin.competitions import services

    return services.edition_create(
        actor=science, code="cxcy-2026", name="第十五届中国创新创业大赛（湘潭高新区）", year=2026,
        organiser="湘潭高新区科技局", tracks=TRACKS,
        stages=[("初赛", "local", 20), ("复赛", "local", 10), ("区内路演", "zone", None)],
        award_levels=[("一等奖", 1), ("二等奖", 2), ("三等奖", 3)])
