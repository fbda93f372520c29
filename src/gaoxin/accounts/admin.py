from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import EnterpriseMembership, OrgAssignment, OrgUnit, User


class MembershipInline(admin.TabularInline):
    model = EnterpriseMembership
    autocomplete_fields = ["enterprise"]
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "org_unit", "is_active"]
    list_filter = ["role", "org_unit__kind", "is_active"]
    search_fields = ["username", "full_name"]
    fieldsets = BaseUserAdmin.fieldsets + (("平台信息", {"fields": ("full_name", "role", "org_unit", "phone")}),)
    inlines = [MembershipInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "code", "is_active"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]


@admin.register(OrgAssignment)
class OrgAssignmentAdmin(admin.ModelAdmin):
    list_display = ["org_unit", "position", "user"]
    list_filter = ["position", "org_unit"]
