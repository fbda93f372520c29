"""The administration (/django-admin/) for the zone's superusers. Two kinds of page:

- `ServiceAdmin` (its inlines mix in `ServiceWrites`): every add, change and delete (the delete
  action included) calls the room's services, so each one is validated by the service, runs in a
  transaction and writes exactly one audit event (an inline row added, changed or removed is one
  change). A page says which services in `create_object` / `update_object` / `delete_object`.
- `ReadOnlyAdmin`: looking only. The room's own pages and services are the way to change the data,
  since those pages check the rules and write the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.db.models import Model

from .models import AuditEvent, CalendarDay, CalendarYear, Job, ScheduledRun, WorkerHeartbeat


def adopt(obj: Model, saved: Model) -> None:
    """Make the admin's form instance the row a service saved (pk and every stored value), so the
    admin's messages, history and redirect name the saved row."""
    for field in obj._meta.concrete_fields:
        setattr(obj, field.attname, getattr(saved, field.attname))
    obj._state.adding = False
    obj._state.db = saved._state.db


def _field_names(obj: Model, form_fields) -> list[str]:
    return [f.name for f in obj._meta.concrete_fields if f.name in form_fields and not f.primary_key]


def form_values(obj: Model, form) -> dict[str, Any]:
    """The model fields a (validated) form put on `obj`, for a create service."""
    return {name: getattr(obj, name) for name in _field_names(obj, form.fields)}


def form_changes(obj: Model, changed_data) -> dict[str, Any]:
    """The changed model fields of a (validated) form, with the values it put on `obj`."""
    return {name: getattr(obj, name) for name in _field_names(obj, changed_data)}


class ServiceWrites:
    """The three writes of a page or inline, each a call of a service with the administrator as actor.
    `values`/`changes` are the model fields the validated form set; `form` is None for an inline row."""

    def create_object(self, request, obj: Model, values: dict[str, Any], form) -> Model:
        raise NotImplementedError

    def update_object(self, request, obj: Model, changes: dict[str, Any]) -> None:
        raise NotImplementedError

    def delete_object(self, request, obj: Model) -> None:
        raise NotImplementedError


class ServiceAdmin(ServiceWrites, admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        if change:
            changes = form_changes(obj, form.changed_data)
            if changes:
                self.update_object(request, obj, changes)
        else:
            adopt(obj, self.create_object(request, obj, form_values(obj, form), form))

    def delete_model(self, request, obj):
        self.delete_object(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():  # the action deletes all of the selection or none
            for obj in queryset:
                self.delete_object(request, obj)

    def save_related(self, request, form, formsets, change):
        if any(f.many_to_many for f in self.model._meta.get_fields() if f.name in form.fields):
            raise ImproperlyConfigured(f"{type(self).__name__}: many-to-many fields would be saved without audit")
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        inlines = [i for i in self.get_inline_instances(request, form.instance) if i.model is formset.model]
        if len(inlines) != 1 or not isinstance(inlines[0], ServiceWrites):
            raise ImproperlyConfigured(f"{type(self).__name__}: inline of {formset.model.__name__} has no services")
        inline = inlines[0]
        formset.save(commit=False)  # sorts the rows into new, changed and deleted; writes nothing
        for obj in formset.deleted_objects:
            inline.delete_object(request, obj)
        for obj, changed in formset.changed_objects:
            changes = form_changes(obj, changed)
            if changes:
                inline.update_object(request, obj, changes)
        for obj in formset.new_objects:
            values = {name: getattr(obj, name) for name in _field_names(obj, formset.forms[0].fields)}
            adopt(obj, inline.create_object(request, obj, values, None))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Look, do not touch: no add, change or delete here (and so no delete action)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline:
    """Mix into an inline (before TabularInline) that only shows rows."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """Append-only: written by `audit_record` in the transaction of each change, never edited."""

    list_display = ["created_at", "event_type", "actor_repr", "subject_repr"]
    list_filter = ["event_type"]
    search_fields = ["subject_repr", "request_id"]


@admin.register(CalendarYear)
class CalendarYearAdmin(ReadOnlyAdmin):
    """Read-only: years are added and confirmed on the calendar page (/calendar/), which creates
    the year's days and audits each step."""

    list_display = ["year", "confirmed", "source_document"]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    """Read-only: days are set on the calendar page, audited (`calendar_day_set`)."""

    list_display = ["date", "is_workday", "kind", "name"]
    list_filter = ["kind", "is_workday"]


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Read-only: a job's progress is written by its task; a failed job is re-run from its page."""

    list_display = ["id", "kind", "status", "done", "total", "created_by", "created_at", "heartbeat_at"]
    list_filter = ["kind", "status"]


@admin.register(ScheduledRun)
class ScheduledRunAdmin(ReadOnlyAdmin):
    """Read-only: each row is written by `gaoxin run_scheduled` (daily, from a systemd timer or cron), so the
    administrator sees when each sweep last ran, whether it succeeded and what it said."""

    list_display = ["name", "label", "started_at", "finished_at", "succeeded", "last_success_at", "overdue", "runs"]
    readonly_fields = ["name", "started_at", "finished_at", "succeeded", "last_success_at", "runs", "output"]

    @admin.display(description="说明")
    def label(self, obj):
        return obj.label

    @admin.display(description="超过一天未成功运行", boolean=True)
    def overdue(self, obj):
        from django.utils import timezone

        return obj.last_success_at is None or timezone.now() - obj.last_success_at > dt.timedelta(hours=26)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(ReadOnlyAdmin):
    """Read-only: each running `gaoxin worker` writes its own row (core.ops.worker_heartbeat); /readyz reads them."""

    list_display = ["worker_id", "host", "pid", "started_at", "seen_at"]
