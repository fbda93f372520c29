"""Cycle pages for the economic development bureau: the cycles, one cycle's state and
participant list with its T-class flags; every change goes through `services`."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts import permissions as perms
from gaoxin.core.views_utils import error_text, paginate, require

from . import services
from .method import builtin_method_names
from .models import Cycle, CycleStatus, Participant

NEEDS_DOC = {CycleStatus.APPROVED_FOR_NOTICE, CycleStatus.RELEASED}


@require(perms.can_view_evaluation)
def cycle_index(request):
    cycles = Cycle.objects.annotate(
        n_participants=Count("participants"),
        n_rated=Count("participants", filter=Q(participants__participating=True)),
    ).order_by("-data_year", "-id")
    page, query = paginate(request, cycles)
    return render(request, "evaluation/cycle_list.html", {
        "page": page, "query": query, "can_run": perms.can_run_evaluation(request.user),
        "methods": builtin_method_names(),
    })


@require_POST
@require(perms.can_run_evaluation)
def cycle_create(request):
    try:
        cycle = services.cycle_create(actor=request.user, data_year=int(request.POST.get("data_year") or 0),
                                      name=request.POST.get("name", ""),
                                      method_name=request.POST.get("method_name", "shandong_default"),
                                      trial=request.POST.get("trial") == "on")
    except ValidationError as exc:
        messages.error(request, error_text(exc))
        return redirect("evaluation_index")
    messages.success(request, "评价周期已创建，请生成参评名单。")
    return redirect("evaluation_cycle", pk=cycle.pk)


@require(perms.can_view_evaluation)
def cycle_detail(request, pk: int):
    cycle = get_object_or_404(Cycle, pk=pk)
    rows = Participant.objects.filter(cycle=cycle).select_related("enterprise__industry")
    if request.GET.get("group"):
        rows = rows.filter(group=request.GET["group"])
    if request.GET.get("participating") in ("1", "0"):
        rows = rows.filter(participating=request.GET["participating"] == "1")
    if request.GET.get("q"):
        rows = rows.filter(Q(enterprise__name__contains=request.GET["q"]) | Q(enterprise__uscc=request.GET["q"].upper()))
    page, query = paginate(request, rows)
    counts = cycle.participants.aggregate(total=Count("id"), rated=Count("id", filter=Q(participating=True)))
    can_run = perms.can_run_evaluation(request.user)
    targets = [(t, CycleStatus(t).label, t in NEEDS_DOC, t == CycleStatus.AMENDED)
               for t in services.allowed_targets(cycle.status)] if can_run else []
    return render(request, "evaluation/cycle_detail.html", {
        "cycle": cycle, "page": page, "query": query, "counts": counts, "can_run": can_run,
        "targets": targets, "draft": cycle.status == CycleStatus.DRAFT,
        "steps": [(s, CycleStatus(s).label) for s in services.ORDER],
        "passed": set(services.ORDER[:services.ORDER.index(cycle.status)]),
    })


def _act(request, pk: int, action, success: str):
    try:
        action()
        messages.success(request, success)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    return redirect("evaluation_cycle", pk=pk)


@require_POST
@require(perms.can_run_evaluation)
def cycle_populate(request, pk: int):
    cycle = get_object_or_404(Cycle, pk=pk)
    return _act(request, pk, lambda: services.participants_populate(actor=request.user, cycle=cycle),
                "参评名单已按企业档案生成（无法确认用地的企业列为不参评）。")


@require_POST
@require(perms.can_run_evaluation)
def participant_flag(request, pk: int, participant_id: int):
    row = get_object_or_404(Participant, pk=participant_id, cycle_id=pk)
    participating = request.POST.get("participating") == "1"
    return _act(request, pk, lambda: services.participant_flag(actor=request.user, participant=row,
                                                               participating=participating,
                                                               reason=request.POST.get("reason", "")),
                f"{row.enterprise.name} 已列为{'参评' if participating else '不参评（T类）'}。")


@require_POST
@require(perms.can_run_evaluation)
def cycle_transition(request, pk: int):
    cycle = get_object_or_404(Cycle, pk=pk)
    target = request.POST.get("target", "")
    label = CycleStatus(target).label if target in CycleStatus.values else target
    return _act(request, pk, lambda: services.cycle_transition(actor=request.user, cycle=cycle, target=target,
                                                               reason=request.POST.get("reason", ""),
                                                               doc_no=request.POST.get("doc_no", "")),
                f"评价周期已进入“{label}”。")
