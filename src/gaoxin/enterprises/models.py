"""The enterprise registry (一企一档)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import models
from django.utils import timezone

from gaoxin.core.field_validators import validate_id_number, validate_uscc
from gaoxin.core.masking import mask_phone

# 1 亩 = 10000/15 m²: convert with × 0.0015 exactly (evaluation.md §3).
MU_PER_M2 = Decimal("0.0015")


def m2_to_mu(m2: Decimal | float | int) -> Decimal:
    return (Decimal(m2) * MU_PER_M2).quantize(Decimal("0.01"))


class Industry(models.Model):
    """A GB/T 4754-2017 division (大类), e.g. 39 计算机、通信和其他电子设备制造业."""

    code = models.CharField("行业代码", max_length=2, primary_key=True)
    section = models.CharField("门类", max_length=1)
    name = models.CharField("行业名称", max_length=60)

    class Meta:
        verbose_name = verbose_name_plural = "国民经济行业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.section}{self.code} {self.name}"


class ParkArea(models.Model):
    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("园区", max_length=60, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "园区片区"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class SizeGroup(models.TextChoices):
    ABOVE = "ABOVE", "规模以上"
    BELOW = "BELOW", "规模以下"


class EnterpriseStatus(models.TextChoices):
    OPERATING = "operating", "存续"
    RELOCATED = "relocated", "迁出"
    CANCELLED = "cancelled", "注销"


class Enterprise(models.Model):
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc])
    name = models.CharField("企业名称", max_length=120)
    legal_representative = models.CharField("法定代表人", max_length=50)
    # The legal representative's resident ID number: at a kiosk (智能微厅) a person logging in with it acts for the firm.
    legal_representative_id_number = models.CharField(
        "法定代表人身份证号码", max_length=18, blank=True, db_index=True, validators=[validate_id_number])
    industry = models.ForeignKey(Industry, on_delete=models.PROTECT, related_name="enterprises", verbose_name="行业")
    industry_code = models.CharField("行业细类代码", max_length=4, blank=True, help_text="GB/T 4754-2017 中类或小类代码，可空")
    size_group = models.CharField("规模", max_length=5, choices=SizeGroup.choices, db_index=True)
    registered_on = models.DateField("成立日期", null=True, blank=True)
    registered_capital = models.DecimalField("注册资本（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    address = models.CharField("注册地址", max_length=200, blank=True)
    park_area = models.ForeignKey(
        ParkArea, on_delete=models.PROTECT, null=True, blank=True, related_name="enterprises", verbose_name="园区",
    )
    status = models.CharField("经营状态", max_length=12, choices=EnterpriseStatus.choices, default=EnterpriseStatus.OPERATING)
    power_account = models.CharField("电力户号", max_length=30, blank=True)
    water_account = models.CharField("用水户号", max_length=30, blank=True)
    gas_account = models.CharField("用气户号", max_length=30, blank=True)
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业"
        ordering = ["name", "id"]
        indexes = [
            models.Index(fields=["name", "id"], name="enterprise_name_order"),  # the list's ordering
            models.Index(fields=["industry", "size_group"]),
        ]

    def __str__(self) -> str:
        return self.name

    # Land totals are computed from parcels already loaded (prefetch) to keep lists at constant queries.
    def land_totals(self) -> dict[str, Decimal]:
        totals = {kind: Decimal(0) for kind in LandKind.values}
        for parcel in self.parcels.all():
            totals[parcel.kind] += parcel.area_m2
        net = totals[LandKind.OWN] + totals[LandKind.LEASED_IN] - totals[LandKind.LEASED_OUT]
        return {
            "own_m2": totals[LandKind.OWN],
            "leased_in_m2": totals[LandKind.LEASED_IN],
            "leased_out_m2": totals[LandKind.LEASED_OUT],
            "net_m2": net,
            "net_mu": m2_to_mu(net),
        }

    def active_qualifications(self, on: dt.date | None = None) -> list[Qualification]:
        on = on or timezone.localdate()
        return [q for q in self.qualifications.all() if q.is_valid_on(on)]


class LandKind(models.TextChoices):
    OWN = "own", "自有"
    LEASED_IN = "leased_in", "承租"
    LEASED_OUT = "leased_out", "出租"


class LandParcel(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="parcels", verbose_name="企业")
    kind = models.CharField("用地类型", max_length=12, choices=LandKind.choices)
    parcel_no = models.CharField("宗地编号", max_length=40, blank=True)
    certificate_no = models.CharField("不动产权证号", max_length=60, blank=True)
    area_m2 = models.DecimalField("面积（平方米）", max_digits=12, decimal_places=2)
    counterparty = models.CharField("出租方/承租方", max_length=120, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用地"
        ordering = ["enterprise_id", "kind", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(area_m2__gt=0), name="parcel_area_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.area_m2}㎡"

    @property
    def area_mu(self) -> Decimal:
        return m2_to_mu(self.area_m2)


class QualificationKind(models.TextChoices):
    HNTE = "hnte", "高新技术企业"
    TECH_SME = "tech_sme", "科技型中小企业"
    INNOVATIVE_SME = "innovative_sme", "创新型中小企业"
    SRDI = "srdi", "专精特新中小企业"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”"
    GREEN_FACTORY = "green_factory", "绿色工厂"
    SMART_FACTORY = "smart_factory", "智能工厂"
    DIGITAL_WORKSHOP = "digital_workshop", "数字化车间"
    TECH_CENTRE = "tech_centre", "企业技术中心"
    ADVANCED_MANUFACTURING = "advanced_mfg", "先进制造业企业"


class QualificationLevel(models.TextChoices):
    NONE = "", "—"
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"


class Qualification(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="qualifications", verbose_name="企业")
    kind = models.CharField("资质类型", max_length=20, choices=QualificationKind.choices, db_index=True)
    level = models.CharField("级别", max_length=12, choices=QualificationLevel.choices, blank=True, default="")
    cert_no = models.CharField("证书编号", max_length=60, blank=True)
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止", null=True, blank=True, help_text="空表示长期有效")

    class Meta:
        verbose_name = verbose_name_plural = "资质"
        ordering = ["enterprise_id", "kind", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="qualification_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        level = self.get_level_display() if self.level else ""
        return f"{level}{self.get_kind_display()}"

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Contact(models.Model):
    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="contacts", verbose_name="企业")
    name = models.CharField("姓名", max_length=50)
    title = models.CharField("职务", max_length=50, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    is_primary = models.BooleanField("主要联系人", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "联系人"
        ordering = ["enterprise_id", "-is_primary", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)
