"""The zone's tier table and titles are configuration kept in the administration; every change goes through
`talent.admin_services` and is audited. The registry itself, recognitions and rounds are kept on the room's pages."""

from django.contrib import admin

from gaoxin.core.admin import ServiceAdmin

from . import admin_services
from .models import TalentTier, TalentTitle


class ConfigAdmin(ServiceAdmin):
    def create_object(self, request, obj, values, form):
        return admin_services.config_create(model=self.model, actor=request.user, values=values)

    def update_object(self, request, obj, changes):
        admin_services.config_update(row=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        admin_services.config_delete(row=obj, actor=request.user)


@admin.register(TalentTier)
class TalentTierAdmin(ConfigAdmin):
    """Rows of the tier table (人才层次), one audited change each (`config_create` / `_update` / `_delete`)."""

    list_display = ["code", "name", "rank", "is_active"]
    list_filter = ["is_active"]


@admin.register(TalentTitle)
class TalentTitleAdmin(ConfigAdmin):
    """The titles the zone confers (人才称号) and their default validity, one audited change each."""

    list_display = ["name", "issuer", "validity_years", "is_active"]
    list_filter = ["is_active"]
