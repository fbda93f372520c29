from django.contrib import admin

from gaoxin.core.admin import ReadOnlyAdmin

from .models import Terminal, Visit


@admin.register(Terminal)
class TerminalAdmin(ReadOnlyAdmin):
    """Read-only: a terminal is registered with `gaoxin kiosk_terminal` (the key is shown once and only its digest
    kept), enabled or disabled through `kiosk.services.terminal_set_active`; each change is one audit event."""

    list_display = ("name", "location", "is_active", "created_at")
    exclude = ("key_hash",)


@admin.register(Visit)
class VisitAdmin(ReadOnlyAdmin):
    """Read-only: visits are written only by the kiosk's log-in and log-out (`kiosk.services.visit_start` /
    `visit_end`), each audited; the ID number is kept masked."""

    list_display = ("terminal", "person_name", "id_number_masked", "started_at", "ended_at", "end_reason")
    list_filter = ("terminal", "end_reason")
