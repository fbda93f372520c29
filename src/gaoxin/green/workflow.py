"""A green label's states on the kernel (core.workflow): the evaluation's record of a safety accident or an
environmental penalty flags an active label for review (the daily sweep or the economic bureau); the bureau keeps
it after review or revokes it. Each step locks the row, writes its timeline row and exactly one audit event."""

from __future__ import annotations

from gaoxin.core.workflow import SYSTEM, Step, Workflow, transition

from .models import GreenLabel, LabelEvent, LabelStatus
from .permissions import label_roles

S = LabelStatus


def _actor(step: Step):
    return step.actor if getattr(step.actor, "pk", None) else None


def _flag(label: GreenLabel, step: Step) -> dict:
    return {"enterprise": label.enterprise.name, "label": str(label), "source": step.param("source") or ""}


def _decide(label: GreenLabel, step: Step) -> dict:
    return {"enterprise": label.enterprise.name, "label": str(label)}


def _record(label: GreenLabel, step: Step, data: dict) -> None:
    LabelEvent.objects.create(label=label, transition=step.transition.name, to_status=label.status,
                              actor=_actor(step), note=step.reason[:300], source=(data or {}).get("source", "")[:60])


LABEL_WORKFLOW = Workflow(
    name="green.label", noun="称号", model=GreenLabel, roles=label_roles, record=_record,
    lock_queryset=lambda: GreenLabel.objects.select_related("enterprise"),
    transitions=[
        transition("FLAG", "标记待复核", [S.ACTIVE], S.REVIEW, ["office", SYSTEM], needs_reason=True, effect=_flag,
                   style="outline-warning"),
        transition("KEEP", "复核后保留", [S.REVIEW], S.ACTIVE, ["office"], needs_reason=True, effect=_decide),
        transition("REVOKE", "撤销称号", [S.ACTIVE, S.REVIEW], S.REVOKED, ["office"], needs_reason=True,
                   effect=_decide, style="outline-danger"),
    ],
)
