from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.forms import inlineformset_factory

from gaoxin.accounts.models import OrgKind, OrgUnit
from gaoxin.core.forms import FileNameInput
from gaoxin.core.uploads import check_upload, upload_help

from .models import Channel, ItemVersion, Material, ServiceZone, Situation, Theme
from .workflow import WORKFLOW


class GuideSearchForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=50,
                        widget=forms.TextInput(attrs={"placeholder": "事项名称、常用说法或拼音，如：社保、营业执照、yyzz",
                                                      "type": "search"}))
    department = forms.ChoiceField(label="部门", required=False)
    zone = forms.ChoiceField(label="专区", required=False)
    theme = forms.ChoiceField(label="主题", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = [("", "全部部门")] + list(
            OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT, service_items__isnull=False).distinct()
            .order_by("sort_order", "name").values_list("code", "name"))
        self.fields["zone"].choices = [("", "全部专区")] + list(ServiceZone.objects.values_list("code", "name"))
        self.fields["theme"].choices = [("", "全部主题")] + list(Theme.objects.values_list("code", "name"))

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {k: self.cleaned_data[k] for k in ("q", "department", "zone", "theme")}


class VersionForm(forms.ModelForm):
    channels = forms.MultipleChoiceField(label="办理渠道", choices=Channel.choices, widget=forms.CheckboxSelectMultiple)
    online_url = forms.URLField(label="网上申请链接", required=False, assume_scheme="https")

    class Meta:
        model = ItemVersion
        fields = [
            "name", "basic_code", "item_type", "service_object", "case_type", "statutory_limit", "statutory_unit",
            "promised_limit", "promised_unit", "promise_note", "channels", "visits", "visit_reason", "online_depth",
            "online_url", "tolerance_allowed", "commitment_allowed", "fee_charged", "fee_basis", "conditions",
            "legal_basis", "process", "location", "office_hours", "result_name", "delivery", "consult", "complain",
            "faq",
        ]
        widgets = {f: forms.Textarea(attrs={"rows": 3}) for f in ("conditions", "legal_basis", "process", "faq")}


class ItemCreateForm(forms.Form):
    implementation_code = forms.CharField(label="实施编码", max_length=40)
    name = forms.CharField(label="事项名称", max_length=120)
    department = forms.ModelChoiceField(label="实施部门", queryset=OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT))
    zone = forms.ModelChoiceField(label="专区", queryset=ServiceZone.objects.all())
    themes = forms.ModelMultipleChoiceField(label="主题", queryset=Theme.objects.all(), required=False,
                                            widget=forms.CheckboxSelectMultiple)
    keywords = forms.CharField(label="检索关键词", max_length=300, required=False,
                               help_text="群众常用的叫法、简称，用“、”分隔，如：社保、参保")


class KeywordsForm(forms.Form):
    keywords = forms.CharField(label="检索关键词", max_length=300, required=False,
                               help_text="群众常用的叫法、简称，用“、”分隔，如：社保、参保。保存后立即生效，不产生新版本。")


class SynonymForm(forms.Form):
    word = forms.CharField(label="俗称", max_length=30, help_text="群众常说的词，如：社保",
                           error_messages={"required": "请填写俗称"})
    meanings = forms.CharField(label="对应的规范用语", max_length=200,
                               help_text="事项名称、检索关键词或主题中的用语，多个用“、”分隔，如：社会保险、参保",
                               error_messages={"required": "请至少填写一个对应的规范用语"})


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = ["name", "necessity", "originals", "copies", "form", "source", "spec", "notes", "situations",
                  "blank_form", "sample_form", "sort_order"]
        widgets = {"situations": forms.CheckboxSelectMultiple, "blank_form": FileNameInput,
                   "sample_form": FileNameInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("blank_form", "sample_form"):
            self.fields[name].help_text = upload_help()

    # The public downloads them from the guide: a new file is checked like any case material (core.uploads).
    def _checked(self, name: str):
        f = self.cleaned_data.get(name)
        if isinstance(f, UploadedFile):
            check_upload(f, label=self.fields[name].label)
        return f

    def clean_blank_form(self):
        return self._checked("blank_form")

    def clean_sample_form(self):
        return self._checked("sample_form")


SituationFormSet = inlineformset_factory(ItemVersion, Situation, fields=["name", "description", "sort_order"], extra=1,
                                         can_delete=True)
_MaterialFormSet = inlineformset_factory(ItemVersion, Material, form=MaterialForm, extra=1, can_delete=True)


class MaterialFormSet(_MaterialFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        form.fields["situations"].queryset = Situation.objects.filter(version=self.instance)
        return form


class ItemActionForm(forms.Form):
    """One transition of an item's status table (suspend, resume, cancel; publishing has its own button),
    named; `reason` for suspending and cancelling. The page and the API use it alike."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions], widget=forms.HiddenInput,
                             error_messages={"invalid_choice": "未知操作", "required": "未知操作"})
    reason = forms.CharField(label="原因", max_length=200, required=False,
                             error_messages={"max_length": "原因不能超过200个字"})


class DraftSubmitForm(forms.Form):
    """Which button saved the draft: 保存草稿, or 保存并发布 (`publish`)."""

    publish = forms.BooleanField(required=False)

    def wants_publish(self) -> bool:
        return self.is_valid() and self.cleaned_data["publish"]


class NoInputForm(forms.Form):
    """An action without inputs (publish a draft, start a new draft): the refusal shows above its button."""
