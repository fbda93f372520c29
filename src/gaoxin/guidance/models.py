"""云导办: guidance sessions booked on the working-day calendar, and the FAQ grown from them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SessionStatus(models.TextChoices):
    BOOKED = "booked", "已预约"
    CONFIRMED = "confirmed", "已确认"
    HELD = "held", "已导办"
    CLOSED = "closed", "已办结"
    CANCELLED = "cancelled", "已取消"
    NO_SHOW = "no_show", "未到场"


# A session holding its slot (counted against the slot's capacity and the booker's overlaps).
ACTIVE = (SessionStatus.BOOKED, SessionStatus.CONFIRMED)


class Outcome(models.TextChoices):
    ANSWERED = "answered", "已解答"
    FAQ = "faq", "新增常见问题"
    APPLICATION = "application", "发起申请"
    ORDER = "order", "转帮代办"
    APPEAL = "appeal", "转诉求"


class GuidanceSession(models.Model):
    number = models.CharField("预约编号", max_length=20, unique=True)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name="事项")
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="事项所属部门")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="相关办件")
    booked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="预约人")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="企业")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    question = models.TextField("咨询问题", max_length=1000)
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    status = models.CharField("状态", max_length=12, choices=SessionStatus.choices, default=SessionStatus.BOOKED)
    guide = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="导办人员")
    meeting_url = models.URLField("会议链接", max_length=300, blank=True)
    outcome = models.CharField("导办结果", max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField("结果说明", blank=True)
    # 发起申请: what the guide agreed with the applicant, prefilled on the online application.
    prefill_situation = models.ForeignKey("catalog.Situation", on_delete=models.SET_NULL, null=True, blank=True,
                                          related_name="+", verbose_name="约定的办理情形")
    started_case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="guidance_session", verbose_name="由导办发起的办件")
    faq = models.ForeignKey("guidance.FaqEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                            verbose_name="新增的常见问题")
    order = models.ForeignKey("assist.AssistOrder", on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="帮代办订单")
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="诉求")
    reminded_at = models.DateTimeField("提醒时间", null=True, blank=True)
    created_at = models.DateTimeField("预约时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "导办预约"
        ordering = ["starts_at", "pk"]
        indexes = [
            models.Index(fields=["starts_at", "status"], name="guidance_slot"),
            models.Index(fields=["department", "starts_at"], name="guidance_dept_time"),
            models.Index(fields=["booked_by", "starts_at"], name="guidance_booker_time"),
            models.Index(fields=["enterprise", "starts_at"], name="guidance_firm_time"),
        ]

    def __str__(self) -> str:
        return self.number


class SessionEvent(models.Model):
    """The session's timeline: one row per step."""

    session = models.ForeignKey(GuidanceSession, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=20)
    to_status = models.CharField(max_length=12, choices=SessionStatus.choices)
    actor_repr = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]


class FaqStatus(models.TextChoices):
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class FaqEntry(models.Model):
    """A question and its answer, tied to the item version it was answered for."""

    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name="事项")
    version = models.ForeignKey("catalog.ItemVersion", on_delete=models.PROTECT, related_name="+",
                                verbose_name="事项版本")
    question = models.CharField("问题", max_length=200)
    answer = models.TextField("解答", max_length=2000)
    status = models.CharField("状态", max_length=12, choices=FaqStatus.choices, default=FaqStatus.PUBLISHED)
    source_session = models.ForeignKey(GuidanceSession, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name="来源导办")
    # The entry of the item's earlier version this one was carried over from when a new version was published (the
    # earlier entry stays with its version).
    carried_from = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                     verbose_name="沿用自")
    # The question's, the item's name and keywords' pinyin (full and initials), as the guide search keeps them.
    search_text = models.TextField("检索文本", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "常见问题"
        ordering = ["-updated_at", "-pk"]
        indexes = [models.Index(fields=["version", "status"], name="guidance_faq_version")]

    def __str__(self) -> str:
        return self.question


def moment_text(moment) -> str:
    """A session's time as the site writes dates: 12月2日 09:30 (local time, no leading zero in the day)."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    return f"{local.month}月{local.day}日 {local:%H:%M}"
