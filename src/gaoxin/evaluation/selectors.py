"""Reads of the evaluation cycle that other rooms use (the public notices list)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Cycle
from .models import CycleStatus as S

# States in which a cycle's results are public: on notice, or released (also while amended).
NOTICE_STATES = frozenset({S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION, S.RELEASED, S.POLICY_APPLIED, S.AMENDED})


def public_cycles() -> QuerySet[Cycle]:
    return Cycle.objects.filter(status__in=NOTICE_STATES).order_by("-data_year", "-pk")


def results_title(cycle: Cycle) -> str:
    """"2025年度工业企业亩产效益综合评价结果", never "…综合评价亩产效益综合评价结果" (a cycle's name usually says it)."""
    name = str(cycle)
    return f"{name}结果" if "亩产效益" in name else f"{name}亩产效益综合评价结果"
