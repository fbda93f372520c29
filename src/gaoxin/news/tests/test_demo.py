"""The demo's 云资讯, built on a small zone: public news, an explainer linked to its policy, a draft, and two
targeted notices delivered by their rules, one of them partly read."""

import datetime as dt
import random

import pytest

from gaoxin.accounts.models import Role, User
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.models import ParkArea
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.news import selectors
from gaoxin.news.demo_data import build_demo_news
from gaoxin.news.models import Article, Delivery

from .conftest import fact, member

pytestmark = pytest.mark.django_db


def test_demo_news(centre):
    park = ParkArea.objects.create(code="jinrong", name="金荣园区")
    firms = [EnterpriseFactory(park_area=park if i % 2 else None) for i in range(12)]
    for i, firm in enumerate(firms):
        if i % 3:
            fact(firm, 50 * i)
    own = member(firms[1], "enterprise")
    users = {"clerk": UserFactory(role=Role.WINDOW_CLERK, org_unit=centre),
             "officer-hrss": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("hrss", "人社局")),
             "officer-science": UserFactory(role=Role.DEPT_OFFICER, org_unit=department("science", "科技局"))}
    OrgUnitFactory(code="admin-unit")
    result = build_demo_news(users=users, enterprises=[firms[1], *firms], today=dt.date(2026, 11, 1),
                             rng=random.Random(7))
    assert result["articles"] == Article.objects.count() == 7
    hiring = Article.objects.get(title__startswith="关于开展规上企业春季用工需求摸底")
    assert hiring.targeted_count == Delivery.objects.filter(article=hiring).count() > 0
    assert hiring.unknown_count == 4  # the firms without a staff figure
    assert "11月22日前" in hiring.summary and "11月22日前" in hiring.body  # due after it was published (10月26日)
    assert Delivery.objects.filter(article=hiring, read_by__isnull=False).exists()
    assert User.objects.filter(username__startswith="firm-contact-").exists()
    mine = set(selectors.news_list(user=own).values_list("title", flat=True))
    assert any("税收政策宣讲" in t for t in mine) and "湘潭高新区：政务服务精彩蝶变" in mine
    assert Article.objects.filter(status="draft").count() == 1
