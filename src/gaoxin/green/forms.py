"""The green room's forms, shared by the pages (errors beside the field, what was typed kept)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from gaoxin.enterprises.forms import FirmField

from .models import LabelKind, LabelLevel, LabelStatus


class LabelFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=60,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称、统一社会信用代码或称号名称", "type": "search"}))
    kind = forms.ChoiceField(label="称号类别", required=False, choices=[("", "全部类别")] + LabelKind.choices)
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部级别")] + LabelLevel.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + LabelStatus.choices)


class LabelForm(forms.Form):
    enterprise = FirmField()
    kind = forms.ChoiceField(label="称号类别", choices=LabelKind.choices)
    level = forms.ChoiceField(label="级别", choices=LabelLevel.choices,
                              help_text="绿色工厂等：国家级、省级、市级；智能工厂：基础级、先进级、卓越级、领航级；示范智能车间：省级或市级")
    title = forms.CharField(label="名称", required=False, max_length=100,
                            help_text="如“示范智能车间”、车间名称或绿色设计产品的产品名称（可不填）")
    year = forms.IntegerField(label="认定年度", min_value=2000, max_value=2100)
    valid_to = forms.DateField(label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.CharField(label="认定文件", required=False, max_length=100, help_text="文号或名单名称")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class LabelActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因或复核意见", max_length=300, required=False)


class CarbonFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=60,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称或统一社会信用代码", "type": "search"}))
    grade = forms.ChoiceField(label="碳效等级", required=False, choices=[("", "全部等级")])
    industry = forms.CharField(label="行业大类代码", required=False, max_length=4)

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "全部等级")] + list(grades)
