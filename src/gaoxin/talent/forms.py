from __future__ import annotations

from django import forms
from django.utils import timezone

from gaoxin.core.validators import MOBILE_PATTERN, PHONE_PATTERN, id_number_problem, normalize_code
from gaoxin.enterprises.forms import FirmField

from .models import (
    AgreementKind,
    DemandStatus,
    Education,
    EventKind,
    JobDemand,
    School,
    ScoreMethod,
    SkillGrade,
    SkillLevel,
    TalentTier,
    TalentTitle,
    Urgency,
)

PHONE_ERROR = {"invalid": "请填写正确的手机号码"}


def _date(label: str, **kw):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}), **kw)


def _firm_choice(form: forms.Form, firms) -> None:
    """An enterprise user picks one of its firms; staff name the firm by its USCC."""
    if firms is not None:
        form.fields["uscc"] = FirmField(firms=firms, label="企业",
                                        widget=forms.Select(choices=[(f.uscc, f.name) for f in firms]))


class DemandForm(forms.Form):
    uscc = FirmField()
    post = forms.CharField(label="岗位", max_length=60)
    quantity = forms.IntegerField(label="需求人数", min_value=1, max_value=10_000)
    skill_level = forms.ChoiceField(label="技能或学历要求", choices=SkillLevel.choices)
    pay_min = forms.IntegerField(label="月薪下限（元）", min_value=0, max_value=1_000_000)
    pay_max = forms.IntegerField(label="月薪上限（元）", min_value=0, max_value=1_000_000)
    urgency = forms.TypedChoiceField(label="紧急程度", choices=Urgency.choices, initial=Urgency.NORMAL, required=False,
                                     empty_value=Urgency.NORMAL)
    location = forms.CharField(label="工作地点", max_length=100)
    description = forms.CharField(label="岗位说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        _firm_choice(self, firms)

    def clean(self):
        # Checked here as well as in the service, so a bad amount is told together with every other error.
        data = super().clean()
        low, high = data.get("pay_min"), data.get("pay_max")
        if low is not None and high is not None and low > high:
            self.add_error("pay_max", "月薪上限不能低于下限")
        return data

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        return {"enterprise": d.pop("uscc"), **d}


class HireForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号码", max_length=18)
    phone = forms.RegexField(label="手机号码", regex=PHONE_PATTERN, max_length=20, required=False,
                             error_messages=PHONE_ERROR)
    hired_on = _date("到岗日期", initial=timezone.localdate)
    event = forms.ModelChoiceField(label="来自对接活动", queryset=None, required=False, empty_label="（无）")

    def __init__(self, *args, demand: JobDemand, **kwargs):
        super().__init__(*args, **kwargs)
        self.demand = demand
        self.fields["event"].queryset = demand.enterprise.match_events.order_by("-held_on")

    # The service's checks, here too, so every error is shown at the first submit.
    def clean_id_number(self):
        code = normalize_code(self.cleaned_data["id_number"])
        if problem := id_number_problem(code):
            raise forms.ValidationError(problem)
        return code

    def clean_hired_on(self):
        day = self.cleaned_data["hired_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("到岗日期不能晚于今天")
        posted = timezone.localtime(self.demand.created_at).date()
        if day < posted:
            raise forms.ValidationError(f"到岗日期不能早于该需求的发布日期（{posted:%Y年%m月%d日}）")
        return day


class ActForm(forms.Form):
    reason = forms.CharField(label="说明", max_length=300, required=False)
    left_on = _date("离职日期", required=False)


class EventForm(forms.Form):
    title = forms.CharField(label="活动名称", max_length=120)
    kind = forms.ChoiceField(label="类型", choices=EventKind.choices)
    held_on = _date("举办日期")
    place = forms.CharField(label="地点", max_length=120)
    programme = forms.CharField(label="活动议程", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5}))


class RegisterForm(forms.Form):
    uscc = FirmField(label="参会企业统一社会信用代码", required=False)
    school = forms.ModelChoiceField(label="参会院校", queryset=School.objects.all(), required=False, empty_label="（不选）")
    demands = forms.ModelMultipleChoiceField(label="提供的岗位", queryset=JobDemand.objects.none(), required=False,
                                             widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, firms=None, **kwargs):
        super().__init__(*args, **kwargs)
        _firm_choice(self, firms)
        live = JobDemand.objects.filter(status__in=[DemandStatus.OPEN, DemandStatus.PARTLY_FILLED])
        if firms is not None:
            live = live.filter(enterprise__in=firms)
            del self.fields["school"]
        self.fields["demands"].queryset = live.select_related("enterprise").order_by("enterprise__name", "post")
        self.fields["demands"].label_from_instance = lambda d: f"{d.enterprise.name}：{d.post}（{d.quantity}人）"

    def clean(self):
        data = super().clean()
        if not data.get("uscc") and not data.get("school") and not self.errors:
            raise forms.ValidationError("请填写参会企业或选择参会院校")
        return data


class CheckInForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.RegexField(label="手机号码", regex=PHONE_PATTERN, max_length=20, error_messages=PHONE_ERROR)
    school = forms.CharField(label="毕业院校或原单位", max_length=100, required=False)
    major = forms.CharField(label="专业或工种", max_length=60, required=False)
    resume = forms.FileField(label="简历（可选，PDF、Word 或图片）", required=False)


class IntentForm(forms.Form):
    enterprise = forms.ModelChoiceField(empty_label="请选择", label="企业", queryset=None)
    person = forms.CharField(label="求职者姓名", max_length=50)
    demand = forms.ModelChoiceField(label="岗位", queryset=None, required=False, empty_label="（未指定）")
    signed_on = _date("签约日期", required=False)

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = event.firms.order_by("name")
        self.fields["demand"].queryset = event.demands.select_related("enterprise")
        self.fields["demand"].label_from_instance = lambda d: f"{d.enterprise.name}：{d.post}"


class AgreementForm(forms.Form):
    school = forms.ModelChoiceField(empty_label="请选择", label="院校", queryset=School.objects.all())
    uscc = FirmField()
    kind = forms.ChoiceField(label="合作类型", choices=AgreementKind.choices)
    title = forms.CharField(label="协议名称", max_length=120)
    places = forms.IntegerField(label="计划人数", min_value=0, max_value=100_000, initial=0)
    signed_on = _date("签订日期")
    expires_on = _date("到期日期")

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        return {"enterprise": d.pop("uscc"), **d}


class ActivityForm(forms.Form):
    held_on = _date("日期", initial=timezone.localdate)
    note = forms.CharField(label="内容（如实习生进厂、联合授课、订单班开班）", max_length=300)
    people = forms.IntegerField(label="人数", min_value=0, max_value=100_000, initial=0)


class DemandFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"type": "search",
                                                                                 "placeholder": "岗位或企业名称"}))
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + DemandStatus.choices)


# --- talent registry and recognition rounds ----------------------------------------------------------------------


class TalentForm(forms.Form):
    """A registry entry; the ID number only when registering (an entry's key does not change)."""

    id_number = forms.CharField(label="身份证号码", max_length=18)
    name = forms.CharField(label="姓名", max_length=50)
    phone = forms.RegexField(label="手机号码", regex=PHONE_PATTERN, max_length=20, required=False,
                             error_messages=PHONE_ERROR)
    education = forms.ChoiceField(label="学历", choices=Education.choices)
    professional_title = forms.CharField(label="职称", max_length=40, required=False,
                                         widget=forms.TextInput(attrs={"placeholder": "如 高级工程师"}))
    skill_grade = forms.ChoiceField(label="技能等级", choices=SkillGrade.choices, required=False)
    uscc = FirmField(label="工作单位统一社会信用代码", required=False,
                     help_text="变更工作单位后，按原单位申领、尚未发放完毕的人才待遇即停发，服务期内已发放的按规定追回")
    work_location = forms.CharField(label="工作地", max_length=60, required=False)
    insurance_location = forms.CharField(label="社保缴纳地", max_length=60, required=False)
    residence = forms.CharField(label="户籍或居住地", max_length=60, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["id_number"]

    def clean_id_number(self):
        """Checked here too, so a wrong number is told together with the form's other errors (the service checks it
        again for the API)."""
        code = normalize_code(self.cleaned_data["id_number"])
        if problem := id_number_problem(code):
            raise forms.ValidationError(problem)
        return code

    def service_kwargs(self) -> dict:
        d = dict(self.cleaned_data)
        return {"employer": d.pop("uscc"), **d}

    @staticmethod
    def initial_of(talent) -> dict:
        from .services import TALENT_FIELDS

        data = {f: getattr(talent, f) for f in TALENT_FIELDS if f != "employer"}
        return {**data, "uscc": talent.employer.uscc if talent.employer_id else ""}


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, widget=forms.TextInput(attrs={"type": "search",
                                                                                 "placeholder": "姓名或工作单位"}))
    tier = forms.ModelChoiceField(label="层次", queryset=TalentTier.objects.all(), required=False, empty_label="全部层次")
    title = forms.ModelChoiceField(label="称号", queryset=TalentTitle.objects.all(), required=False,
                                   empty_label="全部称号")
    employer = forms.CharField(label="工作单位统一社会信用代码", required=False, max_length=30)


class EvidenceForm(forms.Form):
    label = forms.CharField(label="材料名称", max_length=60, widget=forms.TextInput(attrs={"placeholder": "如 职称证书"}))
    file = forms.FileField(label="文件（PDF 或图片）")


class RecognitionForm(forms.Form):
    title = forms.ModelChoiceField(empty_label="请选择", label="称号", queryset=TalentTitle.objects.filter(is_active=True))
    tier = forms.ModelChoiceField(empty_label="请选择", label="层次", queryset=TalentTier.objects.filter(is_active=True))
    basis = forms.CharField(label="认定依据", max_length=300)
    recognised_on = _date("认定日期", initial=timezone.localdate)
    valid_to = _date("有效期至（不填按称号的有效期）", required=False)


class AccountForm(forms.Form):
    phone = forms.RegexField(label="手机号码（登录名）", regex=MOBILE_PATTERN, max_length=11,
                             error_messages={"invalid": "请填写11位手机号码"})
    password = forms.CharField(label="初始密码（请告知本人，登录后修改）", widget=forms.PasswordInput(render_value=True))


class RoundForm(forms.Form):
    title = forms.CharField(label="批次名称", max_length=120)
    talent_title = forms.ModelChoiceField(empty_label="请选择", label="认定称号", queryset=TalentTitle.objects.filter(is_active=True))
    tiers = forms.ModelMultipleChoiceField(label="可申报层次", queryset=TalentTier.objects.filter(is_active=True),
                                           widget=forms.CheckboxSelectMultiple)
    opens_on = _date("申报开始日期", initial=timezone.localdate)
    closes_on = _date("申报截止日期")
    quota = forms.IntegerField(label="认定名额（不填为不限）", min_value=1, max_value=100_000, required=False)
    pass_score = forms.DecimalField(label="通过分数线", min_value=0, max_value=100, decimal_places=2, initial=60)
    score_method = forms.ChoiceField(label="评分计算方式", choices=ScoreMethod.choices, initial=ScoreMethod.MEAN)
    reviewers = forms.ModelMultipleChoiceField(label="评审专家（工作人员账号）", queryset=None, required=False,
                                               widget=forms.SelectMultiple(attrs={"size": 6}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from gaoxin.accounts.models import STAFF_ROLES, OrgKind, User

        # Reviewers are officers of the zone's departments, shown by name and department (never a log-in name).
        self.fields["reviewers"].queryset = (
            User.objects.filter(is_active=True, role__in=sorted(STAFF_ROLES), org_unit__kind=OrgKind.DEPARTMENT)
            .select_related("org_unit").order_by("org_unit__sort_order", "org_unit__name", "full_name", "pk"))
        self.fields["reviewers"].label_from_instance = lambda u: f"{u.get_full_name()}（{u.org_unit.name}）"


class ApplyForm(forms.Form):
    """Applying in a round; the office names the talent by ID number, a talent applies for themself."""

    id_number = forms.CharField(label="申报人身份证号码", max_length=18)
    tier = forms.ModelChoiceField(empty_label="请选择", label="申报层次", queryset=None)
    statement = forms.CharField(label="申报理由及主要业绩", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    label1 = forms.CharField(label="证明材料一名称", max_length=60, initial="学历学位证书")
    file1 = forms.FileField(label="证明材料一（PDF 或图片）", required=False)
    label2 = forms.CharField(label="证明材料二名称", max_length=60, required=False, initial="职称或技能等级证书")
    file2 = forms.FileField(label="证明材料二（可选）", required=False)
    # The service checks the files together as `evidence`: its errors go beside the first file.
    service_fields = {"evidence": "file1"}

    def __init__(self, *args, round, for_office: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = round.tiers.all()
        if not for_office:
            del self.fields["id_number"]

    def clean_id_number(self):
        from .models import Talent

        code = normalize_code(self.cleaned_data["id_number"])
        if problem := id_number_problem(code):
            raise forms.ValidationError(problem)
        talent = Talent.objects.filter(id_number=code).first()
        if talent is None:
            raise forms.ValidationError("人才库中没有该身份证号码，请先登记人才")
        return talent

    def _checked(self, name: str, label: str):
        # Each file checked beside its own field, naming it (the service checks them again, as one `evidence`).
        from gaoxin.core.uploads import check_upload

        f = self.cleaned_data.get(name)
        if f:
            check_upload(f, kind="evidence", label=label)
        return f

    def clean_file1(self):
        return self._checked("file1", "证明材料一")

    def clean_file2(self):
        return self._checked("file2", "证明材料二")

    def clean(self):
        # The service's "at least one file", here too, so it is told together with the tier's and statement's errors.
        data = super().clean()
        if not data.get("file1") and not data.get("file2") and "file1" not in self.errors:
            self.add_error("file1", "请上传至少一份证明材料")
        return data

    def evidence(self) -> list:
        d = self.cleaned_data
        return [(d.get("label1") or "证明材料", d.get("file1")), (d.get("label2") or "证明材料", d.get("file2"))]


class ScoreForm(forms.Form):
    score = forms.DecimalField(label="评分（0–100）", min_value=0, max_value=100, decimal_places=2)
    comment = forms.CharField(label="评审意见", max_length=300, required=False)


class ObjectionForm(forms.Form):
    application = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label="异议内容和理由", max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
    contact = forms.CharField(label="联系方式（便于核查时联系您）", max_length=60, required=False)
