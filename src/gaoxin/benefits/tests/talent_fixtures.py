"""People and items for the talent benefit tests: the talent office (人社局), finance, a talent of the registry with
a valid recognition, and the default items (benefits/talent_item_seed.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.validators import id_check_char
from gaoxin.talent.models import Recognition, Talent, TalentTier, TalentTitle


def id_number(n: int, born: str = "19880512") -> str:
    body = f"430302{born}{n % 1000:03d}"
    return body + id_check_char(body)


def office_user(**kw):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"), **kw)


def finance_user(**kw):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("finance", "财政局"), **kw)


def make_talent(*, n: int = 1, employer=None, tier: str = "C", title: str = "车城人才", recognised_on=None,
                work="湘潭高新区", insured="湘潭高新区", education="master", user=None, created_by=None) -> Talent:
    created_by = created_by or UserFactory(role=Role.ZONE_ADMIN)
    talent = Talent.objects.create(id_number=id_number(n), name=f"人才{n}", education=education, employer=employer,
                                   work_location=work, insurance_location=insured, user=user, created_by=created_by)
    if tier:
        on = recognised_on or timezone.localdate() - dt.timedelta(days=30)
        Recognition.objects.create(talent=talent, title=TalentTitle.objects.get(name=title),
                                   tier=TalentTier.objects.get(code=tier), basis="测试认定", recognised_on=on,
                                   valid_to=on + dt.timedelta(days=3 * 365), created_by=created_by)
    return talent


def seed_items():
    from gaoxin.benefits.talent_item_seed import seed_talent_items

    return {i.code: i for i in seed_talent_items(issuer=department("hrss", "人力资源和社会保障局"))}
