"""Innovation competitions (创新创业大赛; platform.md §6, benefits.md §8). An edition carries its rules as data: the
eligibility thresholds (prior-year revenue cap, not listed, an HNTE certificate or a 科技型中小企业 number, the
two-award limit), the date from which a registered firm enters the 初创组 (else the 成长组), quotas per group, its
tracks (with quotas), stages and award levels. The science and technology bureau invites candidates suggested from
the registry (eligibility.py); a firm's registration for an edition moves through workflow.py."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models

from gaoxin.core.models import NoticeObjection, NoticeObjectionStatus
from gaoxin.core.notice import UNITS as NOTICE_UNITS


class Group(models.TextChoices):
    STARTUP = "startup", "初创企业组"
    GROWTH = "growth", "成长企业组"


class EditionStatus(models.TextChoices):
    PREPARING = "preparing", "筹备中"
    OPEN = "open", "报名中"
    CLOSED = "closed", "已结束"


def default_revenue_cap() -> int:
    return settings.GAOXIN_COMPETITIONS_REVENUE_CAP


def default_award_limit() -> int:
    return settings.GAOXIN_COMPETITIONS_AWARD_LIMIT


class Edition(models.Model):
    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("届次名称", max_length=80, unique=True)
    year = models.PositiveSmallIntegerField("年度")
    organiser = models.CharField("主办单位", max_length=80, blank=True)
    status = models.CharField("状态", max_length=10, choices=EditionStatus.choices, default=EditionStatus.OPEN)
    registration_closes_on = models.DateField("报名截止日期", null=True, blank=True)
    # Eligibility (rules as data; new editions start from the settings' defaults).
    revenue_cap = models.PositiveIntegerField("上年营业收入上限（万元）", default=default_revenue_cap)
    startup_since = models.DateField("初创企业组成立日期起", help_text="此日及以后成立的企业进入初创企业组，其余进入成长企业组")
    needs_certificate = models.BooleanField("须持有高新技术企业证书或科技型中小企业入库编号", default=True)
    award_limit = models.PositiveSmallIntegerField("每家企业历届获奖次数上限", default=default_award_limit)
    startup_quota = models.PositiveSmallIntegerField("初创企业组推荐名额", null=True, blank=True)
    growth_quota = models.PositiveSmallIntegerField("成长企业组推荐名额", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "大赛届次"
        ordering = ["-year", "name", "id"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def default_startup_since(year: int) -> dt.date:
        """初创企业组: registered on or after 1 January of the year before the edition's."""
        return dt.date(year - 1, 1, 1)


class Track(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="tracks", verbose_name="届次")
    name = models.CharField("行业赛道", max_length=40)
    quota = models.PositiveSmallIntegerField("推荐名额", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "行业赛道"
        ordering = ["edition_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="track_name_once",
                                               violation_error_message="本届已有同名赛道")]

    def __str__(self) -> str:
        return self.name


class StageLevel(models.TextChoices):
    ZONE = "zone", "本区组织"
    LOCAL = "local", "地方赛"
    NATIONAL = "national", "全国赛"


class Stage(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="stages", verbose_name="届次")
    name = models.CharField("阶段", max_length=40)
    level = models.CharField("层级", max_length=10, choices=StageLevel.choices, default=StageLevel.LOCAL)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    advance = models.PositiveSmallIntegerField("晋级名额", null=True, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "赛程阶段"
        ordering = ["edition_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="stage_name_once",
                                               violation_error_message="本届已有同名阶段")]

    def __str__(self) -> str:
        return self.name


class AwardLevel(models.Model):
    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="award_levels", verbose_name="届次")
    name = models.CharField("奖项", max_length=40)
    rank = models.PositiveSmallIntegerField("等次", help_text="1 为最高")
    count = models.PositiveSmallIntegerField("名额", null=True, blank=True)
    # “创客中国” national 500强 (企业组): a direct pass for 专精特新 and 小巨人 (benefits P8, P9), so an award of such a
    # level sets the firm's profile fact creative_china_top500.
    top500 = models.BooleanField("计入“创客中国”全国500强", default=False,
                                 help_text="获此奖项即进入“创客中国”中小企业创新创业大赛全国500强企业组名单")

    class Meta:
        verbose_name = verbose_name_plural = "奖项等次"
        ordering = ["edition_id", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "name"], name="award_level_name_once",
                                               violation_error_message="本届已有同名奖项")]

    def __str__(self) -> str:
        return self.name


class PriorAward(models.Model):
    """An award a firm won before (an earlier edition, or before the zone used Gaoxin): counts against the award
    limit; a national top-3 finish excludes the firm."""

    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="competition_awards",
                                   verbose_name="企业")
    year = models.PositiveSmallIntegerField("年度")
    edition_name = models.CharField("届次", max_length=80)
    group = models.CharField("组别", max_length=10, choices=Group.choices, blank=True)
    level = models.CharField("奖项", max_length=40)
    national_top3 = models.BooleanField("全国赛前三名", default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True,
                                    blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "历届获奖"
        ordering = ["enterprise_id", "-year", "id"]

    def __str__(self) -> str:
        return f"{self.year} {self.edition_name} {self.level}"


class RegistrationStatus(models.TextChoices):
    INVITED = "invited", "已邀请"
    REGISTERED = "registered", "已报名"
    DECLINED = "declined", "谢绝参赛"
    WITHDRAWN = "withdrawn", "已退赛"
    CHECKED = "checked", "资格已审核"


class Registration(models.Model):
    """A firm's place in an edition: invited by the bureau (with why it was suggested), then registered by the firm
    (choosing its track) or declined, checked by the bureau, or withdrawn."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="registrations", verbose_name="届次")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT,
                                   related_name="competition_registrations", verbose_name="企业")
    group = models.CharField("组别", max_length=10, choices=Group.choices)
    track = models.ForeignKey(Track, on_delete=models.PROTECT, null=True, blank=True, related_name="registrations",
                              verbose_name="行业赛道")
    status = models.CharField("状态", max_length=10, choices=RegistrationStatus.choices,
                              default=RegistrationStatus.INVITED, db_index=True)
    basis = models.CharField("推荐依据", max_length=200, blank=True)
    project = models.CharField("参赛项目", max_length=100, blank=True)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "参赛报名"
        ordering = ["edition_id", "enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["edition", "enterprise"], name="registration_once",
                                               violation_error_message="该企业已在本届名单中")]
        indexes = [models.Index(fields=["edition", "status"], name="registration_edition_status"),
                   models.Index(fields=["enterprise", "status"], name="registration_firm_status")]

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.edition}"


class RegistrationEvent(models.Model):
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=10, choices=RegistrationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Normalisation(models.TextChoices):
    ZSCORE = "zscore", "标准分（z 分数）"
    RANK = "rank", "名次分"
    RAW = "raw", "原始分"


class JudgeKind(models.TextChoices):
    TECHNICAL = "technical", "技术专家"
    INVESTMENT = "investment", "投资专家"
    INDUSTRY = "industry", "产业专家"


class RoundStatus(models.TextChoices):
    SCORING = "scoring", "评审中"
    NOTICE = "notice", "结果公示中"
    FINAL = "final", "结果已确定"


def _default_notice_length() -> int:
    return settings.GAOXIN_COMPETITIONS_NOTICE_LENGTH


def _default_notice_unit() -> str:
    return settings.GAOXIN_COMPETITIONS_NOTICE_UNIT


class JudgingRound(models.Model):
    """A round the zone judges itself (区内路演评审): a weighted rubric, a panel of judges with a mix rule, a blind
    option and how each judge's totals are normalised before they are averaged (judging.py). Its results are put on
    notice (公示, core.notice: GAOXIN_COMPETITIONS_NOTICE_LENGTH calendar or working days), objections are decided,
    then the results are final (workflow.py ROUND_WORKFLOW)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="rounds", verbose_name="届次")
    name = models.CharField("评审轮次", max_length=60)
    method = models.CharField("标准化方法", max_length=10, choices=Normalisation.choices, default=Normalisation.ZSCORE)
    judges_per_entry = models.PositiveSmallIntegerField("每个项目的评委人数", default=3)
    mix = models.JSONField("评委组合", default=dict, blank=True, help_text="如 {\"technical\": 1, \"investment\": 2}")
    blind = models.BooleanField("匿名评审（评委看不到企业名称）", default=False)
    precision = models.PositiveSmallIntegerField("得分保留小数位", default=4)
    tie_break = models.CharField("同分排序", max_length=120, default="key asc",
                                 help_text="以逗号分隔，如 tech desc, key asc（评分指标编码或 key）")
    status = models.CharField("状态", max_length=10, choices=RoundStatus.choices, default=RoundStatus.SCORING)
    notice_length = models.PositiveSmallIntegerField("公示期长度", default=_default_notice_length)
    notice_unit = models.CharField("公示期单位", max_length=10, choices=NOTICE_UNITS, default=_default_notice_unit)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    finalised_on = models.DateField("结果确定日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审轮次"
        ordering = ["edition_id", "id"]

    def __str__(self) -> str:
        return f"{self.edition} {self.name}"


class RoundCriterion(models.Model):
    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField("编码", max_length=20)
    label = models.CharField("评分指标", max_length=40)
    weight = models.DecimalField("权重", max_digits=5, decimal_places=4)
    max_score = models.DecimalField("满分", max_digits=6, decimal_places=2, default=100)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["round_id", "sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "code"], name="round_criterion_once")]


class Judge(models.Model):
    """A judge of a round: the user, their kind (for the mix rule), their employer in the registry and firms they
    declared as related (conflicts of interest, conflicts.py)."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="judges")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="competition_judgings",
                             verbose_name="评委")
    kind = models.CharField("评委类别", max_length=12, choices=JudgeKind.choices)
    employer = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="任职单位（企业）")
    declared = models.ManyToManyField("enterprises.Enterprise", blank=True, related_name="+",
                                      verbose_name="申报的关联企业")

    class Meta:
        ordering = ["round_id", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "user"], name="judge_once_per_round")]


class Score(models.Model):
    """A judge's marks for one entry (criterion code -> mark)."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="scores")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="scores")
    judge = models.ForeignKey(Judge, on_delete=models.PROTECT, related_name="scores")
    marks = models.JSONField(default=dict)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["round_id", "registration_id", "judge_id"]
        constraints = [models.UniqueConstraint(fields=["round", "registration", "judge"], name="score_once")]


class RoundResult(models.Model):
    """An entry's result as published (frozen when the round goes on notice): its rank, normalised score and mean
    weighted total. An upheld objection takes the entry out (取消名次, with the reason); when the round is final the
    remaining entries are ranked again in the same order."""

    round = models.ForeignKey(JudgingRound, on_delete=models.CASCADE, related_name="results")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="round_results")
    rank = models.PositiveSmallIntegerField("名次", null=True, blank=True)
    score = models.DecimalField("标准化得分", max_digits=12, decimal_places=6)
    raw_mean = models.DecimalField("平均加权分", max_digits=7, decimal_places=2)
    excluded = models.BooleanField("已取消名次", default=False)
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "评审结果"
        ordering = ["round_id", "excluded", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "registration"], name="round_result_once")]


ObjectionStatus = NoticeObjectionStatus


class ResultObjection(NoticeObjection):
    """An objection to an entry's published result, filed inside the notice window only (逾期不再受理)."""

    result = models.ForeignKey(RoundResult, on_delete=models.PROTECT, related_name="objections",
                               verbose_name="公示对象")

    class Meta(NoticeObjection.Meta):
        verbose_name = verbose_name_plural = "评审结果公示异议"


class Award(models.Model):
    """An award level won by an entry of the edition (in the zone's round, a local round or the national one). It
    counts against the award limit of later editions and becomes profile facts of the firm (benefits)."""

    registration = models.OneToOneField(Registration, on_delete=models.PROTECT, related_name="award",
                                        verbose_name="参赛企业")
    level = models.ForeignKey(AwardLevel, on_delete=models.PROTECT, related_name="awards", verbose_name="奖项")
    stage = models.ForeignKey(Stage, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="获奖阶段")
    awarded_on = models.DateField("获奖日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "大赛获奖"
        ordering = ["level__rank", "registration__enterprise__name", "id"]

    def __str__(self) -> str:
        return f"{self.registration.enterprise} {self.level}"


class FollowUp(models.Model):
    """What became of an award 6 and 12 months on: investor contacts and financing obtained in the period (万元),
    due on a working day; the bureau and the firm are reminded when it is due (sweep_competitions)."""

    award = models.ForeignKey(Award, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField("跟踪节点（月）")
    due_on = models.DateField("跟踪日期")
    reminded_at = models.DateTimeField(null=True, blank=True)
    recorded_on = models.DateField("填报日期", null=True, blank=True)
    investor_contacts = models.PositiveSmallIntegerField("对接投资机构（家）", null=True, blank=True)
    investors = models.CharField("投资机构", max_length=300, blank=True)
    financing = models.DecimalField("本期新增融资（万元）", max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "获奖后跟踪"
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["award", "months"], name="follow_up_once")]


# --- publicity and coaching (宣传、培训、模拟路演) ------------------------------------------------------------------


class SessionKind(models.TextChoices):
    TRAINING = "training", "专题培训"
    BP_REVIEW = "bp_review", "商业计划书辅导"
    MOCK_ROADSHOW = "mock_roadshow", "模拟路演（“8+7”）"


class CoachingSession(models.Model):
    """A training session, a business-plan review or a mock roadshow of the edition (a pitch of `pitch_minutes`
    and questions for `qa_minutes`: the official "8+7"), with the firms asked to take part."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="sessions", verbose_name="届次")
    kind = models.CharField("类别", max_length=15, choices=SessionKind.choices)
    title = models.CharField("名称", max_length=80)
    held_on = models.DateField("日期")
    place = models.CharField("地点", max_length=100, blank=True)
    experts = models.CharField("辅导专家", max_length=200, blank=True)
    pitch_minutes = models.PositiveSmallIntegerField("路演陈述（分钟）", default=8)
    qa_minutes = models.PositiveSmallIntegerField("答辩提问（分钟）", default=7)
    participants = models.ManyToManyField(Registration, blank=True, related_name="sessions",
                                          verbose_name="参加企业")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训与模拟路演"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


FEEDBACK_ASPECTS = (("technology", "技术创新"), ("market", "市场与商业模式"), ("team", "团队"),
                    ("finance", "财务与融资"), ("delivery", "路演表达与时间把控"))


class Feedback(models.Model):
    """An expert's structured advice to one firm at a session: a mark of 1–5 per aspect, strengths, what to
    improve."""

    session = models.ForeignKey(CoachingSession, on_delete=models.CASCADE, related_name="feedback")
    registration = models.ForeignKey(Registration, on_delete=models.PROTECT, related_name="feedback",
                                     verbose_name="参赛企业")
    expert = models.CharField("专家", max_length=40)
    marks = models.JSONField("分项评价", default=dict)
    strengths = models.CharField("亮点", max_length=500, blank=True)
    improvements = models.CharField("改进建议", max_length=1000)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "专家辅导意见"
        ordering = ["registration__enterprise__name", "id"]
        constraints = [models.UniqueConstraint(fields=["session", "registration", "expert"], name="feedback_once")]


class Audience(models.TextChoices):
    ALL = "all", "本届全部参赛企业（已报名、资格已审核）"
    INVITED = "invited", "已邀请、尚未答复的企业"
    STARTUP = "startup", "初创企业组"
    GROWTH = "growth", "成长企业组"
    CHECKED = "checked", "资格已审核的企业"


class CompetitionNotice(models.Model):
    """A targeted notice to the edition's candidates (宣传动员、培训通知): sent to the firms' users of the audience
    chosen (optionally one track)."""

    edition = models.ForeignKey(Edition, on_delete=models.CASCADE, related_name="notices", verbose_name="届次")
    title = models.CharField("标题", max_length=80)
    body = models.CharField("内容", max_length=1000)
    audience = models.CharField("发送范围", max_length=10, choices=Audience.choices)
    track = models.ForeignKey(Track, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                              verbose_name="行业赛道")
    firms = models.PositiveIntegerField("企业数", default=0)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "大赛通知"
        ordering = ["-sent_at", "-id"]
