"""The fields a campaign's target rule (or a key-firm rule) may use: the policy rule language's enterprise fields
(企业画像, benefits.fields) plus what the proactive room knows of a firm — its open appeals and whether it is on
the key-firm list. The frame is the benefits room's profile frame with those columns added."""

from __future__ import annotations

import polars as pl
from django.core.exceptions import ValidationError

from gaoxin.benefits.fields import FIELDS, Field
from gaoxin.benefits.rules import NUMBER, RuleError, check_values, compile_rule
from gaoxin.benefits.services import QUALIFICATION_NAMES

EXTRA_FIELDS = {f.code: f for f in [
    Field("open_appeals", "在办企业诉求数", "number", "件", source="registry", integer=True),
    Field("key_firm", "重点企业", "bool", source="registry"),
]}
CAMPAIGN_FIELDS: dict[str, Field] = {**FIELDS, **EXTRA_FIELDS}
OPEN_APPEAL_EXCLUDED = ("closed", "referred_out")


def compile_target_rule(source: str, field: str = "rule"):
    try:
        return compile_rule(source, qualifications=QUALIFICATION_NAMES, fields=CAMPAIGN_FIELDS)
    except RuleError as exc:
        raise ValidationError({field: f"条件有误：{exc}"}) from None


def check_target_rule(source: str, field: str = "rule") -> None:
    """A rule as a staff member types it (a campaign's, a key-firm rule): it compiles, and a field with a known value
    set is compared only with its values (size_group == '规上' is refused, naming 规上、规下)."""
    try:
        check_values(compile_target_rule(source, field))
    except RuleError as exc:
        raise ValidationError({field: f"条件有误：{exc}"}) from None


def matching_firm_ids(source: str, field: str = "rule") -> list[int]:
    """The operating firms for which the rule is TRUE (an UNKNOWN condition does not select a firm)."""
    from django.db.models import Count, Q

    from gaoxin.appeals.models import Appeal
    from gaoxin.benefits.selectors import profile_frame
    from gaoxin.enterprises.models import Enterprise, EnterpriseStatus

    from .models import KeyFirm

    compiled = compile_target_rule(source, field)
    frame = profile_frame()
    if frame.is_empty():
        return []
    operating = set(Enterprise.objects.filter(status=EnterpriseStatus.OPERATING).values_list("pk", flat=True))
    appeals = dict(Appeal.objects.filter(enterprise__isnull=False).exclude(status__in=OPEN_APPEAL_EXCLUDED)
                   .values("enterprise_id").annotate(n=Count("id", filter=Q())).values_list("enterprise_id", "n"))
    keys = set(KeyFirm.objects.filter(removed_at__isnull=True).values_list("enterprise_id", flat=True))
    ids = frame["enterprise_id"].to_list()
    frame = frame.with_columns(
        pl.Series("open_appeals", [appeals.get(i, 0) for i in ids]).cast(NUMBER),
        pl.Series("key_firm", [i in keys for i in ids], dtype=pl.Boolean),
    )
    hits = frame.filter(compiled.expr.fill_null(False)).select("enterprise_id")["enterprise_id"].to_list()
    return sorted(i for i in hits if i in operating)
