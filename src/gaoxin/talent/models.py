"""Talent and employment (人才, 用工, 政校企; platform.md §3, benefits.md §6.1): job demands and the 缺工 index, matchmaking
events with QR check-in and intents, hires confirmed by the firm with retention checks, school agreements."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models

from gaoxin.core.masking import mask_id_number, mask_phone
from gaoxin.core.models import NoticeObjection, NoticeObjectionStatus
from gaoxin.core.notice import UNITS as NOTICE_UNITS


class SkillLevel(models.TextChoices):
    GENERAL = "general", "普工"
    SKILLED = "skilled", "技术工人（中级工）"
    SENIOR = "senior", "高级工"
    TECHNICIAN = "technician", "技师及以上"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士及以上"


class Urgency(models.TextChoices):
    NORMAL = "normal", "一般"
    URGENT = "urgent", "急需"


class DemandStatus(models.TextChoices):
    OPEN = "open", "招聘中"
    PARTLY_FILLED = "partly_filled", "部分到岗"
    FILLED = "filled", "已招满"
    WITHDRAWN = "withdrawn", "已撤回"


class DemandSource(models.TextChoices):
    ENTERPRISE = "enterprise", "企业发布"
    STATION = "station", "驿站代登记"
    OFFICE = "office", "人社部门代登记"


class JobDemand(models.Model):
    number = models.CharField("需求编号", max_length=24, unique=True)
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="job_demands",
                                   verbose_name="企业")
    post = models.CharField("岗位", max_length=60)
    quantity = models.PositiveIntegerField("需求人数")
    skill_level = models.CharField("技能或学历要求", max_length=12, choices=SkillLevel.choices)
    pay_min = models.PositiveIntegerField("月薪下限（元）")
    pay_max = models.PositiveIntegerField("月薪上限（元）")
    urgency = models.CharField("紧急程度", max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    location = models.CharField("工作地点", max_length=100)
    description = models.CharField("岗位说明", max_length=500, blank=True)
    status = models.CharField("状态", max_length=16, choices=DemandStatus.choices, default=DemandStatus.OPEN,
                              db_index=True)
    filled = models.PositiveIntegerField("已到岗人数", default=0)
    source = models.CharField("来源", max_length=12, choices=DemandSource.choices, default=DemandSource.ENTERPRISE)
    station_service = models.ForeignKey("stations.StationService", on_delete=models.SET_NULL, null=True, blank=True,
                                        related_name="job_demands", verbose_name="来自驿站台账")
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="job_demands", verbose_name="来自企业诉求")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "用工需求"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enterprise", "-created_at"], name="demand_firm_newest")]

    def __str__(self) -> str:
        return f"{self.post}（{self.quantity}人）"

    @property
    def open_places(self) -> int:
        if self.status in (DemandStatus.OPEN, DemandStatus.PARTLY_FILLED):
            return max(self.quantity - self.filled, 0)
        return 0


class DemandEvent(models.Model):
    demand = models.ForeignKey(JobDemand, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class EventKind(models.TextChoices):
    GOV_SCHOOL = "gov_school", "政校企交流会"
    THOUSAND = "thousand", "千企百校对接"
    FAIR = "fair", "招聘会"
    ORDER_CLASS = "order_class", "订单班启动"


class School(models.Model):
    name = models.CharField("院校名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=12, choices=[("university", "普通高校"), ("vocational", "职业院校"),
                                                          ("technical", "技工院校")])
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "院校"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def _token() -> str:
    return secrets.token_urlsafe(12)


class MatchEvent(models.Model):
    title = models.CharField("活动名称", max_length=120)
    kind = models.CharField("类型", max_length=12, choices=EventKind.choices)
    organiser = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="match_events",
                                  verbose_name="主办单位")
    held_on = models.DateField("举办日期")
    place = models.CharField("地点", max_length=120)
    programme = models.TextField("活动议程", blank=True)
    checkin_token = models.CharField(max_length=32, unique=True, default=_token)
    firms = models.ManyToManyField("enterprises.Enterprise", blank=True, related_name="match_events",
                                   verbose_name="参会企业")
    schools = models.ManyToManyField(School, blank=True, related_name="match_events", verbose_name="参会院校")
    demands = models.ManyToManyField(JobDemand, blank=True, related_name="match_events", verbose_name="提供岗位")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "对接活动"
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return self.title


class CheckIn(models.Model):
    """A job seeker at the door (QR check-in): name, phone, school and an optional résumé."""

    event = models.ForeignKey(MatchEvent, on_delete=models.CASCADE, related_name="checkins")
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号码", max_length=20)
    school = models.CharField("毕业院校或单位", max_length=100, blank=True)
    major = models.CharField("专业或工种", max_length=60, blank=True)
    resume = models.FileField("简历", upload_to="talent/resumes/%Y/%m/", blank=True)
    at = models.DateTimeField("签到时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "签到"
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["event", "phone"], name="checkin_once_per_event")]

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class Intent(models.Model):
    event = models.ForeignKey(MatchEvent, on_delete=models.CASCADE, related_name="intents")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="+")
    demand = models.ForeignKey(JobDemand, on_delete=models.SET_NULL, null=True, blank=True, related_name="intents")
    checkin = models.ForeignKey(CheckIn, on_delete=models.SET_NULL, null=True, blank=True, related_name="intents")
    person = models.CharField("求职者", max_length=50)
    signed_on = models.DateField("签约日期")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "签约意向"
        ordering = ["-signed_on", "-id"]


class HireStatus(models.TextChoices):
    RECORDED = "recorded", "待企业确认"
    CONFIRMED = "confirmed", "已确认到岗"
    RETAINED_SHORT = "retained_short", "首次回访在岗"
    RETAINED_LONG = "retained_long", "稳定在岗"
    LEFT = "left", "已离职"
    REJECTED = "rejected", "企业否认"


class Hire(models.Model):
    """A person hired against a demand; the firm confirms it; retention checks follow (GAOXIN_TALENT_RETENTION_DAYS)."""

    demand = models.ForeignKey(JobDemand, on_delete=models.PROTECT, related_name="hires", verbose_name="用工需求")
    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号码", max_length=18)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    hired_on = models.DateField("到岗日期")
    event = models.ForeignKey(MatchEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="hires",
                              verbose_name="来自对接活动")
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="station_hires", verbose_name="经办驿站")
    status = models.CharField("状态", max_length=16, choices=HireStatus.choices, default=HireStatus.RECORDED,
                              db_index=True)
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    short_check_due = models.DateField("首次回访日期", null=True, blank=True)
    long_check_due = models.DateField("稳定在岗回访日期", null=True, blank=True)
    left_on = models.DateField("离职日期", null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "到岗记录"
        ordering = ["-hired_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["demand", "id_number"], condition=~models.Q(status="rejected"),
                                               name="hire_once_per_demand",
                                               violation_error_message="此人已登记在该需求下")]

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


class HireEvent(models.Model):
    hire = models.ForeignKey(Hire, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class AgreementKind(models.TextChoices):
    INTERNSHIP = "internship", "实习基地"
    ORDER_CLASS = "order_class", "订单班"
    TRAINING = "training", "培训"
    UPSKILL = "upskill", "技能提升"
    POSTGRAD = "postgrad", "研究生工作站"


class AgreementStatus(models.TextChoices):
    ACTIVE = "active", "履行中"
    ENDED = "ended", "已到期"
    TERMINATED = "terminated", "已终止"


class SchoolAgreement(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="agreements", verbose_name="院校")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, related_name="school_agreements",
                                   verbose_name="企业")
    kind = models.CharField("合作类型", max_length=12, choices=AgreementKind.choices)
    title = models.CharField("协议名称", max_length=120)
    places = models.PositiveIntegerField("计划人数", default=0)
    signed_on = models.DateField("签订日期")
    expires_on = models.DateField("到期日期")
    status = models.CharField("状态", max_length=12, choices=AgreementStatus.choices, default=AgreementStatus.ACTIVE)
    last_activity_on = models.DateField("最近活动日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "校企合作协议"
        ordering = ["expires_on", "id"]

    @property
    def status_label(self) -> str:
        """履行中 turns 已到期 on the day after its date even before the daily sweep has ended it (a demo zone or an
        installation whose scheduled run has not come yet never shows an expired agreement as 履行中)."""
        from django.utils import timezone

        if self.status == AgreementStatus.ACTIVE and self.expires_on < timezone.localdate():
            return AgreementStatus.ENDED.label
        return self.get_status_display()

    def __str__(self) -> str:
        return self.title


class AgreementActivity(models.Model):
    agreement = models.ForeignKey(SchoolAgreement, on_delete=models.CASCADE, related_name="activities")
    held_on = models.DateField("日期")
    note = models.CharField("内容", max_length=300)
    people = models.PositiveIntegerField("人数", default=0)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-held_on", "-id"]


# --- talent registry (benefits.md §6.2) --------------------------------------------------------------------------

class TalentTier(models.Model):
    """A row of the zone's tier table (e.g. 杭州 A–E); the zone edits names and conditions in the admin."""

    code = models.CharField("层次代码", max_length=4, unique=True)
    name = models.CharField("层次名称", max_length=40)
    rank = models.PositiveSmallIntegerField("排序（1 为最高层次）", default=1)
    description = models.CharField("认定条件概述", max_length=500, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才层次"
        ordering = ["rank", "code"]

    def __str__(self) -> str:
        return f"{self.code}类 {self.name}"


class TalentTitle(models.Model):
    """A title the zone confers (车城人才, 领军人才, …); `validity_years` sets a recognition's default validity."""

    name = models.CharField("人才称号", max_length=40, unique=True)
    issuer = models.CharField("认定单位", max_length=60, blank=True)
    validity_years = models.PositiveSmallIntegerField("有效期（年）", default=3)
    description = models.CharField("说明", max_length=500, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才称号"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Education(models.TextChoices):
    SECONDARY = "secondary", "高中/中专及以下"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    MASTER = "master", "硕士研究生"
    DOCTOR = "doctor", "博士研究生"


class SkillGrade(models.TextChoices):
    NONE = "", "无"
    GRADE5 = "grade5", "初级工（五级）"
    GRADE4 = "grade4", "中级工（四级）"
    GRADE3 = "grade3", "高级工（三级）"
    GRADE2 = "grade2", "技师（二级）"
    GRADE1 = "grade1", "高级技师（一级）"


class Talent(models.Model):
    """A person in the talent registry. The ID number is checked on entry and masked outside the talent office;
    `user` is the person's own log-in (role 人才), bound by the same ID number."""

    id_number = models.CharField("身份证号码", max_length=18, unique=True)
    name = models.CharField("姓名", max_length=50)
    phone = models.CharField("手机号码", max_length=20, blank=True)
    education = models.CharField("学历", max_length=12, choices=Education.choices)
    professional_title = models.CharField("职称", max_length=40, blank=True)
    skill_grade = models.CharField("技能等级", max_length=8, choices=SkillGrade.choices, blank=True)
    employer = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="talents", verbose_name="工作单位")
    work_location = models.CharField("工作地", max_length=60, blank=True)
    insurance_location = models.CharField("社保缴纳地", max_length=60, blank=True)
    residence = models.CharField("户籍或居住地", max_length=60, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="talent", verbose_name="本人账号")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["employer", "name"], name="talent_employer_name")]

    def __str__(self) -> str:
        return self.name

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def works_where_insured(self) -> bool:
        """The workplace = social-insurance location check some subsidies require (benefits.md §6.2)."""
        return bool(self.work_location) and self.work_location == self.insurance_location


class RecognitionStatus(models.TextChoices):
    VALID = "valid", "有效"
    EXPIRED = "expired", "已过期"
    REVOKED = "revoked", "已撤销"


class Recognition(models.Model):
    """A title conferred on a talent at a tier, with its basis and validity."""

    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="recognitions", verbose_name="人才")
    title = models.ForeignKey(TalentTitle, on_delete=models.PROTECT, related_name="recognitions", verbose_name="称号")
    tier = models.ForeignKey(TalentTier, on_delete=models.PROTECT, related_name="recognitions", verbose_name="层次")
    basis = models.CharField("认定依据", max_length=300)
    recognised_on = models.DateField("认定日期")
    valid_to = models.DateField("有效期至")
    status = models.CharField("状态", max_length=10, choices=RecognitionStatus.choices,
                              default=RecognitionStatus.VALID, db_index=True)
    application = models.OneToOneField("RoundApplication", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="recognition", verbose_name="来自认定批次申报")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才认定"
        ordering = ["-recognised_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["talent", "title"], condition=models.Q(status="valid"),
                                               name="one_valid_recognition_per_title",
                                               violation_error_message="此人已持有该称号的有效认定")]

    def __str__(self) -> str:
        return f"{self.title}（{self.tier.code}类）"


class TalentEvidence(models.Model):
    talent = models.ForeignKey(Talent, on_delete=models.CASCADE, related_name="evidence", verbose_name="人才")
    recognition = models.ForeignKey(Recognition, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="evidence", verbose_name="对应认定")
    application = models.ForeignKey("RoundApplication", on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="evidence", verbose_name="对应申报")
    label = models.CharField("材料名称", max_length=60)
    file = models.FileField("文件", upload_to="talent/evidence/%Y/%m/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才证明材料"
        ordering = ["-uploaded_at", "-id"]


class RecognitionEvent(models.Model):
    recognition = models.ForeignKey(Recognition, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


# --- recognition rounds (platform.md §3: apply → formal check → expert review → notice → objections → recognition) --

class RoundStatus(models.TextChoices):
    OPEN = "open", "申报中"
    REVIEW = "review", "评审中"
    NOTICE = "notice", "公示中"
    RECOGNISED = "recognised", "已认定"


class ScoreMethod(models.TextChoices):
    MEAN = "mean", "算术平均"
    TRIMMED = "trimmed", "去掉一个最高分和一个最低分后平均（评审专家3人及以上）"


def _default_notice_length() -> int:
    return settings.GAOXIN_TALENT_NOTICE_LENGTH


def _default_notice_unit() -> str:
    return settings.GAOXIN_TALENT_NOTICE_UNIT


class RecognitionRound(models.Model):
    """A round of recognition of one title: the tiers it offers, its application window, an optional quota, its
    reviewers and pass mark; its public notice lasts GAOXIN_TALENT_NOTICE_LENGTH calendar or working days."""

    title = models.CharField("批次名称", max_length=120)
    talent_title = models.ForeignKey(TalentTitle, on_delete=models.PROTECT, related_name="rounds",
                                     verbose_name="认定称号")
    tiers = models.ManyToManyField(TalentTier, related_name="rounds", verbose_name="可申报层次")
    opens_on = models.DateField("申报开始日期")
    closes_on = models.DateField("申报截止日期")
    quota = models.PositiveIntegerField("认定名额（不填为不限）", null=True, blank=True)
    pass_score = models.DecimalField("通过分数线", max_digits=5, decimal_places=2, default=60)
    score_method = models.CharField("评分计算方式", max_length=10, choices=ScoreMethod.choices, default=ScoreMethod.MEAN)
    reviewers = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="review_rounds", blank=True,
                                       verbose_name="评审专家")
    status = models.CharField("状态", max_length=12, choices=RoundStatus.choices, default=RoundStatus.OPEN,
                              db_index=True)
    notice_length = models.PositiveSmallIntegerField("公示期长度", default=_default_notice_length)
    notice_unit = models.CharField("公示期单位", max_length=10, choices=NOTICE_UNITS, default=_default_notice_unit)
    notice_start = models.DateField("公示开始", null=True, blank=True)
    notice_end = models.DateField("公示截止", null=True, blank=True)
    recognised_on = models.DateField("认定日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才认定批次"
        ordering = ["-opens_on", "-id"]

    def __str__(self) -> str:
        return self.title


class RoundEvent(models.Model):
    round = models.ForeignKey(RecognitionRound, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", "待形式审查"
    RETURNED = "returned", "退回补正"
    REJECTED = "rejected", "形式审查不通过"
    CHECKED = "checked", "待专家评审"
    PASSED = "passed", "评审通过"
    FAILED = "failed", "评审未通过"
    DISQUALIFIED = "disqualified", "公示异议成立，不予认定"


class RoundApplication(models.Model):
    """A talent's application in a round (by the talent or the talent office on their behalf)."""

    round = models.ForeignKey(RecognitionRound, on_delete=models.PROTECT, related_name="applications",
                              verbose_name="认定批次")
    talent = models.ForeignKey(Talent, on_delete=models.PROTECT, related_name="applications", verbose_name="申报人")
    tier = models.ForeignKey(TalentTier, on_delete=models.PROTECT, related_name="+", verbose_name="申报层次")
    statement = models.TextField("申报理由及主要业绩", max_length=2000)
    status = models.CharField("状态", max_length=14, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.SUBMITTED, db_index=True)
    score = models.DecimalField("评审得分", max_digits=5, decimal_places=2, null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField("申报时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才认定申报"
        ordering = ["round", "talent__name", "id"]
        constraints = [models.UniqueConstraint(fields=["round", "talent"], name="one_application_per_round",
                                               violation_error_message="已在本批次申报")]

    def __str__(self) -> str:
        return f"{self.talent.name}（{self.round.title}）"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(RoundApplication, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ReviewScore(models.Model):
    """One reviewer's score of one application (0–100); the reviewer may change it until the review concludes."""

    application = models.ForeignKey(RoundApplication, on_delete=models.CASCADE, related_name="scores")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                 verbose_name="评审专家")
    score = models.DecimalField("评分", max_digits=5, decimal_places=2)
    comment = models.CharField("评审意见", max_length=300, blank=True)
    scored_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["application", "reviewer_id"]
        constraints = [models.UniqueConstraint(fields=["application", "reviewer"], name="one_score_per_reviewer")]


ObjectionStatus = NoticeObjectionStatus


class RoundObjection(NoticeObjection):
    """An objection to a talent on the round's public notice, filed inside the notice window only."""

    application = models.ForeignKey(RoundApplication, on_delete=models.PROTECT, related_name="objections",
                                    verbose_name="公示对象")

    class Meta(NoticeObjection.Meta):
        verbose_name = verbose_name_plural = "认定公示异议"


class ObjectionEvent(models.Model):
    objection = models.ForeignKey(RoundObjection, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=16)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
