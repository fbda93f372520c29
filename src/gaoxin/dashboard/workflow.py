"""The monthly report's one transition: a draft is published (then it cannot change; the next month's report is a
new one). Through the kernel's engine (core.workflow): lock, check, one audit event, notifications after commit."""

from __future__ import annotations

from gaoxin.core.workflow import Workflow, transition

from .models import MonthlyReport, ReportEvent, ReportStatus

WRITER = "writer"


def _roles(actor, report) -> set[str]:
    from .permissions import can_manage_reports

    return {WRITER} if can_manage_reports(actor) else set()


def _record(report, step, data) -> None:
    ReportEvent.objects.create(report=report, transition=step.transition.name, to_status=report.status,
                               actor=step.actor if getattr(step.actor, "pk", None) else None)


def _publish(report, step):
    from django.utils import timezone

    report.published_at = timezone.now()
    return {"data_hash": report.data_hash}


def _notify(report, step) -> None:
    from .services import notify_published

    notify_published(report)


REPORT_WORKFLOW = Workflow(
    name="report", noun="月度报告", model=MonthlyReport, roles=_roles, record=_record, notify=_notify,
    transitions=[transition("PUBLISH", "发布", [ReportStatus.DRAFT], ReportStatus.PUBLISHED, [WRITER], effect=_publish)],
)
