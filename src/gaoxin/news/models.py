"""云资讯 (platform.md §2): news, notices and policy explainers written by the service centre and the departments,
published and withdrawn on the transition kernel. A notice may carry a rule in the benefits rule language ("which
firms should read this"); publishing it resolves the firms the rule holds for into one `Delivery` row each (a
background job), and the first time a member of a firm opens the notice the row records the read receipt."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ArticleKind(models.TextChoices):
    NEWS = "news", "新闻"
    NOTICE = "notice", "通知公告"
    EXPLAINER = "explainer", "政策解读"


# The kinds that may have 阅读对象 (a targeting rule); 新闻 is for everyone. The message names the category, not the
# rule: the rule is not wrong, the category is.
TARGETED_KINDS = (ArticleKind.NOTICE, ArticleKind.EXPLAINER)
NEWS_TARGET = "“新闻”面向所有人，不设阅读对象；定向发送请将类别选为“通知公告”或“政策解读”"


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "已发布"
    WITHDRAWN = "withdrawn", "已撤回"


class DeliveryState(models.TextChoices):
    """Where a targeted article's delivery stands (an untargeted article has none)."""

    NONE = "", "不定向"
    PENDING = "pending", "正在确定送达企业"
    DONE = "done", "已送达"
    FAILED = "failed", "送达未完成"


class Article(models.Model):
    kind = models.CharField("类别", max_length=12, choices=ArticleKind.choices)
    title = models.CharField("标题", max_length=120)
    summary = models.CharField("摘要", max_length=300, blank=True)
    body = models.TextField("正文", help_text="段落之间空一行")
    source = models.CharField("来源", max_length=60, blank=True, help_text="如：湘潭高新微政务、小高说政务")
    department = models.ForeignKey("accounts.OrgUnit", on_delete=models.PROTECT, related_name="articles",
                                   verbose_name="发布单位")
    policy = models.ForeignKey("benefits.Policy", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="explainers", verbose_name="解读的政策")
    # "Which firms should read this", in the benefits rule language; empty = everyone (a public article).
    rule = models.TextField("阅读对象（条件）", blank=True)
    status = models.CharField("状态", max_length=12, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name="撰写人")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("修改时间", auto_now=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+", verbose_name="发布人")
    # Delivery of a targeted article (set by the delivery job): firms the rule holds for, and firms it cannot decide
    # because facts it reads are missing (not delivered; the number is shown to staff).
    delivery_state = models.CharField("送达情况", max_length=10, choices=DeliveryState.choices, blank=True, default="")
    delivery_job = models.ForeignKey("core.Job", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    targeted_count = models.PositiveIntegerField("送达企业数", default=0)
    unknown_count = models.PositiveIntegerField("数据不全未能判断的企业数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "云资讯"
        ordering = ["-published_at", "-id"]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="news_article_feed"),
            models.Index(fields=["department", "status"], name="news_article_dept"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def targeted(self) -> bool:
        return bool(self.rule.strip())

    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.body.replace("\r\n", "\n").split("\n\n") if p.strip()]


class ArticleEvent(models.Model):
    """The article's record: every publish, withdrawal and return to draft, who and when."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="events")
    transition = models.CharField("操作", max_length=20)
    to_status = models.CharField("状态", max_length=12, choices=ArticleStatus.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class Delivery(models.Model):
    """A targeted article delivered to one firm, and the firm's read receipt: the first member who opened it, when."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="deliveries")
    enterprise = models.ForeignKey("enterprises.Enterprise", on_delete=models.CASCADE, related_name="news_deliveries",
                                   verbose_name="企业")
    delivered_at = models.DateTimeField("送达时间")
    read_at = models.DateTimeField("首次阅读时间", null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+", verbose_name="阅读人")

    class Meta:
        verbose_name = verbose_name_plural = "定向送达与阅读回执"
        constraints = [models.UniqueConstraint(fields=["article", "enterprise"], name="uniq_news_delivery")]
        indexes = [models.Index(fields=["enterprise", "article"], name="news_delivery_firm"),
                   models.Index(fields=["article", "read_at", "id"], name="news_delivery_read")]
