"""帮代办 orders ("您点单、我来办") and project approval chains with the 四即 milestones
(specs/services.md §7, §11)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OrderStatus(models.TextChoices):
    REQUESTED = "requested", "已下单"
    ASSIGNED = "assigned", "已指派"
    IN_PROGRESS = "in_progress", "代办中"
    SUSPENDED = "suspended", "已中止"
    COMPLETED = "completed", "已办结"
    TERMINATED = "terminated", "已终止"


class OrderChannel(models.TextChoices):
    WINDOW = "window", "帮代办专窗"
    STATION = "station", "政务服务驿站"
    HOTLINE = "hotline", "热线"
    ONLINE = "online", "平台/小程序"
    VISIT = "visit", "上门预约"
    KIOSK = "kiosk", "智能微厅"


class AssistOrder(models.Model):
    number = models.CharField("订单编号", max_length=24, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="assist_orders")
    channel = models.CharField("下单渠道", max_length=10, choices=OrderChannel.choices)
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="station_orders", verbose_name="驿站")
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                             verbose_name="事项")
    bundle = models.ForeignKey("catalog.Bundle", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                               verbose_name="一件事")
    project = models.ForeignKey("Project", on_delete=models.PROTECT, null=True, blank=True, related_name="orders",
                                verbose_name="项目")
    description = models.TextField("需求说明")
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    commission_signed_on = models.DateField("委托书签署日期")
    commission_valid_until = models.DateField("委托有效期至")
    commission_file = models.FileField("委托书", upload_to="assist/commissions/%Y/", blank=True)
    status = models.CharField("状态", max_length=12, choices=OrderStatus.choices, default=OrderStatus.REQUESTED,
                              db_index=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="assist_orders", verbose_name="帮代办专员")
    # Empty for an order placed at a kiosk (智能微厅) by a legal representative without an account.
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    completed_on = models.DateField(null=True, blank=True)
    handover = models.CharField("交付记录", max_length=200, blank=True)
    cases = models.ManyToManyField("cases.Case", blank=True, related_name="assist_orders", verbose_name="代办办件")
    rating = models.PositiveSmallIntegerField("评价", null=True, blank=True)
    rating_comment = models.CharField("评价意见", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "帮代办订单"
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return self.number

    @property
    def scope(self) -> str:
        return str(self.item or self.bundle or self.project or "综合代办")


class OrderEvent(models.Model):
    order = models.ForeignKey(AssistOrder, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=12)
    actor_repr = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class VisitKind(models.TextChoices):
    DOOR = "door", "上门服务"
    WINDOW = "window", "窗口代办"
    PHONE = "phone", "电话沟通"


class AssistVisit(models.Model):
    order = models.ForeignKey(AssistOrder, on_delete=models.CASCADE, related_name="visits")
    kind = models.CharField("方式", max_length=10, choices=VisitKind.choices)
    visited_on = models.DateField("日期")
    note = models.CharField("记录", max_length=300)
    # e.g. the signed 代办服务中止单, a receipt or a photo of the hand-over.
    attachment = models.FileField("附件", upload_to="assist/visits/%Y/", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-visited_on", "-id"]


class ChainTemplate(models.Model):
    """A project approval chain: catalogue items with predecessors (steps without one run in parallel)."""

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("审批链名称", max_length=80)

    class Meta:
        verbose_name = verbose_name_plural = "审批链模板"

    def __str__(self) -> str:
        return self.name


class ProvenMilestone(models.TextChoices):
    """The 四即 milestones a step of the chain proves by its decision (its 许可 is the milestone)."""

    CONSTRUCTION_PERMIT = "construction_permit_on", "取得施工许可"
    FIRST_REGISTRATION = "certificate_on", "不动产首次登记"


class ChainStep(models.Model):
    template = models.ForeignKey(ChainTemplate, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField("环节", max_length=40)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name="事项")
    order = models.PositiveSmallIntegerField("顺序")
    predecessors = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="successors")
    # A project on this chain takes that milestone's date from this step's decision, not from a hand entry.
    milestone = models.CharField("证明节点", max_length=30, choices=ProvenMilestone.choices, blank=True)

    class Meta:
        ordering = ["template", "order"]
        constraints = [models.UniqueConstraint(fields=["template", "milestone"], condition=~models.Q(milestone=""),
                                               name="uniq_chain_step_milestone")]


class Project(models.Model):
    name = models.CharField("项目名称", max_length=120)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="projects")
    template = models.ForeignKey(ChainTemplate, on_delete=models.PROTECT, related_name="projects")
    is_key = models.BooleanField("重点项目", default=False)
    investment = models.DecimalField("总投资（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="帮代办专员")
    # The four "即" milestones (services.md §11).
    negotiation_on = models.DateField("洽谈（服务介入）日期", null=True, blank=True)
    plan_issued_on = models.DateField("审批服务方案出具日期", null=True, blank=True)
    land_delivered_on = models.DateField("拿地（交地）日期", null=True, blank=True)
    construction_permit_on = models.DateField("取得施工许可日期", null=True, blank=True)
    completed_on = models.DateField("竣工验收日期", null=True, blank=True)
    certificate_on = models.DateField("不动产首次登记（办证）日期", null=True, blank=True)
    handover_on = models.DateField("交房日期", null=True, blank=True)
    handover_certificate_on = models.DateField("购房人领证日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "入园项目"
        ordering = ["-is_key", "-created_at"]

    def __str__(self) -> str:
        return self.name


class ProjectStep(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="steps")
    step = models.ForeignKey(ChainStep, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["step__order"]
        constraints = [models.UniqueConstraint(fields=["project", "step"], name="uniq_project_step")]
