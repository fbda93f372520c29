"""The chain's figures against values computed by hand on a hand-built chain: only confirmed local firms (链主,
配套) count — not an investment target, not a suggestion, not a firm off the chain."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.appeals.models import Appeal
from gaoxin.benefits.models import BenefitApplication, Policy
from gaoxin.catalog.tests.factories import department
from gaoxin.chains import selectors, services
from gaoxin.chains.models import MemberRole, Membership, MembershipStatus
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.evaluation.models import TierHistory
from gaoxin.talent.models import JobDemand


@pytest.mark.django_db
def test_chain_figures_count_only_the_confirmed_local_firms():
    admin = UserFactory(role=Role.ZONE_ADMIN)
    chief = UserFactory(role=Role.LEADER)
    chain = services.chain_create(actor=admin, code="c", name="某产业链", chief=chief)
    node = services.node_create(actor=admin, chain=chain, segment="mid", name="节点", keywords="储能")
    lead, supplier, target, suggested, outside = (EnterpriseFactory(name=f"湖南{n}储能有限公司") for n in "甲乙丙丁戊")
    services.membership_add(actor=admin, node=node, enterprise=lead, role=MemberRole.LEAD)
    services.membership_add(actor=admin, node=node, enterprise=supplier, role=MemberRole.SUPPORT)
    services.membership_add(actor=admin, node=node, enterprise=target, role=MemberRole.TARGET)
    Membership.objects.create(chain=chain, node=node, enterprise=suggested, status=MembershipStatus.SUGGESTED)

    for firm, year, tier in ((lead, 2024, "A"), (supplier, 2024, "C"), (lead, 2023, "B"), (target, 2024, "D"),
                             (suggested, 2025, "D")):
        TierHistory.objects.create(enterprise=firm, year=year, tier=tier)
    now = timezone.now()
    for n, (firm, status, when) in enumerate(((lead, "closed", now), (lead, "in_progress", now),
                                             (supplier, "resolved", now), (supplier, "closed", now - dt.timedelta(days=400)),
                                             (target, "closed", now), (outside, "closed", now))):
        appeal = Appeal.objects.create(number=f"SQ{n}", enterprise=firm, channel="online", contact_name="张三",
                                       contact_phone="13800000000", category="policy", request_type="help",
                                       title="诉求", description="内容", received_by=admin, status=status)
        Appeal.objects.filter(pk=appeal.pk).update(received_at=when)
    policy = Policy.objects.create(code="p1", title="某政策", issuer=department(), kind="subsidy", mode="apply",
                                   rule="True", effective_from=dt.date(2024, 1, 1))
    other = Policy.objects.create(code="p2", title="另一政策", issuer=department(), kind="subsidy", mode="apply",
                                  rule="True", effective_from=dt.date(2024, 1, 1))
    for n, (firm, status, amount, pol) in enumerate(((lead, "paid", "12.5", policy), (supplier, "archived", "3", policy),
                                                    (supplier, "approved", None, other),
                                                    (outside, "paid", "99", policy))):
        BenefitApplication.objects.create(number=f"HQ{n}", enterprise=firm, policy=pol, policy_version=1,
                                          status=status, amount_paid=Decimal(amount) if amount else None,
                                          created_by=admin)
    for n, (firm, quantity, filled, status) in enumerate(((lead, 10, 3, "partly_filled"), (supplier, 4, 0, "open"),
                                                         (supplier, 5, 5, "filled"), (target, 8, 0, "open"))):
        JobDemand.objects.create(number=f"YG{n}", enterprise=firm, post="操作工", quantity=quantity, filled=filled,
                                 status=status, skill_level="general", pay_min=4000, pay_max=6000, location="园区",
                                 created_by=admin)

    figures = selectors.chain_figures(chain=chain)
    assert figures["local"] == 2
    assert figures["tier_year"] == 2024
    assert figures["tiers"] == [{"tier": "A", "count": 1}, {"tier": "B", "count": 0}, {"tier": "C", "count": 1},
                                {"tier": "D", "count": 0}]
    this_year = timezone.localdate().year == (now - dt.timedelta(days=400)).year
    assert figures["appeals"] == (4 if this_year else 3) and figures["appeals_done"] == (3 if this_year else 2)
    assert (figures["paid"], figures["paid_amount"]) == (2, Decimal("15.5"))
    assert figures["open_places"] == 7 + 4
