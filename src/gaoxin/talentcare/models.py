"""人才服务保障 (platform.md §3, benefits.md §6.2): talent apartments — buildings and units, the allocation queue of
registered talents, offers, leases with the rent after the tier's subsidy, renewal and exit — and leader–talent
pairing (结对联系) with its contact log. A talent's housing, medical, schooling and spouse-job requests are appeals
flagged "talent" (appeals.Appeal.talent_service), not models of this room."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class Building(models.Model):
    name = models.CharField("楼栋名称", max_length=60, unique=True)
    address = models.CharField("地址", max_length=200)
    park = models.ForeignKey("enterprises.ParkArea", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="talent_buildings", verbose_name="园区")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才公寓楼栋"
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class UnitStatus(models.TextChoices):
    FREE = "free", "空闲"
    RESERVED = "reserved", "已配租待签约"
    OCCUPIED = "occupied", "已入住"
    MAINTENANCE = "maintenance", "维修中"


class ApartmentUnit(models.Model):
    building = models.ForeignKey(Building, on_delete=models.PROTECT, related_name="units", verbose_name="楼栋")
    number = models.CharField("房号", max_length=20)
    rooms = models.PositiveSmallIntegerField("居室数")
    area = models.DecimalField("建筑面积（㎡）", max_digits=7, decimal_places=2)
    rent = models.DecimalField("月租金（元）", max_digits=9, decimal_places=2)
    status = models.CharField("状态", max_length=12, choices=UnitStatus.choices, default=UnitStatus.FREE, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才公寓房源"
        ordering = ["building__name", "number", "id"]
        constraints = [models.UniqueConstraint(fields=["building", "number"], name="unit_number_per_building",
                                               violation_error_message="该楼栋已有此房号")]

    def __str__(self) -> str:
        return f"{self.building.name} {self.number}"


class UnitEvent(models.Model):
    unit = models.ForeignKey(ApartmentUnit, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=12, choices=UnitStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class ApplicationStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    OFFERED = "offered", "已配租待签约"
    LEASED = "leased", "已签约入住"
    MOVED_OUT = "moved_out", "已退租"
    WITHDRAWN = "withdrawn", "已撤回"


# An application that holds a place in the queue or a flat: one per talent at a time.
LIVE_APPLICATION = (ApplicationStatus.QUEUED, ApplicationStatus.OFFERED, ApplicationStatus.LEASED)


class HousingApplication(models.Model):
    """A registered talent's application for a flat; its place in the queue is `selectors.queue` (priority
    GAOXIN_TALENTCARE_QUEUE_ORDER)."""

    talent = models.ForeignKey("talent.Talent", on_delete=models.PROTECT, related_name="housing_applications",
                               verbose_name="人才")
    rooms_wanted = models.PositiveSmallIntegerField("需要居室数", default=1)
    family_size = models.PositiveSmallIntegerField("同住人数（含本人）", default=1)
    note = models.CharField("说明", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=ApplicationStatus.choices, default=ApplicationStatus.QUEUED,
                              db_index=True)
    applied_at = models.DateTimeField("申请时间", default=timezone.now)
    unit = models.ForeignKey(ApartmentUnit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="applications", verbose_name="配租房源")
    offered_on = models.DateField("配租日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = verbose_name_plural = "人才公寓申请"
        ordering = ["applied_at", "id"]
        constraints = [models.UniqueConstraint(fields=["talent"], condition=models.Q(status__in=LIVE_APPLICATION),
                                               name="one_live_housing_application",
                                               violation_error_message="该人才已有在办的人才公寓申请或在租房源")]

    def __str__(self) -> str:
        return f"{self.talent.name}的人才公寓申请"


class ApplicationEvent(models.Model):
    application = models.ForeignKey(HousingApplication, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=12, choices=ApplicationStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class LeaseStatus(models.TextChoices):
    ACTIVE = "active", "在租"
    ENDED = "ended", "已退租"


class Lease(models.Model):
    """A signed lease: the unit's rent, the tier's subsidy (GAOXIN_TALENTCARE_RENT_SUBSIDY) and what the talent pays."""

    application = models.OneToOneField(HousingApplication, on_delete=models.PROTECT, related_name="lease")
    talent = models.ForeignKey("talent.Talent", on_delete=models.PROTECT, related_name="leases", verbose_name="人才")
    unit = models.ForeignKey(ApartmentUnit, on_delete=models.PROTECT, related_name="leases", verbose_name="房源")
    start_on = models.DateField("起租日期")
    end_on = models.DateField("到期日期", db_index=True)
    monthly_rent = models.DecimalField("月租金（元）", max_digits=9, decimal_places=2)
    tier_code = models.CharField("签约时人才层次", max_length=4, blank=True)
    subsidy_share = models.DecimalField("租金补贴比例", max_digits=4, decimal_places=3, default=0)
    subsidised_rent = models.DecimalField("个人承担月租金（元）", max_digits=9, decimal_places=2)
    deposit = models.DecimalField("押金（元）", max_digits=9, decimal_places=2, default=0)
    renewals = models.PositiveSmallIntegerField("续租次数", default=0)
    status = models.CharField("状态", max_length=8, choices=LeaseStatus.choices, default=LeaseStatus.ACTIVE,
                              db_index=True)
    moved_out_on = models.DateField("退租日期", null=True, blank=True)
    inspection_note = models.CharField("退房查验情况", max_length=500, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "人才公寓租约"
        ordering = ["-start_on", "-id"]
        constraints = [models.UniqueConstraint(fields=["unit"], condition=models.Q(status="active"),
                                               name="one_active_lease_per_unit",
                                               violation_error_message="该房源已有在租的租约")]

    def __str__(self) -> str:
        return f"{self.unit} · {self.talent.name}"


class LeaseEvent(models.Model):
    lease = models.ForeignKey(Lease, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField(max_length=30)
    to_status = models.CharField(max_length=8, choices=LeaseStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField(max_length=500, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Pairing(models.Model):
    """A leader paired with a talent (结对联系). A talent has at most one current leader; a leader many talents."""

    leader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="talent_pairings",
                               verbose_name="联系领导")
    talent = models.ForeignKey("talent.Talent", on_delete=models.PROTECT, related_name="pairings", verbose_name="人才")
    since = models.DateField("结对日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "领导结对联系人才"
        ordering = ["-since", "-id"]
        constraints = [models.UniqueConstraint(fields=["talent"], condition=models.Q(ended_on__isnull=True),
                                               name="one_current_leader_per_talent",
                                               violation_error_message="该人才已有结对联系的领导")]

    def __str__(self) -> str:
        return f"{self.leader.get_full_name()} — {self.talent.name}"

    @property
    def is_current(self) -> bool:
        return self.ended_on is None


class ContactWay(models.TextChoices):
    VISIT = "visit", "走访"
    TALK = "talk", "座谈"
    PHONE = "phone", "电话"
    ONLINE = "online", "线上"


class Contact(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="contacts", verbose_name="结对")
    contacted_on = models.DateField("联系日期")
    way = models.CharField("联系方式", max_length=8, choices=ContactWay.choices)
    notes = models.CharField("联系情况", max_length=1000)
    problems = models.CharField("反映的问题", max_length=1000, blank=True)
    appeal = models.ForeignKey("appeals.Appeal", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="talent_contacts", verbose_name="转为人才服务诉求")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "结对联系记录"
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["pairing", "-contacted_on"], name="contact_pairing_newest")]
