"""Input edges of cases: every page and the API read their input through these forms, so a value the page
refuses the API refuses with the same message, beside the same field."""

import re

from django import forms
from django.conf import settings

from gaoxin.catalog.models import Channel, Material, Necessity, ServiceItem, Situation
from gaoxin.core.uploads import check_upload, upload_help
from gaoxin.core.validators import id_number_problem, normalize_code, uscc_problem
from gaoxin.enterprises.forms import FirmField

from .application import is_electronic_licence, must_upload, requirement_for
from .models import DELIVER_METHODS, PHONE_REGEX, ApplicantType, DeliveryMethod, Level, Status
from .workflow import WORKFLOW, decision_problems, delivery_problems

PHONE_ERRORS = {"invalid": "请填写正确的手机号或座机号", "required": "请填写联系电话"}


def _styled(field: forms.Field) -> forms.Field:
    widget = field.widget
    if isinstance(widget, (forms.RadioSelect, forms.HiddenInput, forms.CheckboxInput)):
        return field
    css = "form-select" if isinstance(widget, forms.Select) else "form-control"
    widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
    return field


class ApplicantMixin:
    """The applicant block of an application, asked once: one of the user's firms, the user as a
    natural person (name and ID number from the account), or, for staff registering a 一件事,
    any firm of the registry by USCC or any person by name and ID number."""

    def add_applicant_fields(self, *, enterprises=None, citizen=None, staff: bool = False,
                             type_hidden: bool = False) -> None:
        self.enterprises, self.citizen, self.staff = enterprises, citizen, staff
        choices = []
        if enterprises is not None or staff:
            choices.append((ApplicantType.ENTERPRISE, "企业（法人）"))
        if citizen is not None or staff:
            choices.append((ApplicantType.CITIZEN, f"个人：{citizen.full_name}" if citizen else "个人（自然人）"))
        hidden = type_hidden or len(choices) == 1
        self.applicant_choices = choices
        # With one choice there is nothing to ask; with two, the form must say which.
        self.fields["applicant_type"] = forms.ChoiceField(
            label="申请人类型", choices=choices, initial=choices[0][0], required=len(choices) > 1,
            widget=forms.HiddenInput if hidden else forms.RadioSelect(attrs={"class": "form-check-input"}),
            error_messages={"invalid_choice": "请选择申请人类型", "required": "请选择申请人类型"})
        if enterprises is not None:
            self.fields["enterprise"] = _styled(forms.ModelChoiceField(
                label="申请企业", queryset=enterprises, empty_label=None, required=False,
                error_messages={"invalid_choice": "请选择您绑定的企业"}))
        if staff:
            self.fields["uscc"] = _styled(forms.CharField(label="企业统一社会信用代码", required=False, max_length=30))
            self.fields["applicant_name"] = _styled(forms.CharField(label="个人申请人姓名", required=False, max_length=50))
            self.fields["applicant_id_number"] = _styled(forms.CharField(label="身份证号码", required=False, max_length=20))

    def clean_applicant(self, data: dict) -> None:
        if not data.get("applicant_type") and len(self.applicant_choices) == 1:
            data["applicant_type"] = self.applicant_choices[0][0]
        kind = data.get("applicant_type")
        self._enterprise = None
        if kind == ApplicantType.ENTERPRISE:
            if self.staff:
                from gaoxin.enterprises.models import Enterprise

                code = normalize_code(data.get("uscc") or "")
                if not code:
                    self.add_error("uscc", "请填写申请企业的统一社会信用代码")
                elif problem := uscc_problem(code):
                    self.add_error("uscc", problem)
                elif (found := Enterprise.objects.filter(uscc=code).first()) is None:
                    self.add_error("uscc", "企业档案中没有该统一社会信用代码")
                else:
                    self._enterprise = found
            elif data.get("enterprise") is None:
                self.add_error("enterprise", "请选择申请企业")
            else:
                self._enterprise = data["enterprise"]
        elif kind == ApplicantType.CITIZEN and self.citizen is None:
            if not (data.get("applicant_name") or "").strip():
                self.add_error("applicant_name", "请填写个人申请人姓名")
            if problem := id_number_problem(data.get("applicant_id_number") or ""):
                self.add_error("applicant_id_number", problem)

    def applicant(self):
        from .services import Applicant

        data = self.cleaned_data
        phone = data["contact_phone"]
        if data["applicant_type"] == ApplicantType.ENTERPRISE:
            return Applicant(type=ApplicantType.ENTERPRISE, name=self._enterprise.name, enterprise=self._enterprise,
                             phone=phone)
        if self.citizen is not None:
            return Applicant(type=ApplicantType.CITIZEN, name=self.citizen.full_name, id_number=self.citizen.id_number,
                             phone=phone)
        return Applicant(type=ApplicantType.CITIZEN, name=data["applicant_name"].strip(),
                         id_number=normalize_code(data["applicant_id_number"]), phone=phone)

    def check_uploads(self, names) -> None:
        for name in names:
            if f := self.cleaned_data.get(name):
                try:
                    check_upload(f, label=self.fields[name].label)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)


def _material_help(necessity: str, notes: str = "", extra: str = "") -> str:
    text = {"required": "必要材料", "tolerance": "容缺材料：可暂不上传，窗口受理时确定是否容缺后补",
            "optional": "非必要材料", "deferred": "企业登记后补交，现在可不上传",
            "licence": "电子证照：通过数据共享获取，可免交（也可上传）"}[necessity]
    return "；".join(t for t in (text, extra, notes) if t)


class ApplyForm(ApplicantMixin, forms.Form):
    """Online application for one item: the applicant, the chosen 办理情形 (picked above the form,
    carried here hidden) and one upload per material of that situation."""

    situation = forms.ModelChoiceField(queryset=None, required=False, widget=forms.HiddenInput,
                                       error_messages={"invalid_choice": "请重新选择办理情形"})
    contact_phone = _styled(forms.RegexField(label="联系电话", regex=PHONE_REGEX, error_messages=PHONE_ERRORS))
    note = _styled(forms.CharField(label="申请说明", required=False, max_length=500,
                                   widget=forms.Textarea(attrs={"rows": 2})))

    def __init__(self, *args, enterprises, citizen, situations, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_applicant_fields(enterprises=enterprises, citizen=citizen)
        self.fields["situation"].queryset = Situation.objects.filter(pk__in=[s.pk for s in situations])
        self.fields["situation"].required = bool(situations)
        self.fields["situation"].error_messages["required"] = "请先在上方选择您的办理情形"
        self.materials = materials
        # The applicant is known when the user may apply only one way (a firm, or themself).
        applicant_type = self.applicant_choices[0][0] if len(self.applicant_choices) == 1 else None
        for m in materials:
            licence = is_electronic_licence(m)
            self.fields[f"material_{m.pk}"] = _styled(forms.FileField(
                label=m.name, required=must_upload(m),
                help_text=_material_help("licence" if licence else m.necessity,
                                         requirement_for(m.notes, applicant_type)),
                error_messages={"required": f"请上传“{m.name}”（必要材料）"}))
        self.order_fields(["applicant_type", "enterprise", "situation"])

    def material_fields(self):
        return [self[f"material_{m.pk}"] for m in self.materials]

    def clean(self):
        data = super().clean()
        self.clean_applicant(data)
        self.check_uploads(f"material_{m.pk}" for m in self.materials)
        return data

    def files_by_material(self) -> dict:
        return {m.pk: self.cleaned_data[f"material_{m.pk}"] for m in self.materials
                if self.cleaned_data.get(f"material_{m.pk}")}


class BundleApplyForm(ApplicantMixin, forms.Form):
    """一件事一表申请: the applicant once, the situation of each item (chosen above the form,
    carried here hidden) and one upload per material of the deduplicated checklist."""

    contact_phone = _styled(forms.RegexField(label="联系电话", regex=PHONE_REGEX, error_messages=PHONE_ERRORS))
    note = _styled(forms.CharField(label="申请说明", required=False, max_length=500,
                                   widget=forms.Textarea(attrs={"rows": 2})))

    def __init__(self, *args, parts, groups, enterprises=None, citizen=None, staff=False, applicant_type=None,
                 **kwargs):
        """applicant_type: as picked above the form (the requirement texts fit it)."""
        # Staff registering at the window, a station or as agent check originals there: uploads optional.
        super().__init__(*args, **kwargs)
        self.add_applicant_fields(enterprises=enterprises, citizen=citizen, staff=staff, type_hidden=True)
        self.parts, self.groups = parts, groups
        for part in parts:
            self.fields[part.situation_field] = forms.ModelChoiceField(
                queryset=Situation.objects.filter(pk__in=[s.pk for s in part.situations]),
                required=len(part.situations) > 1, widget=forms.HiddenInput,
                error_messages={"required": f"请先在上方选择“{part.item.name}”的办理情形",
                                "invalid_choice": f"请重新选择“{part.item.name}”的办理情形"})
        for group in groups:
            uses = f"共用于：{'、'.join(group.item_names)}" if len(group.item_names) > 1 else f"用于：{group.item_names[0]}"
            if group.bundle_form:
                uses = "下载一表申请，填写并签字后上传一次，各事项共用"
            necessity = "licence" if group.licence else group.necessity
            if group.deferred:
                necessity = necessity if group.licence else "deferred"
                uses += "（为新设企业办理的事项）"
            self.fields[group.field_name] = _styled(forms.FileField(
                label=group.name, required=group.required and not staff,
                help_text=_material_help(necessity, requirement_for(group.notes, applicant_type), uses),
                error_messages={"required": f"请上传“{group.name}”（必要材料）"}))

    def situation_fields(self):
        return [self[p.situation_field] for p in self.parts]

    def material_fields(self):
        return [(g, self[g.field_name]) for g in self.groups]

    def clean(self):
        data = super().clean()
        self.clean_applicant(data)
        self.check_uploads(g.field_name for g in self.groups)
        return data

    def situations(self) -> dict:
        return {p.item.pk: self.cleaned_data.get(p.situation_field) or (p.situations[0] if len(p.situations) == 1 else None)
                for p in self.parts}

    def files_by_key(self) -> dict:
        return {g.key: self.cleaned_data[g.field_name] for g in self.groups if self.cleaned_data.get(g.field_name)}


class RegisterFirmForm(forms.Form):
    """The firm a founder's registration case created (新设企业)."""

    uscc = _styled(forms.CharField(label="统一社会信用代码", max_length=30))
    name = _styled(forms.CharField(label="企业名称", max_length=120, required=False,
                                   help_text="企业档案中尚无该代码时必填"))
    industry = _styled(forms.ModelChoiceField(label="所属行业", queryset=None, required=False,
                                              help_text="企业档案中尚无该代码时必填"))
    address = _styled(forms.CharField(label="注册地址", max_length=200, required=False))

    def __init__(self, *args, **kwargs):
        from gaoxin.enterprises.models import Industry

        super().__init__(*args, **kwargs)
        self.fields["industry"].queryset = Industry.objects.all()
        self.fields["industry"].empty_label = "请选择"


class WindowIntakeForm(forms.Form):
    """Registration at the window, a station or by an agent: originals are checked on the spot."""

    applicant_type = forms.ChoiceField(label="申请人类型", choices=ApplicantType.choices, widget=forms.RadioSelect,
                                       initial=ApplicantType.ENTERPRISE)
    uscc = FirmField(required=False)
    applicant_name = forms.CharField(label="个人申请人姓名", required=False, max_length=50)
    applicant_id_number = forms.CharField(label="身份证号码", required=False, max_length=20)
    contact_phone = forms.RegexField(label="联系电话", regex=PHONE_REGEX, error_messages=PHONE_ERRORS)
    channel = forms.ChoiceField(label="渠道", choices=Channel.choices, initial="window")
    originals = forms.TypedMultipleChoiceField(label="已核验原件的材料", required=False, coerce=int,
                                               widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label="备注", required=False, max_length=500)

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["originals"].choices = [(str(m.pk), f"{m.name}（{m.get_necessity_display()}）") for m in materials]

    def clean(self):
        data = super().clean()
        if data.get("applicant_type") == ApplicantType.ENTERPRISE and not data.get("uscc") and "uscc" not in self.errors:
            self.add_error("uscc", "请填写申请企业的统一社会信用代码")
        if data.get("applicant_type") == ApplicantType.CITIZEN and not (data.get("applicant_name") or "").strip():
            self.add_error("applicant_name", "请填写个人申请人姓名")
        return data

    def applicant(self):
        from .services import Applicant

        d = self.cleaned_data
        if d["applicant_type"] == ApplicantType.ENTERPRISE:
            return Applicant(type=ApplicantType.ENTERPRISE, name=d["uscc"].name, enterprise=d["uscc"],
                             phone=d["contact_phone"])
        return Applicant(type=ApplicantType.CITIZEN, name=d["applicant_name"], phone=d["contact_phone"],
                         id_number=normalize_code(d["applicant_id_number"]))


class TransitionChoiceForm(forms.Form):
    """Which transition of the case table (the API's one verb names it)."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions], widget=forms.HiddenInput,
                             error_messages={"required": "请选择办理操作", "invalid_choice": "没有该办理操作"})


class CaseActionForm(TransitionChoiceForm):
    """A transition of the case page's plain buttons, with the inputs it may take: a reason where the table
    asks for one, the working days of an extension, the legal basis of a special procedure. Which of them a
    transition shows is `FIELDS`."""

    FIELDS = {"EXTEND": ("days",), "SUSPEND": ("legal_basis",)}

    reason = forms.CharField(label="原因或说明", required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
    legal_basis = forms.CharField(label="法定依据", required=False, max_length=200,
                                  widget=forms.TextInput(attrs={"placeholder": "如 行政许可法第四十五条"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        longest = settings.GAOXIN_EXTENSION_WORKDAYS
        out_of_range = f"延长天数应在1至{longest}个工作日之间"
        self.fields["days"] = forms.IntegerField(
            label="延长工作日", required=False, min_value=1, max_value=longest, initial=longest,
            error_messages={"invalid": "请填写整数天数", "min_value": out_of_range, "max_value": out_of_range})
        self.order_fields(["name", "days", "legal_basis", "reason"])

    def shown(self, transition) -> list:
        """The inputs the page shows for this transition."""
        return [self[f] for f in self.FIELDS.get(transition.name, ())] + \
            ([self["reason"]] if transition.needs_reason else [])

    def params(self) -> dict:
        d = self.cleaned_data
        return {"reason": d.get("reason") or "", **{f: d.get(f) for f in self.FIELDS.get(d["name"], ())}}


class ToleranceForm(forms.Form):
    owed = forms.MultipleChoiceField(label="容缺（后补）的材料",
                                     widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
                                     error_messages={"required": "请选择容缺（后补）的材料"})
    commitment = forms.BooleanField(label="申请人已签署《容缺受理承诺书》", required=False,
                                    widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))

    def __init__(self, *args, materials, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owed"].choices = [(str(cm.material_id), cm.material.name) for cm in materials]
        longest = settings.GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS
        out_of_range = f"补齐期限应为1至{longest}个工作日"
        self.fields["supply_days"] = forms.IntegerField(
            label="补齐期限（工作日）", min_value=1, max_value=longest, initial=longest,
            help_text=f"自受理次日起按工作日计算，最长{longest}个工作日；期限最后一日当日补交仍有效",
            error_messages={"required": "请填写补齐期限", "invalid": "请填写整数天数", "min_value": out_of_range,
                            "max_value": out_of_range})
        self.order_fields(["owed", "supply_days", "commitment"])

    def params(self) -> dict:
        d = self.cleaned_data
        return {"owed": [int(x) for x in d["owed"]], "supply_days": d["supply_days"], "commitment": d["commitment"]}


class DecisionForm(forms.Form):
    """准予 / 不予许可. The same rules as the service and the API (`workflow.decision_problems`);
    a file chosen before the confirmation step travels as a signed token (`pending`, `result_token`): a
    browser cannot send a file again from a hidden field. `step` is the page's: review, confirm or edit."""

    STEPS = (("review", "下一步：确认决定"), ("confirm", "确认决定"), ("edit", "返回修改"))

    opinion = forms.CharField(label="审查意见", widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
                              required=False)
    licence_number = forms.CharField(label="证照编号/批准文号", required=False,
                                     widget=forms.TextInput(attrs={"class": "form-control"}))
    legal_basis = forms.CharField(label="法律依据", required=False,
                                  widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}))
    reason = forms.CharField(label="不予许可的理由", required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))
    result_file = forms.FileField(label="结果文件（可选）", required=False,
                                  widget=forms.ClearableFileInput(attrs={"class": "form-control"}))

    step = forms.ChoiceField(choices=STEPS, required=False, widget=forms.HiddenInput)
    result_token = forms.CharField(required=False, max_length=1000, widget=forms.HiddenInput)

    def __init__(self, *args, approved: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.approved = approved
        del self.fields["reason" if approved else "licence_number"]
        self.fields["legal_basis"].label = "法律依据（可选）" if approved else "法律依据"
        self.fields["result_file"].help_text = upload_help()

    def clean(self):
        data = super().clean()
        problems = decision_problems(
            approved=self.approved, opinion=data.get("opinion", ""), licence_number=data.get("licence_number", ""),
            legal_basis=data.get("legal_basis", ""), reasons=data.get("reason", ""),
            result_file=data.get("result_file") or None)
        for field, message in problems.items():
            self.add_error(field if field in self.fields else None, message)
        return data

    def params(self, result_file=None) -> dict:
        """The transition's inputs; `result_file` the confirmed file (the page's kept one, the API's upload)."""
        d = self.cleaned_data
        return {"reason": d.get("reason", ""), "opinion": d["opinion"], "licence_number": d.get("licence_number", ""),
                "legal_basis": d["legal_basis"], "result_file": result_file or d.get("result_file") or None}


class DeliveryForm(forms.Form):
    method = forms.ChoiceField(label="送达方式", choices=[(m.value, m.label) for m in DELIVER_METHODS],
                               initial=DeliveryMethod.WINDOW, error_messages={"required": "请选择送达方式",
                                                                              "invalid_choice": "请选择送达方式"})
    postal_recipient = forms.CharField(label="收件人", required=False, max_length=50)
    postal_phone = forms.CharField(label="收件人电话", required=False, max_length=20)
    postal_address = forms.CharField(label="邮寄地址", required=False, max_length=200)
    tracking_number = forms.CharField(label="快递单号", required=False, max_length=40)

    def clean(self):
        data = super().clean()
        if "method" in data:
            for field, message in delivery_problems(
                    method=data["method"], postal_recipient=data.get("postal_recipient", ""),
                    postal_phone=data.get("postal_phone", ""), postal_address=data.get("postal_address", ""),
                    tracking_number=data.get("tracking_number", "")).items():
                self.add_error(field, message)
        return data

    def params(self) -> dict:
        return dict(self.cleaned_data)


class ReviewForm(forms.Form):
    level = forms.TypedChoiceField(label="评价", coerce=int, choices=Level.choices,
                                   widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                                   error_messages={"required": "请选择评价等级", "invalid_choice": "请选择评价等级"})
    comment = forms.CharField(label="意见建议", required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 2, "placeholder": "意见建议（不满意时请说明原因）"}))


class SupplyForm(forms.Form):
    """A 容缺 material owed: its file (the window may instead mark the original seen, without a file)."""

    file = forms.FileField(label="补交文件", required=False)

    def clean_file(self):
        f = self.cleaned_data.get("file")
        if f:
            check_upload(f, label=self.fields["file"].label)
        return f or None


class CorrectionUploadForm(forms.Form):
    """补正 online: a file for any material of the checklist not yet received."""

    def __init__(self, *args, materials, **kwargs):
        """materials: the case's materials still missing (CaseMaterial rows)."""
        super().__init__(*args, **kwargs)
        self.materials = materials
        for cm in materials:
            self.fields[f"material_{cm.material_id}"] = forms.FileField(label=cm.material.name, required=False,
                                                                       help_text=upload_help())

    def clean(self):
        data = super().clean()
        for name in self.fields:
            if f := data.get(name):
                try:
                    check_upload(f, label=self.fields[name].label)
                except forms.ValidationError as exc:
                    self.add_error(name, exc)
        if not self.errors and not self.files_by_material():
            raise forms.ValidationError("请选择要上传的材料")
        return data

    def files_by_material(self) -> dict:
        return {cm.material_id: self.cleaned_data[f"material_{cm.material_id}"] for cm in self.materials
                if self.cleaned_data.get(f"material_{cm.material_id}")}


class FileOpenForm(forms.Form):
    """Opening a case file: in the browser, or `?download=1` to download it."""

    download = forms.ChoiceField(choices=[("1", "下载")], required=False)

    def download_asked(self) -> bool:
        return self.is_valid() and self.cleaned_data["download"] == "1"


class CaseFilterForm(forms.Form):
    """The queue's search and filters (an unknown value filters nothing)."""

    q = forms.CharField(required=False, max_length=100)
    status = forms.ChoiceField(required=False, choices=[("", "全部状态"), *Status.choices])
    channel = forms.ChoiceField(required=False, choices=[("", "全部渠道"), *Channel.choices])

    def filters(self) -> dict:
        self.is_valid()
        return {f: self.cleaned_data.get(f) or "" for f in ("q", "status", "channel")}


class SituationPickForm(forms.Form):
    """What the applicant picked above an application form (the 办理情形 of each item, the applicant type),
    read from the query or the posted form to decide which form to build; an unknown value picks nothing."""

    def __init__(self, data, *, situations: dict[str, list[Situation]], applicant_types=()):
        super().__init__(data)
        self.options = situations
        for name, options in situations.items():
            self.fields[name] = forms.TypedChoiceField(choices=[(s.pk, s.name) for s in options], coerce=int,
                                                       required=False)
        if applicant_types:
            self.fields["applicant_type"] = forms.ChoiceField(choices=[(t, t) for t in applicant_types], required=False)
        self.applicant_types = list(applicant_types)
        self.is_valid()

    def situation(self, name: str) -> Situation | None:
        """The chosen situation of a field; an item with one situation has it without asking."""
        options = self.options[name]
        if len(options) == 1:
            return options[0]
        pk = self.cleaned_data.get(name)
        return next((s for s in options if s.pk == pk), None)

    def applicant_type(self) -> str:
        return self.cleaned_data.get("applicant_type") or self.applicant_types[0]


class CaseSubmitForm(forms.Form):
    """Filing a case through the API (the pages have their own forms): the item, the channel, the applicant (a
    firm by its USCC — an applicant's own only — or a person by name and ID number), the contact phone, a
    note, the 办理情形, and a file per material as `material_<id>`."""

    item = forms.CharField(max_length=30, error_messages={"required": "请填写事项实施编码"})
    channel = forms.ChoiceField(choices=Channel.choices, required=False)
    enterprise_uscc = FirmField(required=False)
    applicant_name = forms.CharField(required=False, max_length=120)
    applicant_id_number = forms.CharField(required=False, max_length=20)
    contact_phone = forms.RegexField(regex=PHONE_REGEX, error_messages=PHONE_ERRORS)
    note = forms.CharField(required=False, max_length=500)
    situation = forms.IntegerField(required=False, error_messages={"invalid": "办理情形不属于该事项"})

    def __init__(self, *args, firms, **kwargs):
        """firms: an applicant's own firms; None for staff, who file for any firm of the registry."""
        super().__init__(*args, **kwargs)
        self.fields["enterprise_uscc"].firms = firms

    def clean_item(self):
        item = ServiceItem.objects.select_related("current_version").filter(
            implementation_code=normalize_code(self.cleaned_data["item"])).first()
        if item is None or item.current_version is None:
            raise forms.ValidationError("没有该事项")
        return item

    def clean(self):
        data = super().clean()
        data["channel"] = data.get("channel") or "web"
        item, pk = data.get("item"), data.get("situation")
        data["situation"] = None
        if item is not None and pk is not None:
            data["situation"] = item.current_version.situations.filter(pk=pk).first()
            if data["situation"] is None:
                self.add_error("situation", "办理情形不属于该事项")
        # The same check as the application page's, each file named by its material (the form has no field
        # per material: they are known once the item is).
        names = {} if item is None else {
            m.pk: f"材料“{m.name}”" for m in Material.objects.filter(version=item.current_version).only("pk", "name")}
        for name, f in self.files.items():
            if name.startswith("material_") and name.removeprefix("material_").isdigit():
                try:
                    check_upload(f, label=names.get(int(name.removeprefix("material_")), name))
                except forms.ValidationError as exc:
                    self.add_error(None, exc)
        return data

    def applicant(self):
        from .services import Applicant

        d = self.cleaned_data
        if d.get("enterprise_uscc") is not None:
            firm = d["enterprise_uscc"]
            return Applicant(type=ApplicantType.ENTERPRISE, name=firm.name, enterprise=firm, phone=d["contact_phone"])
        return Applicant(type=ApplicantType.CITIZEN, name=d.get("applicant_name") or "", phone=d["contact_phone"],
                         id_number=normalize_code(d.get("applicant_id_number") or ""))

    def files_by_material(self) -> dict:
        return {int(name.removeprefix("material_")): f for name, f in self.files.items()
                if name.startswith("material_") and name.removeprefix("material_").isdigit()}


def transition_form(name: str, case, data=None, files=None):
    """The form that reads a transition's inputs, the same for the case page and the API: the decision's,
    the delivery's, 容缺受理's or the plain one."""
    if name in ("APPROVE", "REFUSE"):
        return DecisionForm(data, files, approved=name == "APPROVE")
    if name == "DELIVER":
        return DeliveryForm(data)
    if name == "ACCEPT_TOLERANCE":
        return ToleranceForm(data, materials=tolerance_candidates(case))
    return CaseActionForm(data)


def tolerance_candidates(case) -> list:
    """Materials the window may accept as owed: the case's 容缺 materials not handed in."""
    return [cm for cm in case.materials.all() if cm.material.necessity == Necessity.TOLERANCE and not cm.present]


CASE_NUMBER = re.compile(r"GX\d{13}")
NUMBER_ERROR = "办件编号为GX加13位数字，请核对"
IDENTITY_ERROR = "请填写申请时所用的18位身份证号码或统一社会信用代码"


def _case_number(value) -> str:
    return normalize_code(value or "")


class TrackForm(forms.Form):
    """Public tracking: the case number and the applicant's ID number or USCC, posted (never in a URL); the
    lengths are checked with a Chinese message beside the field (a code as people type it: spaces, lower case)."""

    number = forms.CharField(label="办件编号", max_length=40,
                             error_messages={"required": "请填写办件编号", "max_length": NUMBER_ERROR})
    identity = forms.CharField(label="身份证号码或统一社会信用代码", max_length=40,
                               error_messages={"required": "请填写身份证号码或统一社会信用代码",
                                               "max_length": IDENTITY_ERROR})

    def clean_number(self):
        number = _case_number(self.cleaned_data["number"])
        if not CASE_NUMBER.fullmatch(number):
            raise forms.ValidationError(NUMBER_ERROR)
        return number

    def clean_identity(self):
        identity = normalize_code(self.cleaned_data["identity"])
        if len(identity) not in (15, 18):
            raise forms.ValidationError(IDENTITY_ERROR)
        return identity


class TrackPrefillForm(forms.Form):
    """The number a link prefills (the QR code on a notice: /track/?number=…); never an ID number."""

    number = forms.CharField(required=False, max_length=40)
    # Read only to be dropped: an old link or bookmark that still carries the ID number in its URL.
    identity = forms.CharField(required=False)

    def carries_identity(self) -> bool:
        return bool(self.is_valid() and self.cleaned_data["identity"]) or "identity" in self.errors

    def number_or_blank(self) -> str:
        if not self.is_valid():
            return ""
        number = _case_number(self.cleaned_data["number"])
        return number if CASE_NUMBER.fullmatch(number) else ""


class RectificationForm(forms.Form):
    """One step of a 差评整改: 已整改 / 解释说明 with the measures, or 回访 with the note and the applicant's
    rating of the rectification. Which fields a step shows is `FIELDS`."""

    FIELDS = {"RECTIFY": ("measures",), "EXPLAIN": ("measures",), "REVISIT": ("visit_note", "visit_result")}

    name = forms.ChoiceField(label="处理方式", choices=[("RECTIFY", "已整改"), ("EXPLAIN", "解释说明"), ("REVISIT", "回访")],
                             error_messages={"required": "请选择处理方式", "invalid_choice": "请选择处理方式"})
    measures = forms.CharField(label="整改措施或解释说明", required=False, max_length=2000,
                               widget=forms.Textarea(attrs={"rows": 2}))
    visit_note = forms.CharField(label="回访记录", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    visit_result = forms.TypedChoiceField(label="申请人对整改的评价", coerce=int, required=False, empty_value=None,
                                          choices=[("", "请选择"), (3, "满意"), (2, "基本满意"), (1, "不满意")],
                                          error_messages={"invalid_choice": "请选择申请人对整改的评价"})

    def __init__(self, *args, steps=None, **kwargs):
        """steps: the names this rectification offers now (the choice of 处理方式)."""
        super().__init__(*args, **kwargs)
        if steps is not None:
            labels = dict(self.fields["name"].choices)
            self.fields["name"].choices = [(n, labels[n]) for n in steps]
            if len(steps) == 1:
                self.fields["name"].widget = forms.HiddenInput()
                self.fields["name"].initial = steps[0]

    def shown(self) -> list:
        """The fields of the offered steps, for the page."""
        names = [n for n, _ in self.fields["name"].choices]
        return [self[f] for f in dict.fromkeys(f for n in names for f in self.FIELDS[n])]

    def params(self) -> dict:
        d = self.cleaned_data
        return {f: d.get(f) for f in self.FIELDS[d["name"]]}
