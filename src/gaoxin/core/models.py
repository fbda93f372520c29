"""Shared kernel models: the append-only audit log, the working-day calendar and
background jobs with visible progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")

    def delete(self):
        raise PermissionError("审计日志只能追加，不能删除")

    def bulk_update(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能修改")


class AuditEvent(models.Model):
    """One row per state change, written only by `core.services.audit_record`."""

    event_type = models.CharField("事件类型", max_length=64, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="操作人",
    )
    actor_repr = models.CharField("操作人名称", max_length=150, blank=True)
    subject_type = models.CharField("对象类型", max_length=64, db_index=True)
    subject_id = models.CharField("对象编号", max_length=64, db_index=True)
    subject_repr = models.CharField("对象名称", max_length=255, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)
    # The hash chain (core.audit_chain): each sealed event's hash covers its fields and the previous hash.
    chain_seq = models.BigIntegerField("链序号", null=True, blank=True, unique=True)
    chain_hash = models.CharField("链哈希", max_length=64, blank=True, default="")

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "审计日志"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event_type} {self.subject_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("审计日志只能追加，不能修改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("审计日志只能追加，不能删除")


class CalendarYear(models.Model):
    """A year of the working-day calendar. Only a confirmed year is authoritative;
    deadlines reaching an unconfirmed year are provisional (services.md §13.3)."""

    year = models.PositiveSmallIntegerField("年份", primary_key=True)
    confirmed = models.BooleanField("已确认", default=False)
    source_document = models.CharField("依据文件", max_length=255, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # One more on every change of the year or one of its days: the processes' cached calendar is keyed by it (a key
    # of times would miss an edit made after the clock was set back).
    revision = models.PositiveIntegerField("修订次数", default=0, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "日历年度"
        ordering = ["-year"]

    def __str__(self) -> str:
        return f"{self.year}"


class DayKind(models.TextChoices):
    NORMAL = "normal", "正常"
    HOLIDAY = "holiday", "法定节假日"
    MAKE_UP_WORKDAY = "make_up_workday", "调休上班"
    IN_LIEU = "in_lieu", "调休休息"


class CalendarDay(models.Model):
    date = models.DateField("日期", primary_key=True)
    is_workday = models.BooleanField("工作日")
    kind = models.CharField("类型", max_length=20, choices=DayKind.choices, default=DayKind.NORMAL)
    name = models.CharField("节日名称", max_length=50, blank=True)
    source = models.CharField("来源", max_length=255, blank=True)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
    )
    edited_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '休息'}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    SUCCEEDED = "succeeded", "已完成"
    FAILED = "failed", "失败"


class Job(models.Model):
    """Progress of a long piece of work (import, export, evaluation run) that the page polls.
    The task re-reads the job by id and is idempotent (CONVENTIONS §7)."""

    kind = models.CharField("任务类型", max_length=64, db_index=True)
    status = models.CharField("状态", max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    done = models.PositiveIntegerField("已处理", default=0)
    total = models.PositiveIntegerField("总数", default=0)
    message = models.CharField("说明", max_length=255, blank=True)
    errors = models.JSONField("错误明细", default=list, blank=True)
    result = models.JSONField("结果", default=dict, blank=True)
    input_file = models.FileField("上传文件", upload_to="jobs/in/%Y/%m/", blank=True)
    output_file = models.FileField("结果文件", upload_to="jobs/out/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="jobs", verbose_name="提交人",
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    # A running job's sign of life: written at start, on every progress step and every
    # GAOXIN_JOB_HEARTBEAT_SECONDS by the worker; a job silent for longer than
    # GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS lost its worker and is failed by the reaper (core.jobs).
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True)
    finished_at = models.DateTimeField("结束时间", null=True, blank=True)
    # The request that submitted the job: its audit events and log lines in the worker carry the same request id.
    request_id = models.CharField("请求编号", max_length=64, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"

    KIND_LABELS = {
        "enterprise_import": "企业名录导入",
        "enterprise_export": "企业名录导出",
        "catalog_import": "事项清单导入",
        "catalog_export": "事项清单导出",
        "policy_match": "政策匹配",
        "evaluation_department_import": "亩产评价部门数据导入",
        "evaluation_score": "亩产评价测算",
        "evaluation_template": "亩产评价部门数据模板",
        "evaluation_release_list": "亩产评价结果名单导出",
        "evaluation_history_import": "亩产评价历年等级导入",
        "evaluation_adjustment_import": "亩产评价加减分事项导入",
        "figures_refresh": "驾驶舱指标计算",
        "monthly_report": "月度报告生成",
        "green_scorecard": "绿色评价测算",
        "news_delivery": "定向通知送达",
    }

    def get_kind_display(self) -> str:
        return self.KIND_LABELS.get(self.kind, self.kind)

    @property
    def percent(self) -> int:
        if self.status == JobStatus.SUCCEEDED:
            return 100
        return int(self.done * 100 / self.total) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.SUCCEEDED, JobStatus.FAILED)

    @property
    def last_sign_of_life(self):
        """The last time the job's worker was heard of (jobs started before heartbeats have none)."""
        return self.heartbeat_at or self.started_at or self.created_at


class DocumentCounter(models.Model):
    """The last number given per document prefix and period (a day "20261130" or a year "2026"), taken under
    a row lock by `core.numbering.next_number`, so concurrent submissions never share a number."""

    prefix = models.CharField("编号前缀", max_length=10)
    period = models.CharField("期间", max_length=10)
    last = models.PositiveIntegerField("已用序号", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "文书编号计数"
        constraints = [models.UniqueConstraint(fields=["prefix", "period"], name="uniq_counter_prefix_period")]

    def __str__(self) -> str:
        return f"{self.prefix}{self.period}:{self.last}"


class Notification(models.Model):
    """A message for a user's inbox (站内消息) — always a link to the thing it is about — or the record of
    an SMS / e-mail sent to a phone without an account. Written only by `core.notify.notify`."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                             related_name="inbox", verbose_name="接收人")
    phone = models.CharField("手机号", max_length=20, blank=True)
    kind = models.CharField("类别", max_length=40, blank=True)
    message = models.CharField("内容", max_length=500)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    delivered = models.BooleanField("短信/邮件已发送", default=False)
    key = models.CharField("去重键", max_length=80, blank=True, db_index=True)  # e.g. one reminder per case and day

    class Meta:
        verbose_name = verbose_name_plural = "消息"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message[:40]


class WorkerHeartbeat(models.Model):
    """A background worker's sign of life (`gaoxin worker`), also while it has nothing to do: `/readyz` answers
    "not ready" when no worker was heard of for GAOXIN_READY_WORKER_SECONDS. A worker that stops cleanly removes its
    row; a killed one leaves it, and a new worker prunes rows silent for a day."""

    worker_id = models.CharField("处理进程", max_length=64, unique=True)
    host = models.CharField("主机", max_length=255, blank=True)
    pid = models.PositiveIntegerField("进程号", null=True, blank=True)
    started_at = models.DateTimeField("启动时间", default=timezone.now)
    seen_at = models.DateTimeField("最近心跳", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "后台任务处理进程"
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.host}:{self.pid} ({self.worker_id})"


class ScheduledRun(models.Model):
    """The last run of each scheduled command (`gaoxin run_scheduled`, started daily by a systemd timer or cron),
    shown to the administrator, so a sweep that stopped running is noticed."""

    name = models.CharField("命令", max_length=64, unique=True)
    started_at = models.DateTimeField("最近开始", null=True, blank=True)
    finished_at = models.DateTimeField("最近结束", null=True, blank=True)
    succeeded = models.BooleanField("最近一次成功", default=False)
    output = models.TextField("最近一次输出", blank=True)
    last_success_at = models.DateTimeField("最近成功时间", null=True, blank=True)
    runs = models.PositiveIntegerField("运行次数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "计划任务运行记录"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    LABELS = {
        "sweep_cases": "办件每日巡检（视为受理、容缺终止、到期提醒）",
        "reap_jobs": "清理中断的后台任务",
        "verify_audit": "审计日志完整性校验",
        "backup": "数据备份",
    }

    @property
    def label(self) -> str:
        return self.LABELS.get(self.name, self.name)


class NoticeObjectionStatus(models.TextChoices):
    OPEN = "open", "待核查"
    UPHELD = "upheld", "异议成立"
    DISMISSED = "dismissed", "异议不成立"


class NoticeObjection(models.Model):
    """An objection to a result on public notice (core.notice), filed inside the notice window only: what every
    room's objection holds. The room adds the result objected to and its own verbose name."""

    reason = models.CharField("异议内容", max_length=1000)
    contact = models.CharField("联系方式", max_length=60, blank=True)
    status = models.CharField("状态", max_length=10, choices=NoticeObjectionStatus.choices,
                              default=NoticeObjectionStatus.OPEN, db_index=True)
    answer = models.CharField("核查结论", max_length=500, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField("提出时间", auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["-filed_at", "-id"]
