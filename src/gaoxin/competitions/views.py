"""创新创业大赛 pages: the editions, an edition's page (its rules as data: thresholds, groups, tracks, stages and
award levels; for the organising department the registrations and the candidate pool to invite from; for a firm its
own place), a registration's page (the firm answers its invitation there) and the department's forms. Every POST is one service call; a refused form is shown again
with what was typed."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.core.views_utils import apply_step, form_page, paginate, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    AwardLevelForm,
    EditionForm,
    InviteForm,
    RegistrationActForm,
    RulesForm,
    ScoreForm,
    StageForm,
    TrackForm,
)
from .models import RegistrationStatus
from .workflow import REGISTRATION_WORKFLOW

_form_page = partial(form_page, template="competitions/form.html")


def _edition(request, code: str):
    edition = selectors.edition_get(user=request.user, code=code)
    if edition is None:
        raise Http404("大赛届次不存在")
    return edition


def _managed(request, code: str):
    edition = _edition(request, code)
    if not perms.can_manage_competitions(request.user):
        raise PermissionDenied("只有大赛组织部门（科技局）和管委会管理员可以维护大赛")
    return edition


@require(perms.can_view_competitions)
def edition_list(request):
    page, query = paginate(request, selectors.edition_list(user=request.user))
    own = None if perms.reads_all_registrations(request.user) else selectors.own_registrations(user=request.user)[:50]
    judging = None if perms.reads_all_registrations(request.user) else (
        perms.rounds_visible_to(request.user).select_related("edition").order_by("-pk")[:20])
    return render(request, "competitions/index.html", {
        "page": page, "query": query, "can_manage": perms.can_manage_competitions(request.user), "own": own,
        "judging": judging})


@require(perms.can_manage_competitions)
def edition_new(request):
    form = EditionForm(request.POST or None, initial={"needs_certificate": True})
    return _form_page(request, form, title="新建大赛届次", back=reverse("competition_list"),
                      create=lambda: services.edition_create(actor=request.user, **form.cleaned_data),
                      done=lambda e: (f"“{e.name}”已新建", reverse("competition_detail", args=[e.code])))


TABS = [("registrations", "参赛企业"), ("candidates", "推荐名单（可邀请）")]


def _edition_page(request, edition, *, invite_form=None, status=200):
    user = request.user
    manage = perms.can_manage_competitions(user)
    tabs = [(t, label) for t, label in TABS if perms.reads_all_registrations(user) and (t != "candidates" or manage)]
    tab = request.GET.get("tab", "registrations")
    if tab not in dict(tabs):
        tab = "registrations"
    context = {"edition": edition, "tracks": edition.tracks.all(), "stages": edition.stages.all(),
               "award_levels": edition.award_levels.all(), "can_manage": manage, "tabs": tabs, "tab": tab,
               "rounds": perms.rounds_visible_to(user).filter(edition=edition).order_by("pk")}
    if not tabs:
        context["own"] = selectors.own_registrations(user=user).filter(edition=edition)
    elif tab == "candidates":
        rows, excluded = selectors.candidate_rows(edition=edition)
        page = Paginator(rows, 100).get_page(request.GET.get("page"))
        context.update(page=page, query="tab=candidates", excluded=excluded,
                       invite_form=invite_form or InviteForm())
    else:
        wanted = request.GET.get("status", "")
        wanted = wanted if wanted in RegistrationStatus.values else ""
        page, query = paginate(request, selectors.registrations(user=user, edition=edition, status=wanted))
        context.update(page=page, query=query, counts=selectors.registration_counts(edition=edition),
                       statuses=RegistrationStatus.choices, wanted=wanted)
    return render(request, "competitions/edition_detail.html", context, status=status)


@require(perms.can_view_competitions)
def edition_detail(request, code: str):
    return _edition_page(request, _edition(request, code))


@require_POST
@require(perms.can_manage_competitions)
def edition_invite(request, code: str):
    edition = _managed(request, code)
    form = InviteForm(request.POST)
    made = []
    if form.is_valid() and submit(form, lambda: made.extend(services.registrations_invite(
            actor=request.user, edition=edition, enterprise_ids=form.cleaned_data["enterprises"]))):
        messages.success(request, f"已邀请 {len(made)} 家企业，企业用户已收到通知")
        return redirect(f"{reverse('competition_detail', args=[code])}?tab=registrations")
    request.GET = request.GET.copy()
    request.GET["tab"] = "candidates"
    return _edition_page(request, edition, invite_form=form, status=400)


def _registration_page(request, registration, *, form=None, status=200):
    steps = REGISTRATION_WORKFLOW.available(registration, request.user)
    return render(request, "competitions/registration_detail.html", {
        "registration": registration, "edition": registration.edition, "steps": steps,
        "form": form or RegistrationActForm(edition=registration.edition),
        "events": registration.events.select_related("actor"),
        "register_step": next((t for t in steps if t.name == "REGISTER"), None),
        "other_steps": [t for t in steps if t.name != "REGISTER"],
    }, status=status)


def _registration(request, pk: int):
    registration = selectors.registration_get(user=request.user, pk=pk)
    if registration is None:
        raise Http404("参赛报名不存在")
    return registration


@require(perms.can_view_competitions)
def registration_detail(request, pk: int):
    return _registration_page(request, _registration(request, pk))


@require_POST
@require(perms.can_view_competitions)
def registration_act(request, pk: int):
    registration = _registration(request, pk)
    form = RegistrationActForm(request.POST, edition=registration.edition)
    if apply_step(request, REGISTRATION_WORKFLOW, form, lambda name, data: services.registration_transition(
            registration=registration, name=name, actor=request.user, reason=data["reason"], track=data["track"],
            project=data["project"])):
        return redirect("competition_registration", pk=pk)
    return _registration_page(request, registration, form=form, status=400)


@require(perms.can_manage_competitions)
def edition_rules(request, code: str):
    edition = _managed(request, code)
    form = RulesForm(request.POST or None, initial={f: getattr(edition, f) for f in RulesForm.base_fields})
    back = reverse("competition_detail", args=[code])
    return _form_page(request, form, title=f"{edition.name}：修改规则", back=back,
                      create=lambda: services.edition_update_rules(actor=request.user, edition=edition,
                                                                   **form.cleaned_data),
                      done=lambda _: ("大赛规则已更新", back))


def _rule_row(request, code: str, form_class, service, title: str, message: str):
    edition = _managed(request, code)
    form = form_class(request.POST or None)
    back = reverse("competition_detail", args=[code])
    return _form_page(request, form, title=f"{edition.name}：{title}", back=back,
                      create=lambda: service(actor=request.user, edition=edition, **form.cleaned_data),
                      done=lambda _: (message, back))


@require(perms.can_manage_competitions)
def track_new(request, code: str):
    return _rule_row(request, code, TrackForm, services.track_create, "新增行业赛道", "行业赛道已添加")


@require(perms.can_manage_competitions)
def stage_new(request, code: str):
    return _rule_row(request, code, StageForm, services.stage_create, "新增赛程阶段", "赛程阶段已添加")


@require(perms.can_manage_competitions)
def award_level_new(request, code: str):
    return _rule_row(request, code, AwardLevelForm, services.award_level_create, "新增奖项等次", "奖项等次已添加")


# --- judging a zone round --------------------------------------------------------------------------------------


def _round(request, pk: int):
    round = perms.rounds_visible_to(request.user).select_related("edition").filter(pk=pk).first()
    if round is None:
        raise Http404("评审轮次不存在")
    return round


@require(perms.can_view_competitions)
def round_detail(request, pk: int):
    round = _round(request, pk)
    judge = perms.judge_of(request.user, round)
    context = {"round": round, "edition": round.edition, "criteria": round.criteria.all(), "judge": judge}
    if perms.reads_all_registrations(request.user):
        context["judges"] = round.judges.select_related("user", "employer")
        context["results"] = selectors.round_results(round=round)
    if judge is not None:
        context["sheet"] = selectors.judge_sheet(round=round, judge=judge)
    return render(request, "competitions/round_detail.html", context)


@require(perms.can_view_competitions)
def score_entry(request, pk: int, entry: int):
    round = _round(request, pk)
    judge = perms.judge_of(request.user, round)
    row = next((r for r in selectors.judge_sheet(round=round, judge=judge) if r["entry"].pk == entry),
               None) if judge else None
    if row is None:
        raise Http404("评审项目不存在")
    criteria = list(round.criteria.all())
    form = ScoreForm(request.POST or None, criteria=criteria)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and submit(form, lambda: services.score_submit(
                actor=request.user, round=round, registration=row["entry"], marks=form.cleaned_data)):
            messages.success(request, "评分已提交")
            return redirect("competition_round", pk=round.pk)
    return render(request, "competitions/score_form.html", {"round": round, "row": row, "form": form},
                  status=status)
