"""Records of every room for one firm, written directly (the rooms' own tests cover their services)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory

_n = itertools.count(1)


def station(code="jinrong", name="金荣政务服务驿站"):
    from gaoxin.accounts.models import OrgUnit

    return OrgUnit.objects.get_or_create(code=f"station-{code}", defaults={
        "name": name, "short_name": name[:2], "kind": OrgKind.STATION})[0]


def records(firm, *, n: int, department, station_unit, actor, policy=None):
    """n of each kind of record for `firm`."""
    from gaoxin.appeals.models import Appeal
    from gaoxin.assist.models import AssistOrder
    from gaoxin.benefits.models import ApplicationEvent, BenefitApplication
    from gaoxin.cases.models import Case
    from gaoxin.stations.models import StationService
    from gaoxin.talent.models import JobDemand

    for i in range(n):
        k = next(_n)
        Case.objects.create(number=f"GX{k:08d}", department=department, channel="window", applicant_type="legal",
                            enterprise=firm, applicant_name=firm.name, received_on=dt.date(2026, 3, 1),
                            decided_on=dt.date(2026, 3, 1) + dt.timedelta(days=4 + 2 * i), status="decided",
                            station=station_unit, submitted_by=actor)
        Appeal.objects.create(number=f"SQ{k:08d}", enterprise=firm, channel="驿站", contact_name="张三",
                              contact_phone="13800000000", category="policy", request_type="help", title=f"诉求{k}",
                              description="内容", received_by=actor, station=station_unit, lead=department)
        AssistOrder.objects.create(number=f"BD{k:08d}", enterprise=firm, channel="station", station=station_unit,
                                   description="代办", contact_name="张三", contact_phone="13800000000",
                                   commission_signed_on=dt.date(2026, 1, 1),
                                   commission_valid_until=dt.date(2026, 12, 31), requested_by=actor)
        StationService.objects.create(station=station_unit, enterprise=firm, category="consult", description="咨询",
                                      outcome="on_the_spot", provided_on=dt.date(2026, 4, 1), provided_by=actor)
        JobDemand.objects.create(number=f"YG{k:08d}", enterprise=firm, post="操作工", quantity=3,
                                 skill_level="general", pay_min=4000, pay_max=6000, location="园区", created_by=actor)
        if policy is not None and i == 0:
            app = BenefitApplication.objects.create(number=f"HQ{k:08d}", enterprise=firm, policy=policy,
                                                    policy_version=1, status="paid", amount_paid=Decimal("12.5"),
                                                    created_by=actor)
            ApplicationEvent.objects.create(application=app, transition="PAY", to_status="paid")


def policy(issuer, code="p1"):
    from gaoxin.benefits.models import Policy

    return Policy.objects.create(code=code, title=f"政策{code}", issuer=issuer, kind="subsidy", mode="apply",
                                 rule="True", effective_from=dt.date(2024, 1, 1), status="published")


def staff():
    dept = OrgUnitFactory(code="market", name="市场监督管理局", short_name="市场监管局")
    other = OrgUnitFactory(code="tax", name="税务局", short_name="税务局")
    st = station()
    return {
        "dept": dept, "other_dept": other, "station": st,
        "admin": UserFactory(role=Role.ZONE_ADMIN),
        "officer": UserFactory(role=Role.DEPT_OFFICER, org_unit=dept),
        "tax_officer": UserFactory(role=Role.DEPT_OFFICER, org_unit=other),
        "station_officer": UserFactory(role=Role.STATION_OFFICER, org_unit=st),
        "agent": UserFactory(role=Role.AGENT),
        "leader": UserFactory(role=Role.LEADER),
        "enterprise": UserFactory(role=Role.ENTERPRISE),
    }
