"""A date field's given value reaches an <input type="date"> as YYYY-MM-DD, the only form the browser accepts (the
green finance forms rendered 2026/11/30, which the browser shows as an empty field); a date typed the other
way (2026/11/30) is still read."""

import datetime as dt

from django import forms
from django.utils import translation


class _Form(forms.Form):
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_a_given_date_renders_as_iso_and_chinese_typed_dates_still_parse():
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": dt.date(2026, 11, 30)})["day"])
        assert 'value="2026-11-30"' in html
        for typed in ("2026-11-30", "2026/11/30"):
            form = _Form(data={"day": typed})
            assert form.is_valid(), typed
            assert form.cleaned_data["day"] == dt.date(2026, 11, 30)
