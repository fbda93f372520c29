"""Reads of 云直播, each starting from the public list or a permission scoper; lists read their related rows and
counts in a constant number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from . import permissions as perms
from .models import ANSWERED, Chapter, LiveSession, LiveStatus, Question, QuestionStatus

TABS = {"upcoming": "预告与直播", "replay": "回放"}


# A question its asker withdrew before the answer is not counted (as on the dashboard's 云直播提问).
COUNTED = ~Q(questions__status=QuestionStatus.WITHDRAWN)


def _with_counts(qs: QuerySet) -> QuerySet:
    return qs.annotate(n_questions=Count("questions", filter=COUNTED, distinct=True),
                       n_answered=Count("questions", filter=Q(questions__status__in=ANSWERED), distinct=True))


def public_sessions(*, tab: str = "upcoming") -> QuerySet:
    """The schedule (预告 and 直播中, soonest first) or the replays (回放已发布, the latest held first), with their
    chapters and question counts."""
    qs = LiveSession.objects.select_related("department").prefetch_related(
        Prefetch("chapters", queryset=Chapter.objects.select_related("item", "policy")))
    if tab == "all":  # one session's page in the API: any but a cancelled one
        return _with_counts(qs.exclude(status=LiveStatus.CANCELLED)).order_by("-starts_at", "-pk")
    if tab == "replay":  # only what can be watched: an ended session joins once its replay is published
        return _with_counts(qs.filter(status=LiveStatus.REPLAY)).order_by(
            Coalesce("started_at", "starts_at").desc(), "-pk")
    return _with_counts(qs.filter(status__in=[LiveStatus.SCHEDULED, LiveStatus.LIVE])).order_by("starts_at", "pk")


def upcoming(*, limit: int = 3) -> list[LiveSession]:
    """The next sessions on air or announced (the public home page; one query)."""
    return list(LiveSession.objects.filter(status__in=[LiveStatus.SCHEDULED, LiveStatus.LIVE])
                .select_related("department").order_by("starts_at", "pk")[:limit])


def session_get(*, pk: int) -> LiveSession:
    """Every session's page is public (a cancelled one says so)."""
    return LiveSession.objects.select_related("department").get(pk=pk)


def chapters(session: LiveSession) -> list[Chapter]:
    return list(session.chapters.select_related("item", "policy"))


def public_answers(session: LiveSession) -> QuerySet:
    """The answered questions the moderators chose to show: the text and the answer, never who asked."""
    return (session.questions.filter(status__in=ANSWERED, public=True).select_related("answered_chapter")
            .order_by("answered_offset", "answered_at", "pk"))


def outcome_counts(qs: QuerySet) -> list[tuple[str, str, int]]:
    """(status, label, number) for every outcome, over the questions given (one query)."""
    got = dict(qs.order_by().values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    return [(value, label, got.get(value, 0)) for value, label in QuestionStatus.choices]


def own_questions(*, user, session: LiveSession | None = None) -> QuerySet:
    qs = Question.objects.filter(perms.own_questions(user)).select_related(
        "session", "enterprise", "answered_chapter", "appeal")
    if session is not None:
        qs = qs.filter(session=session)
    return qs.order_by("-asked_at", "-pk")


def managed_sessions(*, user, status: str = "") -> QuerySet:
    qs = perms.sessions_managed_by(user).select_related("department")
    if status in LiveStatus.values:
        qs = qs.filter(status=status)
    return qs.annotate(n_questions=Count("questions", filter=COUNTED, distinct=True),
                       n_pending=Count("questions", filter=Q(questions__status=QuestionStatus.PENDING),
                                       distinct=True)).order_by("-starts_at", "-pk")


def question_queue(*, user, status: str = "pending", session: int | None = None) -> QuerySet:
    """The moderation queue: the questions of the sessions the user hosts (leaders: all), oldest first."""
    qs = perms.questions_visible_to(user).select_related("session", "enterprise", "answered_chapter", "appeal")
    if status in QuestionStatus.values:
        qs = qs.filter(status=status)
    if session:
        qs = qs.filter(session_id=session)
    return qs.order_by("asked_at", "pk")


def question_get(*, user, pk: int) -> Question:
    return perms.questions_visible_to(user).select_related(
        "session__department", "enterprise", "asked_by", "answered_chapter", "answered_by", "consent_by",
        "appeal").get(pk=pk)


def item_chapters(item, *, limit: int = 5) -> list[Chapter]:
    """Chapters about a catalogue item in sessions that are announced, on air or held (one query, newest first)."""
    return list(Chapter.objects.filter(item=item).exclude(session__status=LiveStatus.CANCELLED)
                .select_related("session").order_by("-session__starts_at", "offset_seconds")[:limit])
