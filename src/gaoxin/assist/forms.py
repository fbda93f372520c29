"""Input edges of the 帮代办 pages and API: they bind and redisplay what the user typed, the rules live in
services. The page and the API use the same forms, so a value the page refuses the API refuses with the
same message, beside the same field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from gaoxin.accounts.models import User
from gaoxin.catalog.models import Bundle, Necessity, ServiceItem
from gaoxin.core.uploads import check_upload, upload_help
from gaoxin.core.validators import PHONE_PATTERN
from gaoxin.enterprises.forms import FirmField

from .milestones import MILESTONES
from .models import OrderChannel, Project, VisitKind
from .permissions import SELF_SERVICE_CHANNELS, assignable_agents
from .workflow import WORKFLOW

PHONE = PHONE_PATTERN
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _checked(upload, label: str):
    """An optional upload's extension, content and size (core.uploads), beside its field."""
    if upload:
        check_upload(upload, label=label)
    return upload


def _date(label: str, **kwargs) -> forms.DateField:
    return forms.DateField(label=label, widget=DATE, error_messages={"invalid": "请填写正确的日期",
                                                                   "required": f"请填写{label}"}, **kwargs)


class OrderForm(forms.Form):
    """我要代办: an enterprise user picks one of its firms; staff name the firm by its USCC.

    Staff record the channel the order came through; an enterprise does not pick one: its order is
    placed on the platform (平台/小程序), or is a 上门预约 when it asks for a visit (`visit`). The API may
    name the channel instead of ticking the box, but only one of those two."""

    uscc = FirmField(label="企业")
    channel = forms.ChoiceField(label="下单渠道", choices=OrderChannel.choices)
    item = forms.ModelChoiceField(label="代办事项（可选）", queryset=ServiceItem.objects.none(), required=False,
                                  to_field_name="implementation_code", empty_label="—",
                                  error_messages={"invalid_choice": "请选择有效的事项"})
    bundle = forms.ModelChoiceField(label="或“一件事”（可选）", queryset=Bundle.objects.none(), required=False,
                                    to_field_name="code", empty_label="—",
                                    error_messages={"invalid_choice": "请选择有效的“一件事”"})
    description = forms.CharField(label="需求说明", max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
                                  error_messages={"required": "请说明需要代办的事项"})
    contact_name = forms.CharField(label="联系人", max_length=50)
    contact_phone = forms.RegexField(label="联系电话", regex=PHONE, max_length=20,
                                     error_messages={"invalid": "请填写正确的手机号或座机号"})
    commission_signed_on = _date("委托书签署日期")
    commission_valid_until = _date("委托有效期至")
    commission_file = forms.FileField(label="委托书扫描件", required=False)
    visit = forms.BooleanField(label="请专员上门服务（上门预约）", required=False)

    def __init__(self, *args, firms=None, choose_channel: bool = True, **kwargs):
        """firms: the enterprise user's own firms; None for staff, who may order for any firm.
        choose_channel: whether the user names the channel (staff) or the system sets it (an enterprise)."""
        super().__init__(*args, **kwargs)
        self.choose_channel = choose_channel
        if choose_channel:
            del self.fields["visit"]
        else:
            self.fields["channel"] = forms.ChoiceField(
                label="下单渠道", required=False, choices=[(c, OrderChannel(c).label) for c in SELF_SERVICE_CHANNELS],
                error_messages={"invalid_choice": "企业下单的渠道由系统确定（平台/小程序，或上门预约）"})
        self.fields["item"].queryset = ServiceItem.objects.filter(status="published").order_by("name")
        self.fields["bundle"].queryset = Bundle.objects.order_by("name")
        if firms is not None:
            self.fields["uscc"] = FirmField(firms=firms, label="企业",
                                            widget=forms.Select(choices=[(f.uscc, f.name) for f in firms]))
        else:
            self.fields["uscc"].widget.attrs["placeholder"] = "统一社会信用代码"
        today = timezone.localdate()
        self.fields["commission_signed_on"].initial = today
        self.fields["commission_valid_until"].initial = today + dt.timedelta(days=180)
        self.fields["commission_file"].help_text = upload_help()

    def clean_commission_file(self):
        return _checked(self.cleaned_data["commission_file"], "委托书")

    def clean(self):
        data = super().clean()
        if not self.choose_channel and "channel" in data:
            asked_visit = data.get("visit") or data["channel"] == OrderChannel.VISIT
            data["channel"] = OrderChannel.VISIT if asked_visit else OrderChannel.ONLINE
        return data

    def order_kwargs(self) -> dict:
        """The keyword arguments of `services.order_create` (besides the actor)."""
        d = self.cleaned_data
        return {"enterprise": d["uscc"], "channel": d["channel"], "item": d["item"], "bundle": d["bundle"],
                "description": d["description"], "contact_name": d["contact_name"],
                "contact_phone": d["contact_phone"], "commission_signed_on": d["commission_signed_on"],
                "commission_valid_until": d["commission_valid_until"], "commission_file": d["commission_file"]}


class OrderActionForm(forms.Form):
    """One transition of an order with the inputs it may take (`FIELDS_BY_ACTION`). Agents are named by
    their user name, on the page's options and in the API alike."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions], widget=forms.HiddenInput,
                             error_messages={"invalid_choice": "未知操作"})
    agent = forms.ModelChoiceField(label="帮代办专员", queryset=User.objects.none(), to_field_name="username",
                                   required=False, empty_label=None,
                                   error_messages={"invalid_choice": "请选择帮代办专员"})
    reason = forms.CharField(label="说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agent"].queryset = assignable_agents()  # re-read per form: an agent added today is offered today

    def params(self) -> dict:
        """The transition's keyword arguments for `services.order_transition`."""
        return {f: self.cleaned_data.get(f) for f in FIELDS_BY_ACTION.get(self.cleaned_data["name"], ())}


# Which inputs each transition takes (besides the reason, which the table's needs_reason governs).
FIELDS_BY_ACTION = {"ASSIGN": ("agent",), "REASSIGN": ("agent",)}


class OrderStepForm(forms.Form):
    """Which step a POST on the order page is: a transition of the table, a visit record or the rating."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions]
                             + [("VISIT", "记录走访"), ("RATE", "评价")])


class ItemPickForm(forms.Form):
    """The item a case is filed for, among the items offered (by implementation code)."""

    item = forms.ModelChoiceField(label="代为申报事项", queryset=ServiceItem.objects.none(), required=False,
                                  to_field_name="implementation_code")

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.objects.filter(pk__in=[i.pk for i in items])
        self.items = {i.implementation_code: i for i in items}

    def chosen(self):
        """The chosen item (the caller's instance, with its version), or None."""
        if not self.is_bound or not self.is_valid() or self.cleaned_data["item"] is None:
            return None
        return self.items.get(self.cleaned_data["item"].implementation_code)

    def named_an_item(self) -> bool:
        """Whether the request named an item at all (none named: the order's own item is proposed)."""
        return bool(self.is_bound and self.data.get("item"))


class VisitForm(forms.Form):
    """走访记录 by the assigned agent, with an optional attachment (中止单, 签收单, a photo)."""

    kind = forms.ChoiceField(label="方式", choices=VisitKind.choices, initial=VisitKind.DOOR)
    note = forms.CharField(label="走访记录", max_length=300, error_messages={"required": "请填写记录"})
    attachment = forms.FileField(label="附件（可选，如中止单、签收单）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attachment"].help_text = upload_help()

    def clean_attachment(self):
        return _checked(self.cleaned_data["attachment"], "走访附件")


class RateForm(forms.Form):
    """好差评 of the 帮代办 service by the ordering firm."""

    rating = forms.TypedChoiceField(label="评价帮代办服务", coerce=int, initial=5, error_messages={
        "required": "请选择1至5星", "invalid_choice": "请选择1至5星"},
        choices=[(5, "5星 非常满意"), (4, "4星 满意"), (3, "3星 基本满意"), (2, "2星 不满意"), (1, "1星 非常不满意")])
    comment = forms.CharField(label="意见建议", max_length=300, required=False)


class FileCaseForm(forms.Form):
    """Filing a case (代为申报, a project step): per material, the uploaded file or the original seen."""

    note = forms.CharField(label="申报说明", required=False, max_length=500)

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for m in self.materials:
            self.fields[f"material_{m.pk}"] = forms.FileField(label=m.name, required=False)
            self.fields[f"original_{m.pk}"] = forms.BooleanField(label="已核验原件", required=False)

    def clean(self):
        data = super().clean()
        for m in self.materials:
            if upload := data.get(f"material_{m.pk}"):
                try:
                    check_upload(upload, label=m.name)
                except forms.ValidationError as exc:
                    self.add_error(f"material_{m.pk}", exc)
        return data

    def rows(self) -> list[tuple]:
        """(material, required?, file field, original field) per material, for the table."""
        return [(m, m.necessity == Necessity.REQUIRED, self[f"material_{m.pk}"], self[f"original_{m.pk}"])
                for m in self.materials]

    def files_by_material(self) -> dict:
        return {m.pk: self.cleaned_data[f"material_{m.pk}"] for m in self.materials
                if self.cleaned_data.get(f"material_{m.pk}")}

    def originals_seen(self) -> set[int]:
        return {m.pk for m in self.materials if self.cleaned_data.get(f"original_{m.pk}")}


class MilestoneForm(forms.Form):
    """The dates of the four 即 milestones; their order is checked by `project_set_milestones`.

    proven: the milestones the project's approval chain proves, each with the sentence saying where its
    date comes from; they are shown, not typed (a disabled field keeps its initial value)."""

    def __init__(self, *args, proven: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        proven = proven or {}
        for key in MILESTONES:
            self.fields[key] = forms.DateField(
                label=Project._meta.get_field(key).verbose_name, required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": "请填写正确的日期"}, disabled=key in proven, help_text=proven.get(key, ""))

    def submitted(self) -> dict:
        """The dates the request carried (a field left out keeps its stored date; an empty one clears it)."""
        return {k: self.cleaned_data[k] for k in MILESTONES if k in self.data and not self.fields[k].disabled}
