"""Pages of 云直播: the public schedule and replays, a session's page (watch link, chapters linked to the guide and
the policy, the question form, the answered questions; the hosts' steps, chapters and counts on the same page), the
hosts' list and form, the question queue and a question's page (moderation; the asker's consent), and the
enterprise's 我的提问."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from gaoxin.core.masking import mask_phone
from gaoxin.core.views_utils import (
    apply_step,
    flash_action,
    form_page,
    paginate,
    render_page,
    require,
    stray_errors,
    submit,
)

from . import permissions as perms
from . import selectors, services
from .forms import (
    ChapterForm,
    ManageFilterForm,
    QuestionActionForm,
    QuestionForm,
    QueueFilterForm,
    SessionActionForm,
    SessionForm,
)
from .models import Chapter, LiveSession, Question
from .workflow import QUESTION_WORKFLOW, SESSION_WORKFLOW, starts_early


@login_not_required
@require_GET
def live_index(request):
    """云直播: the schedule (预告 and 直播中) or the replays; anyone, no log-in."""
    tab = request.GET.get("tab", "upcoming")
    tab = tab if tab in selectors.TABS else "upcoming"
    page, query = paginate(request, selectors.public_sessions(tab=tab), per_page=20)
    return render_page(request, "live/index.html", "live/partials/session_cards.html", {
        "page": page, "query": query, "tab": tab, "tabs": selectors.TABS,
        "can_manage": perms.can_manage_live(request.user), "can_mine": perms.can_view_own_questions(request.user)})


def _session(pk: int) -> LiveSession:
    try:
        return selectors.session_get(pk=pk)
    except LiveSession.DoesNotExist:
        raise Http404("直播不存在") from None


def _detail(request, session: LiveSession, *, ask_form=None, chapter_form=None, failed=None, status=200):
    user = request.user
    host = perms.can_edit_session(user, session)
    staff_view = host or perms.sessions_managed_by(user).filter(pk=session.pk).exists()
    actions = []
    if host:
        failed_name = failed.data.get("name") if failed is not None else None
        early = starts_early(session)
        for t in SESSION_WORKFLOW.available(session, user):
            form = failed if failed_name == t.name else SessionActionForm(initial={"name": t.name},
                                                                          auto_id=f"id_{t.name.lower()}_%s")
            actions.append({"transition": t, "form": form, "fields": form.shown(t.name, early=early),
                            "early": early and t.name == "START"})
    can_ask = session.asking and perms.can_ask(user)
    if can_ask and ask_form is None:
        initial = {"contact_name": user.get_full_name(), "contact_phone": user.phone} \
            if user.is_authenticated else {}
        ask_form = QuestionForm(user=user, initial=initial)
    return render(request, "live/session_detail.html", {
        "s": session, "chapters": selectors.chapters(session), "answers": selectors.public_answers(session),
        "ask_form": ask_form if can_ask else None,
        "ask_login": session.asking and not user.is_authenticated and not can_ask,
        "mine": list(selectors.own_questions(user=user, session=session)) if perms.can_view_own_questions(user)
        else [],
        "host": host, "staff_view": staff_view, "actions": actions,
        "stray_errors": stray_errors(failed, actions),
        "chapter_form": (chapter_form or ChapterForm()) if host and session.status != "cancelled" else None,
        "counts": selectors.outcome_counts(session.questions.all()) if staff_view else None,
        "events": session.events.filter(question__isnull=True) if staff_view else [],
    }, status=status)


@login_not_required
@require_GET
def live_session(request, pk: int):
    return _detail(request, _session(pk))


def _anonymous_key(request) -> str:
    from axes.helpers import get_client_ip_address

    return f"gaoxin:live-ask:{get_client_ip_address(request) or 'unknown'}"


@login_not_required
@require_POST
def live_ask(request, pk: int):
    """A question before or during the stream. A visitor without an account (when allowed) leaves a name and a
    phone; such questions are limited per address and hour (GAOXIN_LIVE_ANONYMOUS_PER_HOUR)."""
    session = _session(pk)
    user = request.user
    if not perms.can_ask(user):
        if not user.is_authenticated:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(reverse("live_session", args=[pk]))
        raise PermissionDenied("请以企业用户登录后提问")
    if not session.asking:  # it ended (or was cancelled, or ran past its time) while the page was open
        messages.error(request, f"本场直播{session.status_label}，不再接受提问。")
        return redirect("live_session", pk=pk)
    form = QuestionForm(request.POST, user=user)
    if not user.is_authenticated:
        key = _anonymous_key(request)
        if (cache.get(key) or 0) >= settings.GAOXIN_LIVE_ANONYMOUS_PER_HOUR:
            form.is_valid()
            form.add_error(None, "本地址提问次数过多，请稍后再试或登录后提问")
            return _detail(request, session, ask_form=form, status=429)
    if form.is_valid() and submit(form, lambda: services.question_ask(
            session=session, actor=user, text=form.cleaned_data["text"],
            contact_name=form.cleaned_data["contact_name"], contact_phone=form.cleaned_data["contact_phone"],
            enterprise=form.cleaned_data.get("enterprise"))):
        if not user.is_authenticated:
            cache.add(key, 0, timeout=3600)
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=3600)
        messages.success(request, "已收到您的提问，主持人将在直播中或以书面方式答复"
                         + ("，答复后会通知您。" if user.is_authenticated else "，答复将以短信告知。"))
        return redirect(f"{reverse('live_session', args=[pk])}#questions")
    return _detail(request, session, ask_form=form, status=400)


def _hosted(request, pk: int) -> LiveSession:
    session = _session(pk)
    if not perms.can_edit_session(request.user, session):
        raise PermissionDenied("只能管理本单位的直播")
    return session


@require_POST
@require(perms.can_host)
def live_session_act(request, pk: int):
    session = _hosted(request, pk)
    form = SessionActionForm(request.POST)
    if apply_step(request, SESSION_WORKFLOW, form, lambda name, d: services.session_transition(
            session=session, name=name, actor=request.user, reason=d.get("reason") or "", **form.params())):
        return redirect("live_session", pk=pk)
    return _detail(request, _session(pk), failed=form, status=400)


@require_POST
@require(perms.can_host)
def live_chapter_add(request, pk: int):
    session = _hosted(request, pk)
    form = ChapterForm(request.POST)
    if form.is_valid() and submit(form, lambda: services.chapter_add(
            session=session, actor=request.user, offset_seconds=form.cleaned_data["offset"],
            title=form.cleaned_data["title"], item=form.cleaned_data["item"], policy=form.cleaned_data["policy"])):
        messages.success(request, f"已添加章节：{form.cleaned_data['title']}")
        return redirect(f"{reverse('live_session', args=[pk])}#chapters")
    return _detail(request, session, chapter_form=form, status=400)


@require_POST
@require(perms.can_host)
def live_chapter_remove(request, pk: int, chapter: int):
    session = _hosted(request, pk)
    try:
        found = session.chapters.get(pk=chapter)
    except Chapter.DoesNotExist:
        raise Http404("章节不存在") from None
    flash_action(request, lambda: services.chapter_remove(chapter=found, actor=request.user),
                 f"已删除章节：{found.title}")
    return redirect(f"{reverse('live_session', args=[pk])}#chapters")


# --- the hosts' pages ----------------------------------------------------------------------------------------------

@require(perms.can_manage_live)
def live_manage(request):
    form = ManageFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page, query = paginate(request, selectors.managed_sessions(user=request.user, status=status))
    return render_page(request, "live/manage.html", "live/partials/manage_table.html", {
        "form": form, "page": page, "query": query, "can_host": perms.can_host(request.user),
        "counts": selectors.outcome_counts(selectors.question_queue(user=request.user, status="")),
    })


@require(perms.can_host)
def live_new(request):
    form = SessionForm(request.POST or None, user=request.user)
    return form_page(request, form, template="live/form.html", session=None,
                     create=lambda: services.session_create(actor=request.user, **form.service_kwargs()),
                     done=lambda s: (f"已安排直播：{s.title}", reverse("live_session", args=[s.pk])))


@require(perms.can_host)
def live_edit(request, pk: int):
    session = _hosted(request, pk)
    fields = ("title", "series", "channel", "department", "speaker", "starts_at", "ends_at", "stream_url",
              "replay_url", "summary")
    form = SessionForm(request.POST or None, user=request.user,
                       initial={f: getattr(session, f) for f in fields})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and submit(form, lambda: services.session_update(
                session=session, actor=request.user, **form.service_kwargs())):
            messages.success(request, "已保存")
            return redirect("live_session", pk=pk)
    return render(request, "live/form.html", {"form": form, "session": session}, status=status)


@require(perms.can_manage_live)
def live_questions(request):
    """The moderation queue: pending questions first (oldest first), or any outcome."""
    form = QueueFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else "pending"
    if not request.GET:
        status = "pending"
        form = QueueFilterForm(initial={"status": "pending"})
    session = request.GET.get("session", "")
    session = int(session) if session.isdigit() else None
    page, query = paginate(request, selectors.question_queue(user=request.user, status=status, session=session))
    return render_page(request, "live/questions.html", "live/partials/question_table.html", {
        "form": form, "page": page, "query": query, "status": status, "session": session,
    })


# --- a question ----------------------------------------------------------------------------------------------------

def _question(request, pk: int) -> Question:
    try:
        return selectors.question_get(user=request.user, pk=pk)
    except Question.DoesNotExist:
        raise Http404("提问不存在或无权查看") from None


def _question_page(request, question: Question, *, failed=None, status=200):
    failed_name = failed.data.get("name") if failed is not None else None
    actions = []
    for t in QUESTION_WORKFLOW.available(question, request.user):
        if t.name in ("CONSENT", "DECLINE") and not question.session.held:
            continue
        form = failed if failed_name == t.name else QuestionActionForm(
            initial={"name": t.name, "public": True}, question=question, auto_id=f"id_{t.name.lower()}_%s")
        actions.append({"transition": t, "form": form, "fields": form.shown(t.name)})
    roles = perms.question_roles(request.user, question)
    return render(request, "live/question_detail.html", {
        "q": question, "actions": actions, "is_host": perms.HOST in roles, "is_asker": perms.ASKER in roles,
        "consent_open": any(a["transition"].name in ("CONSENT", "DECLINE") for a in actions),
        # The full number is for who answers (the hosts) and the asker's own side; a leader reads it masked.
        "contact_phone": question.contact_phone if roles else mask_phone(question.contact_phone),
        "stray_errors": stray_errors(failed, actions),
        "events": question.events.all(),
    }, status=status)


def live_question(request, pk: int):
    return _question_page(request, _question(request, pk))


@require_POST
def live_question_act(request, pk: int):
    question = _question(request, pk)
    form = QuestionActionForm(request.POST, question=question)
    if apply_step(request, QUESTION_WORKFLOW, form, lambda name, d: services.question_transition(
            question=question, name=name, actor=request.user, reason=d.get("reason") or "", **form.params())):
        question.refresh_from_db()
        if question.appeal_id and perms.ASKER in perms.question_roles(request.user, question):
            messages.info(request, f"已转为企业诉求，诉求编号 {question.appeal.number}，可在“企业诉求”中跟进办理进度。")
        return redirect("live_question", pk=pk)
    return _question_page(request, _question(request, pk), failed=form, status=400)


@require(perms.can_view_own_questions)
def live_mine(request):
    """我的提问: the questions of the user and of their firms, with each one's outcome (newest first)."""
    qs = selectors.own_questions(user=request.user)
    page, query = paginate(request, qs, per_page=20)
    return render_page(request, "live/mine.html", "live/partials/mine_table.html", {
        "page": page, "query": query, "counts": selectors.outcome_counts(qs)})
