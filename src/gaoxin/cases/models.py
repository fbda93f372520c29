"""Cases (办件): intake, acceptance, 容缺, 补正, review, suspension, decision, delivery,
deadlines and 好差评 (specs/services.md §5, §6, §8, §9)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from gaoxin.core.masking import mask_id_number, mask_phone
from gaoxin.core.validators import PHONE_PATTERN


def cn_date(day) -> str:
    """2026-03-03 -> 2026年3月3日"""
    return f"{day.year}年{day.month}月{day.day}日"


def deadline_text(day) -> str:
    """A deadline as every notice and message states it: the day itself still counts (2026年3月3日之前（含当日）)."""
    return f"{cn_date(day)}之前（含当日）" if day else ""


class Status(models.TextChoices):
    # Codes of the national exchange tables in brackets (services.md §5.2).
    RECEIVED = "received", "已接件"  # 1
    WITHDRAWN_PRE = "withdrawn_pre", "已撤件"  # 2
    ACCEPTED = "accepted", "已受理"  # 3
    NOT_ACCEPTED = "not_accepted", "不受理"  # 4
    REFUSED_ACCEPT = "refused_accept", "不予受理"  # 5
    CORRECTION = "correction", "补正中"  # 6
    IN_REVIEW = "in_review", "审查中"  # 8
    SUSPENDED = "suspended", "特别程序（计时暂停）"  # 9
    DECIDED_OK = "decided_ok", "办结（准予）"  # 11
    DECIDED_OK_TOLERANCE = "decided_ok_tolerance", "办结（容缺通过）"  # 12
    DECIDED_REFUSED = "decided_refused", "办结（不予许可）"  # 13
    WITHDRAWN = "withdrawn", "已撤回"  # 14
    CANCELLED = "cancelled", "已撤销"  # 15
    WITHDRAW_PENDING = "withdraw_pending", "撤件待确认"  # 16
    TERMINATED = "terminated", "容缺终止"
    DELIVERED = "delivered", "已送达"


TERMINAL = {Status.WITHDRAWN_PRE, Status.NOT_ACCEPTED, Status.REFUSED_ACCEPT, Status.WITHDRAWN, Status.CANCELLED,
            Status.TERMINATED, Status.DELIVERED}
DECIDED = {Status.DECIDED_OK, Status.DECIDED_OK_TOLERANCE, Status.DECIDED_REFUSED}
# The clock runs in these states (the deadline matters).
CLOCK_RUNNING = {Status.ACCEPTED, Status.IN_REVIEW, Status.WITHDRAW_PENDING}
INTAKE = {Status.RECEIVED, Status.CORRECTION}


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", "窗口领取"
    POST = "post", "邮寄"
    ELECTRONIC = "electronic", "电子送达"
    ON_THE_SPOT = "on_the_spot", "当场办结"  # 即办件, set by COMPLETE_IMMEDIATE only


# A mobile or landline number as people type it on every case form (and 邮寄送达's recipient phone).
PHONE_REGEX = PHONE_PATTERN

# What the DELIVER transition offers (当场办结 is the immediate case's own completion).
DELIVER_METHODS = (DeliveryMethod.WINDOW, DeliveryMethod.POST, DeliveryMethod.ELECTRONIC)


def mask_address(value: str) -> str:
    """湖南省湘潭市岳塘区芙蓉路9号 -> 湖南省湘潭市岳塘区****: the district stays, the street goes."""
    if not value:
        return ""
    cut = next((i for i, ch in enumerate(value[:15]) if ch in "区县旗" and i >= 2), None)
    return (value[:cut + 1] if cut is not None else value[:min(6, len(value) // 2)]) + "****"


def mask_name(value: str) -> str:
    """张三丰 -> 张**"""
    return value[:1] + "*" * (len(value) - 1) if value else ""


class ApplicantType(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    CITIZEN = "citizen", "个人"


class Kind(models.TextChoices):
    SINGLE = "single", "单项办件"
    PACKAGE = "package", "一件事"
    CHILD = "child", "一件事子件"


class Case(models.Model):
    number = models.CharField("办件编号", max_length=24, unique=True)
    kind = models.CharField("类型", max_length=8, choices=Kind.choices, default=Kind.SINGLE)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name="一件事主件")
    bundle = models.ForeignKey("catalog.Bundle", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
                               verbose_name="一件事")
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="cases", verbose_name="事项")
    # The exact guide version the case was filed under (services.md §3.1).
    version = models.ForeignKey("catalog.ItemVersion", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="cases", verbose_name="事项版本")
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="cases",
                                   verbose_name="承办部门")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="cases_reviewed", verbose_name="审批人员")
    channel = models.CharField("渠道", max_length=10, db_index=True)
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="station_cases", verbose_name="驿站")
    status = models.CharField("状态", max_length=24, choices=Status.choices, default=Status.RECEIVED, db_index=True)
    applicant_type = models.CharField("申请人类型", max_length=12, choices=ApplicantType.choices)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases", verbose_name="申请企业")
    applicant_name = models.CharField("申请人", max_length=120)
    applicant_id_number = models.CharField("证件号码", max_length=18, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="cases_submitted", verbose_name="提交人")
    note = models.TextField("申请说明", blank=True)
    received_on = models.DateField("接件日期")
    correction_notice_due = models.DateField("补正告知期限", null=True, blank=True)
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    promised_limit = models.PositiveIntegerField("承诺时限（工作日）", default=0)
    due_date = models.DateField("办结期限", null=True, blank=True, db_index=True)
    due_provisional = models.BooleanField("期限暂定", default=False)
    statutory_due = models.DateField("法定期限", null=True, blank=True)
    suspended_days = models.PositiveIntegerField("暂停工作日数", default=0)
    extension_days = models.PositiveIntegerField("延长工作日数", default=0)
    tolerance = models.BooleanField("容缺受理", default=False)
    # The last day (inclusive) to supply owed materials, `tolerance_supply_days` working days after
    # acceptance; the decision deadline (`due_date`) is not moved by it (services.md §6).
    tolerance_due = models.DateField("容缺材料补齐期限", null=True, blank=True)
    tolerance_supply_days = models.PositiveIntegerField("容缺补齐期限（工作日）", default=0)
    commitment_signed = models.BooleanField("已签承诺书", default=False)
    decided_on = models.DateField("办结日期", null=True, blank=True)
    decision_note = models.TextField("决定说明", blank=True)
    delivered_on = models.DateField("送达日期", null=True, blank=True)
    delivery_method = models.CharField("送达方式", max_length=12, choices=DeliveryMethod.choices, blank=True)
    # 邮寄送达 (services.md §5.3 DELIVER by post): where and how the result went.
    postal_recipient = models.CharField("收件人", max_length=50, blank=True)
    postal_phone = models.CharField("收件人电话", max_length=20, blank=True)
    postal_address = models.CharField("邮寄地址", max_length=200, blank=True)
    tracking_number = models.CharField("快递单号", max_length=40, blank=True)
    # The 办理情形 the applicant chose: it selected the case's materials (services.md §3.1).
    situation = models.ForeignKey("catalog.Situation", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="办理情形")
    # What the applicant answered in the application form (一表申请: per-item situations).
    answers = models.JSONField("申请表内容", default=dict, blank=True)
    # A founder's registration case: the firm it registered, bound to the founder's account.
    registered_enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True,
                                              blank=True, related_name="registration_cases", verbose_name="新设企业")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["department", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["enterprise", "-created_at"]),
            # An applicant's case list (cases.permissions.own_cases: its firms' ids or itself), newest first: an
            # index range scan per firm and one for the person, whatever the zone's case count (issue 17).
            models.Index(fields=["enterprise", "-received_on", "-created_at", "-id"], name="case_firm_newest"),
            models.Index(fields=["submitted_by", "-received_on", "-created_at", "-id"], name="case_submitter_newest"),
            # The records behind a dashboard figure in a period, newest first (dashboard.selectors.records): a range
            # scan that stops at the page, whatever the number of cases in the period (issue 18).
            models.Index(fields=["-received_on", "-id"], name="case_received_newest"),
            models.Index(fields=["-accepted_on", "-id"], name="case_accepted_newest"),
            models.Index(fields=["-decided_on", "-id"], name="case_decided_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def title(self) -> str:
        if self.version_id:
            return self.version.name
        return self.bundle.name if self.bundle_id else ""

    @property
    def channel_label(self) -> str:
        from gaoxin.catalog.models import Channel

        return Channel(self.channel).label if self.channel in Channel.values else self.channel

    @property
    def masked_id(self) -> str:
        return mask_id_number(self.applicant_id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.contact_phone)

    @property
    def is_terminal(self) -> bool:
        return self.status in TERMINAL

    @property
    def masked_postal_address(self) -> str:
        return mask_address(self.postal_address)

    @property
    def masked_postal_recipient(self) -> str:
        return mask_name(self.postal_recipient)

    @property
    def masked_postal_phone(self) -> str:
        return mask_phone(self.postal_phone)

    @property
    def tolerance_deadline_text(self) -> str:
        """The 容缺 supply deadline as every message and notice states it: the day itself still counts."""
        return deadline_text(self.tolerance_due)

    @property
    def due_text(self) -> str:
        """The decision deadline as notices and messages state it (inclusive, as `tolerance_deadline_text`)."""
        return deadline_text(self.due_date)

    @property
    def clock_running(self) -> bool:
        return self.status in CLOCK_RUNNING and self.due_date is not None


class SharedMaterial(models.Model):
    """一套材料: a file uploaded once for a 一件事 package; every child case that needs the
    material refers to this one stored file (CaseMaterial.shared) instead of a copy."""

    package = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shared_materials")
    key = models.CharField("材料标识", max_length=150)
    name = models.CharField("材料名称", max_length=150)
    file = models.FileField("上传文件", upload_to="cases/%Y/%m/")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "一件事共享材料"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["package", "key"], name="uniq_package_material")]

    def __str__(self) -> str:
        return self.name


class CaseMaterial(models.Model):
    """A material of the checklist as received: uploaded, original seen, or owed under 容缺."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("catalog.Material", on_delete=models.PROTECT, related_name="+")
    file = models.FileField("上传文件", upload_to="cases/%Y/%m/", blank=True)
    shared = models.ForeignKey(SharedMaterial, on_delete=models.SET_NULL, null=True, blank=True, related_name="uses",
                               verbose_name="一件事共享材料")
    original_seen = models.BooleanField("已核验原件", default=False)
    received_on = models.DateField("收到日期", null=True, blank=True)
    owed = models.BooleanField("容缺待补", default=False)
    supplied_on = models.DateField("补齐日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "办件材料"
        ordering = ["material__sort_order", "material_id"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="uniq_case_material")]

    @property
    def present(self) -> bool:
        return bool(self.file) or self.original_seen

    @property
    def received_how(self) -> str:
        """How the material came in, as the case page lists it."""
        if self.owed and self.supplied_on:
            return "容缺后补"
        if self.file:
            return "上传"
        if self.original_seen:
            return "已核验原件"
        from .application import is_electronic_licence

        if is_electronic_licence(self.material):
            return "电子证照共享"
        return ""

    @property
    def file_size(self) -> int | None:
        """Size in bytes of the uploaded file, None when there is none (or storage lost it)."""
        if not self.file:
            return None
        try:
            return self.file.size
        except OSError:
            return None


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", "准予行政许可"
    REFUSED = "refused", "不予行政许可"


class Decision(models.Model):
    """The department's decision (APPROVE / REFUSE) and what its 决定书 states."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="decision")
    outcome = models.CharField("决定", max_length=10, choices=DecisionOutcome.choices)
    notice_number = models.CharField("决定书文号", max_length=60, unique=True)
    licence_number = models.CharField("证照编号/批准文号", max_length=60, blank=True)
    opinion = models.TextField("审查意见")
    legal_basis = models.TextField("法律依据", blank=True)
    reasons = models.TextField("不予许可的理由", blank=True)
    result_file = models.FileField("结果文件", upload_to="cases/results/%Y/%m/", blank=True)
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="决定机关")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="审批人员")
    decided_on = models.DateField("决定日期")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "审批决定"

    def __str__(self) -> str:
        return self.notice_number

    @property
    def approved(self) -> bool:
        return self.outcome == DecisionOutcome.APPROVED

    @property
    def notice_kind(self) -> str:
        """The slug of its 决定书 among the case's notices."""
        return "approval" if self.approved else "denial"

    @property
    def notice_title(self) -> str:
        return "准予行政许可决定书" if self.approved else "不予行政许可决定书"


class CaseEvent(models.Model):
    """The case timeline: one row per transition, append-only."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("操作", max_length=40)
    from_status = models.CharField(max_length=24, blank=True)
    to_status = models.CharField(max_length=24)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor_repr = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = verbose_name_plural = "办件过程"
        ordering = ["at", "id"]


class Suspension(models.Model):
    """A special procedure (特别程序, 行政许可法 Art. 45) that stops the clock."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="suspensions")
    reason = models.CharField("特别程序", max_length=200)
    legal_basis = models.CharField("法定依据", max_length=200, blank=True)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    workdays = models.PositiveIntegerField("暂停工作日", default=0)

    class Meta:
        ordering = ["started_on", "id"]


class CreditRestriction(models.Model):
    """An applicant on a credit blacklist (失信) cannot use 容缺受理 (services.md §6)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True, db_index=True)
    id_number = models.CharField("身份证号码", max_length=18, blank=True, db_index=True)
    reason = models.CharField("原因", max_length=200)
    source = models.CharField("来源", max_length=100, blank=True)
    active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "信用限制名单"


class Level(models.IntegerChoices):
    VERY_SATISFIED = 5, "非常满意"
    SATISFIED = 4, "满意"
    BASIC = 3, "基本满意"
    UNSATISFIED = 2, "不满意"
    VERY_UNSATISFIED = 1, "非常不满意"


class Review(models.Model):
    """好差评 for one case ("一事一评")."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="review")
    level = models.PositiveSmallIntegerField("评价", choices=Level.choices)
    comment = models.TextField("意见", blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "好差评"

    @property
    def is_bad(self) -> bool:
        return self.level <= 2


class RectificationStatus(models.TextChoices):
    OPEN = "open", "待整改"
    RECTIFIED = "rectified", "已整改"
    EXPLAINED = "explained", "已解释说明"
    REVISITED = "revisited", "已回访"


class Rectification(models.Model):
    """A 差评 opens a rectification task for the department with a deadline and a follow-up visit."""

    review = models.OneToOneField(Review, on_delete=models.CASCADE, related_name="rectification")
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="rectifications")
    due_date = models.DateField("整改期限")
    status = models.CharField("状态", max_length=12, choices=RectificationStatus.choices, default=RectificationStatus.OPEN)
    measures = models.TextField("整改措施", blank=True)
    visit_note = models.TextField("回访记录", blank=True)
    visit_result = models.PositiveSmallIntegerField("回访评价", choices=[(3, "满意"), (2, "基本满意"), (1, "不满意")],
                                                    null=True, blank=True)
    closed_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "差评整改"
        ordering = ["status", "due_date"]
