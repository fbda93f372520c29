"""The states of 人才服务保障 on the kernel (core.workflow): an application is offered a unit, signs a lease, declines
or is withdrawn; a lease is renewed or ends with the move-out; a unit goes into maintenance and back. Each step locks
its row, writes its timeline row and exactly one audit event; what a step does to the unit (reserved, occupied, free
again) happens in the same transaction and is part of that step's audit event."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError

from gaoxin.core.workflow import Step, Workflow, transition

from . import notifications
from .models import (
    ApartmentUnit,
    ApplicationEvent,
    ApplicationStatus,
    HousingApplication,
    Lease,
    LeaseEvent,
    LeaseStatus,
    UnitEvent,
    UnitStatus,
)
from .permissions import application_roles, lease_roles, unit_roles

A, L, U = ApplicationStatus, LeaseStatus, UnitStatus
CENT = Decimal("0.01")


def max_lease_months() -> int:
    return int(settings.GAOXIN_TALENTCARE_MAX_LEASE_MONTHS)


def subsidy_share(tier_code: str) -> Decimal:
    """The share of the rent the zone pays for a talent of this tier (GAOXIN_TALENTCARE_RENT_SUBSIDY; none: 0)."""
    share = Decimal(str(settings.GAOXIN_TALENTCARE_RENT_SUBSIDY.get(tier_code, 0) if tier_code else 0))
    return min(max(share, Decimal(0)), Decimal(1))


def rent_after_subsidy(rent: Decimal, share: Decimal) -> Decimal:
    return (Decimal(rent) * (Decimal(1) - share)).quantize(CENT, rounding=ROUND_HALF_UP)


def _months_between(start: dt.date, end: dt.date) -> float:
    return (end - start).days / 30.44


def _unit_record(unit: ApartmentUnit, name: str, actor, note: str = "") -> None:
    UnitEvent.objects.create(unit=unit, transition=name, to_status=unit.status,
                             actor=actor if getattr(actor, "pk", None) else None, note=note[:300])


def _actor(step: Step):
    return step.actor if getattr(step.actor, "pk", None) else None


# --- applications ----------------------------------------------------------------------------------------------


def _offer(application: HousingApplication, step: Step) -> dict:
    from .selectors import queue_ahead

    unit = step.param("unit")
    if unit is None:
        raise ValidationError({"unit": "请选择配租的房源"})
    unit = ApartmentUnit.objects.select_for_update().select_related("building").get(pk=unit.pk)
    if unit.status != U.FREE:
        raise ValidationError({"unit": f"该房源{unit.get_status_display()}，不能配租"})
    if unit.rooms < application.rooms_wanted:
        raise ValidationError({"unit": f"该房源为{unit.rooms}居室，少于申请的{application.rooms_wanted}居室"})
    ahead = queue_ahead(application, rooms=unit.rooms)
    if ahead and not step.reason:
        raise ValidationError({"reason": f"排在前面的{ahead}位人才也可配租该房源，跳过排序须说明理由"})
    unit.status = U.RESERVED
    unit.save(update_fields=["status"])
    _unit_record(unit, "OFFER", step.actor, f"配租给{application.talent.name}")
    application.unit, application.offered_on = unit, step.today
    return {"unit": str(unit), "skipped": ahead}


def _free_offered_unit(application: HousingApplication, step: Step) -> dict:
    if application.unit_id is None:
        return {}
    unit = ApartmentUnit.objects.select_for_update().select_related("building").get(pk=application.unit_id)
    if unit.status == U.RESERVED:
        unit.status = U.FREE
        unit.save(update_fields=["status"])
        _unit_record(unit, step.transition.name, step.actor, f"{application.talent.name}未签约")
    application.unit, application.offered_on = None, None
    return {"unit_freed": str(unit)}


def _sign(application: HousingApplication, step: Step) -> dict:
    from .selectors import best_tier

    start_on, end_on = step.param("start_on"), step.param("end_on")
    deposit = step.param("deposit") or Decimal(0)
    errors = {}
    if start_on is None:
        errors["start_on"] = "请填写起租日期"
    if end_on is None:
        errors["end_on"] = "请填写到期日期"
    if not errors and end_on <= start_on:
        errors["end_on"] = "到期日期应晚于起租日期"
    elif not errors and _months_between(start_on, end_on) > max_lease_months() + 0.5:
        errors["end_on"] = f"一次签约不超过{max_lease_months()}个月，期满可续租"
    if deposit < 0:
        errors["deposit"] = "押金不能为负数"
    if errors:
        raise ValidationError(errors)
    unit = ApartmentUnit.objects.select_for_update().select_related("building").get(pk=application.unit_id)
    tier = best_tier(application.talent, on=start_on)
    code = tier.code if tier else ""
    share = subsidy_share(code)
    lease = Lease.objects.create(
        application=application, talent=application.talent, unit=unit, start_on=start_on, end_on=end_on,
        monthly_rent=unit.rent, tier_code=code, subsidy_share=share, subsidised_rent=rent_after_subsidy(unit.rent, share),
        deposit=deposit, signed_by=step.actor)
    unit.status = U.OCCUPIED
    unit.save(update_fields=["status"])
    _unit_record(unit, "SIGN", step.actor, f"{application.talent.name}入住")
    LeaseEvent.objects.create(lease=lease, transition="SIGN", to_status=lease.status, actor=_actor(step),
                              note=f"{start_on:%Y-%m-%d} 至 {end_on:%Y-%m-%d}")
    step.data["lease_id"] = lease.pk
    return {"unit": str(unit), "start_on": start_on, "end_on": end_on, "monthly_rent": unit.rent,
            "tier": code, "subsidised_rent": lease.subsidised_rent, "deposit": deposit}


def _application_record(application: HousingApplication, step: Step, data: dict) -> None:
    ApplicationEvent.objects.create(application=application, transition=step.transition.name,
                                    to_status=application.status, actor=_actor(step), note=step.reason[:300])


APPLICATION_WORKFLOW = Workflow(
    name="talentcare.application", noun="人才公寓申请", model=HousingApplication, roles=application_roles,
    record=_application_record, notify=notifications.application_changed,
    lock_queryset=lambda: HousingApplication.objects.select_related("talent", "unit"),
    transitions=[
        transition("OFFER", "配租房源", [A.QUEUED], A.OFFERED, ["office"], effect=_offer),
        transition("SIGN", "签订租约", [A.OFFERED], A.LEASED, ["office"], effect=_sign),
        transition("DECLINE", "放弃本次配租（回到排队）", [A.OFFERED], A.QUEUED, ["office", "talent"],
                   effect=_free_offered_unit, style="outline-secondary"),
        transition("WITHDRAW", "撤回申请", [A.QUEUED, A.OFFERED], A.WITHDRAWN, ["office", "talent"], needs_reason=True,
                   effect=_free_offered_unit, style="outline-danger"),
    ],
)

# --- leases ----------------------------------------------------------------------------------------------------


def _renew(lease: Lease, step: Step) -> dict:
    from .selectors import best_tier

    end_on = step.param("end_on")
    if end_on is None or end_on <= lease.end_on:
        raise ValidationError({"end_on": f"续租到期日期应晚于现到期日期（{lease.end_on:%Y年%m月%d日}）"})
    if _months_between(lease.end_on, end_on) > max_lease_months() + 0.5:
        raise ValidationError({"end_on": f"一次续租不超过{max_lease_months()}个月"})
    before = lease.end_on
    tier = best_tier(lease.talent, on=step.today)
    lease.tier_code = tier.code if tier else ""
    lease.subsidy_share = subsidy_share(lease.tier_code)
    lease.subsidised_rent = rent_after_subsidy(lease.monthly_rent, lease.subsidy_share)
    lease.end_on = end_on
    lease.renewals += 1
    return {"end_on_before": before, "end_on": end_on, "tier": lease.tier_code,
            "subsidised_rent": lease.subsidised_rent}


def _exit(lease: Lease, step: Step) -> dict:
    moved_out_on = step.param("moved_out_on") or step.today
    if moved_out_on < lease.start_on:
        raise ValidationError({"moved_out_on": "退租日期不能早于起租日期"})
    if moved_out_on > step.today:
        raise ValidationError({"moved_out_on": "退租日期不能晚于今天"})
    lease.moved_out_on, lease.inspection_note = moved_out_on, step.reason[:500]
    unit = ApartmentUnit.objects.select_for_update().select_related("building").get(pk=lease.unit_id)
    unit.status = U.FREE
    unit.save(update_fields=["status"])
    _unit_record(unit, "EXIT", step.actor, f"{lease.talent.name}退租")
    HousingApplication.objects.filter(pk=lease.application_id).update(status=A.MOVED_OUT)
    return {"moved_out_on": moved_out_on, "unit": str(unit)}


def _lease_record(lease: Lease, step: Step, data: dict) -> None:
    LeaseEvent.objects.create(lease=lease, transition=step.transition.name, to_status=lease.status, actor=_actor(step),
                              note=step.reason[:500])


LEASE_WORKFLOW = Workflow(
    name="talentcare.lease", noun="租约", model=Lease, roles=lease_roles, record=_lease_record,
    notify=notifications.lease_changed, lock_queryset=lambda: Lease.objects.select_related("talent", "unit"),
    transitions=[
        transition("RENEW", "续租", [L.ACTIVE], None, ["office"], effect=_renew),
        transition("EXIT", "退租（退房查验）", [L.ACTIVE], L.ENDED, ["office"], needs_reason=True, effect=_exit,
                   style="outline-danger"),
    ],
)

# --- units -----------------------------------------------------------------------------------------------------


def _unit_timeline(unit: ApartmentUnit, step: Step, data: dict) -> None:
    _unit_record(unit, step.transition.name, step.actor, step.reason)


UNIT_WORKFLOW = Workflow(
    name="talentcare.unit", noun="房源", model=ApartmentUnit, roles=unit_roles, record=_unit_timeline,
    lock_queryset=lambda: ApartmentUnit.objects.select_related("building"),
    transitions=[
        transition("MAINTAIN", "停用维修", [U.FREE], U.MAINTENANCE, ["office"], needs_reason=True,
                   style="outline-secondary"),
        transition("RESTORE", "维修完成，恢复空闲", [U.MAINTENANCE], U.FREE, ["office"]),
    ],
)
