"""智能微厅 (platform.md §1): registered self-service terminals, the visits made at them and what each visit did.

A terminal is known by a key typed once on its browser (kept there in a signed cookie; only the key's SHA-256 is
stored). A visit starts when a person logs in at the terminal (ID number from the card reader or typed) and ends
when the person leaves, the idle timer wipes it or a new person logs in. The full ID number lives only in the
server-side session for the visit's length; the visit row keeps it masked."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Terminal(models.Model):
    name = models.CharField("终端名称", max_length=60, unique=True)
    location = models.CharField("放置地点", max_length=120)
    key_hash = models.CharField("终端密钥摘要", max_length=64, unique=True)
    is_active = models.BooleanField("启用", default=True)
    # The station nearest the terminal: asked to call back a person whose business cannot be done here.
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="就近驿站")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "自助终端"
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name}（{self.location}）"


class EndReason(models.TextChoices):
    LOGOUT = "logout", "本人退出"
    IDLE = "idle", "长时间无操作，自动退出"
    REPLACED = "replaced", "下一位办事人登录"


class VisitStep(models.TextChoices):
    """How far a visit got (the furthest step reached): where a person who leaves without finishing gave up."""

    LOGIN = "at_login", "登录后未选择事项"
    ITEM = "at_item", "查看事项（含不能自助办理的说明）"
    FORM = "at_form", "填写申请"
    FALLBACK = "at_fallback", "填写帮代办或驿站联系"
    DONE = "finished", "已办结或已转办"


STEP_ORDER = [s.value for s in VisitStep]


class Visit(models.Model):
    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, related_name="visits", verbose_name="终端")
    id_number_masked = models.CharField("身份证号码（脱敏）", max_length=18)
    person_name = models.CharField("姓名", max_length=50)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="账号")
    identity_source = models.CharField("身份核验方式", max_length=30)
    started_at = models.DateTimeField("登录时间", auto_now_add=True, db_index=True)
    ended_at = models.DateTimeField("退出时间", null=True, blank=True)
    end_reason = models.CharField("退出原因", max_length=10, choices=EndReason.choices, blank=True)
    last_step = models.CharField("到达的步骤", max_length=12, choices=VisitStep.choices, default=VisitStep.LOGIN)

    class Meta:
        verbose_name = verbose_name_plural = "自助终端使用记录"
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_name} @ {self.terminal.name} {self.started_at:%Y-%m-%d %H:%M}"


class ActionKind(models.TextChoices):
    COMPLETED = "completed", "自助办结"
    ASSIST_ORDER = "assist_order", "转帮代办"
    STATION_CALL = "station_call", "请驿站联系"


class Action(models.Model):
    """What a visit did: an item completed on the spot (its case) or a 帮代办 order placed."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="actions", verbose_name="使用记录")
    kind = models.CharField("操作", max_length=14, choices=ActionKind.choices)
    # 请驿站联系: the station asked to call the person back, and what the person agreed to be called on.
    station = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                verbose_name="驿站")
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    note = models.CharField("补充说明", max_length=300, blank=True)
    handled_at = models.DateTimeField("驿站已联系", null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="联系人员")
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, related_name="+", verbose_name="事项")
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    order = models.ForeignKey("assist.AssistOrder", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "自助终端办理记录"
        ordering = ["-created_at", "-id"]


class TicketStatus(models.TextChoices):
    WAITING = "waiting", "等候中"
    CALLED = "called", "已叫号"
    SERVED = "served", "已办理"
    MISSED = "missed", "过号"
    VOID = "void", "闭厅时未办理，已作废"


class Ticket(models.Model):
    """取号: a queue ticket for a zone of the hall, numbered per zone and day (A001…), called to a window. The
    wait (issue → call) is kept on the ticket for the window's waiting-time figure."""

    zone = models.ForeignKey("catalog.ServiceZone", on_delete=models.PROTECT, related_name="tickets",
                             verbose_name="专区")
    issued_on = models.DateField("取号日期", db_index=True)
    sequence = models.PositiveIntegerField("当日序号")
    number = models.CharField("号码", max_length=10)
    status = models.CharField("状态", max_length=8, choices=TicketStatus.choices, default=TicketStatus.WAITING)
    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, null=True, blank=True, related_name="tickets",
                                 verbose_name="取号终端")
    window = models.ForeignKey("catalog.Window", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="tickets", verbose_name="叫号窗口")
    called_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name="叫号人")
    issued_at = models.DateTimeField("取号时间")
    called_at = models.DateTimeField("叫号时间", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    waited_seconds = models.PositiveIntegerField("等候时长（秒）", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "排队取号"
        ordering = ["issued_on", "zone_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["zone", "issued_on", "sequence"], name="uniq_ticket_sequence")]
        indexes = [models.Index(fields=["zone", "issued_on", "status", "sequence"], name="ticket_queue")]

    def __str__(self) -> str:
        return self.number

    @property
    def window_label(self) -> str:
        """The window as the hall names it: 综合服务专区 9号窗口（综合受理）; "" before a call."""
        if self.window is None:
            return ""
        return f"{self.window.number}号窗口（{self.window.name}）"

    @property
    def waited_text(self) -> str:
        """The wait as a clerk reads it: 不到1分钟, 12 分钟, 2 小时 5 分."""
        if self.waited_seconds is None:
            return "—"
        minutes = self.waited_seconds // 60
        if minutes < 1:
            return "不到1分钟"
        return f"{minutes} 分钟" if minutes < 60 else f"{minutes // 60} 小时 {minutes % 60} 分"


class Handoff(models.Model):
    """手机扫码登录 (platform.md §1, the QR hand-off): the terminal shows a QR code of a one-time link; the person,
    logged in on the phone, confirms it there; the terminal then starts the visit as that account. Only the token's
    SHA-256 is kept; the link expires after GAOXIN_KIOSK_HANDOFF_SECONDS and serves one visit."""

    terminal = models.ForeignKey(Terminal, on_delete=models.PROTECT, related_name="handoffs", verbose_name="终端")
    token_hash = models.CharField("链接摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    expires_at = models.DateTimeField("失效时间")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="确认账号")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    visit = models.OneToOneField(Visit, on_delete=models.PROTECT, null=True, blank=True, related_name="handoff",
                                 verbose_name="登录记录")

    class Meta:
        verbose_name = verbose_name_plural = "扫码登录"
        ordering = ["-created_at", "-id"]


class CoverageDay(models.Model):
    """Kiosk coverage of 即办 items on a day (platform.md §1 figures): one row per item that was published with a
    即办 current version that day, and whether that version was offered at the kiosk. Written from the catalogue by
    `kiosk_coverage_record` (the 15-minute job), so the figure is computed from the records and keeps its history
    when an item's channels change later."""

    day = models.DateField("日期", db_index=True)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.CASCADE, related_name="+", verbose_name="事项")
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="部门")
    kiosk_enabled = models.BooleanField("开通自助办理")

    class Meta:
        verbose_name = verbose_name_plural = "即办事项自助办理覆盖（按日）"
        ordering = ["-day", "item_id"]
        constraints = [models.UniqueConstraint(fields=["day", "item"], name="uniq_coverage_day_item")]

    @property
    def kiosk_text(self) -> str:
        return "已开通" if self.kiosk_enabled else "未开通"
