"""主动靠前服务 (issue 25): visit campaigns (走访) with their target lists, assignments, visit records and the needs
found on a visit; station service areas (the parks each 驿站 serves); the zone's key-firm list (重点企业).
The 一户式 view of a firm reads every other room through its scopers and holds no model of its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class StationArea(models.Model):
    """A park served by a station: a firm falls to the station of its park (one station per park)."""

    park = models.OneToOneField("enterprises.ParkArea", on_delete=models.CASCADE, related_name="station_area",
                                verbose_name="园区")
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="service_areas",
                                verbose_name="驿站")
    since = models.DateField("划入日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "驿站服务片区"
        ordering = ["station_id", "park__name"]

    def __str__(self) -> str:
        return f"{self.station} · {self.park}"


class KeySource(models.TextChoices):
    HAND = "hand", "人工选定"
    RULE = "rule", "按条件筛选"


class KeyFirm(models.Model):
    """One firm on the zone's 重点企业 list, with why. Removing it keeps the row (removed_at) for the record."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="key_listings",
                                   verbose_name="企业")
    reason = models.CharField("列入理由", max_length=200)
    source = models.CharField("方式", max_length=8, choices=KeySource.choices, default=KeySource.HAND)
    rule = models.CharField("筛选条件", max_length=500, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="列入人")
    added_at = models.DateTimeField("列入时间", auto_now_add=True)
    removed_at = models.DateTimeField("移出时间", null=True, blank=True)
    removed_reason = models.CharField("移出理由", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "重点企业"
        ordering = ["-added_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise"], condition=models.Q(removed_at__isnull=True),
                                               name="one_live_key_listing")]

    def __str__(self) -> str:
        return f"{self.enterprise}（重点企业）"


class CampaignStatus(models.TextChoices):
    OPEN = "open", "走访中"
    CLOSED = "closed", "已结束"


class Campaign(models.Model):
    """A visit campaign (e.g. 春风行动): its targets are the firms a rule in the policy rule language selected when
    the campaign was created (the list is kept: firms do not drift in and out while staff visit)."""

    name = models.CharField("活动名称", max_length=80)
    description = models.CharField("活动说明", max_length=500, blank=True)
    rule = models.CharField("走访对象条件", max_length=2000)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    status = models.CharField("状态", max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.OPEN,
                              db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访活动"
        ordering = ["-starts_on", "-id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="campaign_dates_ordered")]

    def __str__(self) -> str:
        return self.name


class CampaignEvent(models.Model):
    """The campaign's timeline (closing, reopening)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=20)
    to_status = models.CharField(max_length=8)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class CampaignTarget(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets", verbose_name="走访活动")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="campaign_targets",
                                   verbose_name="企业")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="visit_targets", verbose_name="走访人员")
    assigned_at = models.DateTimeField("分配时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访对象"
        ordering = ["campaign_id", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "enterprise"], name="one_target_per_campaign")]
        indexes = [models.Index(fields=["assignee", "campaign"], name="target_assignee")]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.enterprise}"


class Visit(models.Model):
    target = models.ForeignKey(CampaignTarget, on_delete=models.PROTECT, related_name="visits", verbose_name="走访对象")
    visited_on = models.DateField("走访日期")
    people_met = models.CharField("接待人员", max_length=200)
    summary = models.CharField("走访情况", max_length=1000, blank=True)
    policies = models.ManyToManyField("benefits.Policy", blank=True, related_name="+", verbose_name="宣讲政策")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="走访人员")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访记录"
        ordering = ["-visited_on", "-id"]


class NeedKind(models.TextChoices):
    APPEAL = "appeal", "企业诉求"
    ORDER = "order", "帮代办"
    DEMAND = "demand", "用工需求"


class NeedStatus(models.TextChoices):
    OPEN = "open", "待转办"
    CONVERTED = "converted", "已转办"
    SETTLED = "settled", "当场解决"


class Need(models.Model):
    """A need found on a visit; turned in one step into an appeal, a 帮代办 order or a job demand (the record it
    became is linked), or settled on the spot."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="needs", verbose_name="走访记录")
    description = models.CharField("需求内容", max_length=500)
    status = models.CharField("状态", max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN, db_index=True)
    kind = models.CharField("转办为", max_length=8, choices=NeedKind.choices, blank=True)
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                               verbose_name="企业诉求")
    order = models.ForeignKey("assist.AssistOrder", on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name="帮代办订单")
    demand = models.ForeignKey("talent.JobDemand", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+", verbose_name="用工需求")
    settled_note = models.CharField("解决情况", max_length=300, blank=True)
    converted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+")
    converted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "走访需求"
        ordering = ["visit_id", "id"]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def result(self):
        return self.appeal or self.order or self.demand


class CoachingMethod(models.TextChoices):
    VISIT = "visit", "上门辅导"
    PHONE = "phone", "电话辅导"
    ONLINE = "online", "线上辅导"
    WINDOW = "window", "窗口辅导"


class Coaching(models.Model):
    """点对点政策辅导: a member of staff explains one policy to one firm (潍坊 "点对点" policy coaching); the firm's
    match and application for that policy are read beside it, the counts per policy on /coaching/."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="coachings",
                                   verbose_name="企业")
    policy = models.ForeignKey("benefits.Policy", on_delete=models.PROTECT, related_name="coachings",
                               verbose_name="政策")
    coached_on = models.DateField("辅导日期")
    method = models.CharField("辅导方式", max_length=8, choices=CoachingMethod.choices)
    people_met = models.CharField("企业对接人", max_length=100)
    content = models.CharField("辅导内容", max_length=1000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="辅导人员")
    unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="辅导单位")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策辅导记录"
        ordering = ["-coached_on", "-id"]
        indexes = [models.Index(fields=["policy", "coached_on"], name="coaching_policy"),
                   models.Index(fields=["enterprise", "coached_on"], name="coaching_firm")]

    def __str__(self) -> str:
        return f"{self.enterprise}：{self.policy}"
