"""Input edges of the per-mu evaluation: every POST of its pages, and the API, go through these forms, so a
value the page refuses the API refuses with the same message beside the same field. A form checks the
shape of what was typed (a year in digits, a known transition, a figure, a file type); the services check
the rules (state, permissions, duplicates) and their errors are put beside the field they name."""

from __future__ import annotations

from django import forms

from gaoxin.core.forms import XlsxUploadForm
from gaoxin.core.uploads import check_upload
from gaoxin.core.validators import normalize_code

from .collection import parse_figure
from .method import DEFAULT_METHOD, RAW_FIELDS, builtin_method_choices
from .models import Participant
from .services import YEAR_MESSAGE
from .workflow import PARAMS, WORKFLOW

TIERS = [("A", "A类"), ("B", "B类"), ("C", "C类"), ("D", "D类")]


class CycleCreateForm(forms.Form):
    data_year = forms.IntegerField(
        label="数据年度", min_value=2000, max_value=2100,
        error_messages={k: YEAR_MESSAGE for k in ("required", "invalid", "min_value", "max_value")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": 4, "placeholder": "如 2025"}))
    name = forms.CharField(label="周期名称", max_length=100,
                           error_messages={"required": "请填写周期名称", "max_length": "周期名称不能超过100个字"},
                           widget=forms.TextInput(attrs={"placeholder": "如：2025年度工业企业亩产效益综合评价"}))
    method_name = forms.ChoiceField(label="评价方法", initial=DEFAULT_METHOD, required=False,
                                    error_messages={"invalid_choice": "请选择评价方法"})
    trial = forms.BooleanField(label="试评价（仅供参考）", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method_name"].choices = builtin_method_choices()

    def clean_method_name(self) -> str:
        return self.cleaned_data["method_name"] or DEFAULT_METHOD


class CycleTransitionForm(forms.Form):
    """One transition of the cycle's table, named; `doc_no` for 审定 and 发布, `reason` for an amendment."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions], widget=forms.HiddenInput,
                             error_messages={"invalid_choice": "未知操作", "required": "未知操作"})
    doc_no = forms.CharField(label="文号", max_length=60, required=False,
                             error_messages={"max_length": "文号不能超过60个字"},
                             widget=forms.TextInput(attrs={"placeholder": "如 湘高新管发〔2026〕4号"}))
    reason = forms.CharField(label="更正原因", max_length=200, required=False,
                             error_messages={"max_length": "原因不能超过200个字"})

    def params(self) -> dict:
        """The transition's keyword arguments for `services.cycle_transition` (besides the reason)."""
        d = self.cleaned_data
        return {f: d[f] for f in PARAMS.get(d["name"], ())}


class NoInputForm(forms.Form):
    """An action without inputs (generating the participant list, confirming the data): the service's
    refusal shows above its button."""


class ParticipantFlagForm(forms.Form):
    participating = forms.TypedChoiceField(choices=[("1", "参评"), ("0", "不参评")], coerce=lambda v: v == "1",
                                           widget=forms.HiddenInput,
                                           error_messages={"invalid_choice": "请选择参评或不参评"})
    reason = forms.CharField(label="不参评原因", max_length=200, required=False,
                             error_messages={"max_length": "原因不能超过200个字"})

    def clean(self):
        data = super().clean()
        if data.get("participating") is False and not (data.get("reason") or "").strip():
            self.add_error("reason", "列为不参评（T类）必须说明原因")
        return data


class ChosenParticipantForm(forms.Form):
    """`p`: which of the user's firms a page is about, when several are bound to one account."""

    p = forms.IntegerField(required=False, min_value=1)

    def chosen(self) -> int | None:
        return self.cleaned_data.get("p") if self.is_valid() else None


class EnterpriseReportForm(forms.Form):
    """企业填报: one optional figure per field the firm's group is rated on."""

    def __init__(self, *args, fields: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        for field in fields:
            self.fields[field] = forms.CharField(label=RAW_FIELDS[field], required=False, max_length=30,
                                                 error_messages={"max_length": "数字太长"},
                                                 widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "form-control-sm"}))

    def clean(self):
        data = super().clean()
        for field, raw in list(data.items()):
            if raw not in (None, ""):
                try:
                    parse_figure(raw, field)
                except ValueError as exc:
                    self.add_error(field, str(exc))
        return data

    def values(self) -> dict[str, str]:
        return dict(self.cleaned_data)


class EvidenceField(forms.FileField):
    """An objection's evidence: extension, content and size (core.uploads, kind "evidence")."""

    def clean(self, data, initial=None):
        f = super().clean(data, initial)
        if f is not None:
            check_upload(f, kind="evidence", label="证明材料")
        return f


class ObjectionForm(forms.Form):
    """A firm disputes one figure with a reason and evidence. The page knows the firm's participant row and
    offers its fields; the API names the row (`participants`: the rows it may name)."""

    participant = forms.ModelChoiceField(label="参评企业", queryset=Participant.objects.none(), required=False,
                                         error_messages={"invalid_choice": "请选择参评企业"})
    field = forms.ChoiceField(label="数据项", error_messages={"invalid_choice": "请选择本企业参与评价的数据项",
                                                             "required": "请选择数据项"})
    claimed = forms.CharField(label="应为", max_length=30, error_messages={"required": "请填写企业主张的数值"},
                              widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    evidence = EvidenceField(label="证明材料（PDF、图片等，加盖公章）",
                             error_messages={"required": "请上传证明材料（加盖公章的书面材料扫描件等）"})
    reason = forms.CharField(label="异议理由", max_length=2000, error_messages={"required": "请说明异议理由"},
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, fields: list[str] | None = None, participants=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["field"].choices = [(f, RAW_FIELDS[f]) for f in (fields if fields is not None else RAW_FIELDS)]
        if participants is None:
            del self.fields["participant"]
        else:
            self.fields["participant"].queryset = participants
            self.fields["participant"].required = True

    def clean(self):
        data = super().clean()
        if data.get("field") and data.get("claimed"):
            try:
                data["claimed"] = parse_figure(data["claimed"], data["field"])
            except ValueError as exc:
                self.add_error("claimed", str(exc))
        return data


class ObjectionDecideForm(forms.Form):
    decision = forms.ChoiceField(label="处理", choices=[("correct", "更正数据"), ("reject", "不予更正")],
                                 error_messages={"invalid_choice": "请选择更正或不予更正", "required": "请选择更正或不予更正"})
    value = forms.CharField(label="更正后数值", max_length=30, required=False,
                            help_text="不填则采用企业主张值", widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    reason = forms.CharField(label="处理意见", max_length=2000, error_messages={"required": "请填写处理意见"})
    approval_ref = forms.CharField(label="审批文号", max_length=60, required=False,
                                   error_messages={"max_length": "审批文号不能超过60个字"})

    def __init__(self, *args, field: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.figure = field

    def clean(self):
        data = super().clean()
        data["value"] = None if data.get("value") in (None, "") else data["value"]
        if data.get("decision") == "correct" and data["value"] is not None:
            try:
                data["value"] = parse_figure(data["value"], self.figure)
            except ValueError as exc:
                self.add_error("value", str(exc))
        return data

    def correct(self) -> bool:
        return self.cleaned_data["decision"] == "correct"


class AdjustmentForm(forms.Form):
    """A bonus, penalty or veto event for a firm of the cycle; a count of 0 removes the firm's record."""

    uscc = forms.CharField(label="统一社会信用代码", max_length=30,
                           error_messages={"required": "请填写统一社会信用代码"})
    rule_id = forms.ChoiceField(label="规则", error_messages={"required": "请选择规则"})
    count = forms.IntegerField(label="次数", min_value=0, max_value=100, required=False, initial=1,
                               error_messages={k: "次数应为0至100的整数" for k in ("invalid", "min_value", "max_value")},
                               widget=forms.TextInput(attrs={"inputmode": "numeric"}))
    evidence = forms.CharField(label="依据", max_length=200, required=False,
                               error_messages={"max_length": "依据不能超过200个字"},
                               widget=forms.TextInput(attrs={"placeholder": "如 湘潭环罚〔2025〕12号"}))

    def __init__(self, *args, cycle, rules, **kwargs):
        super().__init__(*args, **kwargs)
        self.cycle = cycle
        self.fields["rule_id"].choices = [(r.id, f"{r.name_zh or r.id}（{r.evidence_source}）" if r.evidence_source
                                           else (r.name_zh or r.id)) for r in rules]
        self.fields["rule_id"].error_messages["invalid_choice"] = \
            f"请选择评价方法中的规则（{'、'.join(r.id for r in rules) or '无'}）"

    def clean_uscc(self) -> Participant:
        code = normalize_code(self.cleaned_data["uscc"])
        participant = self.cycle.participants.select_related("enterprise").filter(enterprise__uscc=code).first()
        if participant is None:
            raise forms.ValidationError(f"统一社会信用代码“{code}”不在本周期参评名单中")
        return participant

    def clean_count(self) -> int:
        count = self.cleaned_data.get("count")
        return 1 if count is None else count


class ScoreForm(forms.Form):
    note = forms.CharField(label="测算说明", max_length=200, required=False,
                           error_messages={"max_length": "说明不能超过200个字"},
                           widget=forms.TextInput(attrs={"placeholder": "说明（如：异议更正后重新测算）"}))


class RegradeRequestForm(forms.Form):
    to_tier = forms.ChoiceField(label="调整为", choices=TIERS,
                                error_messages={"invalid_choice": "请选择A、B、C、D之一", "required": "请选择A、B、C、D之一"})
    reason = forms.CharField(label="调档理由", max_length=2000, error_messages={"required": "调档必须说明理由"})


class RegradeDecideForm(forms.Form):
    approve = forms.TypedChoiceField(label="审批", choices=[("1", "批准"), ("0", "不批准")], coerce=lambda v: v == "1",
                                     error_messages={"invalid_choice": "请选择批准或不批准",
                                                     "required": "请选择批准或不批准"})
    note = forms.CharField(label="审批意见", max_length=200, required=False,
                           error_messages={"max_length": "审批意见不能超过200个字"})

    def clean(self):
        data = super().clean()
        if data.get("approve") is False and not (data.get("note") or "").strip():
            self.add_error("note", "不予批准须说明理由")
        return data


class TableUploadForm(XlsxUploadForm):
    """An Excel or CSV table for a background import: its extension, content (a real .xlsx, or text without NUL
    bytes) and size are checked before any work (core.uploads, kind "table")."""

    file = forms.FileField(label="数据文件", error_messages={"required": "请选择 .xlsx 或 .csv 文件"})
    kind = "table"
