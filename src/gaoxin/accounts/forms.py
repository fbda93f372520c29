"""Self-registration of a natural person (自然人注册)."""

from __future__ import annotations

from django import forms
from django.conf import settings

from gaoxin.core.validators import MOBILE_PATTERN, id_number_problem, normalize_code


class CitizenRegistrationForm(forms.Form):
    full_name = forms.CharField(label="真实姓名", max_length=50, error_messages={"required": "请填写真实姓名"})
    id_number = forms.CharField(label="居民身份证号码", max_length=20,
                                help_text="18位，末位可为X；用于以个人名义办事和企业登记后自动绑定企业",
                                error_messages={"required": "请填写居民身份证号码"})
    phone = forms.RegexField(label="手机号码", regex=MOBILE_PATTERN, max_length=11, help_text="登录时用作用户名",
                             error_messages={"required": "请填写手机号码", "invalid": "请填写11位手机号码"})
    password1 = forms.CharField(label="密码", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "请设置密码"})
    password2 = forms.CharField(label="确认密码", strip=False,
                                widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
                                error_messages={"required": "请再次输入密码"})
    agree = forms.BooleanField(label="本人同意政务服务中心为办理政务服务事项处理本人的姓名、身份证号码和手机号码",
                               error_messages={"required": "请阅读并勾选同意"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password1"].help_text = (f"至少 {settings.GAOXIN_PASSWORD_MIN_LENGTH} 个字符，不能全是数字，不能是常见密码，"
                                              "不能包含平台名称、地名等常见词，不要与姓名、手机号相近。")
        for name, field in self.fields.items():
            if name != "agree":
                field.widget.attrs["class"] = "form-control"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["phone"].widget.attrs.update({"autocomplete": "tel", "inputmode": "numeric"})

    def clean_full_name(self):
        return self.cleaned_data["full_name"].strip()

    def clean_id_number(self):
        number = normalize_code(self.cleaned_data["id_number"])
        if problem := id_number_problem(number):
            # On a public page the message does not reveal the right check digit (it would let anyone complete
            # a guessed number); the window's forms still say which digit is expected.
            raise forms.ValidationError("校验码不正确，请核对身份证号码的最后一位" if "校验码" in problem else problem)
        return number

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password2") and data["password1"] != data["password2"]:
            self.add_error("password2", "两次输入的密码不一致")
        return data
