"""The daily sweep: deemed acceptance, 容缺 termination, reminders (one per case, kind and day: the
inbox's dedupe key is the day and the case number), and removal of files chosen on the decision form but
never confirmed. Idempotent: run it as often as you like (`gaoxin sweep_cases`,
or the `sweep_cases_task` background task)."""

from __future__ import annotations

import logging

from django.conf import settings
from django_tasks import task

from gaoxin.core.models import Notification
from gaoxin.core.selectors import work_calendar

from . import notifications, pending, services
from .models import CLOCK_RUNNING, Case, Status

log = logging.getLogger(__name__)


def sweep(on=None) -> dict[str, int]:
    on = on or services.today()
    cal = work_calendar()
    counts = {"deemed_accepted": 0, "terminated": 0, "due_soon": 0, "tolerance_reminders": 0}
    for case in Case.objects.filter(status=Status.RECEIVED, correction_notice_due__lt=on).exclude(kind="package"):
        services.case_transition(case=case, name="DEEMED_ACCEPT", actor=None)
        counts["deemed_accepted"] += 1
    owed = Case.objects.filter(tolerance=True, tolerance_due__lt=on, materials__owed=True,
                               materials__supplied_on__isnull=True,
                               status__in=[Status.ACCEPTED, Status.IN_REVIEW, Status.SUSPENDED,
                                           Status.DECIDED_OK_TOLERANCE]).distinct()
    for case in owed:
        services.case_transition(case=case, name="TERMINATE_TOLERANCE", actor=None, reason="容缺材料逾期未补齐")
        counts["terminated"] += 1
    day = f"{on:%Y%m%d}"
    already = set(Notification.objects.filter(kind__in=["DUE_SOON", "TOLERANCE_REMINDER"], key__startswith=f"{day}:")
                  .values_list("kind", "key"))
    horizon = cal.add_working_days(on, settings.GAOXIN_AT_RISK_WORKDAYS)
    for case in Case.objects.filter(status__in=CLOCK_RUNNING, due_date__lte=horizon, due_date__gte=on).select_related(
            "version", "bundle", "officer"):
        key = f"{day}:{case.number}"
        if ("DUE_SOON", key) not in already:
            notifications.remind(case, "DUE_SOON", key)
            counts["due_soon"] += 1
    reminder_horizon = cal.add_working_days(on, settings.GAOXIN_TOLERANCE_REMINDER_WORKDAYS)
    for case in Case.objects.filter(tolerance=True, tolerance_due__gte=on, tolerance_due__lte=reminder_horizon,
                                    materials__owed=True, materials__supplied_on__isnull=True).distinct().select_related(
            "version", "bundle", "submitted_by"):
        key = f"{day}:{case.number}"
        if ("TOLERANCE_REMINDER", key) not in already and not case.is_terminal:
            notifications.remind(case, "TOLERANCE_REMINDER", key)
            counts["tolerance_reminders"] += 1
    counts["pending_files_removed"] = pending.purge()
    log.info("case sweep %s: %s", on, counts)
    return counts


@task()
def sweep_cases_task() -> dict[str, int]:
    return sweep()
