"""The seeded demo shows the case features: decisions with licence numbers and their notices, a
refusal with reasons, a result file, a delivery by post, a 容缺 case with its supply deadline."""

import pytest

from gaoxin.accounts.models import User
from gaoxin.cases.models import Case, Decision, DeliveryMethod
from gaoxin.demo import build_demo_zone


@pytest.mark.django_db
def test_demo_cases_show_decisions_deliveries_and_tolerance(client):
    build_demo_zone(seed=3, enterprises=60, history=0)
    client.force_login(User.objects.get(username="clerk"))
    approved = Decision.objects.filter(outcome="approved")
    assert approved.count() >= 8 and all(d.licence_number and d.opinion for d in approved)
    assert approved.exclude(result_file="").count() == 1
    refused = Decision.objects.get(outcome="refused")
    assert refused.reasons and refused.legal_basis
    posted = Case.objects.filter(delivery_method=DeliveryMethod.POST)
    assert posted.exists() and all(c.tracking_number and c.postal_address and c.postal_recipient for c in posted)
    tolerant = Case.objects.get(tolerance=True)
    assert tolerant.tolerance_supply_days == 3 and tolerant.tolerance_due > tolerant.accepted_on
    for decision in (approved.first(), refused):
        page = client.get(f"/cases/{decision.case.number}/notice/{decision.notice_kind}/")
        assert page.status_code == 200 and decision.notice_number in page.content.decode()


@pytest.mark.django_db
def test_every_decided_demo_case_has_its_decision_notice(client):
    """QA walk: a demo case in 办结（不予许可） offered only 受理通知书 (earlier years' cases had no decision)."""
    from gaoxin.cases.models import DECIDED, Status

    build_demo_zone(seed=3, enterprises=40, history=150)
    decided = Case.objects.filter(events__transition__in=["APPROVE", "REFUSE"]).distinct()
    assert decided.count() > 100
    assert not decided.filter(decision__isnull=True).exists()
    assert not Case.objects.filter(status__in=DECIDED, kind="single", decision__isnull=True).exists()
    client.force_login(User.objects.get(username="clerk"))
    for status, title in ((Status.DECIDED_REFUSED, "不予行政许可决定书"), (Status.DELIVERED, "准予行政许可决定书")):
        case = Case.objects.filter(status=status, decision__isnull=False).order_by("received_on").first()
        page = client.get(f"/cases/{case.number}/").content.decode()
        assert title in page
        notice = client.get(f"/cases/{case.number}/notice/{case.decision.notice_kind}/").content.decode()
        assert case.decision.notice_number in notice and case.decision.opinion in notice
