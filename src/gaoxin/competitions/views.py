"""创新创业大赛 pages: the editions, an edition's page (its rules as data: thresholds, groups, tracks, stages and
award levels; for the organising department the registrations and the candidate pool to invite from; for a firm its
own place), a registration's page (the firm answers its invitation there) and the department's forms. Every POST is one service call; a refused form is shown again
with what was typed."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from gaoxin.core.views_utils import apply_step, form_page, paginate, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    AwardForm,
    AwardLevelForm,
    EditionForm,
    FeedbackForm,
    FollowUpForm,
    InviteForm,
    JudgeForm,
    NoticeForm,
    ObjectionForm,
    RegistrationActForm,
    RoundForm,
    RulesForm,
    ScoreForm,
    SessionForm,
    StageForm,
    StepForm,
    TrackForm,
)
from .models import Award, RegistrationStatus, ResultObjection, RoundResult, RoundStatus
from .workflow import OBJECTION_WORKFLOW, REGISTRATION_WORKFLOW, ROUND_WORKFLOW, offered

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


TABS = [("registrations", "参赛企业"), ("candidates", "推荐名单（可邀请）"), ("coaching", "宣传与辅导"),
        ("awards", "获奖")]


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
    elif tab == "coaching":
        context.update(sessions=perms.sessions_visible_to(user).filter(edition=edition).annotate(
            n_firms=Count("participants", distinct=True), n_feedback=Count("feedback", distinct=True)).order_by(
            "-held_on", "-pk")[:100], sent=edition.notices.select_related("track", "sent_by")[:50])
    elif tab == "awards":
        context.update(awards=selectors.edition_awards(user=user, edition=edition))
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


def _registration_page(request, registration, *, form=None, award_form=None, status=200):
    steps = REGISTRATION_WORKFLOW.available(registration, request.user)
    award = Award.objects.filter(registration=registration).select_related("level", "stage").first()
    can_award = (award is None and registration.status == RegistrationStatus.CHECKED
                 and perms.can_manage_competitions(request.user))
    return render(request, "competitions/registration_detail.html", {
        "award": award, "follow_ups": award.follow_ups.all() if award else (),
        "award_form": (award_form or AwardForm(edition=registration.edition)) if can_award else None,
        "results": registration.round_results.filter(round__status__in=[RoundStatus.NOTICE, RoundStatus.FINAL])
        .select_related("round"),
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
    return _round_page(request, _round(request, pk))


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


def _round_page(request, round, *, step_form=None, status=200):
    judge = perms.judge_of(request.user, round)
    context = {"round": round, "edition": round.edition, "criteria": round.criteria.all(), "judge": judge,
               "step_form": step_form or StepForm()}
    if perms.reads_all_registrations(request.user):
        context["judges"] = round.judges.select_related("user", "employer")
        if round.status == RoundStatus.SCORING:
            context["results"] = selectors.round_results(round=round)
        else:
            context["published"] = selectors.published_results(round=round)
            context["objections"] = selectors.round_objections(round=round)
        context["steps"] = offered(ROUND_WORKFLOW, round, request.user)
        context["objection_steps"] = OBJECTION_WORKFLOW.available(
            ResultObjection(status="open", result=RoundResult(round=round)), request.user) \
            if perms.can_manage_competitions(request.user) else []
    if judge is not None:
        context["sheet"] = selectors.judge_sheet(round=round, judge=judge)
    return render(request, "competitions/round_detail.html", context, status=status)


@require_POST
@require(perms.can_manage_competitions)
def round_act(request, pk: int):
    round = _round(request, pk)
    form = StepForm(request.POST)
    if apply_step(request, ROUND_WORKFLOW, form, lambda name, data: services.round_transition(
            round=round, name=name, actor=request.user, reason=data["reason"])):
        return redirect("competition_round", pk=pk)
    return _round_page(request, round, step_form=form, status=400)


@require_POST
@require(perms.can_manage_competitions)
def objection_act(request, pk: int):
    objection = (ResultObjection.objects.select_related("result__round__edition")
                 .filter(pk=pk, result__round__in=perms.rounds_visible_to(request.user)).first())
    if objection is None:
        raise Http404("异议不存在")
    form = StepForm(request.POST)
    if apply_step(request, OBJECTION_WORKFLOW, form, lambda name, data: services.objection_transition(
            objection=objection, name=name, actor=request.user, reason=data["reason"])):
        return redirect("competition_round", pk=objection.result.round_id)
    messages.error(request, "；".join(e for errs in form.errors.values() for e in errs) or "操作未完成")
    return redirect("competition_round", pk=objection.result.round_id)


@require(perms.can_view_competitions)
def round_notice(request, pk: int):
    """The results on notice (公示) or final, for whoever may use the room; an objection form inside the window."""
    from gaoxin.core import notice

    round = perms.published_rounds_visible_to(request.user).select_related("edition").filter(pk=pk).first()
    if round is None:
        raise Http404("评审结果尚未公示")
    results = selectors.published_results(round=round)
    is_open = round.status == RoundStatus.NOTICE and notice.notice_open(round.notice_start, round.notice_end)
    form = ObjectionForm(request.POST or None, results=results) if is_open else None
    status = 200
    if request.method == "POST":
        status = 400
        if form is None:
            messages.error(request, notice.notice_refusal(round.notice_end))
            return redirect("competition_round_notice", pk=pk)
        chosen = {r.pk: r for r in results}
        if form.is_valid() and submit(form, lambda: services.objection_file(
                actor=request.user, result=chosen[form.cleaned_data["result"]], reason=form.cleaned_data["reason"],
                contact=form.cleaned_data["contact"])):
            messages.success(request, "异议已提交，科技局核查后告知您结论")
            return redirect("competition_round_notice", pk=pk)
    return render(request, "competitions/round_notice.html", {
        "round": round, "edition": round.edition, "results": results, "form": form, "is_open": is_open,
        "refusal": "" if is_open else notice.notice_refusal(round.notice_end) if round.status == RoundStatus.NOTICE
        else ""}, status=status)


@require_POST
@require(perms.can_manage_competitions)
def award_new(request, pk: int):
    registration = _registration(request, pk)
    form = AwardForm(request.POST, edition=registration.edition)
    if form.is_valid() and submit(form, lambda: services.award_record(
            actor=request.user, registration=registration, level=form.cleaned_data["level"],
            stage=form.cleaned_data["stage"], awarded_on=form.cleaned_data["awarded_on"])):
        messages.success(request, "获奖已登记，已记入企业画像并重新匹配惠企政策")
        return redirect("competition_registration", pk=pk)
    return _registration_page(request, registration, award_form=form, status=400)


@require(perms.can_view_competitions)
def follow_up(request, pk: int):
    """A follow-up of an award (6 or 12 months on): the firm or the bureau records investor contacts and financing."""
    from .models import FollowUp

    row = (FollowUp.objects.select_related("award__registration__enterprise", "award__registration__edition",
                                           "award__level", "recorded_by")
           .filter(pk=pk, award__registration__in=perms.registrations_visible_to(request.user)).first())
    if row is None:
        raise Http404("获奖后跟踪不存在")
    can_record = row.recorded_on is None and bool(perms.follow_up_roles(request.user, row))
    form = FollowUpForm(request.POST or None) if can_record else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("该节点已填报或您无权填报")
        status = 400
        if form.is_valid() and submit(form, lambda: services.follow_up_record(actor=request.user, follow_up=row,
                                                                            **form.cleaned_data)):
            messages.success(request, "获奖后跟踪已填报")
            return redirect("competition_registration", pk=row.award.registration_id)
    return render(request, "competitions/follow_up.html", {"row": row, "registration": row.award.registration,
                                                           "edition": row.award.registration.edition, "form": form},
                  status=status)


# --- setting up a round in the browser --------------------------------------------------------------------------


@require(perms.can_manage_competitions)
def round_new(request, code: str):
    edition = _managed(request, code)
    form = RoundForm(request.POST or None, initial={
        "criteria": "技术创新性，40，100\n市场前景，30，100\n团队与路演，30，100",
        "method": "zscore"})
    return _form_page(request, form, title=f"{edition.name}：新建评审轮次", back=reverse("competition_detail", args=[code]),
                      create=lambda: services.round_create(actor=request.user, edition=edition,
                                                           **form.service_values()),
                      done=lambda r: (f"“{r.name}”已新建，请加入评委", reverse("competition_round", args=[r.pk])))


@require(perms.can_manage_competitions)
def judge_new(request, pk: int):
    round = _round(request, pk)
    form = JudgeForm(request.POST or None)
    back = reverse("competition_round", args=[pk])
    return _form_page(request, form, title=f"{round.name}：加入评委", back=back,
                      create=lambda: services.judge_add(actor=request.user, round=round, **form.cleaned_data),
                      done=lambda j: (f"已加入评委{j.user.get_full_name()}，评委已收到通知", back))


# --- publicity and coaching ------------------------------------------------------------------------------------


@require(perms.can_manage_competitions)
def notice_new(request, code: str):
    edition = _managed(request, code)
    form = NoticeForm(request.POST or None, edition=edition)
    back = f"{reverse('competition_detail', args=[code])}?tab=coaching"
    return _form_page(request, form, title=f"{edition.name}：发送通知", back=back,
                      create=lambda: services.notice_send(actor=request.user, edition=edition, **form.cleaned_data),
                      done=lambda n: (f"通知已发送给 {n.firms} 家企业", back))


@require(perms.can_manage_competitions)
def session_new(request, code: str):
    edition = _managed(request, code)
    form = SessionForm(request.POST or None, edition=edition, initial={"kind": "mock_roadshow"})
    return _form_page(request, form, title=f"{edition.name}：新建培训或模拟路演",
                      back=f"{reverse('competition_detail', args=[code])}?tab=coaching",
                      create=lambda: services.session_create(actor=request.user, edition=edition, **form.cleaned_data),
                      done=lambda s: (f"“{s.title}”已新建，参加企业已收到通知",
                                      reverse("competition_session", args=[s.pk])))


def _session(request, pk: int):
    session = perms.sessions_visible_to(request.user).select_related("edition").filter(pk=pk).first()
    if session is None:
        raise Http404("培训或模拟路演不存在")
    return session


@require(perms.can_view_competitions)
def session_detail(request, pk: int):
    """A session: its firms and the experts' structured advice (a firm sees only its own); the bureau records advice
    here and opens the "8+7" timer."""
    from .models import FEEDBACK_ASPECTS

    session = _session(request, pk)
    manage = perms.can_manage_competitions(request.user)
    form = FeedbackForm(request.POST or None, session=session) if manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise PermissionDenied("只有大赛组织部门可以登记辅导意见")
        status = 400
        if form.is_valid() and submit(form, lambda: services.feedback_record(actor=request.user, session=session,
                                                                           **form.service_values())):
            messages.success(request, "辅导意见已登记，企业已收到通知")
            return redirect("competition_session", pk=pk)
    own = perms.registrations_visible_to(request.user)
    feedback = (session.feedback.filter(registration__in=own)
                .select_related("registration__enterprise").order_by("registration__enterprise__name", "pk"))
    participants = session.participants.filter(pk__in=own.values("pk")).select_related("enterprise").order_by(
        "enterprise__name", "pk")
    labels = dict(FEEDBACK_ASPECTS)
    rows = [{"row": f, "marks": [(labels[c], f.marks.get(c)) for c in labels]} for f in feedback]
    return render(request, "competitions/session_detail.html", {
        "session": session, "edition": session.edition, "participants": participants, "feedback": rows,
        "form": form, "can_manage": manage}, status=status)


@require(perms.can_view_competitions)
def session_timer(request, pk: int):
    """The "8+7" timer of a mock roadshow (static JS, no CDN): the pitch, then the questions."""
    session = _session(request, pk)
    return render(request, "competitions/session_timer.html", {"session": session, "edition": session.edition})
