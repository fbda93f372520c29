from __future__ import annotations

from django import forms
from django.utils import timezone

from . import periods as P
from .figures import FIGURES
from .models import SubscriptionKind


class PeriodForm(forms.Form):
    """The period picker: a recent month, quarter or year, or a custom range (start and end)."""

    period = forms.ChoiceField(label="统计期间", required=False)
    start = forms.DateField(label="自", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="至", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        options = P.choices(self.today)
        self.fields["period"].choices = [("", "上月（默认）")] + [(p.token, p.label) for p in options] + [
            ("custom", "自定义期间")]
        given = (self.data.get("period") or "").strip()
        if given and given not in dict(self.fields["period"].choices):
            # A period typed into the address (an older month, a shared link): keep it selectable.
            self.fields["period"].choices.insert(1, (given, given))

    def clean(self):
        """An error is shown beside what caused it: a missing date beside that date, a custom range that does not
        hold beside its end date, a period from the list (or the address) beside the list."""
        data = super().clean()
        token, field = data.get("period") or "", "period"
        if self.has_error("start") or self.has_error("end"):
            return data  # a date that is not a date: already said beside it
        if token == "custom" or data.get("start") or data.get("end"):
            for name, word in (("start", "开始"), ("end", "结束")):
                if not data.get(name):
                    self.add_error(name, f"自定义期间请填写{word}日期")
            if self.errors:
                return data
            token, field = f"{data['start']:%Y-%m-%d}~{data['end']:%Y-%m-%d}", "end"
        try:
            data["parsed"] = P.parse(token, today=self.today)
        except P.PeriodError as exc:
            self.add_error(field, str(exc))
        return data


class ReportGenerateForm(forms.Form):
    month = forms.ChoiceField(label="报告月份")

    def __init__(self, *args, today=None, published=frozenset(), **kwargs):
        """published: the months whose report is published (not offered: it cannot be generated again)."""
        super().__init__(*args, **kwargs)
        today = today or timezone.localdate()
        months = [p for p in P.choices(today, months=13)
                  if p.kind == "month" and p.end < today and p.start not in published]
        self.fields["month"].choices = [(p.token, p.label) for p in months]

    def clean_month(self):
        return P.parse(self.cleaned_data["month"], today=timezone.localdate()).start


class ParagraphForm(forms.Form):
    paragraph = forms.CharField(label="通稿段落", widget=forms.Textarea(attrs={"rows": 6}), max_length=5000)


class SubscriptionForm(forms.Form):
    kind = forms.ChoiceField(label="订阅内容", choices=SubscriptionKind.choices)
    figure = forms.ChoiceField(label="预警指标", required=False)
    email = forms.BooleanField(label="同时发送电子邮件", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["figure"].choices = [("", "（订阅月度报告时不选）")] + [
            (f.id, f"{f.name}（{'低于' if 'min' in f.threshold else '高于'}{next(iter(f.threshold.values()))}{f.unit}时提醒）")
            for f in FIGURES if f.threshold]
