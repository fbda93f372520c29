"""Editions and their rules are kept on the room's pages (each change one audited service call); the administration
shows them. Prior awards (历届获奖, counted against the award limit) are added here through `prior_award_add`."""

from django.contrib import admin

from gaoxin.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin

from . import services
from .models import AwardLevel, Edition, PriorAward, Stage, Track


class TrackInline(ReadOnlyInline, admin.TabularInline):
    model = Track


class StageInline(ReadOnlyInline, admin.TabularInline):
    model = Stage


class AwardLevelInline(ReadOnlyInline, admin.TabularInline):
    model = AwardLevel


@admin.register(Edition)
class EditionAdmin(ReadOnlyAdmin):
    """Read-only: editions, tracks, stages and award levels are created and changed on the science bureau's pages
    (/competitions/), each change one audited service call."""

    list_display = ["name", "year", "status", "revenue_cap", "award_limit"]
    inlines = [TrackInline, StageInline, AwardLevelInline]


@admin.register(PriorAward)
class PriorAwardAdmin(ServiceAdmin):
    """Added once (audited); a wrong row is a data error to raise with the bureau, not edited here."""

    list_display = ["enterprise", "year", "edition_name", "level", "national_top3"]
    raw_id_fields = ["enterprise"]
    fields = ["enterprise", "year", "edition_name", "group", "level", "national_top3"]

    def create_object(self, request, obj, values, form):
        return services.prior_award_add(actor=request.user, **values)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
