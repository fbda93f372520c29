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
    amendment_reason = models.CharField("更正原因", max_length=200, blank=True)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    current_run = models.ForeignKey("ScoreRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                    verbose_name="当前测算")
    notice_run = models.ForeignKey("ScoreRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
                                   verbose_name="公示所据测算")
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


class CycleEvent(models.Model):
    """The cycle's timeline: one row per transition of the workflow (who, when, from and to which state,
    the reason or document number given)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="events", verbose_name="评价周期")
    transition = models.CharField("操作", max_length=30)
    from_status = models.CharField("原状态", max_length=24, choices=CycleStatus.choices)
    to_status = models.CharField("新状态", max_length=24, choices=CycleStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    actor_repr = models.CharField("操作人", max_length=150, blank=True)
    note = models.CharField("原因或说明", max_length=200, blank=True)
    doc_no = models.CharField("文号", max_length=60, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价周期记录"
        ordering = ["at", "id"]


class Participant(models.Model):
    # No index of its own on cycle or on participating: the unique (cycle, enterprise) and the (cycle, ...) indexes
    # below lead with cycle and serve every lookup; a scoring run and a release update every row of the cycle,
    # and each index is paid on every row (on PostgreSQL the table also keeps room on each page, fillfactor 80, so
    # these updates stay on the page and leave the indexes alone: migration 0010).
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="participants", verbose_name="评价周期",
                              db_index=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="企业")
    group = models.CharField("评价组", max_length=20)
    participating = models.BooleanField("参评", default=True)
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
        indexes = [models.Index(fields=["cycle", "participating", "group"]),
                   models.Index(fields=["cycle", "group", "enterprise"], name="participant_list_order")]

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


class ObjectionStage(models.TextChoices):
    VERIFY = "VERIFY", "企业核实异议"
    NOTICE = "NOTICE", "公示期异议"


class ObjectionStatus(models.TextChoices):
    OPEN = "OPEN", "待部门核实"
    CORRECTED = "CORRECTED", "已更正"
    REJECTED = "REJECTED", "不予更正"


class Objection(models.Model):
    """A firm disputes one figure, while confirming its data or during the public notice (§12.4).
    It goes to the department that owns the field, which corrects it or rejects it with a reason."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="objections", verbose_name="评价周期")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="objections",
                                    verbose_name="参评企业")
    stage = models.CharField("类型", max_length=8, choices=ObjectionStage.choices)
    field = models.CharField("数据项", max_length=32)
    owner_code = models.CharField("负责部门编码", max_length=30, db_index=True)
    current = models.DecimalField("提出时采用值", max_digits=18, decimal_places=4, null=True, blank=True)
    claimed = models.DecimalField("企业主张值", max_digits=18, decimal_places=4)
    reason = models.TextField("异议理由")
    evidence = models.FileField("证明材料", upload_to="evaluation/evidence/%Y/")
    status = models.CharField("处理状态", max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN, db_index=True)
    corrected = models.DecimalField("更正后数值", max_digits=18, decimal_places=4, null=True, blank=True)
    decision_reason = models.TextField("处理意见", blank=True)
    approval_ref = models.CharField("审批文号", max_length=60, blank=True, help_text="领导小组审批调整的文号（如有）")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="提出人")
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "数据异议"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["cycle", "status", "owner_code"])]

    def __str__(self) -> str:
        return f"{self.get_stage_display()} #{self.pk}"

    @property
    def decision_label(self) -> str:
        """采纳 / 部分采纳 / 不予采纳, as the objection record names it (§12.4)."""
        if self.status == ObjectionStatus.CORRECTED:
            return "采纳" if self.corrected == self.claimed else "部分采纳"
        return "不予采纳" if self.status == ObjectionStatus.REJECTED else "待处理"

    @property
    def field_label(self) -> str:
        from .method import RAW_FIELDS

        return RAW_FIELDS.get(self.field, self.field)


class RunStatus(models.TextChoices):
    RUNNING = "RUNNING", "测算中"
    DONE = "DONE", "已完成"
    FAILED = "FAILED", "失败"


class ScoreRun(models.Model):
    """One scoring of a cycle: the frozen method, a hash of the exact inputs and the results.
    Runs are never changed after they finish; a correction makes a new run."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="runs", verbose_name="评价周期")
    number = models.PositiveSmallIntegerField("测算序号")
    status = models.CharField("状态", max_length=8, choices=RunStatus.choices, default=RunStatus.RUNNING)
    note = models.CharField("说明", max_length=200, blank=True)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    method_hash = models.CharField("评价方法摘要", max_length=64)
    input_hash = models.CharField("输入数据摘要", max_length=64, blank=True)
    counts = models.JSONField("各等级家数", default=dict, blank=True)
    benchmarks = models.JSONField("基准值", default=list, blank=True)
    frame = models.BinaryField("完整结果（Parquet）", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="发起人")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评价测算"
        ordering = ["cycle_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="run_number_unique")]

    def __str__(self) -> str:
        return f"第{self.number}次测算"

    @property
    def failure_reason(self) -> str:
        """Why a failed run failed: its job's message (a worker that died: "任务中断（处理进程已停止）…")."""
        return self.job.message if self.status == RunStatus.FAILED and self.job_id else ""


TIER_NAMES = {"A": "A类（优先发展类）", "B": "B类（支持发展类）", "C": "C类（提升发展类）", "D": "D类（限制发展类）",
              "T": "暂不评价类"}


class ScoreResult(models.Model):
    # No index of its own on run, none on final_tier: the unique (run, participant) and the two (run, ...) indexes
    # below lead with run and serve every lookup; each extra index is paid on every result row a run writes.
    run = models.ForeignKey(ScoreRun, on_delete=models.CASCADE, related_name="results", verbose_name="测算",
                            db_index=False)
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="results",
                                    verbose_name="参评企业")
    group = models.CharField("评价组", max_length=20)
    total = models.FloatField("综合得分", null=True)
    base_score = models.FloatField("指标合计得分", null=True)
    bonus = models.FloatField("加分", null=True)
    penalty = models.FloatField("扣分", null=True)
    rank = models.PositiveIntegerField("组内排名", null=True)
    tier = models.CharField("初评等级", max_length=1)
    final_tier = models.CharField("调档后等级", max_length=1)
    indicators = models.JSONField("指标", default=dict)
    reasons = models.JSONField("说明", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "测算结果"
        ordering = ["run_id", "group", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["run", "participant"], name="one_result_per_run")]
        # (run, final tier, group, rank): the public notice's order and the results filtered by tier, as index scans
        indexes = [models.Index(fields=["run", "group", "rank"]),
                   models.Index(fields=["run", "final_tier", "group", "rank"], name="result_tier_order")]

    @property
    def tier_name(self) -> str:
        return TIER_NAMES.get(self.final_tier, self.final_tier)


class RegradeStatus(models.TextChoices):
    PENDING = "PENDING", "待审批"
    APPROVED = "APPROVED", "已批准"
    REJECTED = "REJECTED", "未批准"


class Regrade(models.Model):
    """手动调档: the bureau proposes a tier with a reason; a leader approves it before it applies."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="regrades", verbose_name="评价周期")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="regrades",
                                    verbose_name="参评企业")
    from_tier = models.CharField("原等级", max_length=1)
    to_tier = models.CharField("调整为", max_length=1)
    reason = models.TextField("调档理由")
    status = models.CharField("状态", max_length=8, choices=RegradeStatus.choices, default=RegradeStatus.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                     verbose_name="提出人")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="审批人")
    approval_note = models.CharField("审批意见", max_length=200, blank=True)
    created_at = models.DateTimeField("提出时间", auto_now_add=True)
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "手动调档"
        ordering = ["-created_at", "-id"]


class Release(models.Model):
    """One published version of a cycle's result (v1, and v2… after amendments, §12.6)."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="releases", verbose_name="评价周期")
    version = models.PositiveSmallIntegerField("版本")
    run = models.ForeignKey(ScoreRun, on_delete=models.PROTECT, related_name="+", verbose_name="所据测算")
    doc_no = models.CharField("发布文号", max_length=60)
    reason = models.CharField("更正原因", max_length=200, blank=True)
    released_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name="发布人")
    released_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "结果发布"
        ordering = ["cycle_id", "-version"]
        constraints = [models.UniqueConstraint(fields=["cycle", "version"], name="release_version_unique")]


class TierHistory(models.Model):
    """Each firm's final released tier per data year, also for years before Gaoxin (imported);
    the consecutive-years-in-D streak is read from here (§13)."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="tier_history",
                                   verbose_name="企业")
    year = models.PositiveSmallIntegerField("数据年度")
    tier = models.CharField("等级", max_length=1)
    cycle = models.ForeignKey(Cycle, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    release_version = models.PositiveSmallIntegerField("发布版本", default=1)
    source = models.CharField("来源", max_length=20, default="released")

    class Meta:
        verbose_name = verbose_name_plural = "历年等级"
        ordering = ["enterprise_id", "-year"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="one_tier_per_year")]


class Lever(models.TextChoices):
    ELECTRICITY = "electricity_surcharge", "电价加价"
    WATER = "water_surcharge", "水价加价"
    GAS = "gas_surcharge", "气价加价"
    ENERGY_QUOTA = "energy_quota_cut", "用能指标核减"
    LAND = "land_priority", "用地保障"
    CREDIT = "credit", "信贷支持"
    AWARD = "award", "奖励"


class TierPolicy(models.Model):
    """A row of the differentiated-policy table (§13): configurable data, not code."""

    tier = models.CharField("等级", max_length=1, choices=[(t, t) for t in "ABCD"])
    consecutive_years = models.CharField("连续年数", max_length=6, blank=True,
                                         help_text="如 1、2、>=3；空表示不限")
    lever = models.CharField("政策手段", max_length=24, choices=Lever.choices)
    value = models.DecimalField("数值", max_digits=12, decimal_places=4, null=True, blank=True)
    unit = models.CharField("单位", max_length=20, blank=True)
    stacking = models.CharField("叠加方式", max_length=20, default="max_of_existing",
                                choices=[("max_of_existing", "与其他加价取高"), ("additive", "叠加"), ("none", "不叠加")])
    description = models.CharField("说明", max_length=200, blank=True)
    effective_from = models.DateField("生效日期", null=True, blank=True)
    effective_to = models.DateField("失效日期", null=True, blank=True)
    basis_document = models.CharField("依据文件", max_length=120, blank=True)
    active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "差别化政策"
        ordering = ["tier", "lever", "consecutive_years"]

    def __str__(self) -> str:
        return f"{self.tier}类 {self.get_lever_display()} {self.consecutive_years}"

    @property
    def years_text(self) -> str:
        """The years column as people read it: "3年及以上", "第1年", "不限"."""
        text = self.consecutive_years.replace(" ", "")
        if not text:
            return "不限"
        return f"{text[2:]}年及以上" if text.startswith(">=") else f"{text}年"

    def applies(self, streak: int) -> bool:
        text = self.consecutive_years.replace(" ", "")
        if not text:
            return True
        if text.startswith(">="):
            return streak >= int(text[2:])
        return streak == int(text)


class CycleAdjustment(models.Model):
    """A bonus, penalty or veto event of the method (§10) recorded for one participant, with its
    evidence (document number, penalty decision…). Qualifications in the registry (e.g. 高新技术企业)
    are added automatically at scoring and need no row here."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="adjustments", verbose_name="评价周期")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="adjustments",
                                    verbose_name="参评企业")
    rule_id = models.CharField("规则编号", max_length=40)
    count = models.PositiveSmallIntegerField("次数", default=1)
    evidence = models.CharField("依据", max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="录入人")
    created_at = models.DateTimeField("录入时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "加减分事项"
        ordering = ["cycle_id", "rule_id", "participant_id"]
        constraints = [models.UniqueConstraint(fields=["participant", "rule_id"], name="one_adjustment_per_rule")]
