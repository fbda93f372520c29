from django import forms

from .models import DayKind
from .uploads import check_upload


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
    """An Excel workbook upload: extension, content (a real .xlsx) and size are checked before any work
    (core.uploads, kind "workbook")."""

    file = forms.FileField(label="Excel 文件（.xlsx）")
    kind = "workbook"  # the core.uploads kind a subclass checks against (e.g. "table": .xlsx or .csv)

    def __init__(self, *args, label: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["file"].label = label

    def clean_file(self):
        f = self.cleaned_data["file"]
        check_upload(f, kind=self.kind, label=self.fields["file"].label)
        return f


class _FileName:
    """A stored file as the clearable file input shows it: its link, and its file name rather than its storage
    path (catalog/<code>/v1/blank.xlsx → blank.xlsx)."""

    def __init__(self, file):
        self.url = file.url
        self.name = file.name.rsplit("/", 1)[-1]

    def __str__(self) -> str:
        return self.name


class FileNameInput(forms.ClearableFileInput):
    """A file field's input that names the file kept so far by its file name, in the forms' words."""

    initial_text = "现有文件"
    input_text = "更换为"
    clear_checkbox_label = "删除现有文件"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        if context["widget"]["is_initial"]:
            context["widget"]["value"] = _FileName(value)
        return context
