"""Input edges of the competitions room; a refused form is shown again with what was typed and the service's error
beside its field."""

from __future__ import annotations

import re

from django import forms

from .models import EditionStatus, StageLevel

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
LEVELS = {label: value for value, label in StageLevel.choices}


def _lines(text: str) -> list[list[str]]:
    """One row per line, its parts split on commas (half or full width) or 、."""
    return [[p.strip() for p in re.split(r"[,，、]", line) if p.strip()] for line in text.splitlines() if line.strip()]


def _count(text: str, line: str) -> int:
    if not text.isdigit():
        raise forms.ValidationError(f"“{line}”中的名额应为整数")
    return int(text)


class EditionForm(forms.Form):
    name = forms.CharField(label="届次名称", max_length=80)
    code = forms.SlugField(label="编码", max_length=30, help_text="英文字母、数字或短横线，如 cxcy-2026")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    organiser = forms.CharField(label="主办单位", max_length=80, required=False)
    registration_closes_on = forms.DateField(label="报名截止日期", required=False, widget=DATE)
    revenue_cap = forms.IntegerField(label="上年营业收入上限（万元）", min_value=1, required=False,
                                     help_text="留空按全区默认（2亿元 = 20000万元）")
    startup_since = forms.DateField(label="初创企业组成立日期起", required=False, widget=DATE,
                                    help_text="留空为上一年 1 月 1 日；此日及以后成立的企业进入初创企业组")
    needs_certificate = forms.BooleanField(label="须持有高新技术企业证书或科技型中小企业入库编号", required=False,
                                           initial=True)
    award_limit = forms.IntegerField(label="每家企业历届获奖次数上限", min_value=1, max_value=10, required=False,
                                     help_text="留空按全区默认（2 次）")
    startup_quota = forms.IntegerField(label="初创企业组推荐名额", min_value=0, required=False)
    growth_quota = forms.IntegerField(label="成长企业组推荐名额", min_value=0, required=False)
    tracks = forms.CharField(label="行业赛道", widget=forms.Textarea(attrs={"rows": 5}),
                             help_text="每行一个，可加名额，如：新材料，5")
    stages = forms.CharField(label="赛程阶段", widget=forms.Textarea(attrs={"rows": 4}), required=False,
                             help_text="每行一个：名称，层级（本区组织/地方赛/全国赛），晋级名额（可空），如：初赛，地方赛，20")
    award_levels = forms.CharField(label="奖项等次", widget=forms.Textarea(attrs={"rows": 3}), required=False,
                                   help_text="每行一个，由高到低，可加名额，如：一等奖，1")

    def clean_tracks(self):
        rows = []
        for parts in _lines(self.cleaned_data["tracks"]):
            line = "，".join(parts)
            rows.append((parts[0][:40], _count(parts[1], line) if len(parts) > 1 else None))
        if not rows:
            raise forms.ValidationError("请至少填写一个行业赛道")
        return rows

    def clean_stages(self):
        rows = []
        for parts in _lines(self.cleaned_data["stages"]):
            line = "，".join(parts)
            level = LEVELS.get(parts[1]) if len(parts) > 1 else StageLevel.LOCAL
            if level is None:
                raise forms.ValidationError(f"“{line}”的层级应为本区组织、地方赛或全国赛")
            rows.append((parts[0][:40], level, _count(parts[2], line) if len(parts) > 2 else None))
        return rows

    def clean_award_levels(self):
        rows = []
        for parts in _lines(self.cleaned_data["award_levels"]):
            line = "，".join(parts)
            rows.append((parts[0][:40], _count(parts[1], line) if len(parts) > 1 else None))
        return rows


class RulesForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=EditionStatus.choices)
    registration_closes_on = forms.DateField(label="报名截止日期", required=False, widget=DATE)
    revenue_cap = forms.IntegerField(label="上年营业收入上限（万元）", min_value=1)
    startup_since = forms.DateField(label="初创企业组成立日期起", widget=DATE)
    needs_certificate = forms.BooleanField(label="须持有高新技术企业证书或科技型中小企业入库编号", required=False)
    award_limit = forms.IntegerField(label="每家企业历届获奖次数上限", min_value=1, max_value=10)
    startup_quota = forms.IntegerField(label="初创企业组推荐名额", min_value=0, required=False)
    growth_quota = forms.IntegerField(label="成长企业组推荐名额", min_value=0, required=False)


class TrackForm(forms.Form):
    name = forms.CharField(label="行业赛道", max_length=40)
    quota = forms.IntegerField(label="推荐名额", min_value=0, required=False)


class StageForm(forms.Form):
    name = forms.CharField(label="阶段", max_length=40)
    level = forms.ChoiceField(label="层级", choices=StageLevel.choices)
    starts_on = forms.DateField(label="开始日期", required=False, widget=DATE)
    advance = forms.IntegerField(label="晋级名额", min_value=0, required=False)


class AwardLevelForm(forms.Form):
    name = forms.CharField(label="奖项", max_length=40)
    count = forms.IntegerField(label="名额", min_value=0, required=False)
    top500 = forms.BooleanField(label="计入“创客中国”全国500强", required=False,
                                help_text="获此奖项即进入全国500强企业组名单：记入企业画像，作为专精特新、小巨人认定的直通条件")


class FirmIdsField(forms.MultipleChoiceField):
    """The firms ticked in the candidate list (ids; the service checks each)."""

    def valid_value(self, value) -> bool:
        return str(value).isdigit()


class InviteForm(forms.Form):
    enterprises = FirmIdsField(label="邀请企业", error_messages={"required": "请勾选要邀请的企业"})


class RegistrationActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    track = forms.ModelChoiceField(label="行业赛道", queryset=None, required=False, empty_label="请选择")
    project = forms.CharField(label="参赛项目名称", max_length=100, required=False)
    reason = forms.CharField(label="原因或说明", max_length=300, required=False)

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].queryset = edition.tracks.all()


class ScoreForm(forms.Form):
    """One field per criterion of the round's rubric."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        for c in criteria:
            top = f"{c.max_score.normalize():f}"
            self.fields[c.code] = forms.DecimalField(
                label=f"{c.label}（满分 {top}，权重 {(c.weight * 100).normalize():f}%）",
                min_value=0, max_value=c.max_score, decimal_places=2,
                error_messages={"required": f"请填写“{c.label}”的评分", "max_value": f"“{c.label}”最高 {top} 分",
                                "min_value": f"“{c.label}”的评分不能为负数", "invalid": "请填写数字",
                                "max_decimal_places": "评分最多保留两位小数"})


class StepForm(forms.Form):
    """A workflow step's POST: its name and the reason or note it may need."""

    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因或说明", max_length=500, required=False)


class ObjectionForm(forms.Form):
    result = forms.TypedChoiceField(label="异议对象", coerce=int, choices=(), empty_value=None,
                                    error_messages={"required": "请选择异议对象"})
    reason = forms.CharField(label="异议内容和理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             error_messages={"required": "请写明异议内容和理由"})
    contact = forms.CharField(label="联系方式（选填）", max_length=60, required=False)

    def __init__(self, *args, results, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["result"].choices = [("", "请选择")] + [
            (r.pk, f"第{r.rank}名 {r.registration.enterprise.name}") for r in results if not r.excluded]


class AwardForm(forms.Form):
    level = forms.ModelChoiceField(label="奖项", queryset=None, empty_label="请选择",
                                   error_messages={"required": "请选择奖项"})
    stage = forms.ModelChoiceField(label="获奖阶段（选填）", queryset=None, required=False, empty_label="—")
    awarded_on = forms.DateField(label="获奖日期", widget=DATE, error_messages={"required": "请填写获奖日期"})

    def __init__(self, *args, edition, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = edition.award_levels.all()
        self.fields["stage"].queryset = edition.stages.all()


class FollowUpForm(forms.Form):
    investor_contacts = forms.IntegerField(label="对接投资机构（家）", min_value=0,
                                           error_messages={"required": "请填写对接的投资机构家数（没有填 0）"})
    investors = forms.CharField(label="投资机构名称（选填）", max_length=300, required=False)
    financing = forms.DecimalField(label="本期新增融资（万元）", min_value=0, max_digits=12, decimal_places=2,
                                   error_messages={"required": "请填写本期新增融资金额（万元，没有填 0）"})
    note = forms.CharField(label="说明（选填）", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))


class RoundForm(forms.Form):
    """A zone round: its rubric one criterion a line (名称，权重%，满分); each criterion gets an internal code (c1, c2,
    …) nobody types. Ties: the chosen order, then the registration order."""

    TIE_BREAKS = [("first", "先比较第一项评分指标的平均分，仍相同的按报名先后"), ("key", "按报名先后")]

    name = forms.CharField(label="评审轮次名称", max_length=60)
    method = forms.ChoiceField(label="标准化方法", choices=())
    judges_per_entry = forms.IntegerField(label="每个项目的评委人数", min_value=1, max_value=15, initial=3)
    technical = forms.IntegerField(label="其中技术专家至少", min_value=0, required=False, initial=1)
    investment = forms.IntegerField(label="其中投资专家至少", min_value=0, required=False, initial=2)
    industry = forms.IntegerField(label="其中产业专家至少", min_value=0, required=False)
    blind = forms.BooleanField(label="匿名评审（评委看不到企业名称）", required=False)
    criteria = forms.CharField(
        label="评分细则", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="每行一项：名称，权重%，满分。如：技术创新性，40，100（权重之和为 100）")
    tie_break = forms.ChoiceField(label="同分排序", choices=TIE_BREAKS, initial="first", widget=forms.RadioSelect)
    service_fields = {"mix": "technical"}

    def __init__(self, *args, **kwargs):
        from .models import Normalisation

        super().__init__(*args, **kwargs)
        self.fields["method"].choices = Normalisation.choices

    def clean_criteria(self):
        from decimal import Decimal, InvalidOperation

        rows = []
        for n, parts in enumerate(_lines(self.cleaned_data["criteria"]), start=1):
            line = "，".join(parts)
            if len(parts) != 3:
                raise forms.ValidationError(f"“{line}”应为：名称，权重%，满分（如：技术创新性，40，100）")
            label, weight, top = parts
            try:
                rows.append((f"c{n}", label[:40], Decimal(weight) / 100, Decimal(top)))
            except InvalidOperation:
                raise forms.ValidationError(f"“{line}”的权重和满分应为数字") from None
        if not rows:
            raise forms.ValidationError("请至少填写一项评分指标")
        if len({label for _code, label, _w, _t in rows}) != len(rows):
            raise forms.ValidationError("评分指标的名称不能重复")
        return rows

    def service_values(self) -> dict:
        data = dict(self.cleaned_data)
        mix = {k: data.pop(k) for k in ("technical", "investment", "industry")}
        data["mix"] = {k: n for k, n in mix.items() if n}
        first = data["criteria"][0][0] if data.get("criteria") else None
        data["tie_break"] = f"{first} desc, key asc" if data["tie_break"] == "first" and first else "key asc"
        return data


class JudgeForm(forms.Form):
    user = forms.ModelChoiceField(label="评委", queryset=None, empty_label="请选择",
                                  error_messages={"required": "请选择评委"})
    kind = forms.ChoiceField(label="评委类别", choices=())
    employer = forms.CharField(label="任职单位统一社会信用代码（选填）", max_length=18, required=False,
                               help_text="评委任职于园区企业的，填写该企业的统一社会信用代码，系统据此自动回避")
    declared = forms.CharField(label="申报的关联企业（选填）", required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="评委持股、任职或有其他利害关系的企业，每行一个统一社会信用代码")

    def __init__(self, *args, **kwargs):
        from gaoxin.accounts.models import Role, User

        from .models import JudgeKind

        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(
            is_active=True, role__in=[Role.DEPT_OFFICER, Role.LEADER, Role.ZONE_ADMIN]).select_related("org_unit").order_by(
            "full_name", "pk")
        self.fields["user"].label_from_instance = lambda u: f"{u.get_full_name()}（{u.org_unit.name if u.org_unit_id else '管委会'}）"
        self.fields["kind"].choices = JudgeKind.choices

    def _firm(self, code: str):
        from gaoxin.enterprises.models import Enterprise

        firm = Enterprise.objects.filter(uscc=code.strip().upper()).first()
        if firm is None:
            raise forms.ValidationError(f"企业档案中没有统一社会信用代码为 {code.strip()} 的企业")
        return firm

    def clean_employer(self):
        code = self.cleaned_data["employer"].strip()
        return self._firm(code) if code else None

    def clean_declared(self):
        return [self._firm(code) for code in self.cleaned_data["declared"].split() if code.strip()]


class NoticeForm(forms.Form):
    title = forms.CharField(label="标题", max_length=80)
    body = forms.CharField(label="内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
    audience = forms.ChoiceField(label="发送范围", choices=())
    track = forms.ModelChoiceField(label="行业赛道（选填）", queryset=None, required=False, empty_label="全部赛道")

    def __init__(self, *args, edition, **kwargs):
        from .models import Audience

        super().__init__(*args, **kwargs)
        self.fields["audience"].choices = Audience.choices
        self.fields["track"].queryset = edition.tracks.all()


class SessionForm(forms.Form):
    kind = forms.ChoiceField(label="类别", choices=())
    title = forms.CharField(label="名称", max_length=80)
    held_on = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="地点", max_length=100, required=False)
    experts = forms.CharField(label="辅导专家", max_length=200, required=False)
    pitch_minutes = forms.IntegerField(label="路演陈述（分钟）", min_value=1, max_value=60, initial=8)
    qa_minutes = forms.IntegerField(label="答辩提问（分钟）", min_value=1, max_value=60, initial=7)
    participants = forms.ModelMultipleChoiceField(label="参加企业", queryset=None, required=False,
                                                  widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, edition, **kwargs):
        from .models import RegistrationStatus, SessionKind

        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = SessionKind.choices
        self.fields["participants"].queryset = edition.registrations.filter(
            status__in=[RegistrationStatus.REGISTERED, RegistrationStatus.CHECKED]).select_related(
            "enterprise").order_by("enterprise__name", "pk")
        self.fields["participants"].label_from_instance = lambda r: r.enterprise.name


class FeedbackForm(forms.Form):
    registration = forms.ModelChoiceField(label="参赛企业", queryset=None, empty_label="请选择",
                                          error_messages={"required": "请选择企业"})
    expert = forms.CharField(label="专家", max_length=40)
    strengths = forms.CharField(label="亮点", max_length=500, required=False)
    improvements = forms.CharField(label="改进建议", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, session, **kwargs):
        from .models import FEEDBACK_ASPECTS

        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = session.participants.select_related("enterprise").order_by(
            "enterprise__name", "pk")
        self.fields["registration"].label_from_instance = lambda r: r.enterprise.name
        for code, label in FEEDBACK_ASPECTS:
            self.fields[code] = forms.TypedChoiceField(label=f"{label}（1–5 分）", coerce=int,
                                                       choices=[("", "请选择")] + [(n, n) for n in range(5, 0, -1)])
        # The aspects before the texts.
        order = ["registration", "expert", *(c for c, _ in FEEDBACK_ASPECTS), "strengths", "improvements"]
        self.order_fields(order)

    def service_values(self) -> dict:
        from .models import FEEDBACK_ASPECTS

        data = dict(self.cleaned_data)
        data["marks"] = {c: data.pop(c) for c, _ in FEEDBACK_ASPECTS}
        return data
