"""Fixtures of the green finance board: two partner banks with a loan officer each, the zone's finance office and a
firm's need shared with both banks."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import department


@pytest.fixture
def bank_a(db):
    return OrgUnitFactory(code="bank-a", name="湘潭银行高新支行", kind=OrgKind.BANK, sort_order=1)


@pytest.fixture
def bank_b(db):
    return OrgUnitFactory(code="bank-b", name="建设银行湘潭高新支行", kind=OrgKind.BANK, sort_order=2)


@pytest.fixture
def banker_a(bank_a):
    return UserFactory(role=Role.BANK, org_unit=bank_a, username="bank-a", full_name="罗建")


@pytest.fixture
def banker_b(bank_b):
    return UserFactory(role=Role.BANK, org_unit=bank_b, username="bank-b", full_name="钱程")


@pytest.fixture
def finance(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("finance", "财政局"), username="finance")


@pytest.fixture
def today():
    return dt.date(2026, 11, 2)  # a Monday


@pytest.fixture
def need(enterprise_user, own_enterprise, bank_a, bank_b, today):
    from gaoxin.green import services

    return services.need_post(actor=enterprise_user, enterprise=own_enterprise, amount="3000000", term_months=36,
                              purpose="余热回收与屋顶光伏改造", green_tags=["energy_saving", "clean_energy"],
                              share_scope="profile", all_banks=True, contact_name="张伟",
                              contact_phone="13800000000", today=today)
