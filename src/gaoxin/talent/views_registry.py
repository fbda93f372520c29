"""人才库与人才认定 pages: the talent registry (the talent office registers and edits talents, their evidence,
recognitions and own log-in; a firm sees its own employees who are talents; a talent sees their own entry), and the
recognition rounds (apply → 形式审查 → 专家评审 → 公示 → 异议 → 认定) with the public notice and its printable view.
Every POST is one service call; a refused form is shown again with what was typed and the error beside its field."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from gaoxin.core import notice
from gaoxin.core.views_utils import paginate, require, submit

from . import permissions as perms
from . import selectors, services
from .forms import (
    AccountForm,
    ActForm,
    ApplyForm,
    EvidenceForm,
    ObjectionForm,
    RecognitionForm,
    RegistryFilterForm,
    RoundForm,
    ScoreForm,
    TalentForm,
)
from .models import (
    ApplicationStatus,
    ObjectionEvent,
    ObjectionStatus,
    RecognitionRound,
    ReviewScore,
    RoundApplication,
    RoundObjection,
    RoundStatus,
    Talent,
    TalentEvidence,
)
from .views import _act, _create_page, tabs
from .workflow import APPLICATION_WORKFLOW, OBJECTION_WORKFLOW, RECOGNITION_WORKFLOW, ROUND_WORKFLOW, offered

INLINE_TYPES = ("application/pdf", "image/png", "image/jpeg")


def _timeline(events, workflow, states) -> list[dict]:
    """History rows in words: the step's label and the state it led to (no internal codes on screen)."""
    labels, names = workflow.labels(), dict(states.choices)
    return [{"at": e.at, "actor_name": e.actor.get_full_name() if e.actor_id else "系统",
             "label": f"{labels.get(e.transition, '操作')} → {names.get(e.to_status, '')}", "note": e.note}
            for e in events]


def _id_shown(user, talent: Talent) -> str:
    return talent.id_number if perms.can_view_talent_id_numbers(user, talent) else talent.masked_id_number


# --- the registry ------------------------------------------------------------------------------------------------


@require(perms.can_view_registry)
def registry(request):
    filters = RegistryFilterForm(request.GET or None)
    d = filters.cleaned_data if filters.is_valid() else {}
    qs = selectors.talent_list(user=request.user, q=d.get("q", ""), tier=d.get("tier"), title=d.get("title"),
                               employer=d.get("employer", ""))
    page, query = paginate(request, qs)
    full = perms.can_view_talent_id_numbers(request.user)
    rows = [{"talent": t, "id_number": t.id_number if full else t.masked_id_number} for t in page.object_list]
    return render(request, "talent/registry.html", {
        "page": page, "query": query, "filters": filters, "rows": rows,
        "can_manage": perms.can_manage_registry(request.user),
        "counts": selectors.registry_counts() if perms.can_manage_registry(request.user) else None,
        **tabs(request.user)})


@require(perms.can_manage_registry)
def talent_new(request):
    form = TalentForm(request.POST or None)
    return _create_page(
        request, form, title="登记人才", back=reverse("talent_registry"),
        create=lambda: services.talent_create(actor=request.user, **form.service_kwargs()),
        done=lambda t: (f"已登记人才 {t.name}", reverse("talent_person", args=[t.pk])))


def _talent(request, pk: int) -> Talent:
    talent = perms.talents_visible_to(request.user).select_related("employer", "user").filter(pk=pk).first()
    if talent is None:
        raise Http404("人才信息不存在或无权查看")
    return talent


def _talent_page(request, talent, *, forms=None, act_form=None, status=200):
    user = request.user
    manage = perms.can_manage_registry(user)
    own = perms.is_talent(user) and talent.user_id == user.pk
    forms = forms or {}
    recognitions = []
    for r in talent.recognitions.select_related("title", "tier"):
        recognitions.append({"r": r, "actions": RECOGNITION_WORKFLOW.available(r, user)})
    evidence = (perms.evidence_visible_to(user).filter(talent=talent).select_related("application__round")
                if manage or own else TalentEvidence.objects.none())
    return render(request, "talent/talent_detail.html", {
        "talent": talent, "id_number": _id_shown(user, talent), "manage": manage, "own": own,
        "recognitions": recognitions, "evidence": evidence,
        "applications": talent.applications.select_related("round", "tier") if manage or own else [],
        "open_rounds": (RecognitionRound.objects.filter(status=RoundStatus.OPEN).exclude(applications__talent=talent)
                        if own else []),
        "evidence_form": forms.get("evidence") or (EvidenceForm() if manage or own else None),
        "recognition_form": forms.get("recognition") or (RecognitionForm() if manage else None),
        "account_form": forms.get("account") or (AccountForm(initial={"phone": talent.phone})
                                                 if manage and not talent.user_id else None),
        "act_form": act_form or ActForm(), **tabs(user)}, status=status)


@require(perms.can_view_registry)
def talent_detail(request, pk: int):
    return _talent_page(request, _talent(request, pk))


@require(perms.is_talent)
def talent_me(request):
    """A talent's own entry (bound to the log-in by the ID number)."""
    talent = perms.own_talent(request.user)
    if talent is None:
        return render(request, "talent/talent_unbound.html", tabs(request.user))
    return _talent_page(request, _talent(request, talent.pk))


@require(perms.can_manage_registry)
def talent_edit(request, pk: int):
    talent = _talent(request, pk)
    form = TalentForm(request.POST or None, editing=True, initial=TalentForm.initial_of(talent))
    return _create_page(
        request, form, title=f"修改人才信息：{talent.name}", back=reverse("talent_person", args=[pk]),
        create=lambda: services.talent_update(actor=request.user, talent=talent, **form.service_kwargs()),
        done=lambda t: ("人才信息已保存", reverse("talent_person", args=[t.pk])))


def _back_to(request, talent):
    own = perms.is_talent(request.user) and talent.user_id == request.user.pk
    return redirect("talent_me") if own else redirect("talent_person", pk=talent.pk)


@require_POST
def evidence_add(request, pk: int):
    talent = _talent(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid() and submit(form, lambda: services.evidence_add(actor=request.user, talent=talent,
                                                                    **form.cleaned_data)):
        messages.success(request, "证明材料已上传")
        return _back_to(request, talent)
    return _talent_page(request, talent, forms={"evidence": form}, status=400)


@require_POST
@require(perms.can_manage_registry)
def recognition_add(request, pk: int):
    talent = _talent(request, pk)
    form = RecognitionForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.recognition_grant(actor=request.user, talent=talent,
                                                                         **form.cleaned_data)):
        messages.success(request, "人才认定已登记")
        return redirect("talent_person", pk=pk)
    return _talent_page(request, talent, forms={"recognition": form}, status=400)


@require_POST
@require(perms.can_manage_registry)
def account_open(request, pk: int):
    talent = _talent(request, pk)
    form = AccountForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.talent_account_open(actor=request.user, talent=talent,
                                                                           **form.cleaned_data)):
        messages.success(request, f"已开通本人账号，登录名为手机号码 {form.cleaned_data['phone']}")
        return redirect("talent_person", pk=pk)
    return _talent_page(request, talent, forms={"account": form}, status=400)


@require_POST
@require(perms.can_manage_registry)
def recognition_act(request, pk: int):
    recognition = perms.talents_visible_to(request.user).filter(recognitions__pk=pk).first()
    if recognition is None:
        raise Http404("认定不存在")
    recognition = recognition.recognitions.get(pk=pk)
    form, done = _act(request, RECOGNITION_WORKFLOW, lambda name, d: services.recognition_transition(
        recognition=recognition, name=name, actor=request.user, reason=d["reason"]))
    if done:
        return redirect("talent_person", pk=recognition.talent_id)
    return _talent_page(request, _talent(request, recognition.talent_id), act_form=form, status=400)


def evidence_download(request, pk: int):
    """An evidence file for whoever may see it (the office, the talent, the application's reviewers); openings by
    staff are audited."""
    evidence = perms.evidence_visible_to(request.user).select_related("talent").filter(pk=pk).first()
    if evidence is None:
        raise Http404("材料不存在或无权查看")
    services.evidence_open(actor=request.user, evidence=evidence)
    name = evidence.file.name.rsplit("/", 1)[-1]
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404("材料文件已不存在") from None
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return FileResponse(handle, filename=f"{evidence.label}.{name.rsplit('.', 1)[-1]}", content_type=content_type,
                        as_attachment=content_type not in INLINE_TYPES)


# --- recognition rounds ------------------------------------------------------------------------------------------


@require(perms.can_view_rounds)
def round_list(request):
    qs = perms.rounds_visible_to(request.user).select_related("talent_title").annotate(
        n_applications=Count("applications", distinct=True)).order_by("-opens_on", "-id")
    page, query = paginate(request, qs)
    return render(request, "talent/rounds.html", {"page": page, "query": query,
                                                  "can_manage": perms.can_manage_rounds(request.user),
                                                  **tabs(request.user)})


@require(perms.can_manage_rounds)
def round_new(request):
    form = RoundForm(request.POST or None)
    return _create_page(
        request, form, title="发布认定批次", back=reverse("talent_rounds"), section="人才认定",
        create=lambda: services.round_create(actor=request.user, **form.cleaned_data),
        done=lambda r: ("认定批次已发布", reverse("talent_round", args=[r.pk])))


def _round(request, pk: int) -> RecognitionRound:
    round = perms.rounds_visible_to(request.user).select_related("talent_title").filter(pk=pk).first()
    if round is None:
        raise Http404("认定批次不存在或无权查看")
    return round


def _round_page(request, round, *, act_form=None, objection_form=None, failed_objection=None, status=200):
    user = request.user
    manage = perms.can_manage_rounds(user)
    reviewer = perms.is_reviewer(user, round)
    applications = (perms.applications_visible_to(user).filter(round=round)
                    .select_related("talent__employer", "tier").order_by("-score", "talent__name", "pk"))
    if reviewer and not manage:
        applications = applications.prefetch_related(Prefetch(
            "scores", queryset=ReviewScore.objects.filter(reviewer=user), to_attr="my_scores"))
    else:
        applications = applications.annotate(
            n_scores=Count("scores", distinct=True),
            n_upheld=Count("objections", filter=Q(objections__status=ObjectionStatus.UPHELD), distinct=True))
    rows = []
    for a in applications:
        a.round = round  # the page's round: the offered steps need no query per row
        rows.append({"a": a, "id_number": _id_shown(user, a.talent), "actions": offered(APPLICATION_WORKFLOW, a, user)})
    objections = (RoundObjection.objects.filter(application__round=round).select_related("application__talent")
                  if manage else [])
    return render(request, "talent/round_detail.html", {
        "round": round, "rows": rows, "manage": manage, "reviewer": reviewer,
        "tiers": round.tiers.all(), "reviewers": round.reviewers.all() if manage else [],
        "actions": offered(ROUND_WORKFLOW, round, user), "act_form": act_form or ActForm(),
        "objections": [{"o": o, "actions": OBJECTION_WORKFLOW.available(o, user)} for o in objections],
        "can_apply": perms.can_apply_in_round(user, round) and not (
            perms.own_talent(user) and round.applications.filter(talent=perms.own_talent(user)).exists()),
        "events": _round_timeline(round) if manage else [], "public": round.status in PUBLIC_STATES,
        "early_close": round.status == RoundStatus.OPEN and timezone.localdate() <= round.closes_on,
        "early_closed": round.events.filter(transition="CLOSE", at__date__lte=round.closes_on).exclude(note="")
        .first() if round.status != RoundStatus.OPEN else None,
        "objection_errors": [e for errors in objection_form.errors.values() for e in errors] if objection_form else [],
        "failed_objection": failed_objection,
        **tabs(user)}, status=status)


def _round_timeline(round) -> list[dict]:
    """批次记录: the round's own steps and the objection decisions, in time order."""
    rows = _timeline(round.events.select_related("actor"), ROUND_WORKFLOW, RoundStatus)
    objection_events = list(ObjectionEvent.objects.filter(objection__application__round=round)
                            .select_related("actor", "objection__application__talent"))
    for row, event in zip(_timeline(objection_events, OBJECTION_WORKFLOW, ObjectionStatus), objection_events,
                          strict=True):
        row["label"] = f"对{event.objection.application.talent.name}的异议：{row['label']}"
        rows.append(row)
    return sorted(rows, key=lambda r: r["at"])


@require(perms.can_view_rounds)
def round_detail(request, pk: int):
    return _round_page(request, _round(request, pk))


@require_POST
@require(perms.can_view_rounds)
def round_act(request, pk: int):
    round = _round(request, pk)
    form, done = _act(request, ROUND_WORKFLOW, lambda name, d: services.round_transition(
        round=round, name=name, actor=request.user, reason=d["reason"]))
    if done:
        return redirect("talent_round", pk=pk)
    round.refresh_from_db()
    return _round_page(request, round, act_form=form, status=400)


@require(perms.can_view_rounds)
def round_apply(request, pk: int):
    round = _round(request, pk)
    if not perms.can_apply_in_round(request.user, round):
        raise PermissionDenied("该批次当前不接受申报")
    office = perms.can_manage_rounds(request.user)
    form = ApplyForm(request.POST or None, request.FILES or None, round=round, for_office=office)

    def create():
        d = form.cleaned_data
        talent = d["id_number"] if office else perms.own_talent(request.user)
        return services.application_submit(actor=request.user, round=round, talent=talent, tier=d["tier"],
                                           statement=d["statement"], evidence=form.evidence())
    page = _create_page(request, form, title=f"申报：{round.title}", back=reverse("talent_round", args=[pk]),
                        section="人才认定",
                        create=create, done=lambda a: ("申报已提交，等待形式审查", reverse("talent_application", args=[a.pk])))
    return page


def _application(request, pk: int) -> RoundApplication:
    application = (perms.applications_visible_to(request.user).select_related("round__talent_title", "talent__employer",
                                                                              "tier").filter(pk=pk).first())
    if application is None:
        raise Http404("申报不存在或无权查看")
    return application


def _application_page(request, application, *, act_form=None, score_form=None, evidence_form=None, status=200):
    user = request.user
    manage = perms.can_manage_rounds(user)
    reviewer = perms.is_reviewer(user, application.round)
    roles = perms.application_roles(user, application)
    mine = ReviewScore.objects.filter(application=application, reviewer=user).first() if reviewer else None
    can_score = (reviewer and application.round.status == RoundStatus.REVIEW
                 and application.status == ApplicationStatus.CHECKED)
    can_add = bool(roles) and application.status in (ApplicationStatus.SUBMITTED, ApplicationStatus.RETURNED)
    return render(request, "talent/application_detail.html", {
        "a": application, "id_number": _id_shown(user, application.talent), "manage": manage,
        "evidence": perms.evidence_visible_to(user).filter(application=application),
        "scores": application.scores.select_related("reviewer") if manage else [],
        "mine": mine, "score_form": score_form or (ScoreForm(initial={"score": mine.score, "comment": mine.comment}
                                                             if mine else None) if can_score else None),
        "evidence_form": evidence_form or (EvidenceForm() if can_add else None),
        "actions": offered(APPLICATION_WORKFLOW, application, user), "act_form": act_form or ActForm(),
        "events": _timeline(application.events.select_related("actor"), APPLICATION_WORKFLOW, ApplicationStatus),
        **tabs(user)}, status=status)


def application_detail(request, pk: int):
    return _application_page(request, _application(request, pk))


@require_POST
def application_act(request, pk: int):
    application = _application(request, pk)
    form, done = _act(request, APPLICATION_WORKFLOW, lambda name, d: services.application_transition(
        application=application, name=name, actor=request.user, reason=d["reason"]))
    if done:  # back to the round's list when the button was pressed there
        return redirect("talent_round", pk=application.round_id) if request.POST.get("back") == "round" else \
            redirect("talent_application", pk=pk)
    application.refresh_from_db()
    return _application_page(request, application, act_form=form, status=400)


@require_POST
def application_score(request, pk: int):
    application = _application(request, pk)
    form = ScoreForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.score_enter(actor=request.user, application=application,
                                                                   **form.cleaned_data)):
        messages.success(request, "评分已保存")
        return redirect("talent_round", pk=application.round_id)
    return _application_page(request, application, score_form=form, status=400)


@require_POST
def application_evidence(request, pk: int):
    application = _application(request, pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid() and submit(form, lambda: services.evidence_add(
            actor=request.user, talent=application.talent, application=application, **form.cleaned_data)):
        messages.success(request, "证明材料已补充")
        return redirect("talent_application", pk=pk)
    return _application_page(request, application, evidence_form=form, status=400)


@require_POST
def objection_act(request, pk: int):
    objection = (RoundObjection.objects.filter(pk=pk, application__in=perms.applications_visible_to(request.user))
                 .select_related("application").first())
    if objection is None or not perms.can_manage_rounds(request.user):
        raise Http404("异议不存在")
    form, done = _act(request, OBJECTION_WORKFLOW, lambda name, d: services.objection_transition(
        objection=objection, name=name, actor=request.user, reason=d["reason"]))
    if done:
        return redirect("talent_round", pk=objection.application.round_id)
    # The error goes beside the objection's reason field, not at the top of the page.
    return _round_page(request, _round(request, objection.application.round_id), objection_form=form,
                       failed_objection=objection.pk, status=400)


# --- the public notice (公示) -----------------------------------------------------------------------------------

PUBLIC_STATES = (RoundStatus.NOTICE, RoundStatus.RECOGNISED)


def _public_round(pk: int) -> RecognitionRound:
    round = RecognitionRound.objects.select_related("talent_title").filter(pk=pk, status__in=PUBLIC_STATES).first()
    if round is None:
        raise Http404("该批次没有公示")
    return round


def _notice_rows(round):
    """Who is on the notice: name, masked ID number, employer, tier and title — nothing else about the person."""
    listed = [ApplicationStatus.PASSED, ApplicationStatus.DISQUALIFIED]
    return (round.applications.filter(status__in=listed).select_related("talent__employer", "tier")
            .order_by("tier__rank", "talent__name", "pk"))


@login_not_required
def round_notice(request, pk: int, *, objection_form=None, status=200):
    round = _public_round(pk)
    is_open = round.status == RoundStatus.NOTICE and notice.notice_open(round.notice_start, round.notice_end)
    return render(request, "talent/round_notice.html", {
        "round": round, "rows": _notice_rows(round), "open": is_open,
        "refusal": "" if is_open else notice.notice_refusal(round.notice_end),
        "can_object": is_open and perms.can_file_round_objection(request.user),
        "objection_form": objection_form or ObjectionForm(), "failed_for": getattr(objection_form, "for_pk", None),
        "office": selectors.talent_office(),
    }, status=status)


@login_not_required
def round_notice_print(request, pk: int):
    round = _public_round(pk)
    return render(request, "talent/round_notice_print.html", {"round": round, "rows": _notice_rows(round)})


@require_POST
def objection_new(request, pk: int):
    round = _public_round(pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        application = round.applications.filter(pk=form.cleaned_data["application"]).first()
        if application is None:
            raise Http404("公示对象不存在")
        form.for_pk = application.pk
        if submit(form, lambda: services.objection_file(actor=request.user, application=application,
                                                      reason=form.cleaned_data["reason"],
                                                      contact=form.cleaned_data["contact"])):
            messages.success(request, "异议已提交，人才办将核查并告知您结果")
            return redirect("talent_round_notice", pk=pk)
    else:
        form.for_pk = int(request.POST.get("application") or 0) or None
    return round_notice(request, pk, objection_form=form, status=400)

