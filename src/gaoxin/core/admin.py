from django.contrib import admin

from .models import AuditEvent, CalendarDay, CalendarYear, Job


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "event_type", "actor_repr", "subject_repr"]
    list_filter = ["event_type"]
    search_fields = ["subject_repr", "request_id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = ["year", "confirmed", "source_document"]
    readonly_fields = ["year", "confirmed", "source_document", "confirmed_by", "confirmed_at"]

    def has_change_permission(self, request, obj=None):
        return False  # edits go through the calendar page so they are audited


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "is_workday", "kind", "name"]
    list_filter = ["kind", "is_workday"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = ["id", "kind", "status", "done", "total", "created_by", "created_at"]
    list_filter = ["kind", "status"]
