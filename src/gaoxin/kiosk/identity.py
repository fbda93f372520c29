"""Identity back-ends of the kiosk, pluggable like the SMS back-end (settings.GAOXIN_KIOSK_IDENTITY_BACKEND: a
dotted path to a class). A back-end reads the log-in form it declares and answers the person's checked resident ID
number; who that person acts for is the kiosk's business (`selectors.person_for`). The default reads the ID number
that a keyboard-wedge card reader types (digits and Enter) or the person types on the screen's keypad. A face-check
or e-ID back-end is another class with the same two members."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.module_loading import import_string

from gaoxin.core.validators import id_number_problem, normalize_code


class IdNumberForm(forms.Form):
    id_number = forms.CharField(
        label="身份证号码", max_length=30, strip=True,
        error_messages={"required": "请刷身份证或输入身份证号码"},
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric", "autofocus": True,
                                      "class": "form-control form-control-lg kiosk-id-input",
                                      "data-kiosk-keypad-target": ""}),
    )

    def clean_id_number(self) -> str:
        value = normalize_code(self.cleaned_data["id_number"])
        if problem := id_number_problem(value):
            raise forms.ValidationError(problem)
        return value


class IdCardBackend:
    """身份证读卡器（键盘输入方式）或手动输入身份证号码: the check digit and birth date are checked (core.validators)."""

    source = "id_card"
    label = "身份证"
    form_class = IdNumberForm

    def id_number(self, form: forms.Form) -> str:
        return form.cleaned_data["id_number"]


def backend():
    return import_string(settings.GAOXIN_KIOSK_IDENTITY_BACKEND)()
