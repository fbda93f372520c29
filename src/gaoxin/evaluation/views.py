"""Cycle pages for the economic development bureau: the cycles, one cycle's state and
participant list with its T-class flags; every change goes through `services`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import OrgUnit, Role
from gaoxin.core.services import job_enqueue
from gaoxin.core.validators import normalize_code
from gaoxin.core.views_utils import error_text, flash_action, paginate, require

from . import adjustments, collection, objections, scoring, services
from .method import DEFAULT_METHOD, RAW_FIELDS, builtin_method_choices, method_title
from .models import (
    Cycle,
    CycleAdjustment,
    CycleStatus,
    CycleValue,
    Objection,
    ObjectionStage,
    ObjectionStatus,
    Participant,
    RecordStatus,
    RegradeStatus,
    ScoreResult,
)
from .tasks import department_template_task, import_adjustments_task, import_department_data_task
from .views_results import NOTICE_STATES, can_export_release, published

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
        "methods": builtin_method_choices(), "default_method": DEFAULT_METHOD,
    })


@require_POST
@require(perms.can_run_evaluation)
def cycle_create(request):
    try:
        cycle = services.cycle_create(actor=request.user, data_year=int(request.POST.get("data_year") or 0),
                                      name=request.POST.get("name", ""),
                                      method_name=request.POST.get("method_name", DEFAULT_METHOD),
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
        rows = rows.filter(Q(enterprise__name__contains=request.GET["q"]) | Q(enterprise__uscc=normalize_code(request.GET["q"])))
    page, query = paginate(request, rows)
    counts = cycle.participants.aggregate(total=Count("id"), rated=Count("id", filter=Q(participating=True)))
    can_run = perms.can_run_evaluation(request.user)
    scorable = can_run and cycle.status in scoring.SCORABLE
    targets = [(t, CycleStatus(t).label, t in NEEDS_DOC, t == CycleStatus.AMENDED)
               for t in services.allowed_targets(cycle.status)
               if not (t == CycleStatus.SCORED and scorable)] if can_run else []
    return render(request, "evaluation/cycle_detail.html", {
        "cycle": cycle, "page": page, "query": query, "counts": counts, "can_run": can_run,
        "method_title": method_title(cycle.method_name),
        "targets": targets, "draft": cycle.status == CycleStatus.DRAFT, "scorable": scorable,
        "dashboard": _dashboard(cycle), "can_export": can_export_release(request.user),
        "steps": [(s, CycleStatus(s).label) for s in services.ORDER],
        "passed": set(services.ORDER[:services.ORDER.index(cycle.status)]),
    })


def _dashboard(cycle: Cycle) -> dict:
    """Progress per state and per department (a fixed number of grouped queries)."""
    states = dict(cycle.participants.filter(participating=True).values_list("record_status")
                  .annotate(n=Count("id")).order_by())
    expected = collection.expected_counts(cycle)
    verified = dict(CycleValue.objects.filter(participant__cycle=cycle, participant__participating=True,
                                              verified__isnull=False)
                    .values_list("verified_by__code").annotate(n=Count("id")).order_by())
    raised: dict[str, dict[str, int]] = {}
    for code, status, n in (Objection.objects.filter(cycle=cycle).values_list("owner_code", "status")
                            .annotate(n=Count("id")).order_by()):
        raised.setdefault(code, {})[status] = n
    names = dict(OrgUnit.objects.filter(code__in=set(expected) | set(raised)).values_list("code", "name"))
    departments = [{"name": names.get(code, code or "未指定部门"), "expected": n, "verified": verified.get(code, 0),
                    "percent": min(100, round(verified.get(code, 0) * 100 / n)) if n else 0,
                    "open": raised.get(code, {}).get("OPEN", 0),
                    "closed": sum(v for k, v in raised.get(code, {}).items() if k != "OPEN")}
                   for code, n in sorted(expected.items())]
    return {
        "states": [(label, states.get(value, 0)) for value, label in RecordStatus.choices if states.get(value)],
        "departments": departments,
        "runs": list(cycle.runs.select_related("job").order_by("-number")[:5]),
        "releases": list(cycle.releases.all()),
        "pending_regrades": cycle.regrades.filter(status=RegradeStatus.PENDING).count(),
    }


def _act(request, pk: int, action, success: str):
    flash_action(request, action, success)
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


@require(perms.can_view_evaluation)
def cycle_collect(request, pk: int):
    """数据采集: each department's template, upload and progress; the cross-check report for the bureau."""
    cycle = get_object_or_404(Cycle, pk=pk)
    can_run = perms.can_run_evaluation(request.user)
    units = [(unit, code, [RAW_FIELDS[f] for f in fields]) for unit, code, fields in collection.supplying_units(cycle)
             if can_run or (unit and unit.pk == request.user.org_unit_id)]
    filled = dict(CycleValue.objects.filter(participant__cycle=cycle, verified__isnull=False)
                  .values_list("verified_by__code").annotate(n=Count("id")))
    expected = collection.expected_counts(cycle)
    return render(request, "evaluation/cycle_collect.html", {
        "cycle": cycle, "units": [(u, code, fields, filled.get(code, 0), expected.get(code, 0))
                                  for u, code, fields in units],
        "open": cycle.status in collection.DEPARTMENT_STATES,
        "check": collection.cross_check(cycle) if can_run else None, "can_run": can_run,
    })


def _supplier_unit(request, unit_id: int) -> OrgUnit:
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    if not collection.can_supply(request.user, unit):
        raise PermissionDenied("只能处理本部门负责的数据")
    return unit


@require_POST
@require(perms.can_view_evaluation)
def department_template(request, pk: int, unit_id: int):
    """The department's template is built as a background job (a large zone has 100k rows)."""
    cycle, unit = get_object_or_404(Cycle, pk=pk), _supplier_unit(request, unit_id)
    job = job_enqueue(kind="evaluation_template", actor=request.user, task=department_template_task,
                      args=(cycle.pk, unit.pk))
    return redirect("job_detail", pk=job.pk)


@require_POST
@require(perms.can_view_evaluation)
def department_upload(request, pk: int, unit_id: int):
    cycle, unit = get_object_or_404(Cycle, pk=pk), _supplier_unit(request, unit_id)
    upload = request.FILES.get("file")
    if upload is None or not upload.name.lower().endswith((".xlsx", ".csv")):
        messages.error(request, "请选择 .xlsx 或 .csv 文件")
        return redirect("evaluation_collect", pk=pk)
    if cycle.status not in collection.DEPARTMENT_STATES:
        messages.error(request, f"评价周期处于“{cycle.get_status_display()}”，不能上报部门数据")
        return redirect("evaluation_collect", pk=pk)
    job = job_enqueue(kind="evaluation_department_import", actor=request.user, task=import_department_data_task,
                      args=(cycle.pk, unit.pk), input_file=upload)
    return redirect("job_detail", pk=job.pk)


def _own_participant(request, pk: int | None) -> Participant | None:
    """The user's enterprise in cycle pk (the latest cycle listing it when pk is None); ?p= picks
    one of several bound enterprises."""
    if request.user.role != Role.ENTERPRISE:
        raise PermissionDenied("仅企业用户可以填报")
    mine = Participant.objects.filter(
        enterprise__in=request.user.enterprise_memberships.values("enterprise"), participating=True,
    ).select_related("cycle", "enterprise").order_by("-cycle__data_year", "-cycle_id", "pk")
    if pk is not None:
        mine = mine.filter(cycle_id=pk)
    chosen = request.GET.get("p") or request.POST.get("p") or ""
    participant = (mine.filter(pk=chosen) if chosen.isdigit() else mine).first()
    if participant is None and pk is not None:
        raise PermissionDenied("本企业不在该评价周期的参评名单中")
    return participant


def enterprise_report(request, pk: int | None = None):
    """企业填报: the enterprise enters its own figures; department figures, once verified, win."""
    participant = _own_participant(request, pk)
    if participant is None:
        return render(request, "evaluation/enterprise_report.html", {"participant": None})
    fields = collection.needed_fields(participant.cycle, participant.group)
    if request.method == "POST":
        try:
            collection.enterprise_report(actor=request.user, participant=participant,
                                         values={f: request.POST.get(f, "") for f in fields})
            messages.success(request, "已保存本企业填报数据。")
            return redirect(f"{reverse('evaluation_report', args=[participant.cycle_id])}?p={participant.pk}")
        except ValidationError as exc:
            messages.error(request, error_text(exc))
    values = {v.field: v for v in CycleValue.objects.filter(participant=participant).select_related("verified_by")}

    def shown(field):  # what the user typed after an error, else the saved figure
        if request.method == "POST":
            return request.POST.get(field, "")
        saved = values.get(field)
        return "" if saved is None or saved.reported is None else saved.reported.normalize()

    cycle = participant.cycle
    return render(request, "evaluation/enterprise_report.html", {
        "participant": participant, "cycle": cycle,
        "rows": [(f, RAW_FIELDS[f], values.get(f), shown(f)) for f in fields],
        "open": cycle.status == CycleStatus.COLLECTING,
        "confirming": cycle.status == CycleStatus.ENTERPRISE_CONFIRM,
        "objecting": objections.notice_open(cycle),
        "result": ScoreResult.objects.filter(run=published(cycle)[1], participant=participant).first()
        if cycle.status in NOTICE_STATES else None,
        "objections": participant.objections.select_related("decided_by").order_by("-created_at"),
        "fields": [(f, RAW_FIELDS[f]) for f in fields],
        "reports": Participant.objects.filter(enterprise_id=participant.enterprise_id, participating=True,
                                              cycle__status__in=NOTICE_STATES).select_related("cycle")
        .order_by("-cycle__data_year"),
    })


@require_POST
def enterprise_confirm(request, pk: int):
    participant = _own_participant(request, pk)
    flash_action(request, lambda: objections.enterprise_confirm(actor=request.user, participant=participant),
                 "已确认本企业评价数据。")
    return redirect(f"{reverse('evaluation_report', args=[pk])}?p={participant.pk}")


@require_POST
def enterprise_object(request, pk: int):
    participant = _own_participant(request, pk)
    flash_action(request, lambda: objections.objection_file(
        actor=request.user, participant=participant, field=request.POST.get("field", ""),
        claimed=request.POST.get("claimed", ""), reason=request.POST.get("reason", ""),
        evidence=request.FILES.get("evidence")), "异议已提交，将由负责该数据的部门核实处理。")
    return redirect(f"{reverse('evaluation_report', args=[pk])}?p={participant.pk}")


@require(perms.can_view_evaluation)
def objection_list(request, pk: int):
    """Objections for the department that owns the disputed figures (all of them for the bureau)."""
    cycle = get_object_or_404(Cycle, pk=pk)
    rows = objections.objections_visible_to(request.user, cycle)
    if request.GET.get("status"):
        rows = rows.filter(status=request.GET["status"])
    if request.GET.get("stage"):
        rows = rows.filter(stage=request.GET["stage"])
    page, query = paginate(request, rows)
    decidable = {o.pk for o in page.object_list if o.status == ObjectionStatus.OPEN and objections.can_decide(
        request.user, o) and cycle.status in objections.DECIDABLE[o.stage]}
    return render(request, "evaluation/objections.html", {
        "cycle": cycle, "page": page, "query": query, "decidable": decidable,
        "statuses": ObjectionStatus.choices, "stages": ObjectionStage.choices,
    })


@require_POST
@require(perms.can_view_evaluation)
def objection_decide(request, pk: int, objection_id: int):
    objection = get_object_or_404(Objection, pk=objection_id, cycle_id=pk)
    correct = request.POST.get("decision") == "correct"
    flash_action(request, lambda: objections.objection_decide(
        actor=request.user, objection=objection, correct=correct, value=request.POST.get("value", ""),
        reason=request.POST.get("reason", ""), approval_ref=request.POST.get("approval_ref", "")),
        "已更正数据。" if correct else "已驳回异议。")
    return redirect("evaluation_objections", pk=pk)


def evidence_download(request, pk: int, objection_id: int):
    objection = get_object_or_404(Objection, pk=objection_id, cycle_id=pk)
    if not objections.objections_visible_to(request.user, objection.cycle).filter(pk=objection.pk).exists():
        raise PermissionDenied("无权查看该证明材料")
    return FileResponse(objection.evidence.open("rb"), as_attachment=True,
                        filename=objection.evidence.name.rsplit("/", 1)[-1])


@require(perms.can_view_evaluation)
def adjustment_list(request, pk: int):
    """加减分事项: events recorded by the bureau and the departments, with the firm and evidence."""
    cycle = get_object_or_404(Cycle, pk=pk)
    can_record = adjustments.can_record(request.user) and cycle.status in adjustments.OPEN_STATES
    if request.method == "POST":
        if not adjustments.can_record(request.user):
            raise PermissionDenied("只有经发局和数据部门可以录入加减分事项")
        code = request.POST.get("uscc", "").strip().upper()
        participant = cycle.participants.filter(enterprise__uscc=code).first()
        if participant is None:
            messages.error(request, f"统一社会信用代码“{code}”不在本周期参评名单中")
        else:
            count = request.POST.get("count", "1").strip()
            flash_action(request, lambda: adjustments.adjustment_set(
                actor=request.user, participant=participant, rule_id=request.POST.get("rule_id", ""),
                count=int(count) if count.isdigit() else -1, evidence=request.POST.get("evidence", "")),
                f"已保存{participant.enterprise.name}的加减分事项。")
        return redirect("evaluation_adjustments", pk=pk)
    rules = {r.id: r for r in collection.cycle_method(cycle).adjustments}
    page, query = paginate(request, CycleAdjustment.objects.filter(cycle=cycle).select_related(
        "participant__enterprise", "created_by"))
    for row in page.object_list:
        row.rule_name = rules[row.rule_id].name_zh if row.rule_id in rules else row.rule_id
    return render(request, "evaluation/adjustments.html", {
        "cycle": cycle, "page": page, "query": query, "can_record": can_record,
        "rules": [(r.id, r.name_zh or r.id, r.type, r.evidence_source) for r in adjustments.recordable_rules(cycle)],
        "automatic": [(rid, rules[rid].name_zh or rid) for rid in settings.GAOXIN_EVALUATION_QUALIFICATION_RULES
                      if rid in rules],
    })

@require_POST
@require(adjustments.can_record)
def adjustment_upload(request, pk: int):
    cycle = get_object_or_404(Cycle, pk=pk)
    upload = request.FILES.get("file")
    if upload is None or not upload.name.lower().endswith((".xlsx", ".csv")):
        messages.error(request, "请选择 .xlsx 或 .csv 文件")
        return redirect("evaluation_adjustments", pk=pk)
    job = job_enqueue(kind="evaluation_adjustment_import", actor=request.user, task=import_adjustments_task,
                      args=(cycle.pk,), input_file=upload)
    return redirect("job_detail", pk=job.pk)