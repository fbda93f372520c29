"""Users, roles and organisation units (departments, the service centre, stations)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from gaoxin.core.masking import mask_id_number, mask_phone


class Role(models.TextChoices):
    ZONE_ADMIN = "zone_admin", "管委会管理员"
    WINDOW_CLERK = "window_clerk", "窗口人员"
    DEPT_OFFICER = "dept_officer", "部门工作人员"
    AGENT = "agent", "帮代办专员"
    STATION_OFFICER = "station_officer", "驿站专员"
    ENTERPRISE = "enterprise", "企业用户"
    LEADER = "leader", "领导"
    TALENT = "talent", "人才"
    BANK = "bank", "银行"


# Roles of government staff (everyone except enterprise users and talents, who act for themselves, and partner banks'
# loan officers, who see only what firms share with their bank).
STAFF_ROLES = frozenset(Role.values) - {Role.ENTERPRISE, Role.TALENT, Role.BANK}


class OrgKind(models.TextChoices):
    ADMINISTRATION = "administration", "管委会"
    CENTRE = "centre", "政务服务中心"
    DEPARTMENT = "department", "部门"
    STATION = "station", "政务服务驿站"
    BANK = "bank", "合作银行"


class OrgUnit(models.Model):
    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("电话", max_length=30, blank=True)
    is_active = models.BooleanField("启用", default=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "机构"
        ordering = ["kind", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in. `first_name`/`last_name` are unused: Chinese names go in `full_name`."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.ENTERPRISE)
    org_unit = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="members", verbose_name="所属机构",
    )
    phone = models.CharField("手机号", max_length=20, blank=True)
    # A natural person who registered themself (自然人注册): the checked resident ID number.
    id_number = models.CharField("身份证号码", max_length=18, blank=True)
    enterprises = models.ManyToManyField(
        "enterprises.Enterprise", through="EnterpriseMembership", related_name="users", blank=True,
        verbose_name="绑定企业",
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.UniqueConstraint(fields=["id_number"], condition=~models.Q(id_number=""), name="uniq_user_id_number"),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or self.username

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number)

    @property
    def is_staff_role(self) -> bool:
        return self.role in STAFF_ROLES


class EnterpriseMembership(models.Model):
    """An enterprise user acts for one or more enterprises."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enterprise_memberships")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="memberships")
    is_manager = models.BooleanField("企业管理员", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "企业绑定"
        constraints = [models.UniqueConstraint(fields=["user", "enterprise"], name="uniq_user_enterprise")]


class Position(models.TextChoices):
    HEAD = "head", "负责人"
    WINDOW_SPECIALIST = "window_specialist", "专窗服务专员"
    MOBILE_GUIDE = "mobile_guide", "流动服务指导员"
    LIAISON = "liaison", "部门联络员"


class OrgAssignment(models.Model):
    """A person's post in a unit other than (or besides) their own, e.g. the station
    "1+1+X" team: 1 head, 1 window specialist, X mobile guides from the centre, and one
    liaison officer per department."""

    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="assignments", verbose_name="机构")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="assignments", verbose_name="人员")
    position = models.CharField("岗位", max_length=20, choices=Position.choices)
    since = models.DateField("起始日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "岗位安排"
        ordering = ["org_unit", "position", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["org_unit", "user", "position"], name="uniq_assignment"),
        ]

    def __str__(self) -> str:
        return f"{self.org_unit} {self.get_position_display()} {self.user}"
