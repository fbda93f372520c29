"""A firm's life-cycle stage (生命周期阶段: 新设, 成长, 规上, 上市后备…, issue 25 item 6), derived from its profile by
the zone's ordered rules in the rule language (GAOXIN_LIFE_STAGES): the first stage whose rule holds is the firm's;
a rule the data cannot decide (UNKNOWN) passes to the next; no stage when none holds. The stage is the profile
field `life_stage`, so campaign and policy rules may use it (`life_stage == '成长'`). Pure Polars but for reading
the setting."""

from __future__ import annotations

import functools
import json

import polars as pl

from .fields import FIELDS
from .rules import Compiled, RuleError, compile_rule

FIELD = "life_stage"


def compile_stages(stages: list[tuple[str, str]]) -> list[tuple[str, Compiled]]:
    """[(stage, rule)] compiled against the profile without the stage itself (a stage cannot depend on a stage).
    RuleError names the stage whose rule is wrong."""
    fields = {code: f for code, f in FIELDS.items() if code != FIELD}
    out, seen = [], set()
    for stage, source in stages:
        stage = str(stage).strip()
        if not stage or stage in seen:
            raise RuleError(f"生命周期阶段名称为空或重复：“{stage}”")
        seen.add(stage)
        try:
            out.append((stage, compile_rule(source, fields=fields)))
        except RuleError as exc:
            raise RuleError(f"生命周期阶段“{stage}”的条件有误：{exc}") from None
    return out


def stage_expr(stages: list[tuple[str, Compiled]]) -> pl.Expr:
    """The first stage whose rule is True (null and False both pass on), else null."""
    expr = pl.lit(None, dtype=pl.String)
    for stage, rule in reversed(stages):
        expr = pl.when(rule.expr.fill_null(False)).then(pl.lit(stage)).otherwise(expr)
    return expr.alias(FIELD)


@functools.lru_cache(maxsize=4)
def _configured(serialised: str) -> list[tuple[str, Compiled]]:
    return compile_stages([tuple(pair) for pair in json.loads(serialised)])


def configured_stages() -> list[tuple[str, Compiled]]:
    from django.conf import settings

    return _configured(json.dumps(list(settings.GAOXIN_LIFE_STAGES), ensure_ascii=False))


def add_life_stage(frame: pl.DataFrame, stages: list[tuple[str, Compiled]] | None = None) -> pl.DataFrame:
    stages = configured_stages() if stages is None else stages
    return frame.with_columns(stage_expr(stages)) if stages else frame
