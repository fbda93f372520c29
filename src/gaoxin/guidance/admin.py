from django.contrib import admin

from gaoxin.core.admin import ReadOnlyAdmin

from .models import FaqEntry, GuidanceSession


@admin.register(GuidanceSession)
class GuidanceSessionAdmin(ReadOnlyAdmin):
    """Read-only: sessions are booked by `guidance.services.session_book` and moved by the workflow's steps
    (`session_transition`), each one audit event; the pages and the API are their callers."""

    list_display = ("number", "item", "starts_at", "status", "outcome")
    list_filter = ("status", "outcome")
    exclude = ("contact_phone",)


@admin.register(FaqEntry)
class FaqEntryAdmin(ReadOnlyAdmin):
    """Read-only: FAQ entries are written by `guidance.services.faq_create` / `faq_update` / `faq_set_status` from the
    FAQ pages (or a session's 新增常见问题 outcome), each one audit event."""

    list_display = ("question", "item", "status", "updated_at")
    list_filter = ("status",)
