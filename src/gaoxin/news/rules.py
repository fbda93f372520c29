"""The targeting rule of a notice: the benefits rule language over the enterprise profile (benefits.fields), the
same parser and compiler as policy matching, so a staff member writes "which firms should read this" exactly as a
policy's conditions. Three-valued: a firm whose facts the rule reads are missing is UNKNOWN — not delivered, counted."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

import polars as pl
from django.core.exceptions import ValidationError

from gaoxin.benefits.fields import FIELDS, QUARTER_FIELDS
from gaoxin.benefits.rules import RuleError, check_values, compile_rule
from gaoxin.benefits.services import QUALIFICATION_NAMES


def compile_target(source: str):
    try:
        return compile_rule(source, qualifications=QUALIFICATION_NAMES, fields=FIELDS)
    except RuleError as exc:
        raise ValidationError({"rule": f"阅读对象条件有误：{exc}"}) from None


def check_rule(source: str) -> None:
    """A rule as it is saved or published: it compiles, and a field with a known value set is compared only with
    its values (size_group == '规上' is refused, naming 规上、规下 and the picker, never the codes)."""
    if source.strip():
        try:
            check_values(compile_target(source), how="可在“按条件选择阅读对象”中选择该字段和取值生成")
        except RuleError as exc:
            raise ValidationError({"rule": f"阅读对象条件有误：{exc}"}) from None


# --- the picker: conditions chosen from the rule vocabulary, written out as a rule ---------------------------------

HAS = "has"  # not a field: 持有资质 (the rule language's has('…'))
OPERATORS = {"eq": ("等于", "=="), "ne": ("不等于", "!="), "gt": ("大于", ">"), "ge": ("大于或等于", ">="),
             "lt": ("小于", "<"), "le": ("小于或等于", "<=")}
# Words a staff member types for a value whose stored form is a code, besides the field's own words (规上 -> ABOVE).
VALUE_WORDS = {"size_group": {"规模以上": "ABOVE", "规模以下": "BELOW"}}
# Labels of the vocabulary that name a stored code, as the picker shows them (the value is typed as the word).
PICKER_LABELS = {"size_group": "规模（规上 / 规下）"}
_QUARTERS = {f.code for f in QUARTER_FIELDS}


def picker_fields() -> list[tuple[str, str]]:
    """The conditions a staff member may choose: 持有资质, then the enterprise profile's fields (label and unit)."""
    fields = [(f.code, f"{f.label}（{f.unit}）" if f.unit else PICKER_LABELS.get(f.code, f.label))
              for f in FIELDS.values() if f.code not in _QUARTERS]
    return [(HAS, "持有资质（如 高新技术企业）"), *fields]


def qualification_names() -> list[str]:
    return sorted(QUALIFICATION_NAMES)


def condition_code(field: str, op: str, value: str) -> str:
    """One condition written in the rule language; ValidationError (Chinese) for a value the field cannot take."""
    value = (value or "").strip()
    if op not in OPERATORS:
        raise ValidationError("请选择比较方式")
    if not value:
        raise ValidationError("请填写取值")
    if "'" in value or "\\" in value or "\n" in value:
        raise ValidationError("取值不能包含引号或换行")
    if field == HAS:
        if op not in ("eq", "ne"):
            raise ValidationError("持有资质只能选“等于”或“不等于”")
        if value not in QUALIFICATION_NAMES:
            raise ValidationError(f"没有名为“{value}”的资质，可选：{'、'.join(qualification_names())}")
        return f"has('{value}')" if op == "eq" else f"not has('{value}')"
    spec = FIELDS.get(field)
    if spec is None or field in _QUARTERS:
        raise ValidationError("请选择条件")
    symbol = OPERATORS[op][1]
    if spec.kind == "number":
        try:
            number = Decimal(value.replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise ValidationError(f"“{spec.short_label}”的取值应为数字") from None
        if not number.is_finite():
            raise ValidationError(f"“{spec.short_label}”的取值应为数字")
        return f"{field} {symbol} {format(number.normalize(), 'f')}"
    if op not in ("eq", "ne"):
        raise ValidationError(f"“{spec.short_label}”只能选“等于”或“不等于”")
    if spec.kind == "bool":
        if value not in ("是", "否"):
            raise ValidationError("请填写“是”或“否”")
        return f"{field} {symbol} {'True' if value == '是' else 'False'}"
    value = spec.code_for(value) or VALUE_WORDS.get(field, {}).get(value, value)
    if spec.choices and value not in spec.choices:
        raise ValidationError(f"“{spec.short_label}”可选：{'、'.join(f'“{spec.word(c)}”' for c in spec.choices)}")
    return f"{field} {symbol} '{value}'"


def build_rule(conditions: list[tuple[str, str, str]], join: str) -> str:
    """The chosen conditions joined (and: all of them; or: any of them), checked as the rule field checks."""
    if join not in ("and", "or"):
        raise ValidationError("请选择条件之间的关系")
    rule = f" {join} ".join(condition_code(*c) for c in conditions)
    check_rule(rule)
    return rule


@dataclass(frozen=True)
class Targets:
    matched: list[int]  # operating firms for which the rule holds
    unknown: list[int]  # operating firms it cannot decide (facts missing)


def _operating_frame():
    """The profile frame of the operating firms (the only ones a notice reaches)."""
    from gaoxin.benefits.selectors import profile_frame
    from gaoxin.enterprises.models import Enterprise, EnterpriseStatus

    frame = profile_frame()
    if frame.is_empty():
        return frame
    operating = list(Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).values_list("pk", flat=True))
    return frame.filter(pl.col("enterprise_id").is_in(operating))


def _targets(compiled, frame) -> Targets:
    if frame.is_empty():
        return Targets([], [])
    result = frame.select("enterprise_id", compiled.expr.alias("hit"))
    return Targets(sorted(result.filter(result["hit"].fill_null(False))["enterprise_id"].to_list()),
                   sorted(result.filter(result["hit"].is_null())["enterprise_id"].to_list()))


def resolve_targets(source: str) -> Targets:
    """Evaluate the rule over every operating firm's profile in one vectorised pass."""
    return _targets(compile_target(source), _operating_frame())


def reached_count(source: str) -> int:
    """How many operating firms the rule reaches now (publishing one that reaches none asks for 仍然发布)."""
    return len(resolve_targets(source).matched)


# --- the reach preview: how many firms a rule reaches now, and what to check when it reaches none ---------------

VALUES_SHOWN = 8


@dataclass(frozen=True)
class ConditionReach:
    """One condition of the rule on its own: in words, the operating firms that meet it and those it cannot decide,
    and what the firms' profiles hold for the field it reads (its most common texts, or a number's range)."""

    label: str
    met: int
    unknown: int
    present: str = ""


@dataclass(frozen=True)
class Reach:
    targets: Targets
    firms: int  # operating firms with a profile
    conditions: list[ConditionReach]


def _present(frame, field: str) -> str:
    spec = FIELDS.get(field)
    if spec is None or field not in frame.columns:
        return ""
    column = frame[field].drop_nulls()
    if column.is_empty():
        return f"没有企业填报“{spec.short_label}”"
    if spec.kind == "number":
        low, high = (f"{format(Decimal(str(v)).normalize(), 'f')}{spec.unit}" for v in (column.min(), column.max()))
        return f"企业档案中“{spec.short_label}”为 {low} 至 {high}（{column.len()}家有数据）"
    if spec.kind == "text":
        counts = column.value_counts(sort=True).head(VALUES_SHOWN)
        shown = "、".join(f"“{spec.word(v)}”（{n}家）" for v, n in counts.iter_rows())
        more = "等" if column.n_unique() > VALUES_SHOWN else ""
        return f"企业档案中“{spec.short_label}”的取值有：{shown}{more}"
    return ""


def reach(source: str) -> Reach:
    """The firms the rule reaches if published now (the delivery job's own evaluation), and for each condition on
    its own how many firms meet it, so a rule that reaches no one shows which condition shuts everyone out and
    what the profiles hold instead (a park name spelt otherwise, a figure in 万元 written in 元)."""
    compiled = compile_target(source)
    frame = _operating_frame()
    targets = _targets(compiled, frame)
    conditions = []
    if not frame.is_empty() and compiled.leaf_exprs:
        counts = frame.select([e for i, expr in enumerate(compiled.leaf_exprs)
                               for e in (expr.fill_null(False).sum().alias(f"met{i}"),
                                         expr.is_null().sum().alias(f"unknown{i}"))]).row(0, named=True)
        for i, leaf in enumerate(compiled.leaves):
            met = counts[f"met{i}"]
            present = "；".join(p for f in leaf.fields if (p := _present(frame, f))) if not met else ""
            conditions.append(ConditionReach(leaf.label, met, counts[f"unknown{i}"], present))
    return Reach(targets, frame.height, conditions)
