"""The table walk every workflow's tests use (the cases walk, generalised): for each (transition, state)
pair, the transition succeeds from a state the table lists, with exactly one audit event and one history
row, and is refused from every other state, writing nothing; roles outside the table are refused."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.core.models import AuditEvent
from gaoxin.core.workflow import SYSTEM, Workflow


def pairs(workflow: Workflow, states) -> list[tuple[str, str]]:
    return [(t.name, state) for t in workflow.transitions for state in states]


def check_pair(workflow: Workflow, obj, name: str, *, actor, history: Callable[[], int], **params):
    """`obj` is already in the state under test; `history()` counts its timeline rows."""
    transition = workflow[name]
    state = workflow.state_of(obj)
    reason = "说明" if transition.needs_reason else ""
    audits, rows = AuditEvent.objects.count(), history()
    if transition.starts_from(state):
        result = workflow.apply(obj, name, actor=actor, reason=reason, **params)
        if transition.target is not None:
            assert workflow.state_of(result) == transition.target
        assert AuditEvent.objects.count() == audits + 1, "exactly one audit event per state change"
        assert history() == rows + 1, "exactly one timeline row per state change"
        return result
    with pytest.raises(ValidationError):
        workflow.apply(obj, name, actor=actor, reason=reason, **params)
    obj.refresh_from_db()
    assert workflow.state_of(obj) == state
    assert AuditEvent.objects.count() == audits and history() == rows, "a refused transition writes nothing"
    return obj


def check_roles_refused(workflow: Workflow, obj, name: str, actors: dict[str, object]):
    """Every actor whose role tokens for `obj` miss the transition's roles is refused (PermissionDenied)."""
    transition = workflow[name]
    for actor in actors.values():
        if workflow.roles_of(actor, obj) & transition.roles:
            continue
        with pytest.raises(PermissionDenied):
            workflow.apply(obj, name, actor=actor, reason="说明")
    if SYSTEM not in transition.roles:
        with pytest.raises(PermissionDenied):
            workflow.apply(obj, name, actor=None, reason="说明")


def available_from(workflow: Workflow, states) -> dict[str, set[str]]:
    """state -> names of the transitions that start from it: compared with the spec's hand-written matrix."""
    return {state: {t.name for t in workflow.transitions if t.starts_from(state)} for state in states}
