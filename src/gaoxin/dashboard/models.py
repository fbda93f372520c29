"""Stored figures, monthly reports and subscriptions.

- `FigureDay`: one figure's numerator and denominator for one day and one dimension key (dim "" is the whole zone),
  written by `services.figures_refresh`; the dashboard sums them over a period.
- `FigureRefresh`: when the stored figures were last computed (each page says how fresh its figures are).
- `MonthlyReport`: a month's figures frozen as a snapshot with the definitions' version and a hash of the snapshot,
  a draft paragraph the writer edits, and its state (draft → published).
- `Subscription`: a user asks for the monthly report or for a figure's threshold alert.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FigureDay(models.Model):
    figure = models.CharField(max_length=40)
    day = models.DateField()
    dim = models.CharField(max_length=20, blank=True)
    key = models.CharField(max_length=40, blank=True)
    num = models.DecimalField(max_digits=24, decimal_places=4)
    den = models.DecimalField(max_digits=24, decimal_places=4)

    class Meta:
        verbose_name = verbose_name_plural = "指标日数据"
        constraints = [models.UniqueConstraint(fields=["figure", "dim", "key", "day"], name="figure_day_unique")]
        indexes = [models.Index(fields=["dim", "day"]), models.Index(fields=["day"])]


class FigureRefresh(models.Model):
    """One row (pk 1): the last computation of the stored figures."""

    refreshed_at = models.DateTimeField("计算时间", null=True, blank=True)
    since = models.DateField("重算起始日期", null=True, blank=True)
    rows = models.PositiveIntegerField("数据行数", default=0)
    seconds = models.FloatField("用时（秒）", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "指标计算记录"


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"


class MonthlyReport(models.Model):
    month = models.DateField("月份", unique=True)  # the first day of the month reported
    status = models.CharField("状态", max_length=10, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    snapshot = models.JSONField("数据快照")
    definitions_version = models.CharField("指标定义版本", max_length=12)
    data_hash = models.CharField("数据快照哈希", max_length=64)
    paragraph = models.TextField("通稿段落")
    generated_at = models.DateTimeField("生成时间")
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "月度报告"
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month.year}年{self.month.month}月 政务服务月度报告"


class ReportEvent(models.Model):
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=10)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class SubscriptionKind(models.TextChoices):
    MONTHLY_REPORT = "monthly_report", "月度报告"
    THRESHOLD = "threshold", "指标预警"


class Subscription(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="figure_subscriptions")
    kind = models.CharField("订阅内容", max_length=20, choices=SubscriptionKind.choices)
    figure = models.CharField("指标", max_length=40, blank=True)
    email = models.BooleanField("同时发送电子邮件", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "订阅"
        constraints = [models.UniqueConstraint(fields=["user", "kind", "figure"], name="subscription_unique")]
