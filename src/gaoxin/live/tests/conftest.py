import datetime as dt

import pytest
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import make_item
from gaoxin.live import services


@pytest.fixture
def centre(db):
    return OrgUnitFactory(code="centre", name="湘潭高新区政务服务中心", short_name="政务服务中心", kind=OrgKind.CENTRE)


@pytest.fixture
def host(centre):
    return UserFactory(username="host", full_name="李娜", role=Role.WINDOW_CLERK, org_unit=centre)


@pytest.fixture
def item(admin_user, department):
    return make_item(admin_user, code="43037105XK0101", name="企业设立登记", dept=department)


@pytest.fixture
def policy(department):
    from gaoxin.benefits.models import Policy

    return Policy.objects.create(code="p2", title="高新技术企业认定奖励", issuer=department, kind="qualification",
                                 mode="apply", rule="has('高新技术企业')", effective_from=dt.date(2023, 1, 1),
                                 status="published")


@pytest.fixture
def make_session(host, centre):
    def _make(*, actor=None, **kw):
        start = kw.pop("starts_at", timezone.now() + dt.timedelta(days=2))
        kw.setdefault("title", "小高说政务｜企业开办一件事")
        kw.setdefault("department", centre)
        return services.session_create(actor=actor or host, starts_at=start, ends_at=start + dt.timedelta(hours=1),
                                       stream_url="https://live.example.cn/room/1", **kw)

    return _make


@pytest.fixture
def session(make_session):
    return make_session()


@pytest.fixture
def ask(enterprise_user, own_enterprise):
    def _ask(session, *, actor=None, text="公司名称申报通过后多久要提交设立登记？", **kw):
        kw.setdefault("enterprise", own_enterprise if actor is None else None)
        return services.question_ask(session=session, actor=actor or enterprise_user, text=text,
                                     contact_name=kw.pop("contact_name", "张伟"),
                                     contact_phone=kw.pop("contact_phone", "13800000001"), **kw)

    return _ask


def go(session, *names, actor, **params):
    for name in names:
        session = services.session_transition(session=session, name=name, actor=actor,
                                              replay_url="https://live.example.cn/replay/1", reason="说明",
                                              confirm_early=True)  # the fixture's session is two days ahead
    return session


@pytest.fixture
def other_firm_user(other_enterprise):
    user = UserFactory(role=Role.ENTERPRISE, username="other-ent")
    user.enterprise_memberships.create(enterprise=other_enterprise)
    return user


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Anonymous questions are counted per address in the cache: each test starts from none."""
    from django.core.cache import cache

    cache.clear()
