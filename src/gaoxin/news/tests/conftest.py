import pytest

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.enterprises.models import SizeGroup
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.news import services

# A rule on the registry's size group and a profile fact: a firm without the fact cannot be decided (UNKNOWN).
RULE = "size_group == 'ABOVE' and employees >= 100"


@pytest.fixture
def centre(db):
    return OrgUnitFactory(code="centre", name="湘潭高新区政务服务中心", short_name="政务服务中心", kind=OrgKind.CENTRE)


@pytest.fixture
def writer(centre):
    return UserFactory(username="writer", full_name="李娜", role=Role.WINDOW_CLERK, org_unit=centre)


@pytest.fixture
def hrss_writer(db):
    return UserFactory(username="hr", full_name="人社王", role=Role.DEPT_OFFICER,
                       org_unit=department("hrss", "人力资源和社会保障局"))


def fact(firm, employees):
    from decimal import Decimal

    from gaoxin.benefits.models import ProfileFact

    ProfileFact.objects.create(enterprise=firm, field="employees", number=Decimal(employees))


@pytest.fixture
def firms(db):
    """matching: 规上, 300 staff; small: 规上, 20 staff; below: 规下 (no facts: FALSE all the same); unknown: 规上, no
    staff figure."""
    matching = EnterpriseFactory(name="湖南湘电动力有限公司", size_group=SizeGroup.ABOVE)
    small = EnterpriseFactory(name="湘潭小微电子有限公司", size_group=SizeGroup.ABOVE)
    below = EnterpriseFactory(name="湘潭规下商贸有限公司", size_group=SizeGroup.BELOW)
    unknown = EnterpriseFactory(name="湘潭待完善科技有限公司", size_group=SizeGroup.ABOVE)
    fact(matching, 300)
    fact(small, 20)
    return {"matching": matching, "small": small, "below": below, "unknown": unknown}


def member(firm, username):
    user = UserFactory(username=username, role=Role.ENTERPRISE)
    user.enterprise_memberships.create(enterprise=firm)
    return user


@pytest.fixture
def members(firms):
    return {key: member(firm, f"m-{key}") for key, firm in firms.items()}


def make_article(actor, *, kind="notice", title="关于规上企业用工需求摸底的通知", rule="", publish=False,
                 confirm_empty=False, **extra):
    article = services.article_create(actor=actor, kind=kind, title=title, summary="请于月底前填报。",
                                      body="各有关企业：\n\n请登录平台填报用工需求。", source="小高说政务", rule=rule, **extra)
    if publish:
        article = services.article_transition(article=article, name="PUBLISH", actor=actor,
                                              confirm_empty=confirm_empty)
    return article


@pytest.fixture
def targeted(writer, firms, members, django_capture_on_commit_callbacks):
    """A published targeted notice, delivered (the test task backend runs the job at commit)."""
    with django_capture_on_commit_callbacks(execute=True):
        article = make_article(writer, rule=RULE, publish=True)
    article.refresh_from_db()
    return article
