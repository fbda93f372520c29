"""Enterprise benefits (惠企政策): policies with rules, enterprise profile facts, match results,
and applications through to payment (benefits.md §2, §3)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


class PolicyKind(models.TextChoices):
    TAX = "tax", "税收优惠"
    SUBSIDY = "subsidy", "资金奖补"
    QUALIFICATION = "qualification", "资格认定"
    FINANCE = "finance", "金融产品"
    SERVICE = "service", "服务"


class PolicyMode(models.TextChoices):
    AUTO = "auto", "免申即享"
    FAST = "fast", "快申快享"
    APPLY = "apply", "申报审核"
    INFORM = "inform", "告知（向税务等部门申报）"


class PolicyLevel(models.TextChoices):
    NATIONAL = "national", "国家"
    PROVINCIAL = "provincial", "省"
    MUNICIPAL = "municipal", "市"
    ZONE = "zone", "区"


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "生效"
    EXPIRED = "expired", "失效"


class PolicySubject(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    PERSON = "person", "人才（个人）"


class Policy(models.Model):
    code = models.SlugField("编号", max_length=30, unique=True)
    # Whose data the rule reads (fields.SUBJECT_FIELDS): a firm's 企业画像, or a person of the talent registry.
    subject = models.CharField("享受对象", max_length=10, choices=PolicySubject.choices,
                               default=PolicySubject.ENTERPRISE)
    title = models.CharField("政策名称", max_length=150)
    document_number = models.CharField("文号", max_length=100, blank=True)
    issuer = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="policies", verbose_name="主管部门")
    level = models.CharField("层级", max_length=12, choices=PolicyLevel.choices, default=PolicyLevel.ZONE)
    kind = models.CharField("类别", max_length=15, choices=PolicyKind.choices)
    mode = models.CharField("兑现方式", max_length=10, choices=PolicyMode.choices)
    summary = models.TextField("政策内容", blank=True)
    guide = models.TextField("申兑指南", blank=True)
    rule = models.TextField("适用条件（规则）", help_text="例如：has('高新技术企业') and rd_ratio >= 0.03")
    formula = models.CharField("测算公式（万元）", max_length=500, blank=True, help_text="例如：rd_expense * cit_rate")
    amount_cap = models.DecimalField("最高金额（万元）", max_digits=14, decimal_places=4, null=True, blank=True)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)
    contact = models.CharField("咨询电话", max_length=60, blank=True)
    status = models.CharField("状态", max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT)
    version = models.PositiveIntegerField("版本", default=1)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "惠企政策"
        ordering = ["-published_at", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def for_persons(self) -> bool:
        return self.subject == PolicySubject.PERSON

    @property
    def pays_in_zone(self) -> bool:
        """Tax incentives are declared to the tax bureau: the zone reminds and estimates only."""
        return self.mode != PolicyMode.INFORM


class ProfileFact(models.Model):
    """One enterprise field used by policy rules (企业画像), with its source and date."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="facts")
    field = models.CharField("字段", max_length=40)
    number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    text = models.CharField(max_length=100, blank=True)
    flag = models.BooleanField(null=True, blank=True)
    source = models.CharField("来源", max_length=40, default="企业填报")
    # The department whose value this is (it supplied it); the enterprise may dispute it, not overwrite it.
    supplied_by = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="提供部门")
    as_of = models.DateField("数据日期", null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业画像数据"
        constraints = [models.UniqueConstraint(fields=["enterprise", "field"], name="uniq_enterprise_fact")]


class RestrictionKind(models.TextChoices):
    RESTRICTED = "restricted", "限制类"
    PROHIBITED = "prohibited", "禁止（淘汰）类"


class RestrictedIndustry(models.Model):
    """The zone's list of restricted and prohibited industries (国家限制和禁止行业) by GB/T 4754 code, kept in the
    administration: policy rules read it as the registry field `restricted_industry` (benefits.industries)."""

    code = models.CharField("行业代码", max_length=4, unique=True,
                            validators=[RegexValidator(r"^\d{2,4}$", "请填写2至4位国民经济行业分类代码，如 30 或 3011")],
                            error_messages={"unique": "该行业代码已在清单中"},
                            help_text="国民经济行业分类（GB/T 4754）代码：2位大类、3位中类或4位小类，包括其下各级")
    name = models.CharField("行业名称", max_length=100)
    kind = models.CharField("类别", max_length=12, choices=RestrictionKind.choices, default=RestrictionKind.RESTRICTED)
    basis = models.CharField("依据", max_length=200, blank=True, help_text="如《产业结构调整指导目录》限制类第×条")
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "限制和禁止行业"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        from gaoxin.enterprises.models import Industry

        if self.code and len(self.code) >= 2 and not Industry.objects.filter(code=self.code[:2]).exists():
            raise ValidationError({"code": f"“{self.code[:2]}”不是国民经济行业分类（GB/T 4754）的大类代码"})


class DisputeStatus(models.TextChoices):
    OPEN = "open", "待部门核实"
    ACCEPTED = "accepted", "已采纳并更正"
    REJECTED = "rejected", "不予采纳"


class FactDispute(models.Model):
    """An enterprise disputes a profile fact a department supplied (issue 14 §6): the claimed value is not used
    until the department accepts it; the department corrects the fact (采纳) or keeps it with a reason."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="fact_disputes")
    field = models.CharField("数据项", max_length=40)
    current = models.CharField("部门数据", max_length=100, blank=True)
    claimed = models.CharField("企业主张", max_length=100)
    reason = models.TextField("理由")
    supplier = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                 verbose_name="提供部门")
    status = models.CharField("状态", max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN,
                              db_index=True)
    decision_note = models.TextField("处理意见", blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业画像数据异议"
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "field"], condition=models.Q(status="open"),
                                               name="one_open_dispute_per_fact")]

    @property
    def field_label(self) -> str:
        from .fields import FIELDS

        f = FIELDS.get(self.field)
        return f.label if f else self.field


class Verdict(models.TextChoices):
    ELIGIBLE = "eligible", "符合"
    PARTIAL = "partial", "可能符合，待完善"


class MatchResult(models.Model):
    """Only ELIGIBLE and PARTIAL results are kept; re-matching replaces a policy's results."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="policy_matches")
    policy = models.ForeignKey(Policy, on_delete=models.CASCADE, related_name="matches")
    verdict = models.CharField("结果", max_length=10, choices=Verdict.choices)
    pass_ratio = models.DecimalField("自测通过率", max_digits=5, decimal_places=4)
    passed = models.JSONField("已满足条件", default=list)
    missing = models.JSONField("待完善数据", default=list)
    estimate = models.DecimalField("测算金额（万元）", max_digits=16, decimal_places=4, null=True, blank=True)
    estimate_inputs = models.JSONField("测算依据", default=dict, blank=True)
    policy_version = models.PositiveIntegerField("政策版本")
    rule_digest = models.CharField(max_length=16)
    computed_at = models.DateTimeField(auto_now_add=True)
    told_at = models.DateTimeField("推送时间", null=True, blank=True)

    ESTIMATE_PENDING = "待完善数据后测算"

    @property
    def estimate_pending(self) -> bool:
        """The policy has a formula but its inputs are not all known: no amount until the data is completed."""
        return self.estimate is None and bool(self.estimate_inputs.get("formula"))

    @property
    def estimate_note(self) -> str | None:
        """Why there is no amount, with the data it waits for; None when there is one (or no formula)."""
        if not self.estimate_pending:
            return None
        waiting = self.estimate_inputs.get("waiting") or []
        return self.ESTIMATE_PENDING + (f"（缺：{'、'.join(waiting)}）" if waiting else "")

    class Meta:
        verbose_name = verbose_name_plural = "政策匹配结果"
        ordering = ["-computed_at"]
        constraints = [models.UniqueConstraint(fields=["enterprise", "policy"], name="uniq_match")]
        indexes = [models.Index(fields=["policy", "verdict"])]


class AppStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已确认（免申即享）"
    SUBMITTED = "submitted", "已申报"
    RETURNED = "returned", "退回补充"
    REJECTED = "rejected", "不予受理"
    ACCEPTED = "accepted", "审核中"
    REFUSED = "refused", "审核不通过"
    PUBLICITY = "publicity", "公示中"
    APPROVED = "approved", "待拨付"
    PAID = "paid", "已拨付"
    ARCHIVED = "archived", "已归档"
    WITHDRAWN = "withdrawn", "已撤回"


class BenefitApplication(models.Model):
    number = models.CharField("申请编号", max_length=24, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="benefit_applications")
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="applications")
    policy_version = models.PositiveIntegerField()
    status = models.CharField("状态", max_length=12, choices=AppStatus.choices, db_index=True)
    amount_requested = models.DecimalField("申请金额（万元）", max_digits=16, decimal_places=4, null=True, blank=True)
    # The platform's estimate when the firm applied, and what it was computed from, for the reviewer.
    estimate = models.DecimalField("测算金额（万元）", max_digits=16, decimal_places=4, null=True, blank=True)
    estimate_basis = models.CharField("测算依据", max_length=300, blank=True)
    amount_approved = models.DecimalField("核定金额（万元）", max_digits=16, decimal_places=4, null=True, blank=True)
    amount_paid = models.DecimalField("拨付金额（万元）", max_digits=16, decimal_places=4, null=True, blank=True)
    bank_account = models.CharField("收款账户", max_length=60, blank=True)
    note = models.TextField("说明", blank=True)
    profile_snapshot = models.JSONField("申报时画像数据", default=dict)
    accepted_on = models.DateField(null=True, blank=True)
    payment_due = models.DateField("拨付期限", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    payment_ref = models.CharField("拨付凭证号", max_length=60, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政策兑现申请"
        ordering = ["-created_at", "-id"]
        # One live application per firm and policy (a withdrawn, not accepted or refused one may be followed by a
        # new one): the database holds the rule even when fifty requests arrive at once.
        constraints = [models.UniqueConstraint(
            fields=["enterprise", "policy"], condition=~models.Q(status__in=["withdrawn", "rejected", "refused"]),
            name="uniq_live_application", violation_error_message="本企业已申请该政策，请勿重复申请")]

    @property
    def above_estimate(self):
        """How much the amount applied for exceeds the estimate (None when it does not, or either is unknown)."""
        if self.amount_requested is None or self.estimate is None or self.amount_requested <= self.estimate:
            return None
        return self.amount_requested - self.estimate


class ApplicationEvent(models.Model):
    application = models.ForeignKey(BenefitApplication, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor_repr = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


# --- talent benefits: person-level facts, items, claims, instalments, clawbacks (benefits.md §6.2) ----------------

class PersonFact(models.Model):
    """One fact about a person of the talent registry that person rules use and the registry does not hold (the
    IIT paid and taxable income of P13, …), with its source and date."""

    talent = models.ForeignKey("talent.Talent", on_delete=models.CASCADE, related_name="benefit_facts")
    field = models.CharField("字段", max_length=40)
    number = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)
    text = models.CharField(max_length=100, blank=True)
    flag = models.BooleanField(null=True, blank=True)
    source = models.CharField("来源", max_length=40, default="人才办核定")
    as_of = models.DateField("数据日期", null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才个人数据"
        constraints = [models.UniqueConstraint(fields=["talent", "field"], name="uniq_person_fact")]


class TalentItemKind(models.TextChoices):
    HOUSING_PURCHASE = "housing_purchase", "购房补贴"
    HOUSING_RENT = "housing_rent", "租房补贴"
    LIVING = "living", "生活补贴"
    IIT = "iit", "个税奖补"
    CAR = "car", "购车补贴"


class TalentBenefitItem(models.Model):
    """A talent benefit (待遇事项) with the zone's parameters: who may claim is the person rule of its policy
    (subject 人才), plus the eligible tiers and, where required, work place = social-insurance location; how much
    is the tier table (`TierAmount`), a fixed amount or the P13 formula; paid in yearly instalments; at most `cap`
    per person; recovered when the person leaves within `clawback_years`."""

    code = models.SlugField("编号", max_length=30, unique=True)
    name = models.CharField("事项名称", max_length=60)
    kind = models.CharField("类别", max_length=20, choices=TalentItemKind.choices)
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="talent_items",
                               verbose_name="依据政策（人才政策，适用条件按个人数据判断）")
    instalment_years = models.PositiveSmallIntegerField("分期发放（年）", default=1)
    fixed_amount = models.DecimalField("定额（元）", max_digits=14, decimal_places=2, null=True, blank=True,
                                       help_text="不按层次区分的定额，如购车补贴；按层次的金额见层次金额表")
    cap = models.DecimalField("每人最高金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    rate = models.DecimalField("个税奖补比例", max_digits=6, decimal_places=4, null=True, blank=True,
                               help_text="个税奖补 = 已缴个税 − 应纳税所得额 × 比例（如 0.15）")
    years = models.PositiveSmallIntegerField("认定后可申领年限", null=True, blank=True,
                                             help_text="认定之日起若干年内可申领；留空不限")
    eligible_tiers = models.CharField("适用层次", max_length=40, blank=True, help_text="层次代码，以逗号分隔，如 A,B,C；留空为全部层次")
    requires_insured_workplace = models.BooleanField("须工作地与社保缴纳地一致", default=False)
    clawback_years = models.PositiveSmallIntegerField("服务期（年）", default=0,
                                                      help_text="服务期内离开的追回已发放金额；0 为不追回")
    clawback_prorata = models.BooleanField("按未满服务期比例追回", default=True,
                                           help_text="不勾选则追回全部已发放金额")
    is_active = models.BooleanField("启用", default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才待遇事项"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def tier_codes(self) -> list[str]:
        return [c.strip().upper() for c in self.eligible_tiers.replace("，", ",").split(",") if c.strip()]

    @property
    def tiers_text(self) -> str:
        """The eligible tiers as people write them: "A、B、C类", or 全部层次."""
        return "、".join(self.tier_codes) + "类" if self.tier_codes else "全部层次"


class TierAmount(models.Model):
    """The zone's tier table of an item: tier → amount (元)."""

    item = models.ForeignKey(TalentBenefitItem, on_delete=models.CASCADE, related_name="tier_amounts")
    tier = models.ForeignKey("talent.TalentTier", on_delete=models.PROTECT, related_name="+", verbose_name="层次")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = verbose_name_plural = "人才待遇层次金额"
        ordering = ["tier__rank"]
        constraints = [models.UniqueConstraint(fields=["item", "tier"], name="uniq_item_tier_amount")]


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "分期发放中"
    COMPLETED = "completed", "已发放完毕"
    STOPPED = "stopped", "已停发（人才离开）"
    REFUSED = "refused", "不予享受"
    WITHDRAWN = "withdrawn", "已撤回"


class ClaimChannel(models.TextChoices):
    SELF = "self", "本人申领"
    OFFICE = "office", "人才办代为申领"
    ENTERPRISE = "enterprise", "用人单位代为申报"


# A claim that ended so may be followed by a new one; any other holds the item for the person (同一事项不重复享受).
CLAIM_ENDED_WITHOUT_BENEFIT = ("refused", "withdrawn")
DUPLICATE_CLAIM = "同一事项不重复享受：此人已申领（或正在享受）该事项，不能再次申领"


class TalentClaim(models.Model):
    number = models.CharField("申领编号", max_length=24, unique=True)
    talent = models.ForeignKey("talent.Talent", on_delete=models.PROTECT, related_name="benefit_claims",
                               verbose_name="人才")
    item = models.ForeignKey(TalentBenefitItem, on_delete=models.PROTECT, related_name="claims", verbose_name="事项")
    channel = models.CharField("申领渠道", max_length=12, choices=ClaimChannel.choices)
    status = models.CharField("状态", max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.SUBMITTED,
                              db_index=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="talent_claims", verbose_name="申领时工作单位")
    tier_code = models.CharField("申领时层次", max_length=4, blank=True)
    amount = models.DecimalField("核定总额（元）", max_digits=14, decimal_places=2)
    basis = models.CharField("计算依据", max_length=300, blank=True)
    instalment_count = models.PositiveSmallIntegerField("分期数", default=1)
    facts = models.JSONField("申领时个人数据", default=dict)
    bank_account = models.CharField("收款账户", max_length=60)
    note = models.CharField("说明", max_length=500, blank=True)
    approved_on = models.DateField("审核通过日期", null=True, blank=True)
    left_on = models.DateField("离开日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("申领时间", auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    DUPLICATE = DUPLICATE_CLAIM

    class Meta:
        verbose_name = verbose_name_plural = "人才待遇申领"
        ordering = ["-created_at", "-id"]
        # 同一事项不重复享受: one live claim per person and item, whoever files it (the person, the talent office,
        # the employer); the database holds the rule when two channels file at the same moment.
        constraints = [models.UniqueConstraint(
            fields=["talent", "item"], condition=~models.Q(status__in=CLAIM_ENDED_WITHOUT_BENEFIT),
            name="uniq_live_talent_claim", violation_error_message=DUPLICATE_CLAIM)]
        indexes = [models.Index(fields=["item", "status"], name="talent_claim_item_status")]

    def __str__(self) -> str:
        return f"{self.item.name}（{self.number}）"


class InstalmentStatus(models.TextChoices):
    SCHEDULED = "scheduled", "待审核"
    APPROVED = "approved", "待拨付"
    PAID = "paid", "已拨付"
    CANCELLED = "cancelled", "已停发"


class TalentInstalment(models.Model):
    claim = models.ForeignKey(TalentClaim, on_delete=models.CASCADE, related_name="instalments")
    seq = models.PositiveSmallIntegerField("期次")
    due_on = models.DateField("应发日期")
    amount = models.DecimalField("金额（元）", max_digits=14, decimal_places=2)
    status = models.CharField("状态", max_length=12, choices=InstalmentStatus.choices,
                              default=InstalmentStatus.SCHEDULED, db_index=True)
    approved_on = models.DateField("审核日期", null=True, blank=True)
    paid_on = models.DateField("拨付日期", null=True, blank=True)
    payment_ref = models.CharField("拨付凭证号", max_length=60, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才待遇分期"
        ordering = ["claim", "seq"]
        constraints = [models.UniqueConstraint(fields=["claim", "seq"], name="uniq_claim_instalment")]
        indexes = [models.Index(fields=["paid_on"], name="talent_instalment_paid_on")]

    def __str__(self) -> str:
        return f"第{self.seq}期"


class ClawbackStatus(models.TextChoices):
    RAISED = "raised", "待追回"
    RECOVERED = "recovered", "已追回"
    WAIVED = "waived", "免于追回"


class TalentClawback(models.Model):
    """Raised when a person leaves within an item's service period: the amount to recover, computed from what was
    paid (ledger.clawback_due); the talent office recovers it or waives it with a reason."""

    claim = models.OneToOneField(TalentClaim, on_delete=models.CASCADE, related_name="clawback")
    paid = models.DecimalField("已发放（元）", max_digits=14, decimal_places=2)
    amount = models.DecimalField("应追回（元）", max_digits=14, decimal_places=2)
    left_on = models.DateField("离开日期")
    served_months = models.PositiveIntegerField("已服务月数")
    reason = models.CharField("离开情形", max_length=300)
    status = models.CharField("状态", max_length=12, choices=ClawbackStatus.choices, default=ClawbackStatus.RAISED,
                              db_index=True)
    recovered_ref = models.CharField("追回凭证号", max_length=60, blank=True)
    decision_note = models.CharField("处理说明", max_length=500, blank=True)
    raised_at = models.DateTimeField("发起时间", auto_now_add=True)
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才待遇追回"
        ordering = ["-raised_at", "-id"]


class TalentClaimEvent(models.Model):
    """The claim's timeline: its own steps and those of its instalments and clawback."""

    claim = models.ForeignKey(TalentClaim, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=40)
    subject = models.CharField(max_length=20, blank=True)  # "第2期", "追回"
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12)
    actor_repr = models.CharField(max_length=150, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
