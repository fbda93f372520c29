"""The registry in the administration: a firm's record and its land, qualifications, contacts and
account bindings decide evaluations, policy matches and who acts for the firm, so every change
here goes through `enterprises.services` / `accounts.services` and is audited."""

from django.contrib import admin

from gaoxin.accounts.admin import MembershipWrites
from gaoxin.accounts.models import EnterpriseMembership
from gaoxin.core.admin import ReadOnlyAdmin, ServiceAdmin, ServiceWrites

from . import services
from .models import Contact, Enterprise, Industry, LandParcel, ParkArea, Qualification


class RecordWrites(ServiceWrites):
    """A parcel, qualification or contact added, changed or removed is one audited change of the firm."""

    extra = 0

    def create_object(self, request, obj, values, form):
        return services.enterprise_record_add(model=self.model, values=values, actor=request.user)

    def update_object(self, request, obj, changes):
        services.enterprise_record_update(record=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        services.enterprise_record_remove(record=obj, actor=request.user)


class ParcelInline(RecordWrites, admin.TabularInline):
    model = LandParcel


class QualificationInline(RecordWrites, admin.TabularInline):
    model = Qualification


class ContactInline(RecordWrites, admin.TabularInline):
    model = Contact


class FirmMembershipInline(MembershipWrites, admin.TabularInline):
    model = EnterpriseMembership
    fields = ["user", "is_manager"]
    autocomplete_fields = ["user"]
    extra = 0
    verbose_name = verbose_name_plural = "绑定账号"


@admin.register(Enterprise)
class EnterpriseAdmin(ServiceAdmin):
    """A firm's record (`enterprise_create` / `enterprise_update`) and its rows, one audited change
    each. Not deleted here: a firm that leaves is marked 迁出 or 注销 in 经营状态, since cases,
    evaluations and policy applications keep referring to it."""

    list_display = ["name", "uscc", "industry", "size_group", "park_area"]
    list_filter = ["size_group", "industry__section", "park_area"]
    search_fields = ["name", "uscc"]
    list_select_related = ["industry", "park_area"]
    autocomplete_fields = ["industry"]
    inlines = [ParcelInline, QualificationInline, ContactInline, FirmMembershipInline]

    def has_delete_permission(self, request, obj=None):
        return False

    def create_object(self, request, obj, values, form):
        return services.enterprise_create(actor=request.user, values=values)

    def update_object(self, request, obj, changes):
        services.enterprise_update(enterprise=obj, actor=request.user, changes=changes)


@admin.register(Industry)
class IndustryAdmin(ReadOnlyAdmin):
    """Read-only: the GB/T 4754-2017 divisions are reference data loaded by a migration."""

    list_display = ["code", "section", "name"]
    search_fields = ["code", "name"]


@admin.register(ParkArea)
class ParkAreaAdmin(ReadOnlyAdmin):
    """Read-only: park areas come with the registry workbook (an unknown name creates one), which
    is audited as a whole."""

    list_display = ["name", "code"]
    search_fields = ["name"]


admin.site.site_header = "高新区平台后台"
