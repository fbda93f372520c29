"""The targeting rule of a notice: the benefits rule language over the enterprise profile (benefits.fields), the
same parser and compiler as policy matching, so a staff member writes "which firms should read this" exactly as a
policy's conditions. Three-valued: a firm whose facts the rule reads are missing is UNKNOWN — not delivered, counted."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError

from gaoxin.benefits.fields import FIELDS
from gaoxin.benefits.rules import RuleError, compile_rule
from gaoxin.benefits.services import QUALIFICATION_NAMES


def compile_target(source: str):
    try:
        return compile_rule(source, qualifications=QUALIFICATION_NAMES, fields=FIELDS)
    except RuleError as exc:
        raise ValidationError({"rule": f"阅读对象条件有误：{exc}"}) from None


def check_rule(source: str) -> None:
    if source.strip():
        compile_target(source)


@dataclass(frozen=True)
class Targets:
    matched: list[int]  # operating firms for which the rule holds
    unknown: list[int]  # operating firms it cannot decide (facts missing)


def resolve_targets(source: str) -> Targets:
    """Evaluate the rule over every operating firm's profile in one vectorised pass."""
    from gaoxin.benefits.selectors import profile_frame
    from gaoxin.enterprises.models import Enterprise, EnterpriseStatus

    compiled = compile_target(source)
    frame = profile_frame()
    if frame.is_empty():
        return Targets([], [])
    operating = set(Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).values_list("pk", flat=True))
    result = frame.select("enterprise_id", compiled.expr.alias("hit"))
    matched = sorted(i for i in result.filter(result["hit"].fill_null(False))["enterprise_id"].to_list() if i in operating)
    unknown = sorted(i for i in result.filter(result["hit"].is_null())["enterprise_id"].to_list() if i in operating)
    return Targets(matched, unknown)
