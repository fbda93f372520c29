"""The list of restricted and prohibited industries is configuration kept in the administration; every change goes
through `benefits.admin_services` and is audited. Policies, facts and applications are kept on the room's pages."""

from django.contrib import admin

from gaoxin.core.admin import ServiceAdmin

from . import admin_services
from .models import RestrictedIndustry


@admin.register(RestrictedIndustry)
class RestrictedIndustryAdmin(ServiceAdmin):
    """Rows of 限制和禁止行业 (GB/T 4754 codes), read by the rules' `restricted_industry`; one audited change each."""

    list_display = ["code", "name", "kind", "basis", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name"]

    def create_object(self, request, obj, values, form):
        return admin_services.restricted_industry_create(actor=request.user, values=values)

    def update_object(self, request, obj, changes):
        admin_services.restricted_industry_update(row=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        admin_services.restricted_industry_delete(row=obj, actor=request.user)
