"""Cycle pages for the economic development bureau: the cycles, one cycle's state, its transitions and the
participant list with its T-class flags, data collection, the enterprise side, objections and bonus /
penalty events. Every input goes through a form of `forms.py`; every change through a service; a refused
input re-renders the page with the error beside its field (status 400) and writes nothing."""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import OrgUnit
from gaoxin.core.keyset import keyset_paginate
from gaoxin.core.services import job_enqueue
from gaoxin.core.validators import normalize_code
from gaoxin.core.views_utils import PAGE_SIZE, add_service_errors, paginate, require

from . import adjustments, collection, objections, scoring, services
from . import permissions as perms
from .forms import (
    AdjustmentForm,
    ChosenParticipantForm,
    CycleCreateForm,
    CycleTransitionForm,
    EnterpriseReportForm,
    NoInputForm,
    ObjectionDecideForm,
    ObjectionForm,
    ParticipantFlagForm,
    ScoreForm,
    TableUploadForm,
)
from .method import LAND_FIELDS, RAW_FIELDS, method_title
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
from .selectors import NOTICE_STATES
from .tasks import department_template_task, import_adjustments_task, import_department_data_task
from .views_results import published
from .workflow import PARAMS, STEPS, WORKFLOW

DOC_LABELS = {"APPROVE": "审定文号", "RELEASE": "发布文号", "RELEASE_AMENDMENT": "发布文号"}


def _cycle(pk: int) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("current_run").defer("current_run__frame"), pk=pk)


def _cycles():
    return Cycle.objects.annotate(
        n_participants=Count("participants"),
        n_rated=Count("participants", filter=Q(participants__participating=True)),
    ).order_by("-data_year", "-id")


@require(perms.can_view_evaluation)
def cycle_index(request):
    return _index(request, CycleCreateForm())


def _index(request, form: CycleCreateForm, status: int = 200):
    page, query = paginate(request, _cycles())
    return render(request, "evaluation/cycle_list.html", {
        "page": page, "query": query, "can_run": perms.can_run_evaluation(request.user), "form": form,
    }, status=status)


@require_POST
@require(perms.can_run_evaluation)
def cycle_create(request):
    form = CycleCreateForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            cycle = services.cycle_create(actor=request.user, data_year=d["data_year"], name=d["name"],
                                          method_name=d["method_name"], trial=d["trial"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "评价周期已创建，请生成参评名单。")
            return redirect("evaluation_cycle", pk=cycle.pk)
    return _index(request, form, status=400)


# --- one cycle: state, transitions, participant list ---------------------------------------------

def _transition_form(name: str, data=None) -> CycleTransitionForm:
    form = CycleTransitionForm(data, initial={"name": name}, auto_id=f"id_{name.lower()}_%s")
    if name in DOC_LABELS:
        form.fields["doc_no"].label = DOC_LABELS[name]
    return form


def _actions(request, cycle: Cycle, scorable: bool, failed: CycleTransitionForm | None):
    """The transitions this user may take now, each with its form (the failed one with its errors)."""
    actions = []
    for t in WORKFLOW.available(cycle, request.user):
        if t.name == "SCORE" and scorable:
            continue  # the first scoring run takes this step (the 开始评价测算 form)
        failed_name = failed.cleaned_data.get("name") if failed is not None else None
        form = failed if failed_name == t.name else _transition_form(t.name)
        fields = [form[f] for f in PARAMS.get(t.name, ())] + ([form["reason"]] if t.needs_reason else [])
        actions.append({"transition": t, "form": form, "fields": fields})
    return actions


def _detail(request, cycle: Cycle, *, failed: dict | None = None, status: int = 200):
    failed = failed or {}
    rows = Participant.objects.filter(cycle=cycle).select_related("enterprise__industry")
    if request.GET.get("group"):
        rows = rows.filter(group=request.GET["group"])
    if request.GET.get("participating") in ("1", "0"):
        rows = rows.filter(participating=request.GET["participating"] == "1")
    if request.GET.get("q"):
        rows = rows.filter(Q(enterprise__name__contains=request.GET["q"]) | Q(enterprise__uscc=normalize_code(request.GET["q"])))
    census = _census(cycle)
    counts = {"total": sum(census.values()), "rated": sum(n for (_, rated, _), n in census.items() if rated)}
    paginator = Paginator(rows, PAGE_SIZE)
    if not any(request.GET.get(k) for k in ("group", "participating", "q")):
        paginator.count = counts["total"]  # the unfiltered list: counted with the census, not a second time
    page = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    can_run = perms.can_run_evaluation(request.user)
    scorable = can_run and cycle.status in scoring.SCORABLE
    flag = failed.get("flag")
    passed = set(STEPS[:STEPS.index(cycle.status)])
    return render(request, "evaluation/cycle_detail.html", {
        "cycle": cycle, "page": page, "query": query, "counts": counts, "can_run": can_run,
        "can_view_results": perms.can_view_results(request.user, cycle),
        "method_title": method_title(cycle.method_name),
        "actions": _actions(request, cycle, scorable, failed.get("transition")),
        "draft": cycle.status == CycleStatus.DRAFT, "scorable": scorable,
        "score_form": failed.get("score") or ScoreForm(auto_id="id_score_%s"),
        "populate_form": failed.get("populate") or NoInputForm(),
        "flag_pk": flag[0] if flag else None, "flag_form": flag[1] if flag else None,
        "dashboard": _dashboard(cycle, census, counts["rated"]), "can_export": perms.can_export_release(request.user),
        "steps": [(s, CycleStatus(s).label) for s in STEPS], "passed": passed,
        "events": cycle.events.all(),
    }, status=status)


@require(perms.can_view_evaluation)
def cycle_detail(request, pk: int):
    return _detail(request, _cycle(pk))


def _census(cycle: Cycle) -> dict[tuple[str, bool, str], int]:
    """The cycle's participants counted per (group, participating, record status): one grouped scan that gives
    the list's totals, the progress per state and what each department owes."""
    return {(group, bool(rated), state): n for group, rated, state, n in cycle.participants.order_by()
            .values_list("group", "participating", "record_status").annotate(n=Count("id"))}


def _registry_land_firms(cycle: Cycle, rated: int) -> int:
    """Participating firms whose land the engine takes from the registry's parcels (no land figure supplied):
    the participating firms less those with a land figure (counted over the few land rows, not a NOT EXISTS probe
    per firm)."""
    supplied = (CycleValue.objects.filter(participant__cycle=cycle, participant__participating=True,
                                          field__in=LAND_FIELDS).values("participant_id").distinct().count())
    return rated - supplied


def _dashboard(cycle: Cycle, census: dict[tuple[str, bool, str], int], rated: int) -> dict:
    """Progress per state and per department (a fixed number of grouped queries)."""
    states: dict[str, int] = defaultdict(int)
    per_group: dict[str, int] = defaultdict(int)
    for (group, participating, state), n in census.items():
        if participating:
            states[state] += n
            per_group[group] += n
    expected = collection.expected_counts(cycle, per_group)
    verified = dict(CycleValue.objects.filter(participant__cycle=cycle, participant__participating=True,
                                              verified__isnull=False)
                    .values_list("verified_by__code").annotate(n=Count("id")).order_by())
    raised: dict[str, dict[str, int]] = {}
    for code, status, n in (Objection.objects.filter(cycle=cycle).values_list("owner_code", "status")
                            .annotate(n=Count("id")).order_by()):
        raised.setdefault(code, {})[status] = n
    names = dict(OrgUnit.objects.filter(code__in=set(expected) | set(raised)).values_list("code", "name"))
    land_owner = settings.GAOXIN_EVALUATION_FIELD_OWNERS.get("own_land_m2")
    departments = [{"name": names.get(code, code or "未指定部门"), "expected": n, "verified": verified.get(code, 0),
                    "percent": min(100, round(verified.get(code, 0) * 100 / n)) if n else 0,
                    "open": raised.get(code, {}).get("OPEN", 0),
                    "closed": sum(v for k, v in raised.get(code, {}).items() if k != "OPEN"),
                    "registry_land": _registry_land_firms(cycle, rated) if code == land_owner else None}
                   for code, n in sorted(expected.items())]
    return {
        "states": [(label, states.get(value, 0)) for value, label in RecordStatus.choices if states.get(value)],
        "departments": departments,
        "runs": list(cycle.runs.select_related("job").order_by("-number")[:5]),
        "releases": list(cycle.releases.all()),
        "pending_regrades": cycle.regrades.filter(status=RegradeStatus.PENDING).count(),
    }


@require_POST
@require(perms.can_run_evaluation)
def cycle_populate(request, pk: int):
    cycle = _cycle(pk)
    form = NoInputForm(request.POST)
    if form.is_valid():
        try:
            services.participants_populate(actor=request.user, cycle=cycle)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "参评名单已按企业档案生成（无法确认用地的企业列为不参评）。")
            return redirect("evaluation_cycle", pk=pk)
    return _detail(request, cycle, failed={"populate": form}, status=400)


@require_POST
@require(perms.can_run_evaluation)
def participant_flag(request, pk: int, participant_id: int):
    row = get_object_or_404(Participant.objects.select_related("enterprise"), pk=participant_id, cycle_id=pk)
    form = ParticipantFlagForm(request.POST, auto_id=f"id_flag{row.pk}_%s")
    if form.is_valid():
        participating = form.cleaned_data["participating"]
        try:
            services.participant_flag(actor=request.user, participant=row, participating=participating,
                                      reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"{row.enterprise.name} 已列为{'参评' if participating else '不参评（T类）'}。")
            return redirect(f"{reverse('evaluation_cycle', args=[pk])}?{request.GET.urlencode()}")
    return _detail(request, _cycle(pk), failed={"flag": (row.pk, form)}, status=400)


@require_POST
@require(perms.can_run_evaluation)
def cycle_transition(request, pk: int):
    """One named transition of the cycle (the page's buttons); refused ones come back beside their field."""
    cycle = _cycle(pk)
    form = CycleTransitionForm(request.POST)
    valid = form.is_valid()
    name = form.cleaned_data.get("name")
    if name:  # ids and labels as the page rendered this transition's form
        form.auto_id = f"id_{name.lower()}_%s"
        form["doc_no"].label = DOC_LABELS.get(name, "文号")
    if valid:
        transition = WORKFLOW[name]
        try:
            cycle = services.cycle_transition(cycle=cycle, name=transition.name, actor=request.user,
                                              reason=form.cleaned_data["reason"], **form.params())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"评价周期已进入“{cycle.get_status_display()}”。")
            return redirect("evaluation_cycle", pk=pk)
    cycle = _cycle(pk)
    if name not in {t.name for t in WORKFLOW.available(cycle, request.user)}:
        # Not a button on this page (an unknown name, or a step this state does not offer): say so above it.
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors) or "未知操作")
    return _detail(request, cycle, failed={"transition": form}, status=400)


# --- data collection ------------------------------------------------------------------------------

@require(perms.can_view_evaluation)
def cycle_collect(request, pk: int):
    """数据采集: each department's template, upload and progress; the cross-check report for the bureau."""
    return _collect(request, _cycle(pk))


def _collect(request, cycle: Cycle, failed: tuple[int, TableUploadForm] | None = None, status: int = 200):
    can_run = perms.can_run_evaluation(request.user)
    units = [(unit, code, [RAW_FIELDS[f] for f in fields]) for unit, code, fields in collection.supplying_units(cycle)
             if can_run or (unit and perms.can_supply_unit(request.user, unit))]
    filled = dict(CycleValue.objects.filter(participant__cycle=cycle, verified__isnull=False)
                  .values_list("verified_by__code").annotate(n=Count("id")))
    expected = collection.expected_counts(cycle)
    return render(request, "evaluation/cycle_collect.html", {
        "cycle": cycle, "units": [(u, code, fields, filled.get(code, 0), expected.get(code, 0),
                                   failed[1] if failed and u and failed[0] == u.pk else None)
                                  for u, code, fields in units],
        "open": cycle.status in collection.DEPARTMENT_STATES,
        "check": collection.cross_check(cycle) if can_run else None, "can_run": can_run,
    }, status=status)


def _supplier_unit(request, unit_id: int) -> OrgUnit:
    unit = get_object_or_404(OrgUnit, pk=unit_id)
    if not perms.can_supply_unit(request.user, unit):
        raise PermissionDenied("只能处理本部门负责的数据")
    return unit


@require_POST
@require(perms.can_view_evaluation)
def department_template(request, pk: int, unit_id: int):
    """The department's template is built as a background job (a large zone has 100k rows)."""
    cycle, unit = _cycle(pk), _supplier_unit(request, unit_id)
    job = job_enqueue(kind="evaluation_template", actor=request.user, task=department_template_task,
                      args=(cycle.pk, unit.pk))
    return redirect("job_detail", pk=job.pk)


@require_POST
@require(perms.can_view_evaluation)
def department_upload(request, pk: int, unit_id: int):
    cycle, unit = _cycle(pk), _supplier_unit(request, unit_id)
    form = TableUploadForm(request.POST, request.FILES, label=f"{unit.short_name or unit.name}数据文件")
    if form.is_valid():
        if cycle.status in collection.DEPARTMENT_STATES:
            job = job_enqueue(kind="evaluation_department_import", actor=request.user,
                              task=import_department_data_task, args=(cycle.pk, unit.pk),
                              input_file=form.cleaned_data["file"])
            return redirect("job_detail", pk=job.pk)
        form.add_error("file", f"评价周期处于“{cycle.get_status_display()}”，不能上报部门数据")
    return _collect(request, cycle, failed=(unit.pk, form), status=400)


# --- the enterprise side --------------------------------------------------------------------------

def _own_participant(request, pk: int | None) -> Participant | None:
    """The user's enterprise in cycle pk (the latest cycle listing it when pk is None); `p` picks one of
    several bound enterprises."""
    if not perms.can_report_evaluation_data(request.user):
        raise PermissionDenied("仅企业用户可以填报")
    mine = perms.participants_of(request.user).filter(participating=True).select_related("cycle", "enterprise") \
        .order_by("-cycle__data_year", "-cycle_id", "pk")
    if pk is not None:
        mine = mine.filter(cycle_id=pk)
    chosen = ChosenParticipantForm(request.POST if request.method == "POST" else request.GET).chosen()
    participant = (mine.filter(pk=chosen) if chosen else mine).first()
    if participant is None and pk is not None:
        raise Http404("本企业不在该评价周期的参评名单中")  # another firm's cycle is not there for this user
    return participant


def _report_url(participant: Participant) -> str:
    return f"{reverse('evaluation_report', args=[participant.cycle_id])}?p={participant.pk}"


def enterprise_report(request, pk: int | None = None):
    """企业填报: the enterprise enters its own figures; department figures, once verified, win."""
    participant = _own_participant(request, pk)
    if participant is None:
        return render(request, "evaluation/enterprise_report.html", {"participant": None})
    fields = collection.needed_fields(participant.cycle, participant.group)
    values = _report_values(participant)
    if request.method == "POST":
        form = EnterpriseReportForm(request.POST, fields=fields)
        if form.is_valid():
            try:
                collection.enterprise_report(actor=request.user, participant=participant, values=form.values())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "已保存本企业填报数据。")
                return redirect(_report_url(participant))
        return _report(request, participant, fields, values, report=form, status=400)
    initial = {f: f"{v.reported.normalize():f}" for f, v in values.items() if v.reported is not None}
    return _report(request, participant, fields, values, report=EnterpriseReportForm(initial=initial, fields=fields))


def _report(request, participant: Participant, fields: list[str], values: dict, *, report=None, confirm=None,
            objection=None, status: int = 200):
    cycle = participant.cycle
    report = report or EnterpriseReportForm(fields=fields)
    return render(request, "evaluation/enterprise_report.html", {
        "participant": participant, "cycle": cycle, "form": report, "land": scoring.land_of(participant),
        "rows": [(report[f], values.get(f)) for f in fields],
        "open": cycle.status == CycleStatus.COLLECTING,
        "confirming": cycle.status == CycleStatus.ENTERPRISE_CONFIRM,
        "confirm_form": confirm or NoInputForm(),
        "objecting": objections.notice_open(cycle),
        "objection_form": objection or ObjectionForm(fields=fields, auto_id="id_obj_%s"),
        "result": ScoreResult.objects.filter(run=published(cycle)[1], participant=participant).first()
        if cycle.status in NOTICE_STATES else None,
        "objections": participant.objections.select_related("decided_by").order_by("-created_at"),
        "reports": Participant.objects.filter(enterprise_id=participant.enterprise_id, participating=True,
                                              cycle__status__in=NOTICE_STATES).select_related("cycle")
        .order_by("-cycle__data_year"),
    }, status=status)


def _report_values(participant: Participant) -> dict:
    return {v.field: v for v in CycleValue.objects.filter(participant=participant).select_related("verified_by")}


@require_POST
def enterprise_confirm(request, pk: int):
    participant = _own_participant(request, pk)
    form = NoInputForm(request.POST)  # no input: the service's refusal shows above the button
    try:
        objections.enterprise_confirm(actor=request.user, participant=participant)
    except ValidationError as exc:
        add_service_errors(form, exc)
        fields = collection.needed_fields(participant.cycle, participant.group)
        return _report(request, participant, fields, _report_values(participant), confirm=form, status=400)
    messages.success(request, "已确认本企业评价数据。")
    return redirect(_report_url(participant))


@require_POST
def enterprise_object(request, pk: int):
    participant = _own_participant(request, pk)
    fields = collection.needed_fields(participant.cycle, participant.group)
    form = ObjectionForm(request.POST, request.FILES, fields=fields, auto_id="id_obj_%s")
    if form.is_valid():
        d = form.cleaned_data
        try:
            objections.objection_file(actor=request.user, participant=participant, field=d["field"],
                                      claimed=d["claimed"], reason=d["reason"], evidence=d["evidence"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "异议已提交，将由负责该数据的部门核实处理。")
            return redirect(_report_url(participant))
    return _report(request, participant, fields, _report_values(participant), objection=form, status=400)


# --- objections -----------------------------------------------------------------------------------

@require(perms.can_view_evaluation)
def objection_list(request, pk: int):
    """Objections for the department that owns the disputed figures (all of them for the bureau)."""
    return _objections(request, _cycle(pk))


def _objections(request, cycle: Cycle, failed: tuple[int, ObjectionDecideForm] | None = None, status: int = 200):
    rows = perms.objections_visible_to(request.user, cycle)
    if request.GET.get("status"):
        rows = rows.filter(status=request.GET["status"])
    if request.GET.get("stage"):
        rows = rows.filter(stage=request.GET["stage"])
    page, query = keyset_paginate(request, rows, ("-created_at", "-id"))
    decidable = {o.pk for o in page.object_list if o.status == ObjectionStatus.OPEN and perms.can_decide_objection(
        request.user, o) and cycle.status in objections.DECIDABLE[o.stage]}
    return render(request, "evaluation/objections.html", {
        "cycle": cycle, "page": page, "query": query, "decidable": decidable,
        "failed_pk": failed[0] if failed else None, "failed_form": failed[1] if failed else None,
        "statuses": ObjectionStatus.choices, "stages": ObjectionStage.choices,
    }, status=status)


def _visible_objection(request, pk: int, objection_id: int) -> Objection:
    """An objection of this cycle the user may see (404 otherwise: another department's is not theirs)."""
    objection = perms.objections_visible_to(request.user).filter(pk=objection_id, cycle_id=pk) \
        .select_related("cycle", "participant").first()
    if objection is None:
        raise Http404("异议不存在或无权查看")
    return objection


@require_POST
@require(perms.can_view_evaluation)
def objection_decide(request, pk: int, objection_id: int):
    objection = _visible_objection(request, pk, objection_id)
    form = ObjectionDecideForm(request.POST, field=objection.field, auto_id=f"id_o{objection.pk}_%s")
    if form.is_valid():
        d = form.cleaned_data
        try:
            objections.objection_decide(actor=request.user, objection=objection, correct=form.correct(),
                                        value=d["value"], reason=d["reason"], approval_ref=d["approval_ref"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已更正数据。" if form.correct() else "已驳回异议。")
            return redirect(f"{reverse('evaluation_objections', args=[pk])}?{request.GET.urlencode()}")
    return _objections(request, objection.cycle, failed=(objection.pk, form), status=400)


def evidence_download(request, pk: int, objection_id: int):
    objection = _visible_objection(request, pk, objection_id)
    return FileResponse(objection.evidence.open("rb"), as_attachment=True,
                        filename=objection.evidence.name.rsplit("/", 1)[-1])


# --- bonus, penalty and veto events ----------------------------------------------------------------

@require(perms.can_view_evaluation)
def adjustment_list(request, pk: int):
    """加减分事项: events recorded by the bureau and the departments, with the firm and evidence."""
    cycle = _cycle(pk)
    rules = adjustments.recordable_rules(cycle, request.user)
    if request.method != "POST":
        return _adjustments(request, cycle, AdjustmentForm(cycle=cycle, rules=rules))
    if not perms.can_record_adjustments(request.user):
        raise PermissionDenied("只有经发局和加减分规则的依据部门（如生态环境、应急管理、自然资源）可以录入加减分事项")
    form = AdjustmentForm(request.POST, cycle=cycle, rules=rules)
    if form.is_valid():
        d = form.cleaned_data
        participant = d["uscc"]
        try:
            adjustments.adjustment_set(actor=request.user, participant=participant, rule_id=d["rule_id"],
                                       count=d["count"], evidence=d["evidence"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已保存{participant.enterprise.name}的加减分事项。")
            return redirect("evaluation_adjustments", pk=pk)
    return _adjustments(request, cycle, form, status=400)


def _adjustments(request, cycle: Cycle, form: AdjustmentForm, upload: TableUploadForm | None = None,
                 status: int = 200):
    rules = {r.id: r for r in collection.cycle_method(cycle).adjustments}
    page, query = paginate(request, CycleAdjustment.objects.filter(cycle=cycle).select_related(
        "participant__enterprise", "created_by"))
    for row in page.object_list:
        row.rule_name = rules[row.rule_id].name_zh if row.rule_id in rules else row.rule_id
    return render(request, "evaluation/adjustments.html", {
        "cycle": cycle, "page": page, "query": query, "form": form,
        "upload_form": upload or TableUploadForm(label="加减分事项文件", auto_id="id_adj_%s"),
        "can_record": perms.can_record_adjustments(request.user) and cycle.status in adjustments.OPEN_STATES,
        "rules": [(r.id, r.name_zh or r.id) for r in adjustments.recordable_rules(cycle, request.user)],
        "automatic": [(rid, rules[rid].name_zh or rid) for rid in settings.GAOXIN_EVALUATION_QUALIFICATION_RULES
                      if rid in rules],
    }, status=status)


@require_POST
@require(perms.can_record_adjustments)
def adjustment_upload(request, pk: int):
    cycle = _cycle(pk)
    form = TableUploadForm(request.POST, request.FILES, label="加减分事项文件", auto_id="id_adj_%s")
    if form.is_valid():
        job = job_enqueue(kind="evaluation_adjustment_import", actor=request.user, task=import_adjustments_task,
                          args=(cycle.pk,), input_file=form.cleaned_data["file"])
        return redirect("job_detail", pk=job.pk)
    rules = adjustments.recordable_rules(cycle, request.user)
    return _adjustments(request, cycle, AdjustmentForm(cycle=cycle, rules=rules), upload=form, status=400)
