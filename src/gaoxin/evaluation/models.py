"""The yearly evaluation cycle (specs/evaluation.md §12.2) and its participant list (§2, §12.3).

The scoring itself lives in the pure `engine`; these models hold what the platform tracks
around it: the cycle's state, the method frozen into it and who takes part."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class CycleStatus(models.TextChoices):
    DRAFT = "DRAFT", "草稿"
    SCOPE_CONFIRMED = "SCOPE_CONFIRMED", "参评名单确认"
    COLLECTING = "COLLECTING", "数据采集"
    DEPT_REVIEW = "DEPT_REVIEW", "数据审核"
    LAND_NOTICE = "LAND_NOTICE", "用地面积公示"
    INTERIM_NOTICE = "INTERIM_NOTICE", "过程数据公示"
    CORRECTING = "CORRECTING", "数据修正"
    ENTERPRISE_CONFIRM = "ENTERPRISE_CONFIRM", "企业核实确认"
    SCORED = "SCORED", "评价测算"
    APPROVED_FOR_NOTICE = "APPROVED_FOR_NOTICE", "审定"
    PUBLIC_NOTICE = "PUBLIC_NOTICE", "公示"
    OBJECTION_RESOLUTION = "OBJECTION_RESOLUTION", "异议处理"
    RELEASED = "RELEASED", "正式发布"
    POLICY_APPLIED = "POLICY_APPLIED", "政策执行"
    AMENDED = "AMENDED", "更正"


class NoticeUnit(models.TextChoices):
    CALENDAR = "calendar", "自然日"
    WORKING = "working", "工作日"


class RecordStatus(models.TextChoices):
    TO_FILL = "TO_FILL", "待填报"
    FILLED = "FILLED", "已填报"
    UNDER_REVIEW = "UNDER_REVIEW", "待审核"
    RETURNED = "RETURNED", "审核退回"
    REVIEWED = "REVIEWED", "审核通过"
    CONFIRMED = "CONFIRMED", "企业已确认"
    SCORED = "SCORED", "已计分"
    REGRADED = "REGRADED", "调档"
    IN_NOTICE = "IN_NOTICE", "公示中"
    IN_OBJECTION = "IN_OBJECTION", "异议中"
    FINAL = "FINAL", "已定级"
    PUBLISHED = "PUBLISHED", "已发布"


def _default_notice_length() -> int:
    return settings.GAOXIN_EVALUATION_NOTICE_LENGTH


def _default_notice_unit() -> str:
    return settings.GAOXIN_EVALUATION_NOTICE_UNIT


class Cycle(models.Model):
    data_year = models.PositiveSmallIntegerField("数据年度")
    name = models.CharField("名称", max_length=100)
    method_name = models.CharField("评价方法", max_length=40, default="shandong_default")
    method_frozen = models.JSONField("冻结的评价方法", null=True, blank=True, editable=False)
    method_hash = models.CharField("评价方法摘要", max_length=64, blank=True, editable=False)
    status = models.CharField("状态", max_length=24, choices=CycleStatus.choices, default=CycleStatus.DRAFT,
                              db_index=True)
    trial = models.BooleanField("试评价（结果仅供参考，不执行差别化政策）", default=False)
    notice_length = models.PositiveSmallIntegerField("公示期长度", default=_default_notice_length)
    notice_unit = models.CharField("公示期单位", max_length=10, choices=NoticeUnit.choices,
                                   default=_default_notice_unit)
    approval_doc_no = models.CharField("审定文号", max_length=60, blank=True)
    release_doc_no = models.CharField("发布文号", max_length=60, blank=True)
    release_version = models.PositiveSmallIntegerField("发布版本", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="创建人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价周期"
        ordering = ["-data_year", "-id"]
        constraints = [models.UniqueConstraint(fields=["data_year", "name"], name="cycle_year_name_unique")]

    def __str__(self) -> str:
        return self.name if str(self.data_year) in self.name else f"{self.data_year}年度 {self.name}"


class Participant(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="participants", verbose_name="评价周期")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    group = models.CharField("评价组", max_length=20)
    participating = models.BooleanField("参评", default=True, db_index=True)
    t_reason = models.CharField("不参评（T类）原因", max_length=200, blank=True)
    record_status = models.CharField("数据状态", max_length=14, choices=RecordStatus.choices,
                                     default=RecordStatus.TO_FILL)

    class Meta:
        verbose_name = verbose_name_plural = "参评企业"
        ordering = ["cycle_id", "group", "enterprise_id"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "enterprise"], name="participant_once_per_cycle"),
            models.CheckConstraint(condition=models.Q(participating=True) | ~models.Q(t_reason=""),
                                   name="t_class_needs_reason"),
        ]
        indexes = [models.Index(fields=["cycle", "participating", "group"])]

    def __str__(self) -> str:
        return f"{self.cycle_id}:{self.enterprise_id}"


class CycleValue(models.Model):
    """One input figure of one participant: what the enterprise reported and what the owning
    department verified. The verified value wins (§12.5)."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="values",
                                    verbose_name="参评企业")
    field = models.CharField("指标数据项", max_length=32)
    reported = models.DecimalField("企业填报值", max_digits=18, decimal_places=4, null=True, blank=True)
    verified = models.DecimalField("部门核实值", max_digits=18, decimal_places=4, null=True, blank=True)
    verified_by = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="核实部门")
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价数据"
        constraints = [models.UniqueConstraint(fields=["participant", "field"], name="one_value_per_field")]

    @property
    def value(self):
        return self.verified if self.verified is not None else self.reported
