"""Writes of the evaluation cycle: creation, the participant list and every state change
(specs/evaluation.md §12.2). Each function runs in one transaction and writes one audit event; a state
change goes through the cycle's transition table (evaluation/workflow.py)."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from gaoxin.core.services import audit_record
from gaoxin.enterprises.models import Enterprise, LandKind

from .method import builtin_method, builtin_method_names
from .models import Cycle, CycleStatus, Participant
from .permissions import can_run_evaluation
from .workflow import WORKFLOW, notice_window

__all__ = ["cycle_create", "cycle_transition", "notice_window", "participant_flag", "participants_populate"]

S = CycleStatus
# Industrial enterprises (GB/T 4754 sections B mining, C manufacturing, D utilities) take part.
INDUSTRIAL_SECTIONS = ("B", "C", "D")
YEAR_MESSAGE = "数据年度应在 2000–2100 之间，请填写四位数字年份，如 2025"


def _check_actor(actor) -> None:
    if not can_run_evaluation(actor):
        raise PermissionDenied("只有管委会管理员或经发局人员可以管理亩产效益评价周期")


@transaction.atomic
def cycle_create(*, actor, data_year: int, name: str, method_name: str = "shandong_default",
                 trial: bool = False) -> Cycle:
    _check_actor(actor)
    errors = {}
    try:
        data_year = int(data_year)
    except (TypeError, ValueError):
        data_year = 0
    if not 2000 <= data_year <= 2100:
        errors["data_year"] = YEAR_MESSAGE
    name = name or ""
    if not name.strip():
        errors["name"] = "请填写周期名称"
    elif len(name.strip()) > Cycle._meta.get_field("name").max_length:
        errors["name"] = "周期名称不能超过100个字"
    if method_name not in builtin_method_names():
        errors["method_name"] = f"没有名为“{method_name}”的评价方法"
    if not errors and Cycle.objects.filter(data_year=data_year, name=name.strip()).exists():
        errors["name"] = f"{data_year}年度已有名为“{name.strip()}”的评价周期"
    elif not errors and not trial and Cycle.objects.filter(data_year=data_year, trial=False).exists():
        errors["data_year"] = f"{data_year}年度已有正式评价周期（每个数据年度一个），如需试算请勾选“试评价（仅供参考）”"
    if errors:
        raise ValidationError(errors)
    cycle = Cycle.objects.create(data_year=data_year, name=name.strip(), method_name=method_name, trial=trial,
                                 created_by=actor)
    audit_record(event_type="evaluation.cycle.create", actor=actor, subject=cycle,
                 after={"data_year": cycle.data_year, "method": method_name, "trial": trial})
    return cycle


def _land_m2(enterprise: Enterprise) -> float:
    total = 0.0
    for parcel in enterprise.parcels.all():
        sign = -1 if parcel.kind == LandKind.LEASED_OUT else 1
        total += sign * float(parcel.area_m2)
    return total


@transaction.atomic
def participants_populate(*, actor, cycle: Cycle) -> dict[str, int]:
    """Fill the draft list with the zone's industrial enterprises of the data year, grouped by size: a firm
    registered after the year is not in it; one registered during the year goes in as T class (初创期, §2.2), as
    does one without resolvable land, each with its reason in words."""
    _check_actor(actor)
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    if cycle.status != S.DRAFT:
        raise ValidationError("参评名单只能在草稿状态下生成")
    groups = set(builtin_method(cycle.method_name).groups)
    existing = set(cycle.participants.values_list("enterprise_id", flat=True))
    rows = []
    year_start, year_end = dt.date(cycle.data_year, 1, 1), dt.date(cycle.data_year, 12, 31)
    enterprises = (Enterprise.objects.filter(industry__section__in=INDUSTRIAL_SECTIONS)
                   .filter(Q(registered_on__isnull=True) | Q(registered_on__lte=year_end))
                   .exclude(pk__in=existing).prefetch_related("parcels").order_by("pk"))
    for enterprise in enterprises.iterator(chunk_size=2000):
        if enterprise.size_group not in groups:
            continue
        if enterprise.registered_on and enterprise.registered_on >= year_start:
            reason = f"{cycle.data_year}年内新成立（初创期企业）"
        else:
            reason = "" if _land_m2(enterprise) > 0 else "用地面积无法确认"
        rows.append(Participant(cycle=cycle, enterprise=enterprise, group=enterprise.size_group,
                                participating=not reason, t_reason=reason))
    Participant.objects.bulk_create(rows, batch_size=2000)
    counts = {"added": len(rows), "t_class": sum(1 for r in rows if not r.participating)}
    audit_record(event_type="evaluation.participants.populate", actor=actor, subject=cycle, after=counts)
    return counts


@transaction.atomic
def participant_flag(*, actor, participant: Participant, participating: bool, reason: str = "") -> Participant:
    """Mark a firm 参评 or 不参评 (T class, reason required) while the list is still a draft."""
    _check_actor(actor)
    participant = Participant.objects.select_for_update().select_related("cycle").get(pk=participant.pk)
    if participant.cycle.status != S.DRAFT:
        raise ValidationError("参评名单已确认，不能再修改")
    if not participating and not reason.strip():
        raise ValidationError({"reason": "列为不参评（T类）必须说明原因"})
    before = {"participating": participant.participating, "t_reason": participant.t_reason}
    participant.participating = participating
    participant.t_reason = "" if participating else reason.strip()
    participant.save(update_fields=["participating", "t_reason"])
    audit_record(event_type="evaluation.participant.flag", actor=actor, subject=participant, before=before,
                 after={"participating": participant.participating, "t_reason": participant.t_reason})
    return participant


def cycle_transition(*, cycle: Cycle, name: str, actor, reason: str = "", **params) -> Cycle:
    """Apply one transition of the cycle's table (workflow.WORKFLOW): row lock, role, state, reason and
    guard checked, one timeline row and one audit event, notifications after commit. `doc_no` is the
    审定 or 发布 document number; an amendment (AMEND) needs a reason and opens version N+1."""
    return WORKFLOW.apply(cycle, name, actor=actor, reason=reason, **params)
