"""The industry chains' figures on the dashboard (issue 20 item 4): one row per chain from the chains room, in the
same queries however many chains there are; zone-wide viewers only."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.appeals.models import Appeal
from gaoxin.chains import services
from gaoxin.chains.models import ChainAppeal, MemberRole
from gaoxin.dashboard import selectors
from gaoxin.enterprises.tests.factories import EnterpriseFactory


def _chain(admin, code, firm=None, solved=0):
    chain = services.chain_create(actor=admin, code=code, name=f"{code}产业链")
    node = services.node_create(actor=admin, chain=chain, segment="mid", name="节点", keywords="x")
    firm = firm or EnterpriseFactory()
    services.membership_add(actor=admin, node=node, enterprise=firm, role=MemberRole.LEAD)
    for n in range(solved):
        appeal = Appeal.objects.create(number=f"SQ-{code}-{n}", enterprise=firm, channel="online", contact_name="张三",
                                       contact_phone="13800000000", category="policy", request_type="help",
                                       title="诉求", description="内容", received_by=admin, status="closed",
                                       resolved_on=timezone.localdate())
        ChainAppeal.objects.create(chain=chain, appeal=appeal, tagged_by=admin)
    return chain


@pytest.mark.django_db
def test_the_dashboard_lists_each_chains_figures_in_constant_queries(client):
    admin = UserFactory(role=Role.ZONE_ADMIN)
    leader = UserFactory(role=Role.LEADER)
    year = timezone.localdate().year
    _chain(admin, "a", solved=2)
    rows = selectors.chains(year)
    assert [(r["name"], r["problems"], r["solved"], r["sales"]) for r in rows] == [("a产业链", 2, 2, None)]
    assert selectors.chains(year - 1)[0]["solved"] == 0
    client.force_login(leader)
    url = reverse("dashboard")
    page = client.get(url).content.decode()
    assert 'data-testid="chain-figures"' in page and "a产业链" in page
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for code in "bcd":
        _chain(admin, code, solved=1)
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) == len(few)
