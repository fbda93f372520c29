"""Forms of the 帮代办 pages: they bind and redisplay what the user typed; the rules live in services."""

from __future__ import annotations

from django import forms

from gaoxin.catalog.models import Necessity

from .milestones import MILESTONES
from .models import Project


class FileCaseForm(forms.Form):
    """The agent files a case for the enterprise: per material, the uploaded file or the original seen."""

    note = forms.CharField(label="申报说明", required=False, max_length=500)

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.materials = list(materials)
        for m in self.materials:
            self.fields[f"material_{m.pk}"] = forms.FileField(label=m.name, required=False)
            self.fields[f"original_{m.pk}"] = forms.BooleanField(label="已核验原件", required=False)

    def rows(self) -> list[tuple]:
        """(material, required?, file field, original field) per material, for the table."""
        return [(m, m.necessity == Necessity.REQUIRED, self[f"material_{m.pk}"], self[f"original_{m.pk}"])
                for m in self.materials]

    def files_by_material(self) -> dict:
        return {m.pk: self.cleaned_data[f"material_{m.pk}"] for m in self.materials
                if self.cleaned_data.get(f"material_{m.pk}")}

    def originals_seen(self) -> set[int]:
        return {m.pk for m in self.materials if self.cleaned_data.get(f"original_{m.pk}")}


class MilestoneForm(forms.Form):
    """The dates of the four 即 milestones; their order is checked by `project_set_milestones`."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for key in MILESTONES:
            self.fields[key] = forms.DateField(
                label=Project._meta.get_field(key).verbose_name, required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                error_messages={"invalid": "请填写正确的日期"})

