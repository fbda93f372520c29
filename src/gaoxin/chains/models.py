"""Industry chains under the chain-chief system (链长制; platform.md §4, benefits.md §6.3): a chain and its nodes by
segment (上游 / 中游 / 下游) with GB/T 4754 industries and product keywords, the firms on each node with their role
(链主, 配套, 招商目标), the chain chief (链长, a leader) and the task force (产业链专班). Members are suggested from the
registry (suggest.py) and confirmed or dismissed by the task force (workflow.py); a node without a confirmed local
firm is a 补链 gap."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Chain(models.Model):
    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("产业链名称", max_length=60, unique=True)
    description = models.CharField("简介", max_length=500, blank=True)
    chief = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="chains_led", verbose_name="链长")
    refreshed_at = models.DateTimeField("建议更新时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "产业链"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class TaskForceMember(models.Model):
    """A member of the chain's task force (产业链专班), with the contact the roster shows."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="taskforce", verbose_name="产业链")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="chain_taskforces",
                             verbose_name="专班成员")
    duty = models.CharField("专班职责", max_length=60, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "产业链专班成员"
        ordering = ["chain_id", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "user"], name="taskforce_member_once",
                                               violation_error_message="该用户已在本产业链专班中")]

    def __str__(self) -> str:
        return f"{self.chain} {self.user}"


class Segment(models.TextChoices):
    UP = "up", "上游"
    MID = "mid", "中游"
    DOWN = "down", "下游"


class ChainNode(models.Model):
    """A link of the chain. Firms of the registry are suggested for it when their industry (the division or the
    finer code starts with one of `industry_codes`) and, where keywords are set, their name (the product word)
    fit — see suggest.py."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="nodes", verbose_name="产业链")
    segment = models.CharField("环节", max_length=4, choices=Segment.choices)
    name = models.CharField("节点名称", max_length=60)
    industries = models.ManyToManyField("enterprises.Industry", blank=True, related_name="chain_nodes",
                                        verbose_name="国民经济行业（大类）")
    industry_codes = models.CharField("细分行业代码", max_length=120, blank=True,
                                      help_text="GB/T 4754 中类或小类代码，以空格或逗号分隔，如 3841 382")
    keywords = models.CharField("产品关键词", max_length=200, blank=True, help_text="以空格或逗号分隔，如 储能 电池")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "产业链环节"
        ordering = ["chain_id", "segment", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="chain_node_name_once",
                                               violation_error_message="本产业链已有同名节点")]

    def __str__(self) -> str:
        return f"{self.get_segment_display()} · {self.name}"

    @staticmethod
    def split(text: str) -> list[str]:
        return [w for w in text.replace("，", " ").replace(",", " ").replace("、", " ").split() if w]

    def keyword_list(self) -> list[str]:
        return self.split(self.keywords)

    def code_list(self) -> list[str]:
        return self.split(self.industry_codes)


class MemberRole(models.TextChoices):
    LEAD = "lead", "链主"
    SUPPORT = "support", "配套"
    TARGET = "target", "招商目标"


class MembershipStatus(models.TextChoices):
    SUGGESTED = "suggested", "待确认（系统建议）"
    CONFIRMED = "confirmed", "已确认"
    DISMISSED = "dismissed", "已排除"


class MembershipSource(models.TextChoices):
    REGISTRY = "registry", "按企业档案建议"
    MANUAL = "manual", "专班登记"


# Roles of firms already in the zone's chain: a node with a confirmed one of these is not a gap.
LOCAL_ROLES = (MemberRole.LEAD, MemberRole.SUPPORT)


class Membership(models.Model):
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="memberships", verbose_name="产业链")
    node = models.ForeignKey(ChainNode, on_delete=models.CASCADE, related_name="memberships", verbose_name="节点")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="chain_memberships",
                                   verbose_name="企业")
    role = models.CharField("链上角色", max_length=8, choices=MemberRole.choices, default=MemberRole.SUPPORT)
    status = models.CharField("状态", max_length=10, choices=MembershipStatus.choices,
                              default=MembershipStatus.SUGGESTED, db_index=True)
    source = models.CharField("来源", max_length=10, choices=MembershipSource.choices,
                              default=MembershipSource.REGISTRY)
    basis = models.CharField("建议依据", max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="确认人")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "链上企业"
        ordering = ["node_id", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["node", "enterprise"], name="membership_once_per_node",
                                               violation_error_message="该企业已在此节点")]
        indexes = [models.Index(fields=["chain", "status"], name="membership_chain_status"),
                   models.Index(fields=["enterprise", "status"], name="membership_firm_status")]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.node}"


class MembershipEvent(models.Model):
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=10, choices=MembershipStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Meeting(models.Model):
    """A chain meeting (链长会议, 专班例会) whose decisions become action items."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="meetings", verbose_name="产业链")
    title = models.CharField("会议名称", max_length=100)
    held_on = models.DateField("会议日期")
    minutes = models.TextField("会议纪要", max_length=2000, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "产业链会议"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on:%Y-%m-%d} {self.title}"


class ActionStatus(models.TextChoices):
    OPEN = "open", "推进中"
    CLOSED = "closed", "已办结"


class ActionItem(models.Model):
    """A decision of a meeting to carry out: an owner (a department, a person or both), a deadline counted in working
    days from the meeting, progress notes, closure. Open past its deadline it is overdue (flagged, and the owner and
    the chain chief told once by the daily command)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="actions", verbose_name="会议")
    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="actions", verbose_name="产业链")
    title = models.CharField("任务", max_length=200)
    owner_unit = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="chain_actions", verbose_name="责任单位")
    owner_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="chain_actions", verbose_name="责任人")
    workdays = models.PositiveSmallIntegerField("办理时限（工作日）")
    due_on = models.DateField("办理期限", db_index=True)
    status = models.CharField("状态", max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN,
                              db_index=True)
    closed_on = models.DateField("办结日期", null=True, blank=True)
    overdue_notified_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "会议任务"
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < today

    @property
    def owner_text(self) -> str:
        parts = [self.owner_unit.short_name or self.owner_unit.name] if self.owner_unit_id else []
        if self.owner_user_id:
            parts.append(self.owner_user.get_full_name())
        return " · ".join(parts)


class ActionNote(models.Model):
    """A progress note (进展) on an action item; the closing and reopening notes are its timeline too."""

    action = models.ForeignKey(ActionItem, on_delete=models.CASCADE, related_name="notes")
    kind = models.CharField(max_length=10, default="progress")  # progress | CLOSE | REOPEN
    note = models.CharField("进展情况", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class TargetStatus(models.TextChoices):
    IDENTIFIED = "identified", "已识别"
    CONTACTED = "contacted", "已对接"
    VISITING = "visiting", "互访考察"
    NEGOTIATING = "negotiating", "洽谈中"
    SIGNED = "signed", "已签约"
    PROJECT_STARTED = "started", "项目已落地"
    DROPPED = "dropped", "已放弃"


# A target still being worked (may be dropped).
OPEN_TARGET_STATES = (TargetStatus.IDENTIFIED, TargetStatus.CONTACTED, TargetStatus.VISITING,
                      TargetStatus.NEGOTIATING, TargetStatus.SIGNED)


class InvestmentTarget(models.Model):
    """A firm from outside the zone the task force courts for a node of the chain (招商目标, mostly for 补链 gaps):
    contact history and a status from identified to the project started, which links to the approval-chain
    project of the assist room (workflow.py). Staff only; never shown to firms."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="targets", verbose_name="产业链")
    node = models.ForeignKey(ChainNode, on_delete=models.PROTECT, related_name="targets", verbose_name="节点")
    name = models.CharField("目标企业名称", max_length=100)
    uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    region = models.CharField("所在地区", max_length=60)
    contact_name = models.CharField("联系人", max_length=50, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    status = models.CharField("状态", max_length=12, choices=TargetStatus.choices, default=TargetStatus.IDENTIFIED,
                              db_index=True)
    drop_reason = models.CharField("放弃原因", max_length=300, blank=True)
    project = models.ForeignKey("assist.Project", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="chain_targets", verbose_name="落地项目")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "招商目标"
        ordering = ["chain_id", "-updated_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["chain", "name"], name="target_once_per_chain",
                                               violation_error_message="本产业链已有该招商目标")]
        indexes = [models.Index(fields=["chain", "status"], name="target_chain_status")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_phone(self) -> str:
        from gaoxin.core.masking import mask_phone

        return mask_phone(self.contact_phone)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_TARGET_STATES


class ContactChannel(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "上门拜访"
    HOSTED = "hosted", "来访接待"
    FAIR = "fair", "招商活动"
    ONLINE = "online", "线上会谈"
    OTHER = "other", "其他"


class TargetContact(models.Model):
    """One contact with a target (对接记录): when, how, what came of it, by whom."""

    target = models.ForeignKey(InvestmentTarget, on_delete=models.CASCADE, related_name="contacts")
    contacted_on = models.DateField("对接日期")
    channel = models.CharField("对接方式", max_length=8, choices=ContactChannel.choices)
    note = models.CharField("对接情况", max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="对接人")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]


class TargetEvent(models.Model):
    target = models.ForeignKey(InvestmentTarget, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=12, choices=TargetStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ChainAppeal(models.Model):
    """An appeal tagged as a problem of the chain (产业链问题) by its chief or task force: the chain page's problem
    list and its appeals-solved figure. The tag lives here because appeals sit below chains; the appeals of member
    firms are offered for tagging, never tagged by themselves (docs/decisions/0010-chain-appeal-tags.md)."""

    chain = models.ForeignKey(Chain, on_delete=models.CASCADE, related_name="appeal_tags", verbose_name="产业链")
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.CASCADE, related_name="chain_tags",
                               verbose_name="诉求")
    tagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="标记人")
    tagged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "产业链问题"
        ordering = ["chain_id", "-tagged_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["chain", "appeal"], name="chain_appeal_once",
                                               violation_error_message="该诉求已标记为本产业链的问题")]

    def __str__(self) -> str:
        return f"{self.chain} {self.appeal_id}"
