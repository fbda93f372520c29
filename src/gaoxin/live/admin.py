from django.contrib import admin

from gaoxin.core.admin import ReadOnlyAdmin

from .models import LiveSession, Question


@admin.register(LiveSession)
class LiveSessionAdmin(ReadOnlyAdmin):
    """Read-only: sessions are created and edited by `live.services.session_create` / `session_update`, moved by the
    session workflow's steps and given chapters by `chapter_add` / `chapter_remove`, each one audit event; the pages
    are their callers."""

    list_display = ("title", "department", "starts_at", "status")
    list_filter = ("status",)


@admin.register(Question)
class QuestionAdmin(ReadOnlyAdmin):
    """Read-only: questions are asked through `live.services.question_ask` and moderated or escalated by the
    question workflow's steps (the consent to an appeal among them), each one audit event."""

    list_display = ("text", "session", "status", "asked_at")
    list_filter = ("status",)
    exclude = ("contact_phone",)
