"""Input edges of the station pages and the station-log API: one form per input, shared by both, so a
value the page refuses the API refuses with the same message beside the same field."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, OrgUnit, User
from gaoxin.core.validators import normalize_code
from gaoxin.enterprises.forms import FirmField
from gaoxin.enterprises.models import Enterprise

from .models import Outcome, ServiceCategory, TrainingKind
from .permissions import liaison_candidates, training_attendee_candidates


def _departments():
    return OrgUnit.objects.filter(kind=OrgKind.DEPARTMENT, is_active=True).order_by("sort_order", "name")


class StationLogForm(forms.Form):
    """One entry of the service log (服务台账). Departments are named by their code."""

    uscc = FirmField(label="企业信用代码", required=False)
    person = forms.CharField(label="或群众姓名", max_length=50, required=False)
    category = forms.ChoiceField(label="类别", choices=ServiceCategory.choices)
    outcome = forms.ChoiceField(label="结果", choices=Outcome.choices)
    description = forms.CharField(label="服务内容", max_length=300, error_messages={"required": "请填写服务内容"})
    escalated_to = forms.ModelChoiceField(label="转办部门", queryset=OrgUnit.objects.none(), required=False,
                                          to_field_name="code", empty_label="—",
                                          error_messages={"invalid_choice": "请选择转办部门"})
    problem = forms.BooleanField(label="解决问题", required=False)
    provided_on = forms.DateField(label="服务日期", required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                                  error_messages={"invalid": "请填写正确的日期"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["escalated_to"].queryset = _departments()
        self.fields["uscc"].widget.attrs["placeholder"] = "统一社会信用代码"

    def clean(self):
        data = super().clean()
        if not self.errors.get("uscc") and not data.get("uscc") and not (data.get("person") or "").strip():
            self.add_error("uscc", "请选择企业或填写群众姓名")
        return data

    def log_kwargs(self) -> dict:
        """The keyword arguments of `services.service_log` (besides the station and the actor)."""
        d = self.cleaned_data
        return {"enterprise": d["uscc"], "person": d["person"], "category": d["category"], "outcome": d["outcome"],
                "description": d["description"], "escalated_to": d["escalated_to"], "problem": d["problem"],
                "provided_on": d["provided_on"] or timezone.localdate()}


class StationLogApiForm(StationLogForm):
    """The API names the station by its code (the page has it in its address)."""

    station = forms.ModelChoiceField(queryset=OrgUnit.objects.none(), to_field_name="code",
                                     error_messages={"invalid_choice": "驿站不存在", "required": "请填写驿站编码"})

    def __init__(self, *args, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].queryset = stations


class StationEventForm(forms.Form):
    """A station activity (便民惠企活动) with the firms that took part, named by their USCC."""

    title = forms.CharField(label="活动名称", max_length=120, error_messages={"required": "请填写活动名称"},
                            widget=forms.TextInput(attrs={"placeholder": "如 便民惠企活动"}))
    held_on = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"invalid": "请填写正确的日期", "required": "请填写活动日期"})
    organisers = forms.CharField(label="主办单位", max_length=200, required=False)
    enterprises = forms.CharField(label="参加企业信用代码（逗号分隔）", required=False, max_length=4000)
    attendees = forms.IntegerField(label="参加人数", min_value=0, required=False,
                                   error_messages={"invalid": "参加人数应为整数", "min_value": "参加人数不能为负数"})

    def clean_enterprises(self) -> list[Enterprise]:
        raw = self.cleaned_data["enterprises"].replace("，", ",").replace("、", ",")
        codes = [normalize_code(c) for c in raw.split(",") if c.strip()]
        firms = {e.uscc: e for e in Enterprise.objects.filter(uscc__in=codes)}
        unknown = [c for c in codes if c not in firms]
        if unknown:
            raise forms.ValidationError(f"企业档案中没有这些统一社会信用代码：{'、'.join(unknown)}")
        return list({c: firms[c] for c in codes}.values())

    def event_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"title": d["title"], "held_on": d["held_on"], "organisers": d["organisers"],
                "enterprises": d["enterprises"], "attendees": d["attendees"] or 0}


class LiaisonForm(forms.Form):
    """一对一联络: a department officer named the station's liaison for that department."""

    officer = forms.ModelChoiceField(label="指定部门联络员（每个部门一名）", queryset=liaison_candidates(),
                                     to_field_name="username", empty_label=None,
                                     error_messages={"invalid_choice": "请选择联络员", "required": "请选择联络员"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = liaison_candidates()
        self.fields["officer"].label_from_instance = \
            lambda o: f"{o.org_unit.short_name or o.org_unit.name} · {o.get_full_name()}"


def _staff_label(user) -> str:
    unit = user.org_unit.short_name or user.org_unit.name if user.org_unit_id else ""
    return f"{user.get_full_name()}（{unit + ' · ' if unit else ''}{user.get_role_display()}）"


def _attendee_choices():
    return training_attendee_candidates().select_related("org_unit").order_by(
        "org_unit__kind", "org_unit__sort_order", "org_unit__name", "full_name", "pk")


class TrainingSessionForm(forms.Form):
    """A staff training session (集中培训、跟班学习、情景演练) with who attended, named by their accounts."""

    kind = forms.ChoiceField(label="培训方式", choices=[("", "请选择")] + TrainingKind.choices,
                             error_messages={"required": "请选择培训方式", "invalid_choice": "请选择培训方式"})
    title = forms.CharField(label="培训名称", max_length=120, error_messages={"required": "请填写培训名称"},
                            widget=forms.TextInput(attrs={"placeholder": "如 “一窗通办”业务集中培训"}))
    held_on = forms.DateField(label="培训日期", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                              error_messages={"invalid": "请填写正确的日期", "required": "请填写培训日期"})
    hours = forms.DecimalField(label="学时（小时）", max_digits=4, decimal_places=1,
                               error_messages={"required": "请填写学时", "invalid": "学时应为数字",
                                               "max_digits": "学时最多 999 小时、保留一位小数",
                                               "max_decimal_places": "学时最多保留一位小数",
                                               "max_whole_digits": "学时最多 999 小时"})
    organiser = forms.ModelChoiceField(label="组织单位", queryset=OrgUnit.objects.none(), to_field_name="code",
                                       empty_label=None, error_messages={"invalid_choice": "请选择您可以代表的组织单位",
                                                                         "required": "请选择组织单位"})
    place = forms.CharField(label="地点", max_length=120, required=False)
    trainer = forms.CharField(label="授课/带教人", max_length=100, required=False)
    topics = forms.CharField(label="培训内容（每行一个专题）", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 3}))
    attendees = forms.ModelMultipleChoiceField(
        label="参训人员", queryset=User.objects.none(), to_field_name="username", widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择参训人员", "invalid_choice": "参训人员应为在岗工作人员",
                        "invalid_pk_value": "参训人员应为在岗工作人员"})

    def __init__(self, *args, organisers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = organisers.order_by("kind", "sort_order", "name")
        self.fields["attendees"].queryset = _attendee_choices()
        self.fields["attendees"].label_from_instance = _staff_label

    def service_kwargs(self) -> dict:
        """The keyword arguments of `services.training_session_create` (besides the actor)."""
        d = self.cleaned_data
        return {k: d[k] for k in ("kind", "title", "held_on", "hours", "organiser", "place", "trainer", "topics")} | {
            "attendees": list(d["attendees"])}


class TrainingFilterForm(forms.Form):
    kind = forms.ChoiceField(label="培训方式", required=False, choices=[("", "全部方式")] + TrainingKind.choices)
    year = forms.TypedChoiceField(label="年度", required=False, coerce=int, empty_value=None, choices=())

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        years = set(years)
        asked = str(self.data.get("year", ""))
        if asked.isdigit() and 2000 <= int(asked) <= 2100:  # a year from a shared link: no sessions, not an error
            years.add(int(asked))
        self.fields["year"].choices = [("", "全部年度")] + [(y, f"{y}年") for y in sorted(years, reverse=True)]

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"kind": self.cleaned_data["kind"], "year": self.cleaned_data["year"]}


class TrainingAttendeeForm(forms.Form):
    """Add or take off one attendee, named by account."""

    attendee = forms.ModelChoiceField(label="参训人员", queryset=User.objects.none(), to_field_name="username",
                                      empty_label="请选择", error_messages={"required": "请选择人员",
                                                                          "invalid_choice": "请选择在岗工作人员"})

    def __init__(self, *args, queryset=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendee"].queryset = queryset if queryset is not None else _attendee_choices()
        self.fields["attendee"].label_from_instance = _staff_label
