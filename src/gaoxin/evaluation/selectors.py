"""Reads of the evaluation cycle that other rooms use (the public notices list)."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import Cycle
from .models import CycleStatus as S

# States in which a cycle's results are public: on notice, or released (also while amended).
NOTICE_STATES = frozenset({S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION, S.RELEASED, S.POLICY_APPLIED, S.AMENDED})


def public_cycles() -> QuerySet[Cycle]:
    return Cycle.objects.filter(status__in=NOTICE_STATES).order_by("-data_year", "-pk")
