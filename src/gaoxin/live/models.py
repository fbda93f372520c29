"""云直播 (platform.md §2): live policy and procedure streams of the channel "湘潭高新微政务" (the series "小高说政务"),
their schedule, replay link and chapters linked to catalogue items and benefit policies, and the questions collected
before and during a stream. A question's outcome is traced and counted: answered in the stream (at a chapter or a
time), answered in writing, or left unanswered — then, with the asker's recorded consent, it becomes an appeal
(企业诉求) through the appeals service, linked back. No video is hosted: the stream and the replay are links."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone


class LiveStatus(models.TextChoices):
    SCHEDULED = "scheduled", "预告"
    LIVE = "live", "直播中"
    ENDED = "ended", "已结束"
    REPLAY = "replay", "回放已发布"
    CANCELLED = "cancelled", "已取消"


# A session that has been held: its unanswered questions may be turned into appeals.
HELD = (LiveStatus.ENDED, LiveStatus.REPLAY)
# Questions are taken before and during the stream.
ASKING = (LiveStatus.SCHEDULED, LiveStatus.LIVE)


class LiveSession(models.Model):
    title = models.CharField("标题", max_length=120)
    series = models.CharField("栏目", max_length=40, default="小高说政务", blank=True)
    channel = models.CharField("直播间", max_length=40, default="湘潭高新微政务", blank=True)
    summary = models.TextField("内容简介", max_length=1000, blank=True)
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="+",
                                   verbose_name="主办单位")
    speaker = models.CharField("主讲人", max_length=60, blank=True)
    starts_at = models.DateTimeField("计划开始时间")
    ends_at = models.DateTimeField("计划结束时间")
    stream_url = models.URLField("直播观看链接", max_length=300)
    replay_url = models.URLField("回放链接", max_length=300, blank=True)
    status = models.CharField("状态", max_length=12, choices=LiveStatus.choices, default=LiveStatus.SCHEDULED)
    started_at = models.DateTimeField("实际开播时间", null=True, blank=True)
    ended_at = models.DateTimeField("实际结束时间", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="创建人")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "直播场次"
        ordering = ["starts_at", "pk"]
        indexes = [models.Index(fields=["status", "starts_at"], name="live_status_time"),
                   models.Index(fields=["department", "starts_at"], name="live_dept_time")]

    def __str__(self) -> str:
        return self.title

    @property
    def held(self) -> bool:
        return self.status in HELD

    @property
    def expected_end(self) -> dt.datetime:
        """When the stream should be over: the planned length from the actual start (an early or late start moves
        it), else the planned end."""
        if self.started_at is None:
            return self.ends_at
        return self.started_at + (self.ends_at - self.starts_at)

    @property
    def overrun(self) -> bool:
        """Still marked on air GAOXIN_LIVE_OVERRUN_MINUTES after it should have ended (the host did not press 结束直播):
        the public read 已超出计划时间 and are no longer offered questions; the hosts are asked to end it."""
        return (self.status == LiveStatus.LIVE and timezone.now()
                > self.expected_end + dt.timedelta(minutes=settings.GAOXIN_LIVE_OVERRUN_MINUTES))

    @property
    def asking(self) -> bool:
        return self.status in ASKING and not self.overrun

    @property
    def status_label(self) -> str:
        """The state as the public read it."""
        return "已超出计划时间" if self.overrun else self.get_status_display()

    # --- times as shown: the actual start and end once on air, the planned ones for 预告 ---

    @property
    def shown_start(self) -> dt.datetime:
        return self.started_at if self.started_at and self.status != LiveStatus.SCHEDULED else self.starts_at

    @property
    def shown_end(self) -> dt.datetime | None:
        """The actual end once held; none while on air (not over yet); the planned end for 预告 and 已取消."""
        if self.status == LiveStatus.LIVE:
            return None
        if self.held and self.ended_at:
            return self.ended_at
        return self.ends_at

    @property
    def when(self) -> str:
        """"2026年12月1日 14:50–15:20" (actual) or "2026年12月10日 15:00–16:00" (planned); on air "… 14:50 开播"."""
        if self.status == LiveStatus.LIVE and self.started_at:
            return f"{_day_time(self.started_at)} 开播"
        return _span(self.shown_start, self.shown_end)

    @property
    def planned_when(self) -> str:
        return _span(self.starts_at, self.ends_at)

    @property
    def off_plan(self) -> bool:
        """Held (or on air) at a time other than announced: the page also shows the planned time."""
        if self.status == LiveStatus.SCHEDULED or self.started_at is None:
            return False
        late = dt.timedelta(minutes=OFF_PLAN_MINUTES)
        if abs(self.started_at - self.starts_at) > late:
            return True
        return bool(self.held and self.ended_at and abs(self.ended_at - self.ends_at) > late)


# An actual start or end further than this from the plan is shown beside the planned time.
OFF_PLAN_MINUTES = 15


def _day_time(moment: dt.datetime) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M}"


def _span(start: dt.datetime, end: dt.datetime | None) -> str:
    text = _day_time(start)
    if end is None:
        return text
    a, b = timezone.localtime(start), timezone.localtime(end)
    return f"{text}–{b:%H:%M}" if a.date() == b.date() else f"{text}–{b.month}月{b.day}日 {b:%H:%M}"


def offset_text(seconds: int | None) -> str:
    """A position in the stream as people read it: 5:07, 1:02:30."""
    if seconds is None:
        return ""
    hours, rest = divmod(int(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class Chapter(models.Model):
    """A chapter of the stream: where it starts (seconds from the start) and what it is about — a catalogue item (its
    guide) and/or a benefit policy (its page)."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="chapters")
    offset_seconds = models.PositiveIntegerField("开始位置（秒）")
    title = models.CharField("章节标题", max_length=100)
    item = models.ForeignKey("catalog.ServiceItem", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="+", verbose_name="关联事项")
    policy = models.ForeignKey("benefits.Policy", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="+", verbose_name="关联政策")

    class Meta:
        verbose_name = verbose_name_plural = "直播章节"
        ordering = ["offset_seconds", "pk"]

    def __str__(self) -> str:
        return f"{self.offset_label} {self.title}"

    @property
    def offset_label(self) -> str:
        return offset_text(self.offset_seconds)


class QuestionStatus(models.TextChoices):
    PENDING = "pending", "待解答"
    ANSWERED_LIVE = "answered_live", "直播中已解答"
    ANSWERED_WRITTEN = "answered_written", "已书面答复"
    UNANSWERED = "unanswered", "未解答"
    ESCALATED = "escalated", "已转为诉求"
    DECLINED = "declined", "未解答（提问人不转诉求）"
    WITHDRAWN = "withdrawn", "提问人已撤回"


ANSWERED = (QuestionStatus.ANSWERED_LIVE, QuestionStatus.ANSWERED_WRITTEN)


class Phase(models.TextChoices):
    BEFORE = "before", "直播前"
    DURING = "during", "直播中"


class Question(models.Model):
    session = models.ForeignKey(LiveSession, on_delete=models.PROTECT, related_name="questions",
                                verbose_name="直播场次")
    asked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name="提问人")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="企业")
    contact_name = models.CharField("联系人", max_length=50)
    contact_phone = models.CharField("联系电话", max_length=20)
    text = models.TextField("问题", max_length=500)
    phase = models.CharField("提问时段", max_length=8, choices=Phase.choices)
    asked_at = models.DateTimeField("提问时间", auto_now_add=True)
    status = models.CharField("处理结果", max_length=20, choices=QuestionStatus.choices,
                              default=QuestionStatus.PENDING)
    answer = models.TextField("答复", max_length=2000, blank=True)
    answered_chapter = models.ForeignKey(Chapter, on_delete=models.SET_NULL, null=True, blank=True,
                                         related_name="+", verbose_name="解答所在章节")
    answered_offset = models.PositiveIntegerField("解答位置（秒）", null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name="处理人")
    answered_at = models.DateTimeField("处理时间", null=True, blank=True)
    # Shown on the session's public page with its answer (never the asker): the moderator decides.
    public = models.BooleanField("公开显示", default=False)
    consent_asked_at = models.DateTimeField("征求转诉求意见时间", null=True, blank=True)
    consent_at = models.DateTimeField("提问人答复时间", null=True, blank=True)
    consent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name="答复人")
    appeal = models.OneToOneField("appeals.Appeal", on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="live_question", verbose_name="转为的诉求")

    class Meta:
        verbose_name = verbose_name_plural = "直播提问"
        ordering = ["asked_at", "pk"]
        indexes = [models.Index(fields=["session", "status"], name="live_q_session"),
                   models.Index(fields=["status", "asked_at"], name="live_q_status"),
                   models.Index(fields=["asked_by", "asked_at"], name="live_q_asker"),
                   models.Index(fields=["enterprise", "asked_at"], name="live_q_firm")]

    def __str__(self) -> str:
        return self.text[:30]

    @property
    def answered(self) -> bool:
        return self.status in ANSWERED

    @property
    def offset_label(self) -> str:
        return offset_text(self.answered_offset)

    @property
    def awaiting_consent(self) -> bool:
        return self.status == QuestionStatus.UNANSWERED and self.session.held


class LiveEvent(models.Model):
    """The record of a session's and its questions' steps: who, when, why."""

    session = models.ForeignKey(LiveSession, on_delete=models.CASCADE, related_name="events")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True, related_name="events")
    transition = models.CharField(max_length=20)
    to_status = models.CharField(max_length=20)
    actor_repr = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
