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
            self.fields[c.code] = forms.DecimalField(
                label=f"{c.label}（满分 {c.max_score.normalize():f}，权重 {(c.weight * 100).normalize():f}%）",
                min_value=0, max_value=c.max_score, decimal_places=2)
