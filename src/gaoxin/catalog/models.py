"""The service catalogue (事项清单): items with versioned implementation lists, situations,
materials, the hall's zones and windows, and bundles (一件事一次办). specs/services.md §2–4, §8."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models


def validate_item_code(value: str) -> None:
    # The code layout differs per province (services.md §3.3): a per-deployment pattern.
    RegexValidator(settings.GAOXIN_ITEM_CODE_REGEX, "实施编码格式不正确")(value)


class ServiceZone(models.Model):
    """A zone of the hall: 企业开办, 工程建设, 综合服务."""

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("专区名称", max_length=30, unique=True)
    description = models.CharField("说明", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "服务专区"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A topic for finding items: 企业开办, 项目建设, 人才, 社保, ..."""

    code = models.SlugField("编码", max_length=30, unique=True)
    name = models.CharField("主题", max_length=30, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "主题"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class ItemStatus(models.TextChoices):
    DRAFT = "draft", "未发布"
    PUBLISHED = "published", "已发布"
    SUSPENDED = "suspended", "暂停"
    CANCELLED = "cancelled", "取消"


class ServiceItem(models.Model):
    """The stable identity of an item. Its content lives in versions; the QR code and the
    guide URL use `implementation_code`, so printed posters survive updates."""

    implementation_code = models.CharField("实施编码", max_length=40, unique=True, validators=[validate_item_code])
    department = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="service_items", verbose_name="实施部门",
    )
    zone = models.ForeignKey(ServiceZone, on_delete=models.PROTECT, related_name="items", verbose_name="专区")
    themes = models.ManyToManyField(Theme, related_name="items", blank=True, verbose_name="主题")
    status = models.CharField("状态", max_length=12, choices=ItemStatus.choices, default=ItemStatus.DRAFT)
    current_version = models.OneToOneField(
        "ItemVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="现行版本",
    )
    # Denormalised from the current (or first draft) version for listing and search.
    name = models.CharField("事项名称", max_length=120)
    # Everyday words people search with (社保, 营业执照, 刻章): search metadata of the item, not
    # guide content, so changing them publishes no new guide version.
    keywords = models.CharField("检索关键词", max_length=300, blank=True,
                                help_text="群众常用的叫法、简称，用“、”分隔，如：社保、参保")
    # Name, keywords, their pinyin (full and initials) and the code; rebuilt by the services.
    search_text = models.TextField("检索文本", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "政务服务事项"
        ordering = ["zone__sort_order", "implementation_code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == ItemStatus.PUBLISHED and self.current_version_id is not None

    def keyword_list(self) -> list[str]:
        return [k for k in self.keywords.split("、") if k]


class ItemEvent(models.Model):
    """An item's status record: one row per transition of its workflow (publishing a version, suspending,
    resuming, cancelling), with who, when, the version published and the reason given."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="events", verbose_name="事项")
    transition = models.CharField("操作", max_length=20)
    from_status = models.CharField("原状态", max_length=12, choices=ItemStatus.choices)
    to_status = models.CharField("新状态", max_length=12, choices=ItemStatus.choices)
    version = models.PositiveIntegerField("版本号", null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name="操作人")
    actor_repr = models.CharField("操作人", max_length=150, blank=True)
    note = models.CharField("原因", max_length=200, blank=True)
    at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项状态记录"
        ordering = ["at", "id"]


class ItemType(models.TextChoices):
    LICENSING = "licensing", "行政许可"
    CONFIRMATION = "confirmation", "行政确认"
    RULING = "ruling", "行政裁决"
    PAYMENT = "payment", "行政给付"
    REWARD = "reward", "行政奖励"
    FILING = "filing", "行政备案"
    OTHER_POWER = "other_power", "其他行政权力"
    PUBLIC_SERVICE = "public_service", "公共服务"


class CaseType(models.TextChoices):
    IMMEDIATE = "immediate", "即办件"
    PROMISED = "promised", "承诺件"


class LimitUnit(models.TextChoices):
    WORKING = "W", "工作日"
    NATURAL = "N", "自然日"


class Channel(models.TextChoices):
    WINDOW = "window", "窗口办理"
    WEB = "web", "网上办理"
    MOBILE = "mobile", "掌上办理"
    KIOSK = "kiosk", "自助终端（智能微厅）"
    STATION = "station", "政务服务驿站"
    PROXY = "proxy", "帮代办"


class ServiceObject(models.TextChoices):
    LEGAL = "legal", "法人"
    NATURAL = "natural", "自然人"
    BOTH = "both", "法人、自然人"


class OnlineDepth(models.IntegerChoices):
    NONE = 0, "不支持网办"
    INFO = 1, "一级：网上咨询"
    FORMS = 2, "二级：表格下载"
    PRECHECK = 3, "三级：网上预审"
    FULL = 4, "四级：全程网办"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PUBLISHED = "published", "现行"
    SUPERSEDED = "superseded", "已被替代"


class ItemVersion(models.Model):
    """One version of an item's implementation list (办事指南). A case keeps the version it
    was filed under; publishing a change creates a new version (services.md §3.1)."""

    item = models.ForeignKey(ServiceItem, on_delete=models.CASCADE, related_name="versions", verbose_name="事项")
    number = models.PositiveIntegerField("版本号")
    status = models.CharField("状态", max_length=12, choices=VersionStatus.choices, default=VersionStatus.DRAFT)
    name = models.CharField("事项名称", max_length=120)
    basic_code = models.CharField("基本编码", max_length=40, blank=True)
    item_type = models.CharField("事项类型", max_length=20, choices=ItemType.choices)
    service_object = models.CharField("服务对象", max_length=10, choices=ServiceObject.choices, default=ServiceObject.LEGAL)
    legal_basis = models.TextField("设定和实施依据", blank=True)
    conditions = models.TextField("受理条件", blank=True)
    case_type = models.CharField("办件类型", max_length=10, choices=CaseType.choices)
    statutory_limit = models.PositiveIntegerField("法定办结时限")
    statutory_unit = models.CharField("法定时限单位", max_length=1, choices=LimitUnit.choices, default=LimitUnit.WORKING)
    promised_limit = models.PositiveIntegerField("承诺办结时限")
    promised_unit = models.CharField("承诺时限单位", max_length=1, choices=LimitUnit.choices, default=LimitUnit.WORKING)
    promise_note = models.CharField("承诺期限说明", max_length=200, blank=True)
    fee_charged = models.BooleanField("是否收费", default=False)
    fee_basis = models.CharField("收费依据及标准", max_length=300, blank=True)
    channels = models.JSONField("办理渠道", default=list)
    visits = models.PositiveSmallIntegerField("到现场次数", default=1)
    visit_reason = models.CharField("必须到现场原因", max_length=200, blank=True)
    online_depth = models.PositiveSmallIntegerField("网办深度", choices=OnlineDepth.choices, default=OnlineDepth.NONE)
    online_url = models.URLField("网上申请链接", blank=True)
    tolerance_allowed = models.BooleanField("支持容缺受理", default=False)
    commitment_allowed = models.BooleanField("支持告知承诺", default=False)
    process = models.TextField("办理流程", blank=True, help_text="每行一个步骤")
    location = models.CharField("办理地点", max_length=200, blank=True)
    office_hours = models.CharField("办理时间", max_length=200, blank=True)
    result_name = models.CharField("审批结果", max_length=120, blank=True)
    delivery = models.CharField("结果送达方式", max_length=120, blank=True)
    consult = models.CharField("咨询方式", max_length=200, blank=True)
    complain = models.CharField("监督投诉方式", max_length=200, blank=True)
    faq = models.TextField("常见问题", blank=True, help_text="“问：”与“答：”开头的行")
    content_hash = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    published_at = models.DateTimeField("发布时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "事项版本"
        ordering = ["item_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="uniq_item_version"),
            models.UniqueConstraint(fields=["item"], condition=models.Q(status="draft"), name="one_draft_per_item"),
        ]

    def __str__(self) -> str:
        return f"{self.name}（第{self.number}版）"

    def channel_labels(self) -> list[str]:
        return [Channel(c).label for c in self.channels if c in Channel.values]

    @property
    def kiosk(self) -> bool:
        return Channel.KIOSK in self.channels

    def process_steps(self) -> list[str]:
        return [line.strip() for line in self.process.splitlines() if line.strip()]

    def faq_pairs(self) -> list[tuple[str, str]]:
        pairs, question = [], None
        for line in self.faq.splitlines():
            line = line.strip()
            if line.startswith("问："):
                question = line[2:]
            elif line.startswith("答：") and question is not None:
                pairs.append((question, line[2:]))
                question = None
        return pairs


class Situation(models.Model):
    """A 办理情形: the applicant's case that selects which materials are needed."""

    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="situations")
    name = models.CharField("情形", max_length=100)
    description = models.CharField("说明", max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "办理情形"
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "name"], name="uniq_situation_name")]

    def __str__(self) -> str:
        return self.name


class Necessity(models.TextChoices):
    REQUIRED = "required", "必要"
    OPTIONAL = "optional", "非必要"
    TOLERANCE = "tolerance", "容缺"


class MaterialForm(models.TextChoices):
    PAPER = "paper", "纸质"
    ELECTRONIC = "electronic", "电子"
    BOTH = "both", "纸质、电子"


class MaterialSource(models.TextChoices):
    APPLICANT = "applicant", "申请人自备"
    GOVERNMENT = "government", "政府部门核发"
    OTHER = "other", "其他"


def _material_upload(instance, filename):
    return f"catalog/{instance.version.item.implementation_code}/v{instance.version.number}/{filename}"


class Material(models.Model):
    version = models.ForeignKey(ItemVersion, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField("材料名称", max_length=150)
    necessity = models.CharField("必要性", max_length=10, choices=Necessity.choices, default=Necessity.REQUIRED)
    originals = models.PositiveSmallIntegerField("原件数", default=1)
    copies = models.PositiveSmallIntegerField("复印件数", default=0)
    form = models.CharField("材料形式", max_length=10, choices=MaterialForm.choices, default=MaterialForm.BOTH)
    source = models.CharField("来源", max_length=12, choices=MaterialSource.choices, default=MaterialSource.APPLICANT)
    spec = models.CharField("规格", max_length=50, blank=True, default="A4")
    notes = models.CharField("填报须知", max_length=300, blank=True)
    blank_form = models.FileField("空白表格", upload_to=_material_upload, blank=True)
    sample_form = models.FileField("示范样表", upload_to=_material_upload, blank=True)
    situations = models.ManyToManyField(Situation, blank=True, related_name="materials", verbose_name="适用情形")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "申请材料"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Window(models.Model):
    """A window of the hall: 综窗 (any item of its zone) or 专窗 (listed items)."""

    class Kind(models.TextChoices):
        GENERAL = "general", "综合窗口"
        SPECIALIST = "specialist", "专业窗口"

    zone = models.ForeignKey(ServiceZone, on_delete=models.PROTECT, related_name="windows", verbose_name="专区")
    number = models.CharField("窗口号", max_length=10)
    name = models.CharField("窗口名称", max_length=60)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    items = models.ManyToManyField(ServiceItem, blank=True, related_name="windows", verbose_name="受理事项")

    class Meta:
        verbose_name = verbose_name_plural = "窗口"
        ordering = ["zone__sort_order", "number"]
        constraints = [models.UniqueConstraint(fields=["zone", "number"], name="uniq_window_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.name}"


class Bundle(models.Model):
    """一件事一次办: items of several departments applied for together with shared
    materials and one form; the lead department coordinates (services.md §8)."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("一件事名称", max_length=60, unique=True)
    description = models.TextField("说明", blank=True)
    zone = models.ForeignKey(ServiceZone, on_delete=models.PROTECT, related_name="bundles", verbose_name="专区")
    lead_department = models.ForeignKey(
        "accounts.OrgUnit", on_delete=models.PROTECT, related_name="led_bundles", verbose_name="牵头部门",
    )
    items = models.ManyToManyField(ServiceItem, through="BundleItem", related_name="bundles", verbose_name="包含事项")
    shared_materials = models.TextField("共享材料", blank=True, help_text="每行一种材料，一次提交、各部门共用")
    form = models.FileField("一表申请", upload_to="catalog/bundles/", blank=True)
    promised_limit = models.PositiveIntegerField("承诺办结时限（工作日）")
    is_published = models.BooleanField("已发布", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "一件事"
        ordering = ["zone__sort_order", "code"]

    def __str__(self) -> str:
        return self.name

    def shared_material_list(self) -> list[str]:
        return [line.strip() for line in self.shared_materials.splitlines() if line.strip()]


class BundleItem(models.Model):
    bundle = models.ForeignKey(Bundle, on_delete=models.CASCADE)
    item = models.ForeignKey(ServiceItem, on_delete=models.PROTECT)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]
        constraints = [models.UniqueConstraint(fields=["bundle", "item"], name="uniq_bundle_item")]


class SearchSynonym(models.Model):
    """A zone-kept entry of the guide search's synonym list (近义词/俗称): a word people type
    and the catalogue's words it stands for, e.g. 社保 → 社会保险. Queries are expanded with it."""

    word = models.CharField("俗称", max_length=30, unique=True)
    meanings = models.CharField("对应的规范用语", max_length=200, help_text="多个用“、”分隔")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "检索近义词"
        ordering = ["word"]

    def __str__(self) -> str:
        return f"{self.word} → {self.meanings}"

    def meaning_list(self) -> list[str]:
        return [m for m in self.meanings.split("、") if m]
