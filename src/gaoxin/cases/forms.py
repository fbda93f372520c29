from django import forms
from django.conf import settings

from gaoxin.catalog.models import Channel

from .models import ApplicantType, Level


def check_upload(f) -> None:
    """Type and size of an uploaded material (services.md: type- and size-checked)."""
    ext = f.name.rsplit(".", 1)[-1].lower() if "." in f.name else ""
    if ext not in settings.GAOXIN_UPLOAD_EXTENSIONS:
        raise forms.ValidationError(f"文件类型 .{ext or '?'} 不支持，请上传 {'、'.join(settings.GAOXIN_UPLOAD_EXTENSIONS)} 文件")
    if f.size > settings.GAOXIN_UPLOAD_MAX_BYTES:
        raise forms.ValidationError(f"文件不能超过 {settings.GAOXIN_UPLOAD_MAX_BYTES // 1024 // 1024} MB")
    if f.size == 0:
        raise forms.ValidationError("文件是空的")


class ApplyForm(forms.Form):
    """Online application by an enterprise user: one upload field per material."""

    enterprise = forms.ModelChoiceField(label="申请企业", queryset=None, empty_label=None)
    contact_phone = forms.RegexField(label="联系电话", regex=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$",
                                     error_messages={"invalid": "请填写正确的手机号或座机号"})
    note = forms.CharField(label="申请说明", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, enterprises, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
        self.materials = materials
        for m in materials:
            self.fields[f"material_{m.pk}"] = forms.FileField(
                label=m.name, required=m.necessity == "required", help_text=m.get_necessity_display())

    def clean(self):
        data = super().clean()
        for m in self.materials:
            f = data.get(f"material_{m.pk}")
            if f:
                try:
                    check_upload(f)
                except forms.ValidationError as exc:
                    self.add_error(f"material_{m.pk}", exc)
        return data

    def files_by_material(self) -> dict:
        return {m.pk: self.cleaned_data[f"material_{m.pk}"] for m in self.materials if self.cleaned_data.get(f"material_{m.pk}")}


class WindowIntakeForm(forms.Form):
    """Registration at the window, a station or by an agent: originals are checked on the spot."""

    applicant_type = forms.ChoiceField(label="申请人类型", choices=ApplicantType.choices, widget=forms.RadioSelect,
                                       initial=ApplicantType.ENTERPRISE)
    uscc = forms.CharField(label="企业统一社会信用代码", required=False, max_length=30)
    applicant_name = forms.CharField(label="个人申请人姓名", required=False, max_length=50)
    applicant_id_number = forms.CharField(label="身份证号码", required=False, max_length=20)
    contact_phone = forms.RegexField(label="联系电话", regex=r"^1\d{10}$|^0\d{2,3}-?\d{7,8}$",
                                     error_messages={"invalid": "请填写正确的手机号或座机号"})
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial="window")
    originals = forms.MultipleChoiceField(label="已核验原件的材料", required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["originals"].choices = [(str(m.pk), f"{m.name}（{m.get_necessity_display()}）") for m in materials]


class TransitionForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因或说明", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    days = forms.IntegerField(label="延长工作日", required=False, min_value=1, max_value=60)
    method = forms.CharField(label="送达方式", required=False, max_length=30)
    legal_basis = forms.CharField(label="法定依据", required=False, max_length=200)


class ToleranceForm(forms.Form):
    owed = forms.MultipleChoiceField(label="容缺（后补）的材料",
                                     widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                     error_messages={"required": "请选择容缺（后补）的材料"})
    commitment = forms.BooleanField(label="申请人已签署《容缺受理承诺书》", required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owed"].choices = [(str(cm.material_id), cm.material.name) for cm in materials]
        longest = settings.GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS
        out_of_range = f"补齐期限应为1至{longest}个工作日"
        self.fields["supply_days"] = forms.IntegerField(
            label="补齐期限（工作日）", min_value=1, max_value=longest, initial=longest,
            help_text=f"自受理次日起按工作日计算，最长{longest}个工作日；期限最后一日当日补交仍有效",
            error_messages={"required": "请填写补齐期限", "invalid": "请填写整数天数", "min_value": out_of_range,
                            "max_value": out_of_range})
        self.order_fields(["owed", "supply_days", "commitment"])


class ReviewForm(forms.Form):
    level = forms.TypedChoiceField(label="评价", coerce=int, choices=Level.choices, widget=forms.RadioSelect)
    comment = forms.CharField(label="意见建议", required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class TrackForm(forms.Form):
    number = forms.CharField(label="办件编号", max_length=24)
    identity = forms.CharField(label="身份证号码或统一社会信用代码", max_length=20)
