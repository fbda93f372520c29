"""The kiosk's forms: large, few fields, errors beside the field, what was typed kept."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator

from gaoxin.cases import application
from gaoxin.core.uploads import check_upload
from gaoxin.core.validators import MOBILE_PATTERN, PHONE_PATTERN

PHONE = RegexValidator(PHONE_PATTERN, "请填写正确的手机号或座机号")
MOBILE = RegexValidator(MOBILE_PATTERN, "请填写正确的手机号码（11位，办理结果以短信发送）")
LARGE = {"class": "form-control form-control-lg"}


class TerminalKeyForm(forms.Form):
    key = forms.CharField(label="终端密钥", max_length=64, strip=True,
                          error_messages={"required": "请输入登记终端时生成的密钥"},
                          widget=forms.PasswordInput(attrs=LARGE | {"autocomplete": "off"}))


class KioskApplyForm(forms.Form):
    """The online application, simplified: who applies, a contact phone, and each material of the chosen
    situation captured by the document camera (a file); required ones must be there."""

    applicant = forms.ChoiceField(label="申请人", widget=forms.RadioSelect,
                                  error_messages={"required": "请选择申请人", "invalid_choice": "请选择申请人"})
    contact_phone = forms.CharField(label="联系电话", max_length=20, validators=[PHONE],
                                    error_messages={"required": "请填写联系电话"},
                                    widget=forms.TextInput(attrs=LARGE | {"inputmode": "tel", "autocomplete": "off"}))

    def __init__(self, *args, choices, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applicant"].choices = choices
        if len(choices) == 1:
            self.fields["applicant"].initial = choices[0][0]
        self.materials = materials
        for m in materials:
            required = application.must_upload(m)
            self.fields[f"material_{m.pk}"] = forms.FileField(
                label=m.name, required=required,
                error_messages={"required": f"请放入“{m.name}”拍照或扫描（必要材料）"},
                help_text="必要材料" if required else "可选",
                widget=forms.ClearableFileInput(attrs={"class": "form-control form-control-lg"}))

    def clean(self):
        data = super().clean()
        for m in self.materials:
            name = f"material_{m.pk}"
            if upload := data.get(name):
                try:
                    check_upload(upload, label=m.name)
                except forms.ValidationError as exc:
                    self.add_error(name, exc.messages)
        return data

    def files_by_material(self) -> dict:
        return {m.pk: self.cleaned_data[f"material_{m.pk}"] for m in self.materials
                if self.cleaned_data.get(f"material_{m.pk}")}


class KioskAssistForm(forms.Form):
    enterprise = forms.TypedChoiceField(label="为哪家企业代办", coerce=int, widget=forms.RadioSelect,
                                        error_messages={"required": "请选择企业", "invalid_choice": "请选择企业"})
    contact_phone = forms.CharField(label="联系电话", max_length=20, validators=[PHONE],
                                    error_messages={"required": "请填写联系电话，专员会打电话联系您"},
                                    widget=forms.TextInput(attrs=LARGE | {"inputmode": "tel", "autocomplete": "off"}))
    note = forms.CharField(label="补充说明（可选）", max_length=300, required=False,
                           widget=forms.TextInput(attrs=LARGE | {"autocomplete": "off"}))
    consent = forms.BooleanField(label="我同意委托帮代办专员免费代为办理，并同意专员使用以上联系电话联系我",
                                 error_messages={"required": "请确认同意委托帮代办专员代为办理"})

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].choices = [(f.pk, f.name) for f in firms]
        if len(firms) == 1:
            self.fields["enterprise"].initial = firms[0].pk


class KioskStationForm(forms.Form):
    """请驿站联系我: the phone the station calls, what the person needs, and the consent to be called."""

    contact_phone = forms.CharField(label="联系电话", max_length=20, validators=[PHONE],
                                    error_messages={"required": "请填写联系电话，驿站工作人员会打电话联系您"},
                                    widget=forms.TextInput(attrs=LARGE | {"inputmode": "tel", "autocomplete": "off"}))
    note = forms.CharField(label="需要什么帮助（可选）", max_length=300, required=False,
                           widget=forms.TextInput(attrs=LARGE | {"autocomplete": "off"}))
    consent = forms.BooleanField(label="我同意驿站工作人员使用以上联系电话联系我，并查看我本次要办理的事项",
                                 error_messages={"required": "请确认同意驿站工作人员使用该电话联系您"})


class KioskGuestForm(forms.Form):
    """个人办理 without an account: the person's name and phone, with the number already read from the card."""

    name = forms.CharField(label="姓名", max_length=20, min_length=2, strip=True,
                           error_messages={"required": "请填写您的姓名", "min_length": "请填写您的姓名（至少两个字）"},
                           widget=forms.TextInput(attrs=LARGE | {"autocomplete": "off"}))
    phone = forms.CharField(label="手机号码", max_length=20, validators=[MOBILE],
                            error_messages={"required": "请填写手机号码，用于接收办理结果"},
                            widget=forms.TextInput(attrs=LARGE | {"inputmode": "tel", "autocomplete": "off"}))
    consent = forms.BooleanField(label="我确认身份证是本人的，姓名和手机号码由本人填写；只办理本人的个人事项",
                                 error_messages={"required": "请确认以本人身份办理"})

    def clean_name(self) -> str:
        value = self.cleaned_data["name"]
        if any(ch.isdigit() for ch in value):
            raise forms.ValidationError("姓名不能包含数字")
        return value
