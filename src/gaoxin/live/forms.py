"""Input edges of 云直播, shared by the pages and the API: a refused form is shown again with what was typed and the
error beside its field."""

from __future__ import annotations

from django import forms

from gaoxin.catalog.models import ServiceItem
from gaoxin.core.validators import PHONE_PATTERN

from .models import Chapter, LiveStatus, QuestionStatus
from .permissions import firms_for_asking, host_units
from .services import parse_offset

PHONE_ERRORS = {"invalid": "请填写正确的联系电话（手机号或带区号的固定电话）", "required": "请填写联系电话"}
MOMENT = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


def _moment(label: str) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, input_formats=MOMENT,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": f"请填写{label}", "invalid": f"请按“年-月-日 时:分”填写{label}"})


class OffsetField(forms.CharField):
    """A position in the stream typed as 12:30 or 1:02:30, read as seconds."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 10)
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "如 12:30", "inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        seconds = parse_offset(value)
        if seconds is None:
            raise forms.ValidationError("请按“分:秒”或“时:分:秒”填写时间位置，如 12:30")
        return seconds


class SessionForm(forms.Form):
    title = forms.CharField(label="直播标题", max_length=120, error_messages={"required": "请填写直播标题"})
    series = forms.CharField(label="栏目", max_length=40, required=False, initial="小高说政务")
    channel = forms.CharField(label="直播间", max_length=40, required=False, initial="湘潭高新微政务")
    department = forms.ModelChoiceField(label="主办单位", queryset=None, empty_label="请选择主办单位",
                                        error_messages={"required": "请选择主办单位",
                                                        "invalid_choice": "只能以本单位名义举办直播"})
    speaker = forms.CharField(label="主讲人", max_length=60, required=False)
    starts_at = _moment("计划开始时间")
    ends_at = _moment("计划结束时间")
    stream_url = forms.URLField(label="直播观看链接", max_length=300, assume_scheme="https",
                                help_text="直播平台或政务内网的观看地址（本平台不存放视频）",
                                error_messages={"required": "请填写直播观看链接",
                                                "invalid": "请填写以 http:// 或 https:// 开头的链接"})
    replay_url = forms.URLField(label="回放链接", max_length=300, required=False, assume_scheme="https",
                                help_text="直播结束后也可在“发布回放”时填写",
                                error_messages={"invalid": "请填写以 http:// 或 https:// 开头的链接"})
    summary = forms.CharField(label="内容简介", max_length=1000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = host_units(user)
        self.fields["department"].queryset = units
        if "department" not in self.initial and user.org_unit_id and units.filter(pk=user.org_unit_id).exists():
            self.initial["department"] = user.org_unit_id  # the host's own unit first

    def clean(self):
        data = super().clean()
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            self.add_error("ends_at", "结束时间应晚于开始时间")
        return data

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class ChapterForm(forms.Form):
    offset = OffsetField(label="开始位置", error_messages={"required": "请填写章节开始的时间位置，如 12:30"})
    title = forms.CharField(label="章节标题", max_length=100, error_messages={"required": "请填写章节标题"})
    item = forms.ModelChoiceField(label="关联事项（办事指南）", queryset=None, required=False, empty_label="（不关联）",
                                  error_messages={"invalid_choice": "请选择正在办理的事项"})
    policy = forms.ModelChoiceField(label="关联政策", queryset=None, required=False, empty_label="（不关联）",
                                    error_messages={"invalid_choice": "请选择已发布的政策"})

    def __init__(self, *args, **kwargs):
        from gaoxin.benefits.models import Policy

        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = ServiceItem.objects.filter(status="published").order_by("implementation_code")
        self.fields["policy"].queryset = Policy.objects.filter(status="published").order_by("code")
        self.fields["item"].label_from_instance = lambda i: i.name
        self.fields["policy"].label_from_instance = lambda p: p.title


class QuestionForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="提问企业", queryset=None, required=False, empty_label="以个人名义提问",
                                        error_messages={"invalid_choice": "请选择本人绑定的企业"})
    text = forms.CharField(label="您的问题", max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages={"required": "请填写您的问题", "max_length": "问题请控制在500字以内"})
    contact_name = forms.CharField(label="联系人", max_length=50, error_messages={"required": "请填写联系人"})
    contact_phone = forms.RegexField(label="联系电话", regex=PHONE_PATTERN, max_length=20, error_messages=PHONE_ERRORS,
                                     help_text="用于告知答复，不公开")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not getattr(user, "is_authenticated", False):
            del self.fields["enterprise"]
            self.has_firms = False
            return
        firms = firms_for_asking(user)
        self.fields["enterprise"].queryset = firms
        if not user.id_number:
            self.fields["enterprise"].required = True
            self.fields["enterprise"].empty_label = "请选择企业"
            self.fields["enterprise"].error_messages["required"] = "请选择为哪家企业提问"
        if len(only := list(firms[:2])) == 1:
            self.initial.setdefault("enterprise", only[0].pk)
        self.has_firms = bool(only)
        if not self.has_firms:
            del self.fields["enterprise"]


class SessionActionForm(forms.Form):
    """One form for the session's steps; `name` is the step."""

    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    replay_url = forms.URLField(label="回放链接", max_length=300, required=False, assume_scheme="https",
                                error_messages={"invalid": "请填写以 http:// 或 https:// 开头的链接"})

    confirm_early = forms.BooleanField(label="确认提前开播（公众看到的是预告时间）", required=False)

    STEP_FIELDS = {"CANCEL": ["reason"], "PUBLISH_REPLAY": ["replay_url"]}
    EARLY_START_FIELDS = ["confirm_early", "reason"]

    def shown(self, name: str, *, early: bool = False):
        fields = self.EARLY_START_FIELDS if name == "START" and early else self.STEP_FIELDS.get(name, [])
        return [self[f] for f in fields]

    def params(self) -> dict:
        return {"replay_url": self.cleaned_data.get("replay_url") or "",
                "confirm_early": bool(self.cleaned_data.get("confirm_early"))}


class QuestionActionForm(forms.Form):
    """One form for a question's steps (moderation and the asker's consent); `name` is the step."""

    name = forms.CharField(widget=forms.HiddenInput)
    chapter = forms.ModelChoiceField(label="解答所在章节", queryset=Chapter.objects.none(), required=False,
                                     empty_label="（未分章节）",
                                     error_messages={"invalid_choice": "请选择本场直播的章节"})
    offset = OffsetField(label="解答的时间位置", required=False, help_text="不填则取所选章节的开始位置")
    answer = forms.CharField(label="答复", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))
    public = forms.BooleanField(label="在直播页面公开显示问题和答复（不显示提问人）", required=False, initial=True)
    reason = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    note = forms.CharField(label="补充说明（可选）", max_length=500, required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    STEP_FIELDS = {"ANSWER_LIVE": ["chapter", "offset", "answer", "public"], "ANSWER_WRITTEN": ["answer", "public"],
                   "LEAVE_UNANSWERED": ["reason"], "CONSENT": ["note"], "WITHDRAW": ["reason"]}

    def __init__(self, *args, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        if question is not None:
            self.fields["chapter"].queryset = Chapter.objects.filter(session_id=question.session_id)
        self.fields["chapter"].label_from_instance = lambda c: f"{c.offset_label} {c.title}"

    def shown(self, name: str):
        return [self[f] for f in self.STEP_FIELDS.get(name, [])]

    def params(self) -> dict:
        d = self.cleaned_data
        return {k: d.get(k) for k in ("chapter", "offset", "answer", "public", "note")}


class ManageFilterForm(forms.Form):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态"), *LiveStatus.choices],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label="处理结果", required=False,
                               choices=[("", "全部"), *QuestionStatus.choices],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
