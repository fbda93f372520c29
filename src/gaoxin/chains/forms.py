"""Input edges of the industry-chain room: every POST of its pages; a refused form is shown again with what was
typed and the service's error beside its field."""

from __future__ import annotations

from django import forms

from gaoxin.accounts.models import OrgKind, OrgUnit
from gaoxin.enterprises.forms import FirmField
from gaoxin.enterprises.models import Industry

from . import permissions as perms
from .models import ChainNode, ContactChannel, MemberRole, Segment, TargetStatus


class _Picker(forms.ModelChoiceField):
    """A picker whose empty choice reads 请选择 (not Django's dashes), unless the field names its own."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("empty_label", "请选择")
        super().__init__(*args, **kwargs)


class UserChoiceField(_Picker):
    def label_from_instance(self, obj) -> str:
        unit = obj.org_unit.short_name if obj.org_unit_id else ""
        return f"{obj.get_full_name()}（{unit}）" if unit else obj.get_full_name()


class ChainForm(forms.Form):
    name = forms.CharField(label="产业链名称", max_length=60)
    code = forms.SlugField(label="编码", max_length=30, help_text="英文字母、数字或短横线，如 new-energy")
    description = forms.CharField(label="简介", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    chief = UserChoiceField(label="链长", queryset=perms.chief_candidates().select_related("org_unit"),
                            required=False, empty_label="暂不指定")


class ChiefForm(forms.Form):
    chief = UserChoiceField(label="链长", queryset=perms.chief_candidates().select_related("org_unit"),
                            required=False, empty_label="暂不指定")


class NodeForm(forms.Form):
    segment = forms.ChoiceField(label="环节", choices=Segment.choices)
    name = forms.CharField(label="节点名称", max_length=60)
    industries = forms.ModelMultipleChoiceField(label="国民经济行业（大类）", queryset=Industry.objects.all(),
                                                required=False, widget=forms.SelectMultiple(attrs={"size": 6}))
    industry_codes = forms.CharField(label="细分行业代码", max_length=120, required=False,
                                     help_text=ChainNode._meta.get_field("industry_codes").help_text)
    keywords = forms.CharField(label="产品关键词", max_length=200, required=False,
                               help_text=ChainNode._meta.get_field("keywords").help_text)
    sort_order = forms.IntegerField(label="排序", min_value=0, max_value=999, initial=0, required=False)

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class TaskForceForm(forms.Form):
    user = UserChoiceField(label="专班成员", queryset=perms.taskforce_candidates().select_related("org_unit"))
    duty = forms.CharField(label="专班职责", max_length=60, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)


class MemberForm(forms.Form):
    node = forms.ModelChoiceField(label="节点", queryset=ChainNode.objects.none())
    enterprise = FirmField()
    role = forms.ChoiceField(label="链上角色", choices=MemberRole.choices)

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = chain.nodes.all()


class MembershipActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因", max_length=300, required=False)
    role = forms.ChoiceField(label="链上角色", choices=[("", "不变")] + MemberRole.choices, required=False)


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=100)
    held_on = forms.DateField(label="会议日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    minutes = forms.CharField(label="会议纪要", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(forms.Form):
    """One decision of the meeting; a row left empty is ignored."""

    title = forms.CharField(label="任务", max_length=200, required=False)
    # the zone's own units: not a service station, not a partner bank
    owner_unit = forms.ModelChoiceField(label="责任单位",
                                        queryset=OrgUnit.objects.exclude(kind__in=[OrgKind.STATION, OrgKind.BANK]),
                                        required=False, empty_label="—")
    owner_user = UserChoiceField(label="责任人", queryset=perms.taskforce_candidates().select_related("org_unit"),
                                 required=False, empty_label="—")
    workdays = forms.IntegerField(label="办理时限（工作日）", min_value=1, max_value=250, required=False,
                                  error_messages={"min_value": "办理时限至少为 1 个工作日", "max_value": "办理时限不能超过 250 个工作日"})

    def clean(self):
        data = super().clean()
        if data.get("title") and not data.get("workdays") and "workdays" not in self.errors:  # not typed at all
            self.add_error("workdays", "请填写办理时限")
        if data.get("title") and not (data.get("owner_unit") or data.get("owner_user")):
            self.add_error("owner_unit", "请填写责任单位或责任人")
        return data


ActionFormSet = forms.formset_factory(ActionForm, extra=3, max_num=10)


class NoteForm(forms.Form):
    note = forms.CharField(label="进展情况", max_length=500)


class ActionActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="办结情况或说明", max_length=300, required=False)


class NodeChoiceField(_Picker):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class TargetForm(forms.Form):
    node = NodeChoiceField(label="节点", queryset=ChainNode.objects.none(), help_text="多为本区尚无企业的补链节点")
    name = forms.CharField(label="目标企业名称", max_length=100)
    uscc = forms.CharField(label="统一社会信用代码", max_length=30, required=False, help_text="已知时填写")
    region = forms.CharField(label="所在地区", max_length=60, help_text="如 江苏省苏州市")
    contact_name = forms.CharField(label="联系人", max_length=50, required=False)
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = chain.nodes.all()


class TargetFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", choices=[("", "全部状态")] + TargetStatus.choices, required=False)
    node = NodeChoiceField(label="节点", queryset=ChainNode.objects.none(), required=False, empty_label="全部节点")

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["node"].queryset = chain.nodes.all()


class TargetContactForm(forms.Form):
    contacted_on = forms.DateField(label="对接日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    channel = forms.ChoiceField(label="对接方式", choices=ContactChannel.choices)
    note = forms.CharField(label="对接情况", max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ProjectChoiceField(_Picker):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.enterprise.name}）"


class TargetActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="说明", max_length=300, required=False)
    project = ProjectChoiceField(label="落地项目（审批链）", queryset=None, required=False,
                                 help_text="先在“项目审批链”登记项目，再在此关联")

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from gaoxin.assist.models import Project
        from gaoxin.assist.selectors import project_list

        self.fields["project"].queryset = (project_list(user=user).filter(chain_targets__isnull=True)
                                           .order_by("-created_at", "-pk") if user else Project.objects.none())


class ProblemTagForm(forms.Form):
    number = forms.CharField(label="诉求编号", max_length=24, help_text="标记为本产业链的问题，在“产业链问题”中跟踪")


class AppealChainForm(forms.Form):
    """From an appeal's page: the chain (of those the user manages) whose problem the appeal is."""

    chain = forms.ModelChoiceField(label="产业链", queryset=None, empty_label="请选择产业链",
                                   error_messages={"required": "请选择产业链", "invalid_choice": "请选择您负责的产业链"})

    def __init__(self, *args, chains, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["chain"].queryset = chains
