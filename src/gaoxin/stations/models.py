"""Service stations (政务服务驿站): the service log (服务台账) and station events
(specs/services.md §10). Stations themselves are `accounts.OrgUnit` rows of kind station;
their 1+1+X teams and department liaisons are `accounts.OrgAssignment` rows."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ServiceCategory(models.TextChoices):
    REGISTRATION = "registration", "商事登记"
    HIRING = "hiring", "用工"
    SOCIAL = "social", "社保"
    TALENT = "talent", "人才"
    LOAN = "loan", "贷款"
    PROJECT = "project", "项目审批"
    CONSULT = "consult", "咨询"
    CERTIFICATE = "certificate", "办证"
    OTHER = "other", "其他"


class Outcome(models.TextChoices):
    ON_THE_SPOT = "on_the_spot", "驿站现场解决"
    ESCALATED = "escalated", "转部门办理"
    PENDING = "pending", "跟进中"


class StationService(models.Model):
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="services", verbose_name="驿站")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="station_services", verbose_name="企业")
    person = models.CharField("群众姓名", max_length=50, blank=True)
    category = models.CharField("服务类别", max_length=15, choices=ServiceCategory.choices)
    description = models.CharField("服务内容", max_length=300)
    outcome = models.CharField("结果", max_length=12, choices=Outcome.choices)
    escalated_to = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="escalated_services", verbose_name="转办部门")
    problem = models.BooleanField("解决企业实际问题", default=False)
    jobs_filled = models.PositiveIntegerField("解决用工人次", default=0)
    provided_on = models.DateField("服务日期")
    provided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "驿站服务台账"
        ordering = ["-provided_on", "-id"]
        indexes = [models.Index(fields=["station", "-provided_on"])]


class StationEvent(models.Model):
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="station_events")
    title = models.CharField("活动名称", max_length=120)
    held_on = models.DateField("日期")
    organisers = models.CharField("主办单位", max_length=200, blank=True)
    description = models.TextField("内容", blank=True)
    enterprises = models.ManyToManyField("enterprises.Enterprise", blank=True, related_name="station_events",
                                         verbose_name="参加企业")
    attendees = models.PositiveIntegerField("参加人数", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "驿站活动"
        ordering = ["-held_on", "-id"]


class TrainingKind(models.TextChoices):
    """How station staff are trained (湘潭 stations: 集中培训、跟班学习、情景演练)."""

    CENTRAL = "central", "集中培训"
    SHADOWING = "shadowing", "跟班学习"
    DRILL = "drill", "情景演练"


class TrainingSession(models.Model):
    """One training session of the service staff (驿站人员、帮代办专员、窗口人员…) with who attended; a station's
    staff training record (sessions and hours per person) is read from the attendances."""

    kind = models.CharField("培训方式", max_length=12, choices=TrainingKind.choices)
    title = models.CharField("培训名称", max_length=120)
    topics = models.TextField("培训内容（专题）", blank=True)
    held_on = models.DateField("培训日期")
    hours = models.DecimalField("学时（小时）", max_digits=4, decimal_places=1)
    place = models.CharField("地点", max_length=120, blank=True)
    trainer = models.CharField("授课/带教人", max_length=100, blank=True)
    organiser = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="training_sessions",
                                  verbose_name="组织单位")
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="training_sessions", blank=True,
                                       verbose_name="参训人员")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人员培训"
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["-held_on"])]
        constraints = [models.CheckConstraint(condition=models.Q(hours__gt=0), name="training_hours_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.title}"

    def topic_list(self) -> list[str]:
        return [t.strip() for t in self.topics.replace("、", "\n").replace("；", "\n").splitlines() if t.strip()]
