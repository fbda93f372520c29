"""Input edges of the benefit pages and API: writing a policy, the firm's profile facts, applying, acting on
an application. The pages and the API use the same forms, so a value the page refuses the API refuses with
the same message, beside the same field."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.safestring import mark_safe

from gaoxin.enterprises.forms import FirmField

from .fields import FACT_FIELDS
from .models import Policy, PolicyStatus
from .workflow import DISPUTE_WORKFLOW, WORKFLOW


class PolicyForm(forms.ModelForm):
    class Meta:
        model = Policy
        fields = ["code", "title", "subject", "document_number", "issuer", "level", "kind", "mode", "summary", "guide", "rule",
                  "formula", "amount_cap", "effective_from", "effective_to", "contact"]
        widgets = {"rule": forms.Textarea(attrs={"rows": 4, "class": "font-monospace"}),
                   "summary": forms.Textarea(attrs={"rows": 3}), "guide": forms.Textarea(attrs={"rows": 3}),
                   "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "effective_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}
        # The rule language's examples are code the author types: shown as code, not as prose.
        help_texts = {"rule": mark_safe("例如：<code>has('高新技术企业') and rd_ratio &gt;= 0.03</code>"),
                      "formula": mark_safe("例如：<code>rd_expense * cit_rate</code>")}

    def __init__(self, *args, issuers=None, **kwargs):
        """issuers: the departments the author may issue for (an officer their own); None: any."""
        super().__init__(*args, **kwargs)
        if issuers is not None:
            self.fields["issuer"].queryset = issuers
        self.fields["subject"].required = False  # omitted: a policy for firms, as before persons were subjects

    def clean_subject(self):
        return self.cleaned_data.get("subject") or "enterprise"

    def clean(self):
        from .services import check_rule_text

        data = super().clean()
        try:
            check_rule_text(data.get("rule") or "", data.get("formula") or "", data.get("subject") or "enterprise")
        except ValidationError as exc:
            for field, msgs in exc.message_dict.items():
                self.add_error(field, msgs)
        return data


class PolicyPublishForm(forms.Form):
    """Publishing takes no input; the form carries the service's refusal to the button."""


class LooseDecimalField(forms.DecimalField):
    """A number as people type it: thousands separators (1,200 or 1，200) and spaces are ignored."""

    def to_python(self, value):
        if isinstance(value, str):
            value = value.replace(",", "").replace("，", "").strip()
        return super().to_python(value)


class ProfileForm(forms.Form):
    """The firm's profile facts (企业画像) that policy rules use: one field per fact field. An empty field
    clears the fact (the policies that need it show 待完善)."""

    def __init__(self, *args, fields=None, disputes: bool = False, **kwargs):
        """fields: the facts this user may write (default every fact); disputes: the firm's own user, who
        disputes a department's fact instead of overwriting it (the reason goes with the dispute)."""
        super().__init__(*args, **kwargs)
        self.facts = list(FACT_FIELDS if fields is None else fields)
        for f in self.facts:
            label = f"{f.label}（{f.unit}）" if f.unit else f.label
            if f.kind == "number":
                field = LooseDecimalField(label=label, required=False, max_digits=20, decimal_places=6,
                                          error_messages={"invalid": "请填写数字", "max_digits": "数字位数过多",
                                                          "max_decimal_places": "小数位数过多",
                                                          "max_whole_digits": "数字位数过多"})
            elif f.kind == "bool":
                field = forms.TypedChoiceField(label=label, required=False, empty_value=None,
                                               choices=[("", "未填"), ("yes", "是"), ("no", "否")],
                                               coerce=lambda v: v == "yes")
            elif f.choices:
                field = forms.ChoiceField(label=label, required=False, choices=[("", "未填"), *((c, c) for c in f.choices)],
                                          error_messages={"invalid_choice": f"应为{'、'.join(f.choices)}之一"})
            else:
                field = forms.CharField(label=label, required=False, max_length=100)
            self.fields[f.code] = field
        if disputes:
            self.fields["dispute_reason"] = forms.CharField(
                label="异议理由（修改部门提供的数据时填写）", required=False, max_length=2000,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text="部门提供的数据（标有部门名称）不能直接修改：改动的数值连同理由作为数据异议提交该部门核实，核实前仍按部门数据匹配政策。")

    def clean(self):
        """Each fact's type and range (`check_fact`) beside its field, with the other fields' errors — not only
        after they are fixed."""
        from .fields import check_fact

        cleaned = super().clean()
        for f in self.facts:
            value = cleaned.get(f.code)
            if value not in (None, "") and (problem := check_fact(f.code, value)):
                self.add_error(f.code, f"{f.label}{problem}")
        return cleaned

    @staticmethod
    def initial_from(facts: dict) -> dict:
        """The form's initial values from the stored facts {field: ProfileFact}."""
        initial = {}
        for f in FACT_FIELDS:
            fact = facts.get(f.code)
            if fact is None:
                continue
            if f.kind == "number":
                initial[f.code] = None if fact.number is None else format(fact.number.normalize(), "f")
            elif f.kind == "bool":
                initial[f.code] = {True: "yes", False: "no"}.get(fact.flag, "")
            else:
                initial[f.code] = fact.text
        return initial

    def values(self) -> dict:
        """{field: value} for `services.profile_update` (None clears)."""
        return {f.code: (self.cleaned_data.get(f.code) or None) if f.kind == "text" else self.cleaned_data.get(f.code)
                for f in self.facts}


class ApplicationForm(forms.Form):
    """Applying for (or confirming) a policy for one of the user's firms, named by its USCC."""

    enterprise_uscc = FirmField(label="企业", widget=forms.HiddenInput)
    bank_account = forms.CharField(label="收款账户", max_length=60, error_messages={"required": "请填写收款账户"},
                                   widget=forms.TextInput(attrs={"placeholder": "开户行及账号"}))
    amount = forms.DecimalField(label="申请金额（万元）", required=False, max_digits=16, decimal_places=4,
                                min_value=Decimal("0.0001"),
                                error_messages={"invalid": "请填写正确的金额", "min_value": "申请金额应大于0",
                                                "max_decimal_places": "金额最多保留4位小数"})
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args, firms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise_uscc"] = FirmField(firms=firms, label="企业", widget=forms.HiddenInput)

    def application_kwargs(self) -> dict:
        d = self.cleaned_data
        return {"enterprise": d["enterprise_uscc"], "amount": d["amount"], "bank_account": d["bank_account"],
                "note": d["note"]}


class ApplicationApiForm(ApplicationForm):
    """The API names the policy by its code (the page has it in its address)."""

    policy = forms.ModelChoiceField(queryset=Policy.objects.filter(status=PolicyStatus.PUBLISHED),
                                    to_field_name="code", error_messages={"invalid_choice": "政策不存在或未发布",
                                                                          "required": "请填写政策编号"})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["policy"].queryset = Policy.objects.filter(status=PolicyStatus.PUBLISHED)
        self.fields["enterprise_uscc"].widget = forms.TextInput()


class ApplicationActionForm(forms.Form):
    """One transition of an application with the inputs it may take (`FIELDS_BY_ACTION`)."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in WORKFLOW.transitions], widget=forms.HiddenInput,
                             error_messages={"invalid_choice": "未知操作"})
    amount = forms.DecimalField(label="核定金额（万元）", required=False, max_digits=16, decimal_places=4,
                                error_messages={"invalid": "请填写正确的金额",
                                                "max_decimal_places": "金额最多保留4位小数"})
    payment_ref = forms.CharField(label="拨付凭证号", max_length=60, required=False)
    reason = forms.CharField(label="原因", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def params(self) -> dict:
        """The transition's keyword arguments for `services.application_transition`."""
        return {f: self.cleaned_data.get(f) for f in FIELDS_BY_ACTION.get(self.cleaned_data["name"], ())}


# Which inputs each transition takes (besides the reason, which the table's needs_reason governs).
FIELDS_BY_ACTION = {"APPROVE": ("amount",), "VERIFY": ("amount",), "PAY": ("payment_ref",)}



class DisputeActionForm(forms.Form):
    """A department's decision on a dispute of a fact it supplied (采纳 / 不予采纳 with a reason)."""

    name = forms.ChoiceField(choices=[(t.name, t.label) for t in DISPUTE_WORKFLOW.transitions],
                             widget=forms.HiddenInput, error_messages={"invalid_choice": "未知操作"})
    reason = forms.CharField(label="处理意见", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))


# --- talent benefits (人才待遇) -------------------------------------------------------------------------------

class TalentClaimForm(forms.Form):
    """Claiming one item for one person (the person is the page's); the page and the service check the rest."""

    item = forms.ModelChoiceField(label="申领事项", queryset=None, to_field_name="code", empty_label="请选择",
                                  error_messages={"required": "请选择申领事项", "invalid_choice": "该事项不存在或未启用"})
    bank_account = forms.CharField(label="收款账户", max_length=60, error_messages={"required": "请填写收款账户"},
                                   widget=forms.TextInput(attrs={"placeholder": "开户行及账号"}))
    note = forms.CharField(label="说明", max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        from .models import TalentBenefitItem

        super().__init__(*args, **kwargs)
        self.fields["item"].queryset = TalentBenefitItem.objects.filter(is_active=True).order_by("code")


class TalentActionForm(forms.Form):
    """One step of a claim, of one of its instalments or of its clawback (`target`), with the inputs it takes."""

    target = forms.RegexField(regex=r"^(claim|instalment-\d+|clawback)$", widget=forms.HiddenInput,
                              error_messages={"invalid": "未知操作对象"})
    name = forms.CharField(max_length=30, widget=forms.HiddenInput)
    left_on = forms.DateField(label="离开日期", required=False, widget=forms.DateInput(attrs={"type": "date"}),
                              error_messages={"invalid": "请填写正确的日期"})
    payment_ref = forms.CharField(label="拨付凭证号", max_length=60, required=False)
    recovered_ref = forms.CharField(label="追回凭证号", max_length=60, required=False)
    reason = forms.CharField(label="原因或说明", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # Which inputs each step takes (besides the reason, which the table's needs_reason governs).
    FIELDS = {("claim", "RECORD_DEPARTURE"): ("left_on",), ("instalment", "PAY"): ("payment_ref",),
              ("clawback", "RECOVER"): ("recovered_ref",)}

    @staticmethod
    def kind(target: str) -> str:
        return target.split("-")[0]

    def params(self) -> dict:
        d = self.cleaned_data
        return {f: d.get(f) for f in self.FIELDS.get((self.kind(d["target"]), d["name"]), ())}


class PersonFactsForm(forms.Form):
    """The person facts the talent office records (IIT paid, taxable income, …); empty clears."""

    def __init__(self, *args, **kwargs):
        from .fields import PERSON_FACT_FIELDS

        super().__init__(*args, **kwargs)
        self.facts = list(PERSON_FACT_FIELDS)
        for f in self.facts:
            label = f"{f.label}（{f.unit}）" if f.unit else f.label
            if f.kind == "number":
                self.fields[f.code] = LooseDecimalField(label=label, required=False, max_digits=20, decimal_places=6,
                                                        error_messages={"invalid": "请填写数字"})
            elif f.kind == "bool":
                self.fields[f.code] = forms.TypedChoiceField(label=label, required=False, empty_value=None,
                                                             choices=[("", "未填"), ("yes", "是"), ("no", "否")],
                                                             coerce=lambda v: v == "yes")
            else:
                self.fields[f.code] = forms.CharField(label=label, required=False, max_length=100)

    def values(self) -> dict:
        return {f.code: self.cleaned_data.get(f.code) for f in self.facts}


class TalentItemForm(forms.ModelForm):
    """An item's parameters and, one field per tier, its tier table (元; empty: not for that tier)."""

    class Meta:
        from .models import TalentBenefitItem

        model = TalentBenefitItem
        fields = ["name", "instalment_years", "fixed_amount", "cap", "rate", "years", "eligible_tiers",
                  "requires_insured_workplace", "clawback_years", "clawback_prorata", "is_active"]
        field_classes = {"fixed_amount": LooseDecimalField, "cap": LooseDecimalField}
        error_messages = {f: {"invalid": "请填写金额（数字）"} for f in ("fixed_amount", "cap")} | {
            "rate": {"invalid": "请填写小数，如 0.15"}}

    def __init__(self, *args, tiers=(), amounts=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tiers = list(tiers)
        for tier in self.tiers:
            self.fields[f"tier_{tier.code}"] = LooseDecimalField(
                label=f"{tier.code}类（{tier.name}）金额（元）", required=False, max_digits=14, decimal_places=2,
                initial=(amounts or {}).get(tier.code), error_messages={"invalid": "请填写金额"})

    def amounts(self) -> dict:
        return {tier: self.cleaned_data.get(f"tier_{tier.code}") for tier in self.tiers}

    def values(self) -> dict:
        return {f: self.cleaned_data.get(f) for f in self.Meta.fields}
