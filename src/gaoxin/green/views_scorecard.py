"""绿色评价打分卡 pages: the latest run's grades (staff: every firm, filtered and paginated; a firm: its own), a firm's
card with the reasons and what the next grade needs, and starting a run (the economic bureau)."""

from __future__ import annotations

import mimetypes

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.accounts.permissions import is_staff_role
from gaoxin.core.views_utils import paginate, require, submit

from . import permissions as perms
from . import services_scorecard as services
from .forms import ScoreObjectionDecideForm, ScoreObjectionForm
from .models import ObjectionStatus, ScorecardRun, ScorecardStatus, ScoreObjection
from .scorecard import what_if
from .scorecard_data import zone_method


class ScoreFilterForm(forms.Form):
    grade = forms.ChoiceField(label="等级", required=False)
    q = forms.CharField(label="企业名称或统一社会信用代码", required=False, max_length=50)

    def __init__(self, *args, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grade"].choices = [("", "全部"), *grades]


class RunForm(forms.Form):
    pass


def _latest_run():
    return ScorecardRun.objects.filter(status=ScorecardStatus.DONE).order_by("-number").first()


@require(perms.can_view_green)
def scorecard(request, run_form: RunForm | None = None, status: int = 200):
    user = request.user
    method = zone_method()
    run = _latest_run()
    grades = [(g.code, g.name_zh) for g in method.grades]
    form = ScoreFilterForm(request.GET or None, grades=grades)
    corrected = Exists(ScoreObjection.objects.filter(result=OuterRef("pk"), status=ObjectionStatus.UPHELD))
    rows = (perms.scorecard_results_visible_to(user).filter(run=run).select_related("enterprise")
            .annotate(corrected=corrected) if run else None)
    if rows is not None and form.is_valid():
        if form.cleaned_data["grade"]:
            rows = rows.filter(grade=form.cleaned_data["grade"])
        if q := form.cleaned_data["q"].strip():
            rows = rows.filter(Q(enterprise__name__contains=q) | Q(enterprise__uscc=q.upper()))
    page, query = paginate(request, rows.order_by("-total", "enterprise_id")) if rows is not None else (None, "")
    running = ScorecardRun.objects.filter(status=ScorecardStatus.RUNNING).select_related("job").first()
    return render(request, "green/scorecard.html", {
        "method": method, "run": run, "running": running, "form": form, "page": page, "query": query,
        "own_only": not is_staff_role(user), "can_run": perms.can_run_scorecard(user),
        "run_form": run_form or RunForm(),
        "counts": [(g.name_zh, run.counts.get(g.code, 0)) for g in method.grades] if run else [],
        "runs": ScorecardRun.objects.order_by("-number")[:5] if is_staff_role(user) else [],
        "open_objections": (perms.score_objections_visible_to(user).filter(status=ObjectionStatus.OPEN).count()
                            if perms.can_run_scorecard(user) else 0),
    }, status=status)


@require_POST
@require(perms.can_run_scorecard)
def scorecard_run(request):
    form = RunForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.scorecard_start(actor=request.user)):
        messages.success(request, "已发起绿色评价测算，后台计算完成后即可查看结果。")
        return redirect("green_scorecard")
    return scorecard(request, run_form=form, status=400)


@require(perms.can_view_green)
def score_detail(request, pk: int, objection_form=None, status: int = 200):
    user = request.user
    result = perms.scorecard_results_visible_to(user).select_related("enterprise", "run").filter(pk=pk).first()
    if result is None:
        raise Http404("评价结果不存在或无权查看")
    method = zone_method()
    plan = what_if({**result.row, "total": float(result.total), "grade": result.grade,
                    "capped_by": result.capped_by or None}, method) if result.grade in {g.code for g in method.grades} \
        else None
    may_object = perms.can_object_to_score(user, result)
    _start, window_end = services.objection_window(result.run)
    return render(request, "green/score_detail.html", {
        "result": result, "plan": plan, "method": method,
        "objections": list(result.objections.select_related("decided_by").order_by("-created_at", "-id")),
        "may_object": may_object, "objection_refusal": services.objection_refusal(result) if may_object else "",
        "objection_form": objection_form or _objection_form(), "window_end": window_end,
        "can_decide": perms.can_decide_score_objection(user),
    }, status=status)


# --- objections to a grade ------------------------------------------------------------------------------------------


def _objection_form(data=None, files=None):
    return ScoreObjectionForm(data, files, indicators=services.objection_indicators(), auto_id="id_obj_%s")


def _decide_form(objection=None, data=None):
    grades = [(g.code, g.name_zh) for g in zone_method().grades]
    prefix = f"o{objection.pk}" if objection else None
    return ScoreObjectionDecideForm(data, grades=grades, prefix=prefix)


@require_POST
@require(perms.can_view_green)
def score_object(request, pk: int):
    result = perms.scorecard_results_visible_to(request.user).select_related("enterprise", "run").filter(pk=pk).first()
    if result is None:
        raise Http404("评价结果不存在或无权查看")
    if not perms.can_object_to_score(request.user, result):
        raise PermissionDenied("只能对本企业的绿色评价结果提出异议")
    form = _objection_form(request.POST, request.FILES)
    if form.is_valid() and submit(form, lambda: services.score_objection_file(
            actor=request.user, result=result, indicator=form.cleaned_data["indicator"],
            reason=form.cleaned_data["reason"], evidence=form.cleaned_data["evidence"])):
        messages.success(request, "异议已提交，将由经济发展局核实处理，结果会通知您。")
        return redirect("green_score", pk=result.pk)
    return score_detail(request, pk, objection_form=form, status=400)


class ObjectionFilterForm(forms.Form):
    status = forms.ChoiceField(label="处理状态", required=False, choices=[("", "全部"), *ObjectionStatus.choices])
    q = forms.CharField(label="企业名称", required=False, max_length=50)


@require(perms.can_decide_score_objection)
def objection_list(request, failed=None, status: int = 200):
    """The bureau's objections: filtered, paginated, each open one with its decision form (the failed one keeps what
    was typed)."""
    form = ObjectionFilterForm(request.GET or None)
    rows = (perms.score_objections_visible_to(request.user)
            .select_related("result__enterprise", "result__run", "created_by", "decided_by"))
    if form.is_valid():
        if form.cleaned_data["status"]:
            rows = rows.filter(status=form.cleaned_data["status"])
        if q := form.cleaned_data["q"].strip():
            rows = rows.filter(result__enterprise__name__contains=q)
    page, query = paginate(request, rows.order_by("-created_at", "-id"))
    forms_by_pk = {o.pk: (failed[1] if failed and failed[0] == o.pk else _decide_form(o))
                   for o in page.object_list if o.status == ObjectionStatus.OPEN}
    rows = [(o, forms_by_pk.get(o.pk)) for o in page.object_list]
    return render(request, "green/score_objections.html", {"form": form, "page": page, "rows": rows, "query": query},
                  status=status)


@require_POST
@require(perms.can_decide_score_objection)
def objection_decide(request, pk: int):
    objection = perms.score_objections_visible_to(request.user).filter(pk=pk).first()
    if objection is None:
        raise Http404("异议不存在或无权查看")
    form = _decide_form(objection, request.POST)
    if form.is_valid():
        d = form.cleaned_data
        uphold = d["decision"] == "uphold"
        if submit(form, lambda: services.score_objection_decide(
                actor=request.user, objection=objection, uphold=uphold, reason=d["reason"],
                remedy=d["remedy"] or ("" if uphold else "rescore"), grade=d["grade"])):
            messages.success(request, "已采纳异议，结果已更正。" if uphold else "已驳回异议。")
            return redirect(f"{reverse('green_score_objections')}?{request.GET.urlencode()}")
    return objection_list(request, failed=(objection.pk, form), status=400)


def objection_evidence(request, pk: int):
    objection = perms.score_evidence_visible_to(request.user).select_related("result__enterprise").filter(pk=pk).first()
    if objection is None:
        raise Http404("材料不存在或无权查看")
    services.score_evidence_open(actor=request.user, objection=objection)
    name = objection.evidence.name.rsplit("/", 1)[-1]
    try:
        handle = objection.evidence.open("rb")
    except FileNotFoundError:
        raise Http404("材料文件已不存在") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, filename=f"异议证明材料.{name.rsplit('.', 1)[-1]}", content_type=content_type,
                        as_attachment=content_type not in ("application/pdf", "image/png", "image/jpeg"))
