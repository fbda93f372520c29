"""Input edges of 人才服务保障: every POST of the pages; a refused form is shown again with what was typed."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from gaoxin.appeals.models import TalentService, Urgency
from gaoxin.core.validators import PHONE_PATTERN, normalize_code
from gaoxin.enterprises.models import ParkArea
from gaoxin.talent.models import Talent

from .models import ApartmentUnit, Building, ContactWay


def _date(label: str, **kw):
    # ISO format: a browser's date input shows nothing for any other (an initial date would look empty).
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kw)


class TalentField(forms.CharField):
    """A talent named by ID number (the office types it; the registry must hold it)."""

    def __init__(self, **kw):
        kw.setdefault("label", "人才身份证号码")
        kw.setdefault("max_length", 18)
        super().__init__(**kw)

    def clean(self, value):
        value = normalize_code(super().clean(value) or "")
        if not value:
            return None
        talent = Talent.objects.filter(id_number=value).first()
        if talent is None:
            raise forms.ValidationError("人才库中没有该身份证号码的人才")
        return talent


class BuildingForm(forms.Form):
    name = forms.CharField(label="楼栋名称", max_length=60)
    address = forms.CharField(label="地址", max_length=200)
    park = forms.ModelChoiceField(label="园区", queryset=ParkArea.objects.order_by("name"), required=False,
                                  empty_label="（不选）")


class UnitForm(forms.Form):
    building = forms.ModelChoiceField(label="楼栋", queryset=Building.objects.order_by("name"), empty_label="请选择")
    number = forms.CharField(label="房号", max_length=20)
    rooms = forms.IntegerField(label="居室数", min_value=1, max_value=10)
    area = forms.DecimalField(label="建筑面积（㎡）", min_value=1, max_value=10_000, decimal_places=2)
    rent = forms.DecimalField(label="月租金（元）", min_value=0, max_value=1_000_000, decimal_places=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.order_by("name")


class UnitFilterForm(forms.Form):
    building = forms.ModelChoiceField(label="楼栋", queryset=Building.objects.order_by("name"), required=False,
                                      empty_label="全部楼栋")
    status = forms.ChoiceField(label="状态", required=False,
                               choices=[("", "全部状态"), *ApartmentUnit._meta.get_field("status").choices])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.order_by("name")


class ApplyForm(forms.Form):
    """A talent's own application (the office adds the talent's ID number)."""

    rooms_wanted = forms.IntegerField(label="需要居室数", min_value=1, max_value=10, initial=1)
    family_size = forms.IntegerField(label="同住人数（含本人）", min_value=1, max_value=20, initial=1)
    note = forms.CharField(label="说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class OfficeApplyForm(ApplyForm):
    talent = TalentField()
    field_order = ["talent", "rooms_wanted", "family_size", "note"]


class ApplicationActForm(forms.Form):
    """One step of an application (name, and what the step takes)."""

    reason = forms.CharField(label="说明", max_length=300, required=False)
    unit = forms.ModelChoiceField(label="配租房源", queryset=ApartmentUnit.objects.none(), required=False,
                                  empty_label="请选择")
    start_on = _date("起租日期", required=False)
    end_on = _date("到期日期", required=False)
    deposit = forms.DecimalField(label="押金（元）", min_value=0, max_value=1_000_000, decimal_places=2, required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units
        # The office chooses by what the unit is: rooms, area and rent beside its address.
        self.fields["unit"].label_from_instance = (
            lambda u: f"{u.building.name} {u.number}：{u.rooms} 居室，{u.area.normalize():f}㎡，月租金 {u.rent:,.2f} 元")


class LeaseActForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=500, required=False)
    end_on = _date("续租至", required=False)
    moved_out_on = _date("退租日期", required=False)


class UnitActForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=300, required=False)


class PairingForm(forms.Form):
    talent = TalentField()
    leader = forms.ModelChoiceField(label="联系领导", queryset=None, empty_label="请选择")
    since = _date("结对日期", initial=timezone.localdate)

    def __init__(self, *args, **kwargs):
        from .selectors import leaders

        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = leaders()
        self.fields["leader"].label_from_instance = lambda u: u.get_full_name()


class PairingEndForm(forms.Form):
    reason = forms.CharField(label="结束原因", max_length=300)


class ContactForm(forms.Form):
    contacted_on = _date("联系日期", initial=timezone.localdate)
    way = forms.ChoiceField(label="联系方式", choices=ContactWay.choices)
    notes = forms.CharField(label="联系情况", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    problems = forms.CharField(label="反映的问题（可转为人才服务诉求）", max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))


# No default: a schooling problem must not be filed as housing because 住房保障 came first (QA walk).
SERVICE_CHOICES = [("", "请选择")] + TalentService.choices


class RaiseAppealForm(forms.Form):
    talent_service = forms.ChoiceField(label="服务类别", choices=SERVICE_CHOICES,
                                       error_messages={"required": "请选择服务类别"})
    title = forms.CharField(label="标题（不填取问题的第一行）", max_length=120, required=False)


class TalentAppealForm(forms.Form):
    talent_service = forms.ChoiceField(label="服务类别", choices=SERVICE_CHOICES,
                                       error_messages={"required": "请选择服务类别"})
    title = forms.CharField(label="标题", max_length=120)
    description = forms.CharField(label="具体需求", max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    contact_phone = forms.RegexField(label="联系电话", regex=PHONE_PATTERN, max_length=20,
                                     error_messages={"invalid": "请填写正确的手机号或座机号"})
    # 复杂疑难 is the centre's classification (a longer deadline), not something a requester picks.
    urgency = forms.TypedChoiceField(label="紧急程度", choices=[(u.value, u.label) for u in (Urgency.NORMAL, Urgency.URGENT)],
                                     initial=Urgency.NORMAL, required=False, empty_value=Urgency.NORMAL)


class OfficeTalentAppealForm(TalentAppealForm):
    talent = TalentField()
    field_order = ["talent", "talent_service", "title", "description", "contact_phone", "urgency"]
