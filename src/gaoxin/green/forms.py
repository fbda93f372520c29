"""The green room's forms, shared by the pages (errors beside the field, what was typed kept)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from gaoxin.enterprises.forms import FirmField

from .models import LabelKind, LabelLevel, LabelStatus


class LabelFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=60,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称、统一社会信用代码或称号名称", "type": "search"}))
    kind = forms.ChoiceField(label="称号类别", required=False, choices=[("", "全部类别")] + LabelKind.choices)
    level = forms.ChoiceField(label="级别", required=False, choices=[("", "全部级别")] + LabelLevel.choices)
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部状态")] + LabelStatus.choices)


class LabelForm(forms.Form):
    enterprise = FirmField()
    kind = forms.ChoiceField(label="称号类别", choices=LabelKind.choices)
    level = forms.ChoiceField(label="级别", choices=LabelLevel.choices,
                              help_text="绿色工厂等：国家级、省级、市级；智能工厂：基础级、先进级、卓越级、领航级（国家或省、市认定的，选国家级、省级或市级）；示范智能车间：省级或市级")
    title = forms.CharField(label="名称", required=False, max_length=100,
                            help_text="如“示范智能车间”、车间名称或绿色设计产品的产品名称（可不填）")
    year = forms.IntegerField(label="认定年度", min_value=2000, max_value=2100)
    valid_to = forms.DateField(label="有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    document = forms.CharField(label="认定文件", required=False, max_length=100, help_text="文号或名单名称")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year


class LabelActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因或复核意见", max_length=300, required=False)


class CarbonFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=60,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称或统一社会信用代码", "type": "search"}))
    grade = forms.ChoiceField(label="碳效等级", required=False, choices=[("", "全部等级")])
    industry = forms.CharField(label="行业大类代码", required=False, max_length=4)

    def __init__(self, *args, grades=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "全部等级")] + list(grades)


# --- finance board ------------------------------------------------------------------------------------------------


class NeedForm(forms.Form):
    enterprise = forms.ModelChoiceField(label="企业", queryset=None, empty_label=None)
    amount = forms.DecimalField(label="融资金额（元）", min_value=0, max_digits=14, decimal_places=2)
    term_months = forms.IntegerField(label="期限（月）", min_value=1, max_value=360)
    purpose = forms.CharField(label="资金用途", max_length=300, widget=forms.Textarea(attrs={"rows": 2}),
                              help_text="如“购置余热回收设备”“屋顶分布式光伏”“流动资金”")
    green_tags = forms.MultipleChoiceField(label="绿色项目类别", required=False, widget=forms.CheckboxSelectMultiple,
                                           help_text="按《绿色产业指导目录》；非绿色项目不选")
    share_scope = forms.ChoiceField(label="向银行共享", widget=forms.RadioSelect, initial="need",
                                    help_text="银行只能看到您选择共享的内容")
    all_banks = forms.TypedChoiceField(label="推送银行", widget=forms.RadioSelect, coerce=lambda v: v == "all",
                                       choices=[("all", "全部合作银行"), ("some", "指定银行")], initial="all")
    banks = forms.ModelMultipleChoiceField(label="推送给哪些银行", queryset=None, required=False,
                                           help_text="选择“指定银行”时勾选",
                                           widget=forms.CheckboxSelectMultiple)
    contact_name = forms.CharField(label="联系人", max_length=30)
    contact_phone = forms.CharField(label="联系电话", max_length=20)

    def __init__(self, *args, firms, banks, user=None, **kwargs):
        from .models import GreenProjectTag, ShareScope

        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = firms
        self.fields["banks"].queryset = banks
        self.fields["green_tags"].choices = GreenProjectTag.choices
        self.fields["share_scope"].choices = ShareScope.choices
        if user is not None and not self.is_bound:
            self.initial.setdefault("contact_name", user.full_name)
            self.initial.setdefault("contact_phone", user.phone)


class NeedActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="说明", max_length=300, required=False)


class ResponseActForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="说明或原因", max_length=300, required=False,
                             help_text="对接情况、不予授信的原因或违约情况")
    credit_amount = forms.DecimalField(label="授信金额（元）", required=False, min_value=0, max_digits=14,
                                       decimal_places=2)
    rate = forms.DecimalField(label="年利率（%）", required=False, min_value=0, max_digits=5, decimal_places=2)
    disbursed_amount = forms.DecimalField(label="放款金额（元）", required=False, min_value=0, max_digits=14,
                                          decimal_places=2)
    disbursed_on = forms.DateField(label="放款日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    loan_term_months = forms.IntegerField(label="贷款期限（月）", required=False, min_value=1, max_value=360)
    amount = forms.DecimalField(label="补偿金额（元）", required=False, min_value=0, max_digits=14, decimal_places=2)

    # The fields each step takes (the page shows those of the steps on offer).
    STEP_FIELDS = {"GRANT": ("credit_amount", "rate"), "DISBURSE": ("disbursed_amount", "disbursed_on",
                                                                     "loan_term_months"),
                   "COMPENSATE": ("amount",)}

    def for_steps(self, steps) -> list:
        names = {"reason"} | {f for t in steps for f in self.STEP_FIELDS.get(t.name, ())}
        return [self[f] for f in self.fields if f in names]


class ContributionForm(forms.Form):
    source = forms.ChoiceField(label="资金来源", required=False)  # the service says what is missing
    amount = forms.DecimalField(label="注资金额（元）", min_value=0, max_digits=16, decimal_places=2)
    occurred_on = forms.DateField(label="到账日期", widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="说明", required=False, max_length=300, help_text="如拨款文号")

    def __init__(self, *args, **kwargs):
        from .models import FundSource

        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "请选择")] + FundSource.choices
        self.fields["occurred_on"].initial = timezone.localdate()


class NeedFilterForm(forms.Form):
    q = forms.CharField(label="搜索", required=False, max_length=60,
                        widget=forms.TextInput(attrs={"placeholder": "企业名称或资金用途", "type": "search"}))
    status = forms.ChoiceField(label="状态", required=False)
    green = forms.ChoiceField(label="绿色项目", required=False,
                              choices=[("", "全部"), ("yes", "绿色项目"), ("no", "非绿色项目")])

    def __init__(self, *args, statuses=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", "全部状态")] + list(statuses)


class ScoreObjectionForm(forms.Form):
    """A firm's objection to its green scorecard grade (as an evaluation objection: indicator, reason, evidence)."""

    indicator = forms.ChoiceField(label="有异议的指标", required=False,
                                  error_messages={"invalid_choice": "请选择有异议的指标"})
    reason = forms.CharField(label="异议理由", max_length=2000, error_messages={"required": "请说明异议理由"},
                             widget=forms.Textarea(attrs={"rows": 2}))
    evidence = forms.FileField(label="证明材料（PDF、图片等，加盖公章）",
                               error_messages={"required": "请上传证明材料（认定文件、整改验收材料等）"})

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = indicators

    def clean_evidence(self):
        from gaoxin.core.uploads import check_upload

        f = self.cleaned_data["evidence"]
        if f is not None:
            check_upload(f, kind="evidence", label="证明材料")
        return f


class ScoreObjectionDecideForm(forms.Form):
    decision = forms.ChoiceField(label="处理", choices=[("uphold", "采纳"), ("reject", "不予采纳")],
                                 widget=forms.RadioSelect,
                                 error_messages={"required": "请选择采纳或不予采纳", "invalid_choice": "请选择采纳或不予采纳"})
    remedy = forms.ChoiceField(label="采纳后的更正方式", required=False,
                               choices=[("rescore", "按更正后的数据重新测算"), ("grade", "直接更正等级")],
                               help_text="所依据的数据（如称号）已更正的，选“重新测算”；否则直接更正等级")
    grade = forms.ChoiceField(label="更正后的等级", required=False)
    reason = forms.CharField(label="处理意见", max_length=2000, error_messages={"required": "请填写处理意见"},
                             widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "—"), *grades]


class SubsidyTermsForm(forms.Form):
    """The interest-subsidy terms from a date on; the share is typed in percent (the service takes a fraction)."""

    effective_from = forms.DateField(label="执行日期", widget=forms.DateInput(attrs={"type": "date"}),
                                     help_text="此日及以后放款的贷款按本标准贴息；此前放款的仍按原标准",
                                     error_messages={"required": "请填写执行日期", "invalid": "请填写有效的日期"})
    share = forms.DecimalField(label="贴息比例（%）", max_digits=7, decimal_places=2,
                               help_text="占贷款利息的百分比，如 50 即贴一半利息",
                               error_messages={"required": "请填写贴息比例", "invalid": "请填写数字"})
    rate_ceiling = forms.DecimalField(label="计息利率上限（年利率 %）", max_digits=5, decimal_places=2,
                                      help_text="贷款利率高于此数的，按此利率计算贴息",
                                      error_messages={"required": "请填写计息利率上限", "invalid": "请填写数字"})
    months = forms.IntegerField(label="最长贴息月数", error_messages={"required": "请填写最长贴息月数",
                                                                  "invalid": "请填写整数"})
    cap = forms.DecimalField(label="单笔贴息上限（元）", max_digits=14, decimal_places=2,
                             error_messages={"required": "请填写单笔贴息上限", "invalid": "请填写数字"})
    note = forms.CharField(label="依据或说明", required=False, max_length=300, help_text="如文件文号")

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["effective_from"].initial = timezone.localdate()
        if current is not None:
            self.fields["share"].initial = f"{(current.share * 100).normalize():f}"  # 50, never 5E+1
            self.fields["rate_ceiling"].initial = current.rate_ceiling
            self.fields["months"].initial = current.months
            self.fields["cap"].initial = current.cap
