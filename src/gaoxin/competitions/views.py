"""创新创业大赛 pages: the editions, an edition's page (its rules as data: thresholds, groups, tracks, stages and
award levels) and the organising department's forms. Every POST is one service call; a refused form is shown again
with what was typed."""

from __future__ import annotations

from functools import partial

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gaoxin.core.views_utils import form_page, paginate, require

from . import permissions as perms
from . import selectors, services
from .forms import AwardLevelForm, EditionForm, RulesForm, StageForm, TrackForm

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
    return render(request, "competitions/index.html", {
        "page": page, "query": query, "can_manage": perms.can_manage_competitions(request.user)})


@require(perms.can_manage_competitions)
def edition_new(request):
    form = EditionForm(request.POST or None, initial={"needs_certificate": True})
    return _form_page(request, form, title="新建大赛届次", back=reverse("competition_list"),
                      create=lambda: services.edition_create(actor=request.user, **form.cleaned_data),
                      done=lambda e: (f"“{e.name}”已新建", reverse("competition_detail", args=[e.code])))


@require(perms.can_view_competitions)
def edition_detail(request, code: str):
    edition = _edition(request, code)
    return render(request, "competitions/edition_detail.html", {
        "edition": edition, "tracks": edition.tracks.all(), "stages": edition.stages.all(),
        "award_levels": edition.award_levels.all(), "can_manage": perms.can_manage_competitions(request.user)})


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
