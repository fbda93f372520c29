"""绿色评价打分卡 pages: the latest run's grades (staff: every firm, filtered and paginated; a firm: its own), a firm's
card with the reasons and what the next grade needs, and starting a run (the economic bureau)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gaoxin.accounts.permissions import is_staff_role
from gaoxin.core.views_utils import paginate, require, submit

from . import permissions as perms
from . import services_scorecard as services
from .models import ScorecardRun, ScorecardStatus
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
    rows = perms.scorecard_results_visible_to(user).filter(run=run).select_related("enterprise") if run else None
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
def score_detail(request, pk: int):
    result = perms.scorecard_results_visible_to(request.user).select_related("enterprise", "run").filter(pk=pk).first()
    if result is None:
        raise Http404("评价结果不存在或无权查看")
    method = zone_method()
    plan = what_if({**result.row, "total": float(result.total), "grade": result.grade,
                    "capped_by": result.capped_by or None}, method) if result.grade in {g.code for g in method.grades} \
        else None
    return render(request, "green/score_detail.html", {"result": result, "plan": plan, "method": method})
