"""Every POST of 主动服务's pages: a campaign, assignments, a visit with its needs, turning a need into work, closing
and reopening, station areas, key firms. A refused form shows again with what was typed, errors beside the field."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from gaoxin.accounts.models import OrgKind, OrgUnit
from gaoxin.appeals.models import Category, RequestType
from gaoxin.core.validators import PHONE_PATTERN
from gaoxin.enterprises.forms import FirmField
from gaoxin.enterprises.models import ParkArea
from gaoxin.talent.models import SkillLevel

from .permissions import assignable_staff

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The rule language's own words are shown as code (the demo walk reads text outside <code> as screen text).
RULE_HELP = mark_safe("用惠企政策的条件写法，如 <code>has('专精特新中小企业')</code>、<code>evaluation_tier == 'D'</code>、"
                      "<code>open_appeals >= 1</code>（有在办诉求）、<code>key_firm == True</code>（重点企业）、"
                      "<code>park == '中南智造产业园'</code>，可用 <code>and / or / not</code> 组合。")


class CampaignForm(forms.Form):
    name = forms.CharField(label="活动名称", max_length=80, widget=forms.TextInput(attrs={"placeholder": "如：春风行动·入企走访"}))
    rule = forms.CharField(label="走访对象条件", max_length=2000, help_text=RULE_HELP,
                           widget=forms.Textarea(attrs={"rows": 2}))
    starts_on = forms.DateField(label="开始日期", widget=DATE)
    ends_on = forms.DateField(label="结束日期", widget=DATE)
    description = forms.CharField(label="活动说明", max_length=500, required=False,
                                  widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            self.add_error("ends_on", "结束日期不能早于开始日期")
        return data


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(label="走访人员", queryset=assignable_staff(), required=False,
                                      empty_label="（收回，不分配）")
    targets = forms.CharField(widget=forms.MultipleHiddenInput, required=False)

    def __init__(self, *args, campaign=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.fields["assignee"].label_from_instance = lambda u: f"{u.get_full_name()}（{u.org_unit.short_name or u.org_unit.name if u.org_unit else u.get_role_display()}）"

    def clean_targets(self):
        ids = [int(i) for i in self.data.getlist("targets") if str(i).isdigit()] if hasattr(self.data, "getlist") else []
        if not ids:
            raise ValidationError("请勾选走访对象")
        return self.campaign.targets.filter(pk__in=ids) if self.campaign is not None else []


class VisitForm(forms.Form):
    visited_on = forms.DateField(label="走访日期", widget=DATE)
    people_met = forms.CharField(label="接待人员", max_length=200, widget=forms.TextInput(attrs={"placeholder": "如：总经理 王某、财务主管 李某"}))
    summary = forms.CharField(label="走访情况", max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    needs = forms.CharField(label="发现的需求（每行一条）", required=False, max_length=3000,
                            widget=forms.Textarea(attrs={"rows": 3}),
                            help_text="每条需求登记后可一键转为企业诉求、帮代办或用工需求")
    policies = forms.ModelMultipleChoiceField(label="宣讲的政策", required=False, queryset=None,
                                              widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, policies=None, **kwargs):
        super().__init__(*args, **kwargs)
        from gaoxin.benefits.models import Policy, PolicyStatus

        self.fields["policies"].queryset = policies if policies is not None else \
            Policy.objects.filter(status=PolicyStatus.PUBLISHED).order_by("title")

    def need_lines(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data.get("needs", "").splitlines() if line.strip()]


class NeedActForm(forms.Form):
    """Turning a need into work: the fields of the record it becomes (the step says which are read)."""

    name = forms.CharField(widget=forms.HiddenInput)
    contact_name = forms.CharField(label="企业联系人", max_length=50, required=False)
    contact_phone = forms.RegexField(label="联系电话", regex=PHONE_PATTERN, max_length=20, required=False,
                                     error_messages={"invalid": "请填写正确的手机号或座机号"})
    title = forms.CharField(label="诉求标题", max_length=120, required=False)
    category = forms.ChoiceField(label="诉求类别", choices=Category.choices, initial=Category.OTHER, required=False)
    request_type = forms.ChoiceField(label="诉求类型", choices=RequestType.choices, initial=RequestType.HELP,
                                     required=False)
    post = forms.CharField(label="岗位", max_length=60, required=False)
    quantity = forms.IntegerField(label="需求人数", min_value=1, max_value=10000, required=False)
    skill_level = forms.ChoiceField(label="技能或学历要求", choices=[("", "—")] + SkillLevel.choices, required=False)
    pay_min = forms.IntegerField(label="月薪下限（元）", min_value=0, max_value=1_000_000, required=False)
    pay_max = forms.IntegerField(label="月薪上限（元）", min_value=0, max_value=1_000_000, required=False)
    location = forms.CharField(label="工作地点", max_length=100, required=False)
    reason = forms.CharField(label="解决情况", max_length=300, required=False)

    def params(self) -> dict:
        d = self.cleaned_data
        name = d["name"]
        if name == "TO_APPEAL":
            return {k: d.get(k) for k in ("contact_name", "contact_phone", "title", "category", "request_type")}
        if name == "TO_ORDER":
            return {k: d.get(k) for k in ("contact_name", "contact_phone")}
        if name == "TO_DEMAND":
            return {k: d.get(k) for k in ("post", "quantity", "skill_level", "pay_min", "pay_max", "location")}
        return {}


class CampaignActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="说明", max_length=300, required=False)


class AreaForm(forms.Form):
    park = forms.ModelChoiceField(label="园区", queryset=ParkArea.objects.order_by("name"))
    station = forms.ModelChoiceField(label="驿站", required=False, empty_label="（不由任何驿站服务）",
                                     queryset=OrgUnit.objects.filter(kind=OrgKind.STATION).order_by("sort_order", "name"))


class KeyFirmForm(forms.Form):
    uscc = FirmField()
    reason = forms.CharField(label="列入理由", max_length=200)


class KeyRuleForm(forms.Form):
    rule = forms.CharField(label="筛选条件", max_length=500, help_text=RULE_HELP, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="列入理由", max_length=200)


class KeyRemoveForm(forms.Form):
    reason = forms.CharField(label="移出理由", max_length=200)


class CoachingForm(forms.Form):
    """点对点政策辅导: one policy explained to the firm."""

    policy = forms.ModelChoiceField(label="辅导的政策", queryset=None, empty_label="请选择",
                                    error_messages={"required": "请选择辅导的政策"})
    coached_on = forms.DateField(label="辅导日期", widget=DATE, error_messages={"required": "请填写辅导日期"})
    method = forms.ChoiceField(label="辅导方式", choices=(), widget=forms.RadioSelect,
                               error_messages={"required": "请选择辅导方式"})
    people_met = forms.CharField(label="企业对接人", max_length=100, error_messages={"required": "请填写企业对接人"},
                                 widget=forms.TextInput(attrs={"placeholder": "如：财务总监 王敏"}))
    content = forms.CharField(label="辅导内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": "请填写辅导内容"},
                              help_text="讲解的条件、材料、申报时间，企业的情况与打算")

    def __init__(self, *args, **kwargs):
        from django.utils import timezone

        from gaoxin.benefits.models import Policy, PolicyStatus

        from .models import CoachingMethod

        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = Policy.objects.filter(status=PolicyStatus.PUBLISHED).order_by("title")
        self.fields["method"].choices = CoachingMethod.choices
        self.fields["coached_on"].initial = timezone.localdate()
