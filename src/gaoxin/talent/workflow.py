"""The talent room's states on the kernel (core.workflow): a demand is withdrawn; a hire is confirmed or denied by
the firm, checked at the retention dates and may end when the person leaves; an agreement ends or is terminated.
A demand's fill (open → partly filled → filled) follows its confirmed hires (`refill`)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count

from gaoxin.core.selectors import work_calendar
from gaoxin.core.workflow import SYSTEM, Step, Workflow, transition

from . import notifications
from .models import (
    AgreementStatus,
    DemandEvent,
    DemandStatus,
    Hire,
    HireEvent,
    HireStatus,
    JobDemand,
    SchoolAgreement,
)
from .permissions import demand_roles, hire_roles, is_talent_office

ON_THE_JOB = (HireStatus.CONFIRMED, HireStatus.RETAINED_SHORT, HireStatus.RETAINED_LONG)
LIVE = (DemandStatus.OPEN, DemandStatus.PARTLY_FILLED)


def refill(demand: JobDemand) -> None:
    """The demand's filled places are its people on the job; its state follows unless it was withdrawn."""
    filled = demand.hires.filter(status__in=ON_THE_JOB).aggregate(n=Count("id"))["n"]
    demand.filled = filled
    if demand.status != DemandStatus.WITHDRAWN:
        demand.status = (DemandStatus.FILLED if filled >= demand.quantity else
                         DemandStatus.PARTLY_FILLED if filled else DemandStatus.OPEN)
    demand.save(update_fields=["filled", "status"])


def retention_days() -> tuple[int, int]:
    short, long = settings.GAOXIN_TALENT_RETENTION_DAYS
    return int(short), int(long)


# --- hires -----------------------------------------------------------------------------------------------------


def confirm_hire(hire: Hire, today) -> dict:
    """Confirmed on `today`; the retention checks fall GAOXIN_TALENT_RETENTION_DAYS after the first day on the job,
    each on a working day (the first one on or after the day the period ends)."""
    import datetime as dt

    cal = work_calendar()
    short, long = retention_days()
    hire.confirmed_on = today
    hire.short_check_due = cal.next_workday(hire.hired_on + dt.timedelta(days=short))
    hire.long_check_due = cal.next_workday(hire.hired_on + dt.timedelta(days=long))
    return {"short_check_due": hire.short_check_due, "long_check_due": hire.long_check_due}


def _confirm(hire: Hire, step: Step) -> dict:
    return confirm_hire(hire, step.today)


def _retain(hire: Hire, step: Step) -> dict:
    due = hire.short_check_due if hire.status == HireStatus.CONFIRMED else hire.long_check_due
    if due and step.today < due:
        raise ValidationError(f"回访日期为{due:%Y年%m月%d日}，到期后再确认是否在岗")
    step.target = HireStatus.RETAINED_SHORT if hire.status == HireStatus.CONFIRMED else HireStatus.RETAINED_LONG
    return {"checked_on": step.today}


def _leave(hire: Hire, step: Step) -> dict:
    left_on = step.param("left_on") or step.today
    if left_on < hire.hired_on:
        raise ValidationError({"left_on": "离职日期不能早于到岗日期"})
    if left_on > step.today:
        raise ValidationError({"left_on": "离职日期不能晚于今天"})
    hire.left_on = left_on
    return {"left_on": left_on}


def _hire_roles(actor, hire: Hire) -> set[str]:
    return hire_roles(actor, hire)


def _hire_record(hire: Hire, step: Step, data: dict) -> None:
    HireEvent.objects.create(hire=hire, transition=step.transition.name, to_status=hire.status,
                             actor=step.actor if getattr(step.actor, "pk", None) else None, note=step.reason[:300])


def _hire_after(hire: Hire, step: Step) -> None:
    refill(JobDemand.objects.select_for_update().get(pk=hire.demand_id))


HIRE_WORKFLOW = Workflow(
    name="talent.hire", noun="到岗记录", model=Hire, roles=_hire_roles, record=_hire_record, after=_hire_after,
    notify=notifications.hire_changed, lock_queryset=lambda: Hire.objects.select_related("demand"),
    transitions=[
        transition("CONFIRM", "确认到岗", [HireStatus.RECORDED], HireStatus.CONFIRMED, ["firm", "office"],
                   effect=_confirm),
        transition("REJECT", "否认到岗", [HireStatus.RECORDED], HireStatus.REJECTED, ["firm", "office"],
                   needs_reason=True, style="outline-danger"),
        transition("RETAIN", "回访：仍在岗", [HireStatus.CONFIRMED, HireStatus.RETAINED_SHORT], None, ["firm", "office"],
                   effect=_retain),
        transition("LEAVE", "已离职", [HireStatus.CONFIRMED, HireStatus.RETAINED_SHORT, HireStatus.RETAINED_LONG],
                   HireStatus.LEFT, ["firm", "office"], effect=_leave, style="outline-danger"),
    ],
)

# --- demands ---------------------------------------------------------------------------------------------------


def _demand_record(demand: JobDemand, step: Step, data: dict) -> None:
    DemandEvent.objects.create(demand=demand, transition=step.transition.name, to_status=demand.status,
                               actor=step.actor if getattr(step.actor, "pk", None) else None, note=step.reason[:300])


DEMAND_WORKFLOW = Workflow(
    name="talent.demand", noun="用工需求", model=JobDemand, roles=demand_roles, record=_demand_record,
    transitions=[transition("WITHDRAW", "撤回需求", LIVE, DemandStatus.WITHDRAWN, ["firm", "office", "recorder"],
                            needs_reason=True, style="outline-danger")],
)

# --- agreements ------------------------------------------------------------------------------------------------


def _agreement_roles(actor, agreement: SchoolAgreement) -> set[str]:
    return {"office"} if is_talent_office(actor) else set()


def _expired(agreement: SchoolAgreement, step: Step) -> None:
    if agreement.expires_on >= step.today:
        raise ValidationError("协议尚未到期")


AGREEMENT_WORKFLOW = Workflow(
    name="talent.agreement", noun="校企合作协议", model=SchoolAgreement, roles=_agreement_roles,
    transitions=[
        transition("END", "到期", [AgreementStatus.ACTIVE], AgreementStatus.ENDED, [SYSTEM, "office"], guard=_expired),
        transition("TERMINATE", "终止协议", [AgreementStatus.ACTIVE], AgreementStatus.TERMINATED, ["office"],
                   needs_reason=True, style="outline-danger"),
    ],
)

