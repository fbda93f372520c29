"""Enterprise appeals (企业诉求): tickets dispatched to a lead department with cooperating
departments, time limits, returns, urging, closing with the enterprise's rating, reopening
(benefits.md §5)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class RequestType(models.TextChoices):
    CONSULT = "consult", "咨询"
    HELP = "help", "求助"
    COMPLAINT = "complaint", "投诉"
    REPORT = "report", "举报"
    SUGGESTION = "suggestion", "建议"


class Urgency(models.TextChoices):
    URGENT = "urgent", "紧急"
    NORMAL = "normal", "一般"
    COMPLEX = "complex", "复杂疑难"


class Category(models.TextChoices):
    # Level 1 of the default tree (benefits.md §5.3): the 合肥高新区 8 classes + 营商环境.
    POLICY = "policy", "政策"
    MARKET = "market", "市场拓展"
    FACILITIES = "facilities", "园区配套"
    TALENT = "talent", "人才"
    PLANNING = "planning", "规划建设"
    PREMISES = "premises", "用房"
    FINANCING = "financing", "融资"
    BUSINESS_ENV = "business_env", "营商环境"
    OTHER = "other", "其他"


class TalentService(models.TextChoices):
    """What a talent-flagged appeal asks for (人才服务, platform.md §3): the talent's own request, handled through the
    same dispatch, deadlines and rating as a firm's."""

    HOUSING = "housing", "住房保障"
    MEDICAL = "medical", "就医绿色通道"
    SCHOOLING = "schooling", "子女入学"
    SPOUSE_JOB = "spouse_job", "配偶就业"
    OTHER = "other", "其他人才服务"


class AppealStatus(models.TextChoices):
    RECEIVED = "received", "已登记"
    DISPATCHED = "dispatched", "已派单"
    RETURN_REQUESTED = "return_requested", "申请退单"
    ACCEPTED = "accepted", "已签收"
    IN_PROGRESS = "in_progress", "办理中"
    RESOLVED = "resolved", "已办结待确认"
    CLOSED = "closed", "已关闭"
    REFERRED_OUT = "referred_out", "转市场或社会渠道"


class Result(models.TextChoices):
    SOLVED = "solved", "已解决"
    PARTLY = "partly", "部分解决"
    UNSOLVED = "unsolved", "未解决"
    EXPLAINED = "explained", "解释说明"


class Appeal(models.Model):
    number = models.CharField("诉求编号", max_length=24, unique=True)
    channel = models.CharField("受理渠道", max_length=20)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="appeals", verbose_name="企业")
    # A talent's own request (人才服务) names the talent instead of a firm: flagged by `talent_service`, seen by the
    # talent and the talent office, never by the employer. Named by string: the talent rooms sit above appeals.
    talent = models.ForeignKey("talent.Talent", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="appeals", verbose_name="人才")
    talent_service = models.CharField("人才服务类别", max_length=12, choices=TalentService.choices, blank=True,
                                      db_index=True)
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="station_appeals", verbose_name="驿站")
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    confidential = models.BooleanField("是否保密", default=False)
    category = models.CharField("类别", max_length=15, choices=Category.choices)
    request_type = models.CharField("诉求类型", max_length=12, choices=RequestType.choices)
    urgency = models.CharField("紧急程度", max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    title = models.CharField("标题", max_length=120)
    description = models.TextField("诉求内容")
    status = models.CharField("状态", max_length=20, choices=AppealStatus.choices, default=AppealStatus.RECEIVED,
                              db_index=True)
    lead = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="led_appeals", verbose_name="主办单位")
    cooperating = models.ManyToManyField("accounts.OrgUnit", blank=True, related_name="cooperating_appeals",
                                         verbose_name="协办单位")
    received_at = models.DateTimeField("登记时间", auto_now_add=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    dispatched_on = models.DateField("派单日期", null=True, blank=True)
    accepted_on = models.DateField("签收日期", null=True, blank=True)
    respond_by = models.DateField("响应期限", null=True, blank=True)
    resolve_by = models.DateField("办结期限", null=True, blank=True, db_index=True)
    responded_on_time = models.BooleanField(null=True, blank=True)
    result = models.CharField("办理结果", max_length=10, choices=Result.choices, blank=True)
    resolution = models.TextField("答复内容", blank=True)
    resolved_on = models.DateField("办结日期", null=True, blank=True)
    satisfaction = models.PositiveSmallIntegerField("满意度", null=True, blank=True,
                                                    choices=[(5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"),
                                                             (1, "非常不满意")])
    solved_confirmed = models.BooleanField("企业确认已解决", null=True, blank=True)
    closed_on = models.DateField("关闭日期", null=True, blank=True)
    returns = models.PositiveSmallIntegerField("退单次数", default=0)
    reopen_count = models.PositiveSmallIntegerField("重办次数", default=0)
    extended = models.BooleanField("已延期", default=False)
    supervision = models.CharField("督办级别", max_length=10, blank=True)  # 催办 / 督办 / 通报

    class Meta:
        verbose_name = verbose_name_plural = "企业诉求"
        ordering = ["-received_at", "-id"]
        indexes = [models.Index(fields=["lead", "status"])]
        constraints = [models.CheckConstraint(condition=models.Q(enterprise__isnull=False) | models.Q(talent__isnull=False),
                                              name="appeal_has_a_party",
                                              violation_error_message="诉求须有提出的企业或人才")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_talent_service(self) -> bool:
        return bool(self.talent_service)

    @property
    def party_name(self) -> str:
        """Who raised it, for lists and messages: the firm, or the talent (人才服务)."""
        if self.enterprise_id:
            return self.enterprise.name
        return f"{self.talent.name}（人才）" if self.talent_id else ""


class AppealEvent(models.Model):
    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20)
    actor_repr = models.CharField(max_length=150, blank=True)
    unit = models.CharField("单位", max_length=100, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
