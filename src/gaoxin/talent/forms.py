from __future__ import annotations

from django import forms
from django.utils import timezone

from gaoxin.core.validators import PHONE_PATTERN
from gaoxin.enterprises.forms import FirmField

from .models import AgreementKind, DemandStatus, EventKind, JobDemand, School, SkillLevel, Urgency

PHONE_ERROR = {"invalid": "请填写正确的手机号码"}


def _date(label: str, **kw):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kw)


def _firm_choice(form: forms.Form, firms) -> None:
    """An enterprise user picks one of its firms; staff name the firm by its USCC."""
    if firms is not None:
        form.fields["uscc"] = FirmField(firms=firms, label="企业",
                                        widget=forms.Select(choices=[(f.uscc, f.name) for f in firms]))


class DemandForm(forms.Form):
    uscc = FirmField()
    post = forms.CharField(label="岗位", max_length=60)
    quantity = forms.IntegerField(label="需求人数", min_value=1, max_value=10_000)
    skill_level = forms.ChoiceField(label="技能或学历要求", choices=SkillLevel.choices)
    pay_min = forms.IntegerField(label="月薪下限（元）", min_value=0, max_value=1_000_000)
    pay_max = forms.IntegerField(label="月薪上限（元）", min_value=0, max_value=1_000_000)
    urgency = forms.TypedChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL, required=False,
                                     empty_value=Urgency.NORMAL)
    location = forms.CharField(label="工作地点", max_length=100)
    description = forms.CharField(label="岗位说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        _firm_choice(self, firms)

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        return {"enterprise": d.pop("uscc"), **d}


class HireForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18)
    phone = forms.RegexField(label="手机号码", regex=PHONE_PATTERN, max_length=20, required=False,
                             error_messages=PHONE_ERROR)
    hired_on = _date("到岗日期", initial=timezone.localdate)
    event = forms.ModelChoiceField(label="来自对接活动", queryset=None, required=False, empty_label="（无）")

    def __init__(self, *args, demand: JobDemand, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event"].queryset = demand.enterprise.match_events.order_by("-held_on")


class ActForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=300, required=False)
    left_on = _date("离职日期", required=False)


class EventForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=120)
    kind = forms.ChoiceField(label="类型", choices=EventKind.choices)
    held_on = _date("举办日期")
    place = forms.CharField(label="地点", max_length=120)
    programme = forms.CharField(label="活动议程", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5}))


class RegisterForm(forms.Form):
    uscc = FirmField(label="参会企业统一社会信用代码", required=False)
    school = forms.ModelChoiceField(label="参会院校", queryset=School.objects.all(), required=False, empty_label="（不选）")
    demands = forms.ModelMultipleChoiceField(label="提供的岗位", queryset=JobDemand.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        _firm_choice(self, firms)
        live = JobDemand.objects.filter(status__in=[DemandStatus.OPEN, DemandStatus.PARTLY_FILLED])
        if firms is not None:
            live = live.filter(enterprise__in=firms)
            del self.fields["school"]
        self.fields["demands"].queryset = live.select_related("enterprise").order_by("enterprise__name", "post")
        self.fields["demands"].label_from_instance = lambda d: f"{d.enterprise.name}：{d.post}（{d.quantity}人）"

    def clean(self):
        data = super().clean()
        if not data.get("uscc") and not data.get("school") and not self.errors:
            raise forms.ValidationError("请填写参会企业或选择参会院校")
        return data


class CheckInForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.RegexField(label="手机号码", regex=PHONE_PATTERN, max_length=20, error_messages=PHONE_ERROR)
    school = forms.CharField(label="毕业院校或原单位", max_length=100, required=False)
    major = forms.CharField(label="专业或工种", max_length=60, required=False)
    resume = forms.FileField(label="简历（可选，PDF、Word 或图片）", required=False)


class IntentForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=None)
    person = forms.CharField(label="求职者姓名", max_length=50)
    demand = forms.ModelChoiceField(label="岗位", queryset=None, required=False, empty_label="（未指定）")
    signed_on = _date("签约日期", required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = event.firms.order_by("name")
        self.fields["demand"].queryset = event.demands.select_related("enterprise")
        self.fields["demand"].label_from_instance = lambda d: f"{d.enterprise.name}：{d.post}"


class AgreementForm(forms.Form):
    school = forms.ModelChoiceField(label="院校", queryset=School.objects.all())
    uscc = FirmField()
    kind = forms.ChoiceField(label="合作类型", choices=AgreementKind.choices)
    title = forms.CharField(label="协议名称", max_length=120)
    places = forms.IntegerField(label="计划人数", min_value=0, max_value=100_000, initial=0)
    signed_on = _date("签订日期")
    expires_on = _date("到期日期")

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        return {"enterprise": d.pop("uscc"), **d}


class ActivityForm(forms.Form):
    held_on = _date("日期", initial=timezone.localdate)
    note = forms.CharField(label="内容（如实习生进厂、联合授课、订单班开班）", max_length=300)
    people = forms.IntegerField(label="人数", min_value=0, max_value=100_000, initial=0)


class DemandFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"type": "search",
                                                                                 "placeholder": "岗位或企业名称"}))
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + DemandStatus.choices)
