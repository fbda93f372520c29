import datetime as dt
from decimal import Decimal

import factory

from gaoxin.core.validators import uscc_check_char
from gaoxin.enterprises.models import (
    Contact,
    Enterprise,
    LandKind,
    LandParcel,
    ParkArea,
    Qualification,
    QualificationKind,
    SizeGroup,
)


def _uscc(n: int) -> str:
    body = f"91430300MA4{n:06d}"
    return body + uscc_check_char(body)


class ParkAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParkArea

    code = factory.Sequence(lambda n: f"park-{n}")
    name = factory.Sequence(lambda n: f"测试园区{n}")


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(_uscc)
    name = factory.Sequence(lambda n: f"湖南测试{n}号电工有限公司")
    legal_representative = "张三"
    industry_id = "38"
    size_group = SizeGroup.ABOVE
    registered_on = dt.date(2015, 5, 1)


class LandParcelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LandParcel

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = LandKind.OWN
    area_m2 = Decimal("10000")


class QualificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Qualification

    enterprise = factory.SubFactory(EnterpriseFactory)
    kind = QualificationKind.HNTE
    valid_from = dt.date(2024, 1, 1)
    valid_to = dt.date(2026, 12, 31)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "李四"
    phone = "13812345678"
