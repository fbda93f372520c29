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


@pytest.mark.django_db
def test_chain_yearly_figures_against_hand_computed_values():
    """A hand-built registry: two local firms and a target on the chain, one firm off it. Released cycles for 2023
    and 2024 (and a trial cycle and an unreleased one that must not count); tagged appeals; payments."""
    from gaoxin.benefits.models import ApplicationEvent
    from gaoxin.chains.models import ChainAppeal
    from gaoxin.evaluation.models import Cycle, CycleValue, Participant, Release, ScoreRun

    admin = UserFactory(role=Role.ZONE_ADMIN)
    chain = services.chain_create(actor=admin, code="c", name="某产业链", chief=UserFactory(role=Role.LEADER))
    node = services.node_create(actor=admin, chain=chain, segment="mid", name="节点", keywords="储能")
    lead, supplier, target, outside = (EnterpriseFactory(name=f"湖南{n}储能有限公司") for n in "甲乙丙丁")
    services.membership_add(actor=admin, node=node, enterprise=lead, role=MemberRole.LEAD)
    services.membership_add(actor=admin, node=node, enterprise=supplier, role=MemberRole.SUPPORT)
    services.membership_add(actor=admin, node=node, enterprise=target, role=MemberRole.TARGET)

    def cycle(year, *, released=True, trial=False, values=()):
        c = Cycle.objects.create(data_year=year, name=f"{year}年度{'试评价' if trial else ''}", trial=trial,
                                 created_by=admin)
        if released:
            run = ScoreRun.objects.create(cycle=c, number=1, status="DONE", method_hash="x", created_by=admin)
            Release.objects.create(cycle=c, version=1, run=run, doc_no="文号", released_by=admin)
        for firm, participating, sales, tax, verified_tax in values:
            p = Participant.objects.create(cycle=c, enterprise=firm, group="规上", participating=participating,
                                           t_reason="" if participating else "新建")
            CycleValue.objects.create(participant=p, field="sales_wan", reported=Decimal(sales))
            CycleValue.objects.create(participant=p, field="tax_wan", reported=Decimal(tax),
                                      verified=Decimal(verified_tax) if verified_tax else None)
        return c

    cycle(2023, values=[(lead, True, "1000", "50", None), (supplier, True, "300", "20", "18")])
    cycle(2024, values=[(lead, True, "1200", "60", "61.5"), (supplier, False, "999", "99", None),
                        (target, True, "500", "40", None), (outside, True, "800", "70", None)])
    cycle(2024, trial=True, values=[(lead, True, "9999", "999", None)])
    cycle(2025, released=False, values=[(lead, True, "9999", "999", None)])

    def appeal(n, firm, status, received, resolved=None):
        a = Appeal.objects.create(number=f"SQ{n}", enterprise=firm, channel="online", contact_name="张三",
                                  contact_phone="13800000000", category="policy", request_type="help", title="诉求",
                                  description="内容", received_by=admin, status=status, resolved_on=resolved)
        Appeal.objects.filter(pk=a.pk).update(received_at=received)
        return a

    tz = timezone.get_current_timezone()
    at = lambda y, m: dt.datetime(y, m, 15, 10, tzinfo=tz)  # noqa: E731
    for a in (appeal(1, lead, "closed", at(2023, 11), dt.date(2024, 1, 10)),
              appeal(2, supplier, "resolved", at(2024, 3), dt.date(2024, 4, 1)),
              appeal(3, outside, "in_progress", at(2024, 5))):
        ChainAppeal.objects.create(chain=chain, appeal=a, tagged_by=admin)
    appeal(4, lead, "closed", at(2024, 6), dt.date(2024, 7, 1))  # not tagged: not the chain's problem

    for n, (firm, amount, when) in enumerate(((lead, "12.5", at(2023, 12)), (supplier, "3", at(2024, 2)),
                                              (lead, "4.25", at(2024, 8)), (target, "7", at(2024, 8)),
                                              (outside, "99", at(2024, 8)))):
        policy = Policy.objects.create(code=f"p{n}", title=f"某政策{n}", issuer=department(), kind="subsidy",
                                       mode="apply", rule="True", effective_from=dt.date(2023, 1, 1))
        application = BenefitApplication.objects.create(number=f"HQ{n}", enterprise=firm, policy=policy,
                                                        policy_version=1, status="paid", amount_paid=Decimal(amount),
                                                        created_by=admin)
        event = ApplicationEvent.objects.create(application=application, transition="PAY", from_status="approved",
                                                to_status="paid")
        ApplicationEvent.objects.filter(pk=event.pk).update(at=when)

    # the lead on a second node too (counted once), and on another chain (its figures there as well)
    second = services.node_create(actor=admin, chain=chain, segment="up", name="另一节点", keywords="材料")
    services.membership_add(actor=admin, node=second, enterprise=lead, role=MemberRole.SUPPORT)
    other = services.chain_create(actor=admin, code="o", name="另一产业链")
    services.membership_add(actor=admin, enterprise=lead, role=MemberRole.LEAD, node=services.node_create(
        actor=admin, chain=other, segment="up", name="节点", keywords="x"))

    rows = {r["year"]: r for r in selectors.chain_yearly(chain=chain)}
    assert sorted(rows, reverse=True) == [2024, 2023]
    # 2024: the lead only (the supplier did not take part, the target and the firm off the chain do not count);
    # its tax is the verified 61.5, not the reported 60.
    assert (rows[2024]["sales"], rows[2024]["tax"], rows[2024]["rated"]) == (Decimal("1200"), Decimal("61.5"), 1)
    assert (rows[2023]["sales"], rows[2023]["tax"], rows[2023]["rated"]) == (Decimal("1300"), Decimal("68"), 2)
    # problems by the year received (SQ1 2023; SQ2, SQ3 2024), solved by the year resolved (SQ1, SQ2 in 2024)
    assert (rows[2023]["problems"], rows[2023]["solved"]) == (1, 0)
    assert (rows[2024]["problems"], rows[2024]["solved"]) == (2, 2)
    # paid: 2023 the lead's 12.5; 2024 the supplier's 3 and the lead's 4.25 (not the target's, not outside)
    assert (rows[2023]["paid"], rows[2023]["paid_amount"]) == (1, Decimal("12.5"))
    assert (rows[2024]["paid"], rows[2024]["paid_amount"]) == (2, Decimal("7.25"))

    both = selectors.chains_yearly()
    assert both[chain.pk] == selectors.chain_yearly(chain=chain)
    assert [(r["year"], r["sales"], r["paid"]) for r in both[other.pk]] == [
        (2024, Decimal("1200"), 1), (2023, Decimal("1000"), 1)]

    # The same figures registered in the dashboard's figure registry with the chain dimension (issue 20 item 4):
    # stored per day, summed over each year, per chain, they agree with the chain's yearly figures.
    from gaoxin.dashboard import periods as P
    from gaoxin.dashboard import selectors as dashboard
    from gaoxin.dashboard.figures import BY_ID
    from gaoxin.dashboard.services import figures_refresh

    figures_refresh(full=True)
    ids = ("chains.problems", "chains.solved", "chains.paid", "chains.paid_amount")
    keys = {"chains.problems": "problems", "chains.solved": "solved", "chains.paid": "paid",
            "chains.paid_amount": "paid_amount"}
    for year in (2023, 2024):
        rows = dashboard.breakdown(P.Period("year", dt.date(year, 1, 1), dt.date(year, 12, 31)), "chain",
                                   figures=[BY_ID[i] for i in ids])
        for c in (chain, other):
            yearly = {r["year"]: r for r in both[c.pk]}.get(year, {})
            for fid in ids:
                got = next((value for key, name, value, *_ in rows[fid] if key == str(c.pk)), 0)
                assert Decimal(str(got)) == Decimal(str(yearly.get(keys[fid], 0))), (year, c.name, fid)
                if got:
                    assert next(name for key, name, *_ in rows[fid] if key == str(c.pk)) == c.name
    # by hand: 2024 on this chain 2 problems, 2 solved, 2 paid for 7.25 万元; on the other chain the lead's 4.25
    rows = dashboard.breakdown(P.Period("year", dt.date(2024, 1, 1), dt.date(2024, 12, 31)), "chain",
                               figures=[BY_ID[i] for i in ids])
    assert [(k, v) for k, _n, v, *_ in rows["chains.paid_amount"]] == [(str(chain.pk), 7.25), (str(other.pk), 4.25)]
    assert [(k, v) for k, _n, v, *_ in rows["chains.problems"]] == [(str(chain.pk), 2)]
    # The drill-down: the lead's 2024 payment counts on both chains, one row per chain saying which.
    year_2024 = P.Period("year", dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    listed = dashboard.records(BY_ID["chains.paid"], year_2024, user=admin)
    assert sorted((r.chain_name, r.application.amount_paid) for r in listed) == sorted(
        [(chain.name, Decimal("3")), (chain.name, Decimal("4.25")), (other.name, Decimal("4.25"))])
    one = dashboard.records(BY_ID["chains.paid"], year_2024, user=admin, dim="chain", key=str(other.pk))
    assert [(r.chain_name, r.application.amount_paid) for r in one] == [(other.name, Decimal("4.25"))]
