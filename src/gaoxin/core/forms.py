from django import forms
from django.conf import settings

from .models import DayKind


class DeadlineForm(forms.Form):
    start = forms.DateField(label="受理日期", widget=forms.DateInput(attrs={"type": "date"}))
    days = forms.IntegerField(label="办理时限（工作日）", min_value=0, max_value=1000)
    rule = forms.ChoiceField(
        label="非工作日受理的计算方式",
        choices=[("next_day", "自次日起计算（默认）"), ("next_workday", "视为下一工作日受理")],
        required=False,
    )


class CalendarDayForm(forms.Form):
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="节日名称", max_length=50, required=False)
    source = forms.CharField(label="依据", max_length=255, required=False)


class CalendarYearForm(forms.Form):
    year = forms.IntegerField(label="年份", min_value=2000, max_value=2100)


class CalendarConfirmForm(forms.Form):
    source_document = forms.CharField(label="依据文件", max_length=255)


class XlsxUploadForm(forms.Form):
    """An Excel upload: extension, size and the zip signature are checked before any work."""

    file = forms.FileField(label="Excel 文件（.xlsx）")

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["file"].label = label

    def clean_file(self):
        f = self.cleaned_data["file"]
        if not f.name.lower().endswith(".xlsx"):
            raise forms.ValidationError("请上传 .xlsx 格式的 Excel 文件")
        if f.size > settings.GAOXIN_MAX_UPLOAD_BYTES:
            raise forms.ValidationError(f"文件不能超过{settings.GAOXIN_MAX_UPLOAD_BYTES // 1024 // 1024}MB")
        head = f.read(4)
        f.seek(0)
        if head != b"PK\x03\x04":
            raise forms.ValidationError("文件内容不是有效的 .xlsx 文件")
        return f
