"""Scoring, results, re-grading, the public notice, report cards, the released list and the zone
summary. Every change goes through `scoring`, `objections` or `services`."""

from __future__ import annotations

from urllib.parse import quote

import polars as pl
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, F, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.core.keyset import keyset_paginate
from gaoxin.core.pdf import pdf_response
from gaoxin.core.services import job_enqueue
from gaoxin.core.validators import normalize_code
from gaoxin.core.views_utils import add_service_errors, require
from gaoxin.enterprises.models import Industry

from . import engine, explain, objections, scoring
from . import permissions as perms
from .collection import cycle_method, needed_fields
from .forms import RegradeDecideForm, RegradeRequestForm, ScoreForm, TableUploadForm
from .frames import run_frame
from .method import FORMULA_FIELDS, RAW_FIELDS
from .models import (
    TIER_NAMES,
    Cycle,
    CycleStatus,
    CycleValue,
    Participant,
    Regrade,
    Release,
    RunStatus,
    ScoreResult,
    ScoreRun,
    TierHistory,
    TierPolicy,
)
from .policies import active_policies, d_streaks, measures, policy_text
from .selectors import NOTICE_STATES, results_title
from .tasks import import_history_task, release_list_task
from .zone_figures import ZONE, zone_figures

S = CycleStatus
RESULT_ORDER = ("group", "rank", "pk")  # ScoreResult's (run, group, rank) index, then the row
NOTICE_ORDER = ("final_tier", "group", "rank", "pk")


def _cycles():
    """Cycles with their current run, without the run's result frame (megabytes at 10⁵ firms; read through
    frames.run_frame when needed)."""
    return Cycle.objects.select_related("current_run").defer("current_run__frame")


def _run(cycle: Cycle, request) -> ScoreRun | None:
    """The run asked for (the bureau reads every run), else the cycle's current one."""
    number = request.GET.get("run", "")
    if number.isdigit() and perms.can_run_evaluation(request.user):
        return get_object_or_404(ScoreRun.objects.defer("frame"), cycle=cycle, number=int(number), status=RunStatus.DONE)
    return cycle.current_run


def _previous(run: ScoreRun | None) -> ScoreRun | None:
    if run is None:
        return None
    return (ScoreRun.objects.filter(cycle_id=run.cycle_id, status=RunStatus.DONE, number__lt=run.number)
            .order_by("-number").first())


def _changes(run: ScoreRun | None, previous: ScoreRun | None = None, limit: int = 200) -> list[tuple[ScoreResult, str]]:
    """Firms whose tier moved since `previous` (default: the run before), with why (the
    objection, or the re-ranking)."""
    previous = previous or _previous(run)
    if previous is None or previous == run:
        return []
    corrections = scoring.corrections_between(run, previous)
    return [(row, scoring.change_reason(row, corrections)) for row in scoring.tier_changes(run, previous)[:limit]]


@require_POST
@require(perms.can_run_evaluation)
def score(request, pk: int):
    cycle = get_object_or_404(_cycles(), pk=pk)
    form = ScoreForm(request.POST, auto_id="id_score_%s")
    if form.is_valid():
        try:
            run = scoring.score_start(actor=request.user, cycle=cycle, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已开始{run}，完成后可查看结果。")
            return redirect("job_detail", pk=run.job_id)
    from .views import _detail

    if cycle.status not in scoring.SCORABLE:  # the scoring form is not on the page in this state
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    return _detail(request, cycle, failed={"score": form}, status=400)


@require(perms.can_view_evaluation)
def results(request, pk: int):
    cycle = get_object_or_404(_cycles(), pk=pk)
    if not perms.can_view_results(request.user, cycle):
        raise PermissionDenied("评价结果公示前仅经发局可查看；公示后请查看结果公示")
    return _results(request, cycle)


def _results(request, cycle: Cycle, failed: dict | None = None, status: int = 200):
    """The results of a run; `failed` holds a refused re-grading request or decision with its errors."""
    failed = failed or {}
    run = _run(cycle, request)
    rows = ScoreResult.objects.none()
    if run is not None:
        rows = ScoreResult.objects.filter(run=run).select_related("participant__enterprise__industry")
        if request.GET.get("group"):
            rows = rows.filter(group=request.GET["group"])
        if request.GET.get("tier"):
            rows = rows.filter(final_tier=request.GET["tier"])
        if request.GET.get("industry"):
            rows = rows.filter(participant__enterprise__industry_id=request.GET["industry"])
        if request.GET.get("regraded") == "1":
            rows = rows.exclude(tier=F("final_tier"))
        if request.GET.get("q"):
            q = request.GET["q"].strip()
            rows = rows.filter(Q(participant__enterprise__name__contains=q) | Q(participant__enterprise__uscc=normalize_code(q)))
    page, query = keyset_paginate(request, rows, RESULT_ORDER)
    method = cycle_method(cycle)
    can_run = perms.can_run_evaluation(request.user)
    request_failed, decide_failed = failed.get("request"), failed.get("decide")
    return render(request, "evaluation/results.html", {
        "cycle": cycle, "run": run, "page": page, "query": query, "can_run": can_run,
        "can_regrade": perms.can_request_regrade(request.user) and cycle.status in scoring.REGRADABLE
        and run == cycle.current_run,
        "can_approve": perms.can_approve_regrade(request.user),
        "request_pk": request_failed[0] if request_failed else None,
        "request_form": request_failed[1] if request_failed else None,
        "decide_pk": decide_failed[0] if decide_failed else None,
        "decide_form": decide_failed[1] if decide_failed else None,
        "indicator_ids": method.indicator_ids(), "indicators": list(method.indicator_names().items()),
        "runs": ScoreRun.objects.filter(cycle=cycle).order_by("-number")[:20],
        "changes": _changes(run),
        "regrades": Regrade.objects.filter(cycle=cycle).select_related(
            "participant__enterprise", "requested_by", "approver")[:50],
        "industries": Industry.objects.filter(section__in=("B", "C", "D")).order_by("code"),
        "tiers": TIER_NAMES,
    }, status=status)


def _back_to_results(request, pk: int):
    """Back to the results; a leader who has decided the last 调档 before notice goes to the cycle instead
    (the working run is the bureau's again)."""
    if not perms.can_view_results(request.user, Cycle.objects.get(pk=pk)):
        return redirect("evaluation_cycle", pk=pk)
    return redirect(f"{reverse('evaluation_results', args=[pk])}?{request.GET.urlencode()}")


@require_POST
@require(perms.can_request_regrade)
def regrade_request(request, pk: int, participant_id: int):
    participant = get_object_or_404(Participant.objects.select_related("cycle__current_run", "enterprise").defer("cycle__current_run__frame"),
                                    pk=participant_id, cycle_id=pk)
    form = RegradeRequestForm(request.POST, auto_id=f"id_rg{participant.pk}_%s")
    if form.is_valid():
        try:
            scoring.regrade_request(actor=request.user, participant=participant, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已提出对{participant.enterprise.name}的调档申请，待领导审批。")
            return _back_to_results(request, pk)
    return _results(request, participant.cycle, failed={"request": (participant.pk, form)}, status=400)


@require_POST
@require(perms.can_approve_regrade)
def regrade_decide(request, pk: int, regrade_id: int):
    regrade = get_object_or_404(Regrade.objects.select_related("cycle__current_run").defer("cycle__current_run__frame"), pk=regrade_id, cycle_id=pk)
    form = RegradeDecideForm(request.POST, auto_id=f"id_rd{regrade.pk}_%s")
    if form.is_valid():
        approve = form.cleaned_data["approve"]
        try:
            scoring.regrade_decide(actor=request.user, regrade=regrade, approve=approve, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已批准调档。" if approve else "已退回调档申请。")
            return _back_to_results(request, pk)
    return _results(request, regrade.cycle, failed={"decide": (regrade.pk, form)}, status=400)


def published(cycle: Cycle) -> tuple[Release | None, ScoreRun | None]:
    """What the public and the firms see: the run on notice, or once released the latest release
    (also while an amendment is being prepared). (None, None) before the notice."""
    if cycle.status not in NOTICE_STATES:
        return None, None
    release = cycle.releases.select_related("run").defer("run__frame").first() if cycle.status not in (S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION) else None
    return release, release.run if release else cycle.current_run


def _noticed(pk: int) -> tuple[Cycle, Release | None, ScoreRun]:
    cycle = get_object_or_404(_cycles(), pk=pk)
    release, run = published(cycle)
    if run is None:
        raise Http404("该评价结果尚未公示")
    return cycle, release, run


def _notice_rows(cycle: Cycle, run: ScoreRun):
    """The firms on notice, and whether this is a re-notice (更正公示) of only those whose tier moved
    since the first notice (GAOXIN_EVALUATION_RENOTICE_SCOPE = "changed")."""
    rows = (ScoreResult.objects.filter(run=run).select_related("participant__enterprise")
            .order_by(*NOTICE_ORDER))
    renotice = cycle.status == S.PUBLIC_NOTICE and cycle.notice_run_id not in (None, run.pk)
    if renotice:
        rows = rows.filter(participant__in=scoring.tier_changes(run, cycle.notice_run).values("participant"))
    return rows, renotice


@login_not_required
def public_notice(request, pk: int):
    """公示 page: open to everyone while the notice runs and after release."""
    cycle, release, run = _noticed(pk)
    rows, renotice = _notice_rows(cycle, run)
    if request.GET.get("tier"):
        rows = rows.filter(final_tier=request.GET["tier"])
    if request.GET.get("q"):
        rows = rows.filter(participant__enterprise__name__contains=request.GET["q"].strip())
    page, query = keyset_paginate(request, rows, NOTICE_ORDER, per_page=100)
    counts = dict(ScoreResult.objects.filter(run=run).values_list("final_tier").annotate(n=Count("id")).order_by())
    return render(request, "evaluation/public_notice.html", {
        "cycle": cycle, "release": release, "page": page, "query": query, "tiers": TIER_NAMES,
        "results_title": results_title(cycle),
        "counts": [(t, TIER_NAMES[t], counts.get(t, 0)) for t in TIER_NAMES],
        "open": objections.notice_open(cycle), "renotice": renotice,
        "changes": _changes(run, cycle.notice_run) if cycle.notice_run_id else [],
    })


@login_not_required
def public_notice_print(request, pk: int):
    """The notice (公示 or 发布) as a printable document, and as a PDF with ?format=pdf."""
    cycle, release, run = _noticed(pk)
    rows, renotice = _notice_rows(cycle, run)
    tiers = {}
    for row in rows.iterator(chunk_size=2000):
        tiers.setdefault(row.final_tier, []).append(row)
    context = {"cycle": cycle, "release": release, "renotice": renotice, "results_title": results_title(cycle),
               "tiers": [(TIER_NAMES[t], tiers[t]) for t in TIER_NAMES if t in tiers],
               "printed_at": timezone.localtime(), "pdf": request.GET.get("format") == "pdf"}
    if context["pdf"]:
        title = f"{results_title(cycle)}{'公告' if release else '公示'}.pdf"
        return pdf_response(request, "evaluation/notice_print.html", context, quote(title))
    return render(request, "evaluation/notice_print.html", context)


# --- report card --------------------------------------------------------------------------

def _card_access(request, cycle: Cycle, participant: Participant) -> None:
    """Another firm's card, or one's own before the notice, is not there for this user (404)."""
    if not perms.can_view_report_card(request.user, cycle, participant):
        raise Http404("评价报告不存在或尚未公示")


def _what_ifs(run: ScoreRun, method, uscc: str, indicator_ids: list[str]) -> list[str]:
    frame = run_frame(run)
    if frame is None:
        return []
    result = engine.EvaluationResult(method=method, results=frame, benchmarks=pl.DataFrame(), quotas=pl.DataFrame())
    try:
        return [explain.what_if(result, uscc, iid).message for iid in indicator_ids]
    except KeyError:
        return []


def report_card(request, pk: int, participant_id: int):
    cycle = get_object_or_404(_cycles(), pk=pk)
    participant = get_object_or_404(Participant.objects.select_related("enterprise__industry"), pk=participant_id,
                                    cycle=cycle)
    _card_access(request, cycle, participant)
    if perms.can_view_evaluation(request.user):  # officials see the working run, firms what was published
        release = cycle.releases.select_related("run").defer("run__frame").first()
        run = release.run if release and cycle.status in (S.RELEASED, S.POLICY_APPLIED) else cycle.current_run
    else:
        release, run = published(cycle)
    result = ScoreResult.objects.filter(run=run, participant=participant).first() if run else None
    if result is None:
        raise Http404("该企业还没有测算结果")
    method = cycle_method(cycle)
    group = method.groups.get(result.group)
    rows = []
    if group is not None:
        for iid, ind in group.indicators.items():
            data = result.indicators.get(iid, {})
            rows.append({"id": iid, "name": ind.name_zh or iid, "weight": ind.weight, "value": data.get("value"),
                         "benchmark": data.get("benchmark"), "score": data.get("score"),
                         "formula": f"{FORMULA_FIELDS.get(ind.num, ind.num)} ÷ {FORMULA_FIELDS.get(ind.den, ind.den)}"})
    frame = run_frame(run)  # the group's size from the run's frame (its `tier` is ScoreResult.tier), else a count
    size = frame.filter((pl.col("group") == result.group) & (pl.col("tier") != "T")).height if frame is not None \
        else ScoreResult.objects.filter(run=run, group=result.group).exclude(tier="T").count()
    year = cycle.data_year
    history = {h.year: h.tier for h in TierHistory.objects.filter(enterprise=participant.enterprise,
                                                                  year__gte=year - 2, year__lte=year)}
    past = {r.run.cycle.data_year: r for r in ScoreResult.objects.filter(
        run__in=Release.objects.filter(cycle__data_year__gte=year - 2, cycle__data_year__lt=year).values("run"),
        participant__enterprise=participant.enterprise).select_related("run__cycle").defer("run__frame")}
    trend = []
    for y in range(year - 2, year + 1):
        r = result if y == year else past.get(y)
        trend.append({"year": y, "tier": result.final_tier if y == year else history.get(y, r.final_tier if r else None),
                      "total": r.total if r else None,
                      "I1": (r.indicators.get("I1") or {}).get("value") if r else None,
                      "I2": (r.indicators.get("I2") or {}).get("value") if r else None})
    eid = participant.enterprise_id  # before release the run's tier is the year's, proposed (拟)
    streak = d_streaks([eid], year, proposed=None if release else {eid: result.final_tier}).get(eid, 0) \
        if result.final_tier == "D" else 0
    figures = {v.field: v for v in CycleValue.objects.filter(participant=participant).select_related("verified_by")}
    sources = [(RAW_FIELDS[f], figures.get(f)) for f in needed_fields(cycle, result.group)]
    context = {
        "cycle": cycle, "participant": participant, "enterprise": participant.enterprise, "result": result,
        "sources": sources, "land": scoring.land_of(participant),
        "run": run, "release": release, "rows": rows, "group_size": size, "trend": trend,
        "tier_name": TIER_NAMES.get(result.final_tier, result.final_tier),
        # A regraded firm's tier is the leaders' decision: "raise I1 to … for C" no longer applies.
        "what_ifs": _what_ifs(run, method, participant.enterprise.uscc, list(group.indicators) if group else [])
        if result.final_tier not in ("A", "T") and result.tier == result.final_tier else [],
        "measures": [policy_text(p) for p in measures(result.final_tier, streak, active_policies(timezone.localdate()))],
        "streak": streak, "printed_at": timezone.localtime(),
    }
    if request.GET.get("format") == "pdf":
        context["pdf"] = True
        return pdf_response(request, "evaluation/report_card_print.html", context,
                            quote(f"{participant.enterprise.name}-{year}年度亩产效益评价报告.pdf"))
    if request.GET.get("format") == "print":
        return render(request, "evaluation/report_card_print.html", context)
    return render(request, "evaluation/report_card.html", context)


# --- release list, policies, zone summary ------------------------------------------------------

@require_POST
@require(perms.can_export_release)
def release_export(request, pk: int, version: int):
    release = get_object_or_404(Release, cycle_id=pk, version=version)
    job = job_enqueue(kind="evaluation_release_list", actor=request.user, task=release_list_task, args=(release.pk,))
    return redirect("job_detail", pk=job.pk)


@require(perms.can_view_evaluation)
def policy_list(request):
    return render(request, "evaluation/policies.html", {
        "policies": TierPolicy.objects.all(), "can_edit": perms.can_edit_tier_policies(request.user)})


@require(perms.can_view_evaluation)
def tier_history(request):
    """历年等级: released and imported tiers per year; the bureau imports years before Gaoxin."""
    form = TableUploadForm(label="历年等级文件")
    if request.method == "POST":
        if not perms.can_import_tier_history(request.user):
            raise PermissionDenied("只有管委会管理员或经发局人员可以导入历年等级")
        form = TableUploadForm(request.POST, request.FILES, label="历年等级文件")
        if form.is_valid():
            job = job_enqueue(kind="evaluation_history_import", actor=request.user, task=import_history_task,
                              input_file=form.cleaned_data["file"])
            return redirect("job_detail", pk=job.pk)
    rows = (TierHistory.objects.values("year", "source", "tier").annotate(n=Count("id")).order_by("-year", "source", "tier"))
    years: dict[tuple[int, str], dict[str, int]] = {}
    for r in rows:
        years.setdefault((r["year"], r["source"]), {})[r["tier"]] = r["n"]
    return render(request, "evaluation/history.html", {
        "years": [(y, "本平台发布" if src == "released" else "导入", [counts.get(t, 0) for t in TIER_NAMES])
                  for (y, src), counts in years.items()],
        "tiers": TIER_NAMES, "can_import": perms.can_import_tier_history(request.user), "form": form},
        status=400 if form.is_bound else 200)


def _release_frames() -> list[tuple[Release, pl.DataFrame]]:
    """The latest release of each data year, newest last, with its full result frame."""
    latest: dict[int, Release] = {}
    for release in Release.objects.select_related("cycle", "run").defer("run__frame").order_by("cycle__data_year", "version", "released_at"):
        latest[release.cycle.data_year] = release
    out = []
    for year in sorted(latest)[-5:]:
        release = latest[year]
        frame = run_frame(release.run)
        if frame is not None:
            out.append((release, frame))
    return out


@require(perms.can_view_evaluation)
def summary(request):
    """Zone summary: firms per tier, tax and sales per mu year over year (三连增), industries."""
    years = []
    for release, frame in _release_frames():
        rated = frame.filter(pl.col("status") == "rated")
        finals = dict(ScoreResult.objects.filter(run=release.run).values_list("final_tier").annotate(n=Count("id"))
                      .order_by())
        total = sum(finals.values()) or 1
        area = rated["area_mu"].sum() or 0
        tax = (rated["I1_value"] * rated["area_mu"]).sum() if "I1_value" in rated.columns else 0
        sales = (rated["I2_value"] * rated["area_mu"]).sum() if "I2_value" in rated.columns else 0
        years.append({"year": release.cycle.data_year, "release": release, "n": sum(finals.values()),
                      "tiers": [(t, finals.get(t, 0), round(finals.get(t, 0) * 100 / total, 1)) for t in TIER_NAMES],
                      "tax_per_mu": tax / area if area else None, "sales_per_mu": sales / area if area else None,
                      "frame": rated})
    figures = _figures(years)
    industries = []
    if years:
        names = dict(Industry.objects.values_list("code", "name"))
        by_industry = (years[-1]["frame"].group_by("industry_code")
                       .agg(n=pl.len(), mean_total=pl.col("total").mean(),
                            tax_per_mu=(pl.col("I1_value") * pl.col("area_mu")).sum() / pl.col("area_mu").sum())
                       .filter(pl.col("n") >= 3).sort("mean_total", descending=True))
        rows = [dict(r, name=names.get(r["industry_code"], r["industry_code"])) for r in by_industry.iter_rows(named=True)]
        industries = [("效益最好的行业", rows[:5]), ("效益最差的行业", list(reversed(rows[-5:])) if len(rows) > 5 else [])]
    for key in ("tax_per_mu", "sales_per_mu"):
        values = [y[key] for y in years if y[key] is not None]
        top = max(values) if values else 0
        for y in years:
            y[f"{key}_pct"] = round(y[key] * 100 / top, 1) if top and y[key] else 0
    rising = {key: _rises(years, key) for key in ("tax_per_mu", "sales_per_mu")}
    for y in years:
        y.pop("frame")
    return render(request, "evaluation/summary.html", {
        "years": years, "industries": industries, "rising": rising, "tiers": TIER_NAMES,
        "latest_year": years[-1]["year"] if years else None, **figures})


def _figures(years: list[dict]) -> dict:
    """The source page's headline figures (evaluation/zone_figures.py): the zone per year, newest first, and
    every park in the latest year, each with its change from the year before."""
    inputs = []
    for y in years:
        tiers = pl.DataFrame(list(ScoreResult.objects.filter(run=y["release"].run).values_list(
            "participant__enterprise__uscc", "final_tier", "participant__enterprise__park_area__name")),
            schema={"uscc": pl.String, "final_tier": pl.String, "park": pl.String}, orient="row")
        rated = y["frame"].select("uscc", "area_mu", *[c for c in ("I1_value", "I2_value") if c in y["frame"].columns])
        for column in ("I1_value", "I2_value"):
            if column not in rated.columns:
                rated = rated.with_columns(pl.lit(None, dtype=pl.Float64).alias(column))
        inputs.append((y["year"], rated, tiers))
    frame = zone_figures(inputs)
    if frame.is_empty():
        return {"zone_rows": [], "park_rows": []}
    latest = years[-1]["year"]
    return {
        "zone_rows": frame.filter(pl.col("scope") == ZONE).sort("year", descending=True).to_dicts(),
        "park_rows": frame.filter((pl.col("scope") != ZONE) & (pl.col("year") == latest)).sort("scope").to_dicts(),
    }


def _rises(years: list[dict], key: str) -> int:
    """Consecutive year-on-year increases ending with the latest year (3 = 三连增)."""
    n = 0
    for i in range(len(years) - 1, 0, -1):
        if years[i][key] is None or years[i - 1][key] is None or years[i][key] <= years[i - 1][key]:
            break
        n += 1
    return n
