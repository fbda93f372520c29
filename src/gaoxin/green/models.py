"""Green manufacturing (platform.md §5, benefits.md §7): the green and smart labels a firm holds — 绿色工厂
(national / provincial / municipal), 绿色供应链管理企业, 绿色设计产品, 近零碳工厂, 智能车间 / 智能工厂 with their
level — kept by the zone's economic bureau (GAOXIN_GREEN_DEPARTMENT_CODES). A label is flagged for review when the
evaluation records a safety accident or an environmental penalty for its firm (workflow.py); the carbon-efficiency
grade is computed from the evaluation's figures (carbon.py) and stores nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class LabelKind(models.TextChoices):
    GREEN_FACTORY = "green_factory", "绿色工厂"
    GREEN_SUPPLY_CHAIN = "green_supply_chain", "绿色供应链管理企业"
    GREEN_DESIGN_PRODUCT = "green_design_product", "绿色设计产品"
    NEAR_ZERO_CARBON = "near_zero_carbon", "近零碳工厂"
    SMART_WORKSHOP = "smart_workshop", "智能车间"
    SMART_FACTORY = "smart_factory", "智能工厂"


class LabelLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    MUNICIPAL = "municipal", "市级"
    BASIC = "basic", "基础级"
    ADVANCED = "advanced", "先进级"
    EXCELLENT = "excellent", "卓越级"
    LEADING = "leading", "领航级"


# Which levels each kind takes: green recognitions by the awarding government, smart factories by the 2024
# six-ministry gradient (基础 → 先进 → 卓越 → 领航); a provincial or municipal 示范智能车间 is a smart workshop of that
# government's level.
KIND_LEVELS: dict[str, tuple[str, ...]] = {
    LabelKind.GREEN_FACTORY: ("national", "provincial", "municipal"),
    LabelKind.GREEN_SUPPLY_CHAIN: ("national", "provincial", "municipal"),
    LabelKind.GREEN_DESIGN_PRODUCT: ("national", "provincial", "municipal"),
    LabelKind.NEAR_ZERO_CARBON: ("national", "provincial", "municipal"),
    LabelKind.SMART_WORKSHOP: ("provincial", "municipal"),
    LabelKind.SMART_FACTORY: ("basic", "advanced", "excellent", "leading", "national", "provincial", "municipal"),
}


class LabelStatus(models.TextChoices):
    ACTIVE = "active", "有效"
    REVIEW = "review", "待复核"
    REVOKED = "revoked", "已撤销"


class GreenLabel(models.Model):
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="green_labels",
                                   verbose_name="企业")
    kind = models.CharField("称号类别", max_length=24, choices=LabelKind.choices)
    level = models.CharField("级别", max_length=12, choices=LabelLevel.choices)
    title = models.CharField("名称", max_length=100, blank=True,
                             help_text="如“示范智能车间”、绿色设计产品的产品名称、车间名称")
    year = models.PositiveSmallIntegerField("认定年度")
    valid_to = models.DateField("有效期至", null=True, blank=True)
    document = models.CharField("认定文件", max_length=100, blank=True)
    status = models.CharField("状态", max_length=10, choices=LabelStatus.choices, default=LabelStatus.ACTIVE,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "绿色与智能制造称号"
        ordering = ["-year", "kind", "enterprise_id", "id"]
        indexes = [models.Index(fields=["kind", "level", "status"], name="green_label_count"),
                   models.Index(fields=["enterprise", "status"], name="green_label_firm")]

    def __str__(self) -> str:
        return f"{self.get_level_display()}{self.title or self.get_kind_display()}"

    @property
    def expired(self) -> bool:
        return self.valid_to is not None and self.valid_to < timezone.localdate()


class LabelEvent(models.Model):
    """The label's timeline: one row per transition; `source` names the evaluation record that flagged it, so the
    same accident or penalty never flags the label twice."""

    label = models.ForeignKey(GreenLabel, on_delete=models.CASCADE, related_name="events", verbose_name="称号")
    transition = models.CharField("操作", max_length=20)
    to_status = models.CharField("新状态", max_length=10, choices=LabelStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    note = models.CharField("原因或说明", max_length=300, blank=True)
    source = models.CharField("依据记录", max_length=60, blank=True, db_index=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "称号记录"
        ordering = ["at", "id"]
