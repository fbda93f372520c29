"""Input edges of 云资讯, shared by the pages (and the API's documentation)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from gaoxin.accounts.models import OrgKind, OrgUnit, Role

from .models import NEWS_TARGET, TARGETED_KINDS, Article, ArticleKind, ArticleStatus
from .rules import OPERATORS, build_rule, check_rule, condition_code, picker_fields, qualification_names


class ArticleForm(forms.ModelForm):
    """A draft. The rule is checked as it is typed in (the benefits rule language's Chinese errors beside it); a
    policy is linked only to a 政策解读."""

    class Meta:
        model = Article
        fields = ["kind", "title", "summary", "body", "source", "policy", "rule", "department"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 2}), "body": forms.Textarea(attrs={"rows": 12}),
                   "rule": forms.Textarea(attrs={"rows": 3, "spellcheck": "false"})}
        help_texts = {
            "rule": "留空即面向所有人（公开）。填写后只送达符合条件的企业，写法与惠企政策的适用条件相同；"
                    "可用下方“选择条件”生成，如 has('高新技术企业')",
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from gaoxin.benefits.models import Policy, PolicyStatus

        self.fields["policy"].queryset = Policy.objects.filter(status=PolicyStatus.PUBLISHED).order_by("title")
        self.fields["policy"].required = False
        self.fields["policy"].empty_label = "不关联政策"
        self.fields["kind"].choices = [("", "请选择类别"), *ArticleKind.choices]
        self.fields["policy"].help_text = "仅“政策解读”：解读的惠企政策，资讯页链接到该政策"
        self.fields["rule"].required = False
        if user is not None and user.role == Role.ZONE_ADMIN:
            self.fields["department"].queryset = OrgUnit.objects.filter(
                kind__in=(OrgKind.ADMINISTRATION, OrgKind.CENTRE, OrgKind.DEPARTMENT), is_active=True)
            self.fields["department"].required = False
            self.fields["department"].help_text = "留空即本单位"
        else:
            del self.fields["department"]
        self.picker = RulePickerForm(prefix=RulePickerForm.PREFIX)

    def clean_rule(self):
        rule = (self.cleaned_data.get("rule") or "").strip()
        try:
            check_rule(rule)
        except ValidationError as exc:  # the rule language's Chinese message, beside the field
            raise ValidationError(exc.message_dict["rule"]) from None
        return rule

    @property
    def targeting_show_when(self) -> str:
        """The 阅读对象 parts (the rule, its reach, the picker) show only while the 类别 is one that may target
        (gaoxin.js data-gx-show-when; all show without script). A rule refused beside the field stays in view."""
        return "" if self["rule"].errors else "kind:" + ",".join(TARGETED_KINDS)

    def clean(self):
        data = super().clean()
        if data.get("kind") == ArticleKind.NEWS and data.get("rule"):
            self.add_error("rule", NEWS_TARGET)
        if data.get("policy") and data.get("kind") != ArticleKind.EXPLAINER:
            self.add_error("policy", "只有“政策解读”可以关联政策")
        return data

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items()}


class RulePickerForm(forms.Form):
    """阅读对象 by picking: up to ROWS conditions chosen from the rule vocabulary (the enterprise profile's fields and
    持有资质), a comparison and a value, all or any of them; "生成条件" writes the rule into the article form's rule
    field (the staff member can read and adjust it there; saving checks it as before)."""

    PREFIX = "pick"
    ROWS = 3
    join = forms.ChoiceField(label="条件之间", choices=[("and", "同时满足以下全部条件"), ("or", "满足以下任一条件")],
                             initial="and")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        fields = [("", "请选择条件"), *picker_fields()]
        for i in range(1, self.ROWS + 1):
            self.fields[f"field_{i}"] = forms.ChoiceField(label=f"条件{i}", choices=fields, required=False,
                                                          error_messages={"invalid_choice": "请选择条件"})
            self.fields[f"op_{i}"] = forms.ChoiceField(label=f"条件{i}的比较", required=False, initial="eq",
                                                       choices=[(k, label) for k, (label, _s) in OPERATORS.items()])
            self.fields[f"value_{i}"] = forms.CharField(label=f"条件{i}的取值", max_length=60, required=False,
                                                        widget=forms.TextInput(attrs={"list": "pick-values"}))

    def rows(self):
        return [(self[f"field_{i}"], self[f"op_{i}"], self[f"value_{i}"]) for i in range(1, self.ROWS + 1)]

    def value_words(self) -> list[str]:
        return [*qualification_names(), "规上", "规下", "是", "否"]

    def clean(self):
        data = super().clean()
        chosen = []
        for i in range(1, self.ROWS + 1):
            field, op, value = data.get(f"field_{i}"), data.get(f"op_{i}") or "eq", data.get(f"value_{i}", "")
            if not field:
                if value:
                    self.add_error(f"field_{i}", "请选择条件")
                continue
            try:
                condition_code(field, op, value)
            except ValidationError as exc:
                self.add_error(f"value_{i}", exc.messages)
                continue
            chosen.append((field, op, value))
        if not chosen and not self.errors:
            raise ValidationError("请至少选择一个条件")
        if chosen and not self.errors:
            try:
                data["rule"] = build_rule(chosen, data.get("join") or "and")
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return data


class ArticleActionForm(forms.Form):
    name = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(label="原因或说明", required=False, max_length=300,
                             widget=forms.Textarea(attrs={"rows": 2}))
    # Publishing a targeted notice that reaches no firm now (the page shows it only then).
    confirm_empty = forms.BooleanField(label="仍然发布（目前没有企业符合条件，不会送达任何企业）", required=False)


class NewsFilterForm(forms.Form):
    q = forms.CharField(label="标题", required=False, max_length=60)
    kind = forms.ChoiceField(label="类别", required=False, choices=[("", "全部")] + ArticleKind.choices)

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {"q": self.cleaned_data["q"].strip(), "kind": self.cleaned_data["kind"]}


class ManageFilterForm(NewsFilterForm):
    status = forms.ChoiceField(label="状态", required=False, choices=[("", "全部")] + ArticleStatus.choices)

    def filters(self) -> dict:
        return {**super().filters(), "status": self.cleaned_data.get("status", "")} if self.is_valid() else {}


class ReceiptFilterForm(forms.Form):
    read = forms.ChoiceField(label="阅读情况", required=False,
                             choices=[("unread", "未读企业"), ("read", "已读企业"), ("", "全部送达企业")])
