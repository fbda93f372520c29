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
        level, name = self.get_level_display(), self.title or self.get_kind_display()
        return name if name.startswith(level) else f"{level}{name}"  # a title typed as 市级示范智能车间: said once

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


# --- finance board (绿贷通 style; platform.md §5, benefits.md §7.3–7.4) --------------------------------------------


class GreenProjectTag(models.TextChoices):
    """The six categories of 《绿色产业指导目录》 and the CERF's 碳减排技术 field (benefits.md §7.3)."""

    ENERGY_SAVING = "energy_saving", "节能环保"
    CLEAN_PRODUCTION = "clean_production", "清洁生产"
    CLEAN_ENERGY = "clean_energy", "清洁能源"
    ECOLOGY = "ecology", "生态环境"
    INFRASTRUCTURE = "infrastructure", "基础设施绿色升级"
    GREEN_SERVICE = "green_service", "绿色服务"
    CARBON_TECH = "carbon_tech", "碳减排技术"


class ShareScope(models.TextChoices):
    NEED = "need", "仅融资需求"
    PROFILE = "profile", "融资需求和企业档案"
    GRADES = "grades", "融资需求、企业档案、绿色称号和碳效等级"


class NeedStatus(models.TextChoices):
    OPEN = "open", "征集中"
    CLOSED = "closed", "已结束征集"
    WITHDRAWN = "withdrawn", "已撤回"


class FinanceNeed(models.Model):
    """A firm's financing need, shared with the partner banks it chose (all of them or some) and as much of its
    file as it chose (ShareScope). Each bank shared with answers on its own BankResponse."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="finance_needs",
                                   verbose_name="企业")
    amount = models.DecimalField("融资金额（元）", max_digits=14, decimal_places=2)
    term_months = models.PositiveSmallIntegerField("期限（月）")
    purpose = models.CharField("资金用途", max_length=300)
    green_tags = models.JSONField("绿色项目类别", default=list, blank=True)
    is_green = models.BooleanField("绿色项目", default=False, db_index=True)
    share_scope = models.CharField("共享范围", max_length=10, choices=ShareScope.choices, default=ShareScope.NEED)
    all_banks = models.BooleanField("推送全部合作银行", default=True)
    contact_name = models.CharField("联系人", max_length=30)
    contact_phone = models.CharField("联系电话", max_length=20)
    status = models.CharField("状态", max_length=10, choices=NeedStatus.choices, default=NeedStatus.OPEN,
                              db_index=True)
    posted_on = models.DateField("发布日期")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "融资需求"
        ordering = ["-posted_on", "-id"]

    def __str__(self) -> str:
        return f"{self.enterprise.name}融资需求（{self.posted_on:%Y-%m-%d}）"

    def tag_labels(self) -> list[str]:
        return [GreenProjectTag(t).label for t in self.green_tags if t in GreenProjectTag.values]


class ResponseStatus(models.TextChoices):
    PENDING = "pending", "待响应"
    CONTACTED = "contacted", "已对接"
    GRANTED = "granted", "已授信"
    DISBURSED = "disbursed", "已放款"
    REFUSED = "refused", "未予授信"
    DEFAULTED = "defaulted", "已违约"
    COMPENSATED = "compensated", "已风险补偿"


# A loan counts as disbursed from its disbursement on, whatever happened to it after.
LENT = (ResponseStatus.DISBURSED, ResponseStatus.DEFAULTED, ResponseStatus.COMPENSATED)


class BankResponse(models.Model):
    """One partner bank's answer to one need: due within GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS working days of
    posting; then the outcome (credit, disbursement, refusal with its reason) and, for a loan gone bad, the default and
    the risk pool's compensation. No bank reads another bank's response."""

    need = models.ForeignKey(FinanceNeed, on_delete=models.CASCADE, related_name="responses", verbose_name="融资需求")
    bank = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="green_responses",
                             verbose_name="银行", limit_choices_to={"kind": "bank"})
    status = models.CharField("状态", max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.PENDING,
                              db_index=True)
    respond_by = models.DateField("响应期限")
    responded_on = models.DateField("响应日期", null=True, blank=True)
    credit_amount = models.DecimalField("授信金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("年利率（%）", max_digits=5, decimal_places=2, null=True, blank=True)
    disbursed_amount = models.DecimalField("放款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    disbursed_on = models.DateField("放款日期", null=True, blank=True, db_index=True)
    loan_term_months = models.PositiveSmallIntegerField("贷款期限（月）", null=True, blank=True)
    refusal_reason = models.CharField("未予授信原因", max_length=300, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", verbose_name="客户经理")

    class Meta:
        verbose_name = verbose_name_plural = "银行响应"
        ordering = ["need_id", "bank__sort_order", "bank_id"]
        constraints = [models.UniqueConstraint(fields=["need", "bank"], name="green_response_once_per_bank")]

    def __str__(self) -> str:
        return f"{self.bank.name}对{self.need.enterprise.name}的响应"

    def overdue_on(self, today) -> bool:
        return self.status == ResponseStatus.PENDING and today > self.respond_by

    @property
    def overdue(self) -> bool:
        return self.overdue_on(timezone.localdate())


class FinanceEvent(models.Model):
    """The board's timeline: need-level rows (response empty) and each bank's own rows."""

    need = models.ForeignKey(FinanceNeed, on_delete=models.CASCADE, related_name="events")
    response = models.ForeignKey(BankResponse, on_delete=models.CASCADE, related_name="events", null=True, blank=True)
    transition = models.CharField("操作", max_length=20)
    label = models.CharField("操作名称", max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    note = models.CharField("说明", max_length=300, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "融资对接记录"
        ordering = ["at", "id"]


# --- risk-compensation pool (高新贷 risk funds; benefits.md §7.3–7.4) ---------------------------------------------


class FundSource(models.TextChoices):
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    ZONE = "zone", "区级"


class MovementKind(models.TextChoices):
    CONTRIBUTION = "contribution", "注资"
    SUBSIDY = "subsidy", "贴息"
    COMPENSATION = "compensation", "风险补偿"


class RiskPool(models.Model):
    """The zone's risk-compensation fund: one row, locked for every movement so the balance never goes negative."""

    name = models.CharField("名称", max_length=60, unique=True)
    balance = models.DecimalField("余额（元）", max_digits=16, decimal_places=2, default=0)

    class Meta:
        verbose_name = verbose_name_plural = "风险补偿资金池"
        constraints = [models.CheckConstraint(condition=models.Q(balance__gte=0), name="green_pool_not_negative")]

    def __str__(self) -> str:
        return self.name


class PoolMovement(models.Model):
    """One movement of the pool: a contribution by source (省 / 市 / 区), an interest subsidy on a disbursed loan (once
    per loan) or a compensation for a defaulted loan; with the balance after it. Append-only."""

    pool = models.ForeignKey(RiskPool, on_delete=models.PROTECT, related_name="movements")
    kind = models.CharField("类别", max_length=12, choices=MovementKind.choices)
    source = models.CharField("资金来源", max_length=10, choices=FundSource.choices, blank=True)
    amount = models.DecimalField("金额（元）", max_digits=16, decimal_places=2)
    balance_after = models.DecimalField("变动后余额（元）", max_digits=16, decimal_places=2)
    loan = models.ForeignKey(BankResponse, on_delete=models.PROTECT, null=True, blank=True, related_name="movements",
                             verbose_name="贷款")
    occurred_on = models.DateField("日期", db_index=True)
    note = models.CharField("说明", max_length=300, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="经办人")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "资金池收支"
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["loan"], condition=models.Q(kind="subsidy"), name="green_subsidy_once"),
            models.UniqueConstraint(fields=["loan"], condition=models.Q(kind="compensation"),
                                    name="green_compensation_once"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="green_movement_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount} 元"

    @property
    def inflow(self) -> bool:
        return self.kind == MovementKind.CONTRIBUTION


class SubsidyTermsVersion(models.Model):
    """The zone's interest-subsidy terms (贴息标准) from a date on: a loan is subsidised on the terms in force on its
    disbursement date, so a change never alters the subsidy of a loan already made. Before the first version the
    configured defaults apply (GAOXIN_GREEN_SUBSIDY_*). Set by the finance office through `subsidy_terms_set` (one
    audit event); a version is never edited once in force — a later one replaces it."""

    effective_from = models.DateField("执行日期", unique=True)
    share = models.DecimalField("贴息比例", max_digits=5, decimal_places=4, help_text="占利息的比例，0.5 即一半")
    rate_ceiling = models.DecimalField("计息利率上限（%）", max_digits=5, decimal_places=2)
    months = models.PositiveSmallIntegerField("最长贴息月数")
    cap = models.DecimalField("单笔贴息上限（元）", max_digits=14, decimal_places=2)
    note = models.CharField("依据或说明", max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="设定人")
    created_at = models.DateTimeField("设定时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "贴息标准"
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(condition=models.Q(share__gt=0, share__lte=1), name="green_terms_share"),
            models.CheckConstraint(condition=models.Q(rate_ceiling__gt=0, months__gt=0, cap__gt=0),
                                   name="green_terms_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from:%Y-%m-%d}起执行的贴息标准"


# --- the green scorecard (绿色评价打分卡, benefits.md §7.4) ------------------------------------------------------------


class ScorecardStatus(models.TextChoices):
    RUNNING = "running", "测算中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ScorecardRun(models.Model):
    """One scoring of every firm with the zone's scorecard method (scorecard.py), from the facts Gaoxin holds that
    day: the latest released per-mu tier, the carbon grade, live labels, the latest evaluation's penalties."""

    number = models.PositiveIntegerField("批次", unique=True)
    method_name = models.CharField("评价方法", max_length=100)
    method_hash = models.CharField("方法摘要", max_length=64)
    status = models.CharField("状态", max_length=10, choices=ScorecardStatus.choices, default=ScorecardStatus.RUNNING)
    firms = models.PositiveIntegerField("企业数", default=0)
    counts = models.JSONField("各等级企业数", default=dict)
    job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("发起时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "绿色评价测算"
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"第{self.number}次绿色评价测算"


class ScorecardResult(models.Model):
    run = models.ForeignKey(ScorecardRun, on_delete=models.CASCADE, related_name="results", verbose_name="测算",
                            db_index=False)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="green_scores",
                                   verbose_name="企业")
    total = models.DecimalField("总分", max_digits=7, decimal_places=2)
    grade = models.CharField("等级", max_length=20)
    grade_name = models.CharField("等级名称", max_length=20)
    capped_by = models.CharField("封顶原因", max_length=100, blank=True)
    row = models.JSONField("评价数据与各项得分", default=dict)
    reasons = models.JSONField("说明", default=list)

    class Meta:
        verbose_name = verbose_name_plural = "绿色评价结果"
        ordering = ["run_id", "-total", "enterprise_id"]
        constraints = [models.UniqueConstraint(fields=["run", "enterprise"], name="green_score_once_per_run")]
        indexes = [models.Index(fields=["run", "grade", "total"], name="green_score_grade_order")]

    def __str__(self) -> str:
        return f"{self.enterprise} {self.grade_name}"


class ObjectionStatus(models.TextChoices):
    OPEN = "open", "待核实"
    UPHELD = "upheld", "已采纳"
    REJECTED = "rejected", "不予采纳"


class ObjectionRemedy(models.TextChoices):
    RESCORE = "rescore", "按更正后的数据重新测算"
    GRADE = "grade", "直接更正等级"


class ScoreObjection(models.Model):
    """A firm objects to its green scorecard grade, as it objects to its evaluation figures (evaluation.objections):
    within GAOXIN_GREEN_SCORECARD_OBJECTION_LENGTH days of the run (core.notice), naming the indicator it disputes,
    with a reason and evidence. The economic bureau upholds it — the firm re-scored from the corrected facts, or its
    grade corrected — or rejects it with a reason; the grade before and after stay on the objection."""

    result = models.ForeignKey(ScorecardResult, on_delete=models.CASCADE, related_name="objections",
                               verbose_name="评价结果")
    indicator = models.CharField("异议指标", max_length=20, blank=True, help_text="方法文件中的指标或扣分项；空为总体等级")
    indicator_name = models.CharField("异议指标名称", max_length=50)
    reason = models.TextField("异议理由")
    evidence = models.FileField("证明材料", upload_to="green/objections/%Y/")
    status = models.CharField("处理状态", max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.OPEN,
                              db_index=True)
    remedy = models.CharField("更正方式", max_length=10, choices=ObjectionRemedy.choices, blank=True)
    grade_before = models.CharField("原等级", max_length=20)
    grade_before_name = models.CharField("原等级名称", max_length=20)
    total_before = models.DecimalField("原总分", max_digits=7, decimal_places=2)
    grade_after_name = models.CharField("更正后等级", max_length=20, blank=True)
    total_after = models.DecimalField("更正后总分", max_digits=7, decimal_places=2, null=True, blank=True)
    decision_reason = models.TextField("处理意见", blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="处理人")
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="提出人")
    created_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "绿色评价异议"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["result"], condition=models.Q(status="open"),
                                               name="green_objection_one_open")]

    def __str__(self) -> str:
        return f"{self.result.enterprise}对绿色评价等级的异议"
