"""The green scorecard in the zone (issue 21 item 3): its input read from the registry, the evaluation and the labels,
a run as a background job (one audit event to start, one to finish), the grades page for staff and a firm's own card
with the reasons and the next-grade what-if; hand-computed against the default method."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent
from gaoxin.enterprises.tests.factories import EnterpriseFactory
from gaoxin.green import services, services_scorecard
from gaoxin.green.models import LabelKind, ScorecardResult, ScorecardRun
from gaoxin.green.scorecard_data import scorecard_inputs

from .test_labels import _penalty

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("economic", "经济发展局"), username="economic")


def _tier(enterprise, year, tier):
    from gaoxin.evaluation.models import TierHistory

    TierHistory.objects.create(enterprise=enterprise, year=year, tier=tier, source="imported")


@pytest.fixture
def zone(office, own_enterprise, other_enterprise):
    # Own firm: tier B (2024; D in 2023), a national green factory, 先进级 智能工厂 and a 省级示范智能车间 (both 6
    # points), two green-design products; an environmental penalty of 2023 only (not the latest evaluation year).
    _tier(own_enterprise, 2023, "D")
    _tier(own_enterprise, 2024, "B")
    for kind, level in ((LabelKind.GREEN_FACTORY, "national"), (LabelKind.SMART_FACTORY, "advanced"),
                        (LabelKind.SMART_WORKSHOP, "provincial"), (LabelKind.GREEN_DESIGN_PRODUCT, "provincial"),
                        (LabelKind.GREEN_DESIGN_PRODUCT, "national")):
        services.label_create(actor=office, enterprise=own_enterprise, kind=kind, level=level, year=2024)
    _penalty(own_enterprise, 2023)
    # Other firm: tier A, a near-zero-carbon factory, one environmental penalty in 2025 (the latest year).
    _tier(other_enterprise, 2024, "A")
    services.label_create(actor=office, enterprise=other_enterprise, kind=LabelKind.NEAR_ZERO_CARBON,
                          level="provincial", year=2024)
    _penalty(other_enterprise, 2025)
    EnterpriseFactory()  # no tier, grade or label: not scored
    return own_enterprise, other_enterprise


def test_the_input_is_read_from_what_the_zone_holds(zone):
    own, other = zone
    rows = {r["enterprise_id"]: r for r in scorecard_inputs().to_dicts()}
    assert set(rows) == {own.pk, other.pk}
    assert rows[own.pk] | {"enterprise_id": 0} == {
        "enterprise_id": 0, "per_mu_tier": "B", "carbon_grade": None, "green_factory": "national",
        "smart_level": "advanced", "green_supply_chain": None, "near_zero_carbon": None, "green_design_products": 2,
        "env_penalties": 0, "safety_accidents": 0}
    assert rows[other.pk]["env_penalties"] == 1 and rows[other.pk]["near_zero_carbon"] is True


def test_a_run_scores_every_firm_as_the_method_says(zone, office, client, django_capture_on_commit_callbacks):
    own, other = zone
    client.force_login(office)
    before = AuditEvent.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("green_scorecard_run")).status_code == 302
    run = ScorecardRun.objects.get()
    assert run.status == "done" and run.firms == 2 and run.job.status == "succeeded"
    assert AuditEvent.objects.filter(pk__gt=0).count() == before + 2  # started, finished
    mine = ScorecardResult.objects.get(run=run, enterprise=own)
    # 25 × 0.75 + 0 + 20 + 10 × 0.6 + 0 + 0 + 2 × 2 = 48.75 → 普绿
    assert mine.total == Decimal("48.75") and mine.grade_name == "普绿" and mine.capped_by == ""
    theirs = ScorecardResult.objects.get(run=run, enterprise=other)
    assert theirs.total == Decimal("25.00") and theirs.grade_name == "非绿"  # 25 + 5 − 5
    assert "环境行政处罚1次，扣5分，等级最高为普绿" in theirs.reasons
    page = client.get(reverse("green_scorecard") + "?grade=plain").content.decode()
    assert own.name in page and other.name not in page and "普绿 1 家" in page
    with pytest.raises(PermissionDenied):
        services_scorecard.scorecard_start(actor=UserFactory(role=Role.LEADER))


def test_a_firm_sees_its_own_card_with_the_next_grade(zone, office, enterprise_client,
                                                        django_capture_on_commit_callbacks):
    own, other = zone
    with django_capture_on_commit_callbacks(execute=True):
        services_scorecard.scorecard_start(actor=office)
    mine = ScorecardResult.objects.get(enterprise=own)
    theirs = ScorecardResult.objects.get(enterprise=other)
    listing = enterprise_client.get(reverse("green_scorecard")).content.decode()
    assert own.name in listing and other.name not in listing
    assert enterprise_client.get(reverse("green_score", args=[theirs.pk])).status_code == 404
    card = enterprise_client.get(reverse("green_score", args=[mine.pk])).content.decode()
    # 48.75: 浅绿 needs 50, 1.25 more — 亩均效益 B→A (+6.25) closes it, and so does any of the others
    assert "距离“浅绿”还差 <strong>1.25</strong> 分" in card and "亩均效益等级达到“A类”：加 6.25 分" in card
    assert "绿色工厂：国家级，得20分（满分20）" in card


def test_one_run_at_a_time_and_the_pages_cost_a_fixed_number_of_queries(zone, office, client,
                                                                        django_capture_on_commit_callbacks,
                                                                        django_assert_max_num_queries):
    with django_capture_on_commit_callbacks(execute=False):
        services_scorecard.scorecard_start(actor=office)
        client.force_login(office)
        again = client.post(reverse("green_scorecard_run"))
    assert again.status_code == 400 and "已有一次绿色评价测算正在进行" in again.content.decode()
    ScorecardRun.objects.update(status="done", finished_at=dt.datetime(2026, 11, 30, tzinfo=dt.UTC))
    run = ScorecardRun.objects.get()
    for n in range(30):
        ScorecardResult.objects.create(run=run, enterprise=EnterpriseFactory(), total=n, grade="non_green",
                                       grade_name="非绿", reasons=[])
    with django_assert_max_num_queries(14):
        assert client.get(reverse("green_scorecard")).status_code == 200
