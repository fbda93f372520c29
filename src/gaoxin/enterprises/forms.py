from django import forms

from gaoxin.core.forms import XlsxUploadForm
from gaoxin.core.validators import normalize_code

from .industries import SECTIONS
from .models import Enterprise, Industry, ParkArea, QualificationKind, SizeGroup


class FirmField(forms.CharField):
    """A firm named by its 统一社会信用代码, as clerks type or paste it (spaces and case ignored); cleans to
    the Enterprise. `firms` limits the choice (an enterprise user's own firms)."""

    def __init__(self, *, firms=None, label="企业统一社会信用代码", **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(label=label, **kwargs)
        self.firms = firms

    def clean(self, value):
        code = normalize_code(super().clean(value) or "")
        if not code:
            return None
        firm = (self.firms if self.firms is not None else Enterprise.objects.all()).filter(uscc=code).first()
        if firm is None:
            raise forms.ValidationError("企业档案中没有该统一社会信用代码" if self.firms is None else "请选择本企业")
        return firm


class EnterpriseFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"placeholder": "企业名称、统一社会信用代码或法定代表人", "type": "search"}))
    section = forms.ChoiceField(label="行业门类", required=False, choices=[("", "全部门类")] + [(k, f"{k} {v}") for k, v in SECTIONS.items()])
    industry = forms.ModelChoiceField(label="行业大类", required=False, queryset=Industry.objects.all(), empty_label="全部大类")
    size_group = forms.ChoiceField(label="规模", required=False, choices=[("", "全部规模")] + SizeGroup.choices)
    park_area = forms.ModelChoiceField(label="园区", required=False, queryset=ParkArea.objects.all(), empty_label="全部园区")
    qualification = forms.ChoiceField(label="有效资质", required=False, choices=[("", "不限资质")] + QualificationKind.choices)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "q": data["q"], "section": data["section"], "industry": data["industry"].pk if data["industry"] else "",
            "size_group": data["size_group"], "park_area": data["park_area"].pk if data["park_area"] else "",
            "qualification": data["qualification"],
        }


class RegistryImportForm(XlsxUploadForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, label="企业名录文件（.xlsx）", **kwargs)
