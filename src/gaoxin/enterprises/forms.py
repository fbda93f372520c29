from django import forms

from gaoxin.core.forms import XlsxUploadForm

from .industries import SECTIONS
from .models import Industry, ParkArea, QualificationKind, SizeGroup


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
