"""The policy table and imported tier history are configuration a zone maintains in the admin."""

from django.contrib import admin

from .models import TierHistory, TierPolicy


@admin.register(TierPolicy)
class TierPolicyAdmin(admin.ModelAdmin):
    list_display = ["tier", "consecutive_years", "lever", "value", "unit", "stacking", "effective_from",
                    "effective_to", "active"]
    list_filter = ["tier", "lever", "active"]


@admin.register(TierHistory)
class TierHistoryAdmin(admin.ModelAdmin):
    list_display = ["enterprise", "year", "tier", "release_version", "source"]
    list_filter = ["year", "tier", "source"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise", "cycle"]
