"""Input edges of 云导办, shared by the pages and the API: a refused form is shown again with what was typed and the
error beside its field."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone

from gaoxin.catalog.models import Situation
from gaoxin.core.validators import PHONE_PATTERN

from .models import FaqStatus, Outcome
from .permissions import firms_for_booking, items_for_faq

PHONE_ERRORS = {"invalid": "请填写正确的联系电话（手机号或带区号的固定电话）", "required": "请填写联系电话"}


class SlotField(forms.CharField):
    """A slot as the page's radio sends it ("2026-12-02T09:30"), read in the zone's time zone."""

    def clean(self, value):
        value = super().clean(value)
        try:
            naive = dt.datetime.strptime(value, "%Y-%m-%dT%H:%M")
        except (TypeError, ValueError):
            raise forms.ValidationError("请选择导办时段") from None
        return timezone.make_aware(naive, timezone.get_current_timezone())


class BookingForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="预约企业", queryset=None, required=False, empty_label="以个人名义预约",
                                        error_messages={"invalid_choice": "请选择本人绑定的企业"})
    starts_at = SlotField(label="导办时段", error_messages={"required": "请选择导办时段"})
    question = forms.CharField(label="咨询问题", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                               error_messages={"required": "请简要说明需要咨询的问题"})
    contact_name = forms.CharField(label="联系人", max_length=50, error_messages={"required": "请填写联系人"})
    contact_phone = forms.RegexField(label="联系电话", regex=PHONE_PATTERN, error_messages=PHONE_ERRORS)

    def __init__(self, *args, user, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        firms = firms_for_booking(user)
        self.fields["enterprise"].queryset = firms
        if case is not None:
            del self.fields["enterprise"]  # the case's firm
        elif not user.id_number:
            self.fields["enterprise"].required = True
            self.fields["enterprise"].empty_label = "请选择企业"
            self.fields["enterprise"].error_messages["required"] = "请选择为哪家企业预约"
            if len(only := list(firms[:2])) == 1:  # one firm: nothing to choose
                self.initial.setdefault("enterprise", only[0].pk)
        self.has_firms = firms.exists() if case is None else False


class SessionActionForm(forms.Form):
    """One form for every step of the session page (and the API's `transition`); `name` is the step."""

    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    meeting_url = forms.URLField(label="视频会议链接", max_length=300, required=False, assume_scheme="https",
                                 error_messages={"invalid": "请填写以 http:// 或 https:// 开头的会议链接"})
    outcome = forms.ChoiceField(label="导办结果", choices=[("", "请选择")] + Outcome.choices, required=False)
    note = forms.CharField(label="结果说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}),
                           help_text="已解答：解答内容；新增常见问题：问题的解答；发起申请：约定的材料清单和注意事项；"
                                     "转帮代办：需代办的内容；转诉求：诉求内容")
    faq_question = forms.CharField(label="常见问题（新增常见问题时填写）", max_length=200, required=False)
    situation = forms.ModelChoiceField(label="约定的办理情形（发起申请时选择）", queryset=Situation.objects.none(),
                                       required=False, empty_label="（本事项不分情形）",
                                       error_messages={"invalid_choice": "请选择本事项的办理情形"})
    appeal_title = forms.CharField(label="诉求标题（转诉求时填写）", max_length=60, required=False)

    # The outcome form's fields of one outcome only (shown when that outcome is chosen; the note is every outcome's).
    SHOW_WHEN = {"faq_question": "faq", "situation": "application", "appeal_title": "appeal"}
    STEP_FIELDS = {"CONFIRM": ["meeting_url"], "CANCEL": ["reason"],
                   "CLOSE": ["outcome", "note", "faq_question", "situation", "appeal_title"]}

    def __init__(self, *args, session=None, **kwargs):
        super().__init__(*args, **kwargs)
        if session is not None and session.item.current_version_id:
            self.fields["situation"].queryset = Situation.objects.filter(version_id=session.item.current_version_id)
        if session is not None and not self.is_bound:
            self.initial.setdefault("faq_question", session.question[:200])

    def shown(self, name: str):
        fields = [self[f] for f in self.STEP_FIELDS.get(name, [])]
        for field in fields:
            field.show_when = self.SHOW_WHEN.get(field.name, "")
        return fields

    def params(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("meeting_url", "outcome", "note", "faq_question", "situation", "appeal_title")}


class SessionFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, *args, **kwargs):
        from .models import SessionStatus

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部状态"), *SessionStatus.choices]


class FaqForm(forms.Form):
    item = forms.ModelChoiceField(label="事项", queryset=None, empty_label="请选择事项",
                                  error_messages={"required": "请选择事项", "invalid_choice": "请选择您可维护的事项"})
    question = forms.CharField(label="问题", max_length=200, error_messages={"required": "请填写问题"})
    answer = forms.CharField(label="解答", max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                             error_messages={"required": "请填写解答"})

    def __init__(self, *args, user, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        if entry is not None:
            del self.fields["item"]  # an entry stays on its item and version
        else:
            self.fields["item"].queryset = items_for_faq(user).order_by("implementation_code")


class FaqSearchForm(forms.Form):
    q = forms.CharField(label="搜索常见问题", max_length=50, required=False)
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), *FaqStatus.choices, ("history", "历史版本的问题")],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
