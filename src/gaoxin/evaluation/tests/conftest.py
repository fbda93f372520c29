"""A small zone for the scoring, objection and release tests: ten above-scale firms on 15 mu
each (10000 m²) with tax and sales verified by the tax bureau, the test enterprise user's firm
among them at rank 3, so one corrected figure lifts it from B into A and pushes the firm at
rank 2 down to B (quotas: A 2, B 4, C 3, D 1)."""

from decimal import Decimal

import pytest

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import collection, services
from gaoxin.evaluation.models import Cycle, CycleStatus

S = CycleStatus
# Tax (万元) per firm in rank order; sales are 20 × tax. The own enterprise sits at index 2.
TAXES = [1000, 900, 800, 700, 600, 500, 400, 300, 200, 100]
OWN = 2


@pytest.fixture
def tax_unit(db):
    return OrgUnitFactory(name="国家税务总局湘潭高新区税务局", short_name="税务", code="tax")


@pytest.fixture
def stats_unit(db):
    return OrgUnitFactory(name="统计局", short_name="统计", code="statistics")


@pytest.fixture
def tax_officer(tax_unit):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=tax_unit, username="tax-officer")


@pytest.fixture
def stats_officer(stats_unit):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=stats_unit, username="stats-officer")


@pytest.fixture
def eco_officer(db):
    """生态环境分局: records the environmental penalties (settings.GAOXIN_EVALUATION_ADJUSTMENT_OWNERS)."""
    unit = OrgUnitFactory(name="生态环境分局", short_name="生态环境", code="ecology")
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=unit, username="eco-officer")


@pytest.fixture
def firms(own_enterprise):
    out = [own_enterprise if i == OWN else EnterpriseFactory(power_account=f"0732{i:08d}", water_account=f"W{i:05d}")
           for i in range(len(TAXES))]
    own_enterprise.power_account = "073200000002"
    own_enterprise.save(update_fields=["power_account"])
    for e in out:
        LandParcelFactory(enterprise=e)
    return out


def supply(cycle, actor, unit, firms, taxes=TAXES):
    by_firm = dict(cycle.participants.values_list("enterprise_id", "pk"))
    values = {}
    for firm, tax in zip(firms, taxes, strict=True):
        values[(by_firm[firm.pk], "tax_wan")] = Decimal(tax)
        values[(by_firm[firm.pk], "sales_wan")] = Decimal(tax * 20)
    return collection.department_import(actor=actor, cycle=cycle, unit=unit, values=values)


@pytest.fixture
def confirming(admin_user, firms, tax_unit, stats_unit):
    """A cycle at 企业核实确认 with every firm's tax and sales verified."""
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度亩产效益综合评价")
    services.participants_populate(actor=admin_user, cycle=cycle)
    for name in ("CONFIRM_SCOPE", "START_COLLECTION"):
        cycle = services.cycle_transition(actor=admin_user, cycle=cycle, name=name)
    supply(cycle, admin_user, tax_unit, firms)
    for name in ("START_REVIEW", "REQUEST_CONFIRMATION"):
        cycle = services.cycle_transition(actor=admin_user, cycle=cycle, name=name)
    return Cycle.objects.get(pk=cycle.pk)


def own_participant(cycle, firms):
    return cycle.participants.get(enterprise=firms[OWN])
