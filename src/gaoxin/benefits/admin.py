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

    REMATCH = "已按新的清单在后台重新匹配全部已发布的政策，完成后政策页和企业的政策清单随之更新。"

    def create_object(self, request, obj, values, form):
        row = admin_services.restricted_industry_create(actor=request.user, values=values)
        self.message_user(request, self.REMATCH)
        return row

    def update_object(self, request, obj, changes):
        admin_services.restricted_industry_update(row=obj, actor=request.user, changes=changes)
        self.message_user(request, self.REMATCH)

    def delete_object(self, request, obj):
        admin_services.restricted_industry_delete(row=obj, actor=request.user)
        self.message_user(request, self.REMATCH)
