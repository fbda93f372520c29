"""Shared steps for the cycle tests: walk the state machine the way the bureau does, scoring
through a real run and letting the public-notice window pass. `walk` names the states to reach;
each step is the table's transition from the current state to the next one named."""

import datetime as dt

from django.utils import timezone

from gaoxin.evaluation import scoring, services
from gaoxin.evaluation.models import Cycle, CycleStatus
from gaoxin.evaluation.workflow import transition_to

S = CycleStatus
DOC = "济高新管发〔2026〕4号"


def score(cycle, actor, note=""):
    """Start a run and compute it in-process (the task's work, without the queue)."""
    run = scoring.score_start(actor=actor, cycle=cycle, note=note)
    return scoring.score_compute(run)


def close_notice(cycle):
    """The public-notice window has passed."""
    Cycle.objects.filter(pk=cycle.pk).update(notice_end=timezone.localdate() - dt.timedelta(days=1))


def walk(cycle, actor, *targets):
    for target in targets:
        if target == S.SCORED and cycle.status == S.ENTERPRISE_CONFIRM:
            score(cycle, actor)
            cycle = Cycle.objects.get(pk=cycle.pk)
            continue
        if target == S.OBJECTION_RESOLUTION:
            close_notice(cycle)
        kwargs = {"doc_no": DOC} if target in (S.APPROVED_FOR_NOTICE, S.RELEASED) else {}
        if target == S.AMENDED:
            kwargs["reason"] = "税务局更正一家企业的税收数据"
        name = transition_to(cycle.status, target)
        assert name, f"the table has no step from {cycle.status} to {target}"
        cycle = services.cycle_transition(actor=actor, cycle=cycle, name=name, **kwargs)
    return cycle
