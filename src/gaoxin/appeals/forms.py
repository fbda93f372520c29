"""Input edges of appeals: raising an appeal and acting on one. The pages and the API use the same forms,
so a value the page refuses the API refuses with the same message."""

from __future__ import annotations

from django import forms

from gaoxin.accounts.models import OrgKind, OrgUnit
from gaoxin.core.validators import PHONE_PATTERN
from gaoxin.enterprises.forms import FirmField
from gaoxin.enterprises.models import Enterprise

from .models import Category, RequestType, Result, Urgency
from .workflow import WORKFLOW

PHONE = PHONE_PATTERN
STAFF_CHANNELS = [("窗口", "窗口"), ("电话", "电话"), ("服务专员", "服务专员"), ("驿站", "驿站")]


class AppealForm(forms.Form):
    """Raising an appeal. An enterprise user picks one of its firms; staff name the firm by its USCC."""

    uscc = FirmField()
    channel = forms.ChoiceField(label="受理渠道", choices=STAFF_CHANNELS, initial="窗口")
    category = forms.ChoiceField(label="类别", choices=Category.choices)
    request_type = forms.ChoiceField(label="诉求类型", choices=RequestType.choices)
    urgency = forms.TypedChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL, required=False,
                                     empty_value=Urgency.NORMAL)
    title = forms.CharField(label="标题", max_length=120)
    description = forms.CharField(label="诉求内容", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.RegexField(label="联系电话", regex=PHONE, max_length=20,
                                     error_messages={"invalid": "请填写正确的手机号或座机号"})
    confidential = forms.BooleanField(label="联系方式保密（仅政务服务中心可见）", required=False)

    def __init__(self, *args, firms=None, **kwargs):
        """firms: the enterprise user's own firms; None for staff, who may register for any firm."""
        super().__init__(*args, **kwargs)
        if firms is not None:
            self.fields["uscc"] = FirmField(firms=firms, label="企业",
                                            widget=forms.Select(choices=[(f.uscc, f.name) for f in firms]))
            del self.fields["channel"]

    def firm(self) -> Enterprise:
        return self.cleaned_data["uscc"]


def _departments():
    return OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True).order_by("sort_order", "name")


class AppealActionForm(forms.Form):
    """One transition of an appeal with the inputs it may take; which of them a transition shows is
    `FIELDS_BY_ACTION`. Departments are named by their code (the page's options and the API alike)."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions], widget=forms.HiddenInput)
    lead = forms.ModelChoiceField(label="主办单位", queryset=_departments(), to_field_name="code", required=False,
                                  empty_label="请选择")
    cooperating = forms.ModelMultipleChoiceField(label="协办单位（可多选）", queryset=_departments(),
                                                 to_field_name="code", required=False)
    result = forms.ChoiceField(label="办理结果", choices=[("", "请选择"), *Result.choices], required=False)
    solved = forms.TypedChoiceField(label="是否已解决", choices=[("yes", "已解决"), ("no", "未解决")],
                                    coerce=lambda v: v == "yes", required=False, empty_value=None,
                                    widget=forms.RadioSelect(attrs={"class": "form-check-input"}))
    satisfaction = forms.TypedChoiceField(
        label="满意度", coerce=int, required=False, empty_value=None,
        choices=[("", "请选择"), (5, "非常满意"), (4, "满意"), (3, "基本满意"), (2, "不满意"), (1, "非常不满意")])
    days = forms.IntegerField(label="延期工作日", min_value=1, max_value=60, required=False)
    reason = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Re-evaluated per form: a department added today is offered today.
        self.fields["lead"].queryset = self.fields["cooperating"].queryset = _departments()

    def params(self) -> dict:
        """The transition's keyword arguments for `services.appeal_transition`."""
        d = self.cleaned_data
        fields = FIELDS_BY_ACTION.get(d["name"], ())
        params = {f: d.get(f) for f in fields}
        if "cooperating" in params:
            params["cooperating"] = list(d.get("cooperating") or [])
        return params


# Which inputs each transition takes (besides the reason, which the table's needs_reason governs).
FIELDS_BY_ACTION = {
    "DISPATCH": ("lead", "cooperating"), "REASSIGN": ("lead",), "RESOLVE": ("result",),
    "CONFIRM": ("solved", "satisfaction"), "EXTEND": ("days",),
}
