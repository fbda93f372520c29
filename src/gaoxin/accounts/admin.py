"""Accounts in the administration: users, org units, firm bindings and posts decide who sees what,
so every change here goes through `accounts.services` and is audited (one event per change)."""

import copy
import functools

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.admin import sensitive_post_parameters_m
from django.contrib.auth.forms import AdminPasswordChangeForm, AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from rest_framework.authtoken import admin as token_admin
from rest_framework.authtoken.models import TokenProxy

from gaoxin.core.admin import ReadOnlyAdmin, ServiceAdmin, ServiceWrites

from . import services
from .models import EnterpriseMembership, OrgAssignment, OrgUnit, User

# Access comes from the platform's roles (accounts.permissions), not from Django groups and
# permissions, which only this administration would read: they are not offered here, so nobody
# gains rights through an unaudited back door.
admin.site.unregister(Group)


class MembershipWrites(ServiceWrites):
    """A binding added, changed or removed on a user's or a firm's page is one audited change."""

    def create_object(self, request, obj, values, form):
        return services.membership_grant(user=values["user"], enterprise=values["enterprise"],
                                         is_manager=values.get("is_manager", False), actor=request.user)

    def update_object(self, request, obj, changes):
        services.membership_update(membership=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        services.membership_revoke(membership=obj, actor=request.user)


class MembershipInline(MembershipWrites, admin.TabularInline):
    model = EnterpriseMembership
    fields = ["enterprise", "is_manager"]
    autocomplete_fields = ["enterprise"]
    extra = 0


class AssignmentWrites(ServiceWrites):
    """A post added, changed or removed is one audited change."""

    def create_object(self, request, obj, values, form):
        return services.assignment_add(org_unit=values["org_unit"], user=values["user"], position=values["position"],
                                       since=values.get("since"), actor=request.user)

    def update_object(self, request, obj, changes):
        services.assignment_update(assignment=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        services.assignment_remove(assignment=obj, actor=request.user)


class UserAssignmentInline(AssignmentWrites, admin.TabularInline):
    model = OrgAssignment
    fields = ["org_unit", "position", "since"]
    extra = 0


class UnitAssignmentInline(AssignmentWrites, admin.TabularInline):
    model = OrgAssignment
    fields = ["user", "position", "since"]
    autocomplete_fields = ["user"]
    extra = 0


class UserCreateForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "full_name", "role", "org_unit", "phone")


class UserEditForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = ("username", "full_name", "email", "phone", "role", "org_unit", "is_active", "is_staff",
                  "is_superuser")


class AuditedPasswordChangeForm(AdminPasswordChangeForm):
    """Sets the password through `user_set_password`, which audits that it was set (never the password)."""

    def __init__(self, user, *args, actor, **kwargs):
        self.actor = actor
        super().__init__(user, *args, **kwargs)

    def save(self, commit=True):
        usable = self.cleaned_data["set_usable_password"]
        services.user_set_password(user=self.user, actor=self.actor,
                                   password=self.cleaned_data["password1"] if usable else None)
        return self.user


@admin.register(User)
class UserAdmin(ServiceAdmin, BaseUserAdmin):
    """Accounts: opening one (`user_create`), its fields incl. role, unit and active flag
    (`user_update`), its password (`user_set_password`, on the password page), deletion
    (`user_delete`; an account that ever acted is protected by the audit log: deactivate it), its firm
    bindings and posts (inlines, one audited change per row). Firm bindings and posts are added once
    the account exists, on its page."""

    list_display = ["username", "full_name", "role", "org_unit", "is_active"]
    list_filter = ["role", "org_unit__kind", "is_active"]
    search_fields = ["username", "full_name"]
    form = UserEditForm
    add_form = UserCreateForm
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("平台信息", {"fields": ("role", "org_unit")}),
        ("状态与后台权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("重要日期", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "usable_password", "password1", "password2")}),
        ("平台信息", {"fields": ("full_name", "role", "org_unit", "phone")}),
    )
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ()
    inlines = [MembershipInline, UserAssignmentInline]

    def get_inline_instances(self, request, obj=None):
        return super().get_inline_instances(request, obj) if obj is not None else []

    @sensitive_post_parameters_m
    def user_change_password(self, request, id, form_url=""):
        # Django's view builds `self.change_password_form(user, data)`: a copy of this admin for this
        # request hands the form the administrator, who is the audit event's actor.
        this_request = copy.copy(self)
        this_request.change_password_form = functools.partial(AuditedPasswordChangeForm, actor=request.user)
        return BaseUserAdmin.user_change_password(this_request, request, id, form_url)

    def create_object(self, request, obj, values, form):
        cd = form.cleaned_data
        return services.user_create(
            actor=request.user, username=values["username"],
            password=cd["password1"] if cd.get("set_usable_password", True) else None,
            **{k: v for k, v in values.items() if k in ("full_name", "role", "org_unit", "phone")},
        )

    def update_object(self, request, obj, changes):
        services.user_update(user=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        services.user_delete(user=obj, actor=request.user)


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = "__all__"

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if self.instance.pk and services.org_unit_is_within(parent, self.instance):
            raise forms.ValidationError("上级机构不能是本机构或其下级机构")
        return parent


@admin.register(OrgUnit)
class OrgUnitAdmin(ServiceAdmin):
    """Org units (`org_unit_create` / `_update` / `_delete`; a unit with members or sub-units is
    protected) and the posts in them (a station's 1+1+X team, liaisons): one audited change each."""

    form = OrgUnitForm
    list_display = ["name", "kind", "code", "is_active"]
    list_filter = ["kind"]
    search_fields = ["name", "code"]
    inlines = [UnitAssignmentInline]

    def create_object(self, request, obj, values, form):
        return services.org_unit_create(actor=request.user, values=values)

    def update_object(self, request, obj, changes):
        services.org_unit_update(org_unit=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        services.org_unit_delete(org_unit=obj, actor=request.user)


@admin.register(OrgAssignment)
class OrgAssignmentAdmin(AssignmentWrites, ServiceAdmin):
    """Posts, one audited change each (`assignment_add` / `_update` / `_remove`)."""

    list_display = ["org_unit", "position", "user"]
    list_filter = ["position", "org_unit"]
    autocomplete_fields = ["user", "org_unit"]


@admin.register(EnterpriseMembership)
class EnterpriseMembershipAdmin(MembershipWrites, ServiceAdmin):
    """Firm bindings, one audited change each (`membership_grant` / `_update` / `_revoke`)."""

    list_display = ["user", "enterprise", "is_manager", "created_at"]
    list_filter = ["is_manager"]
    search_fields = ["user__username", "user__full_name", "enterprise__name", "enterprise__uscc"]
    autocomplete_fields = ["user", "enterprise"]


# --- keys and lock-outs: other packages' pages, replaced by audited or read-only ones ------------

for _model in (TokenProxy, AccessAttempt, AccessLog, AccessFailureLog):
    if admin.site.is_registered(_model):  # registered on importing the packages' admin modules above
        admin.site.unregister(_model)


@admin.register(TokenProxy)
class ApiTokenAdmin(ServiceAdmin, token_admin.TokenAdmin):
    """API keys (DRF tokens): whoever holds one acts as its account, so issuing (`api_token_issue`)
    and revoking (`api_token_revoke`) are audited, never the key itself. A key is not moved to
    another account: revoke it and issue a new one."""

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)

    def create_object(self, request, obj, values, form):
        return services.api_token_issue(user=values["user"], actor=request.user)

    def delete_object(self, request, obj):
        services.api_token_revoke(user=obj.user, actor=request.user)


@admin.register(AccessAttempt)
class LockoutAdmin(ServiceAdmin, axes_admin.AccessAttemptAdmin):
    """Failed log-ins per user name and address (django-axes). Deleting a row lets a locked-out
    person try again before the cool-off ends: audited (`login_lockout_clear`). The package's
    "clean up expired attempts" action stays: expired rows lock nobody out."""

    def has_change_permission(self, request, obj=None):
        return False

    def delete_object(self, request, obj):
        services.login_lockout_clear(attempt=obj, actor=request.user)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin, axes_admin.AccessLogAdmin):
    """Read-only: the record of log-ins and log-outs is evidence, not data to edit."""


@admin.register(AccessFailureLog)
class AccessFailureLogAdmin(ReadOnlyAdmin, axes_admin.AccessFailureLogAdmin):
    """Read-only: the record of failed log-ins is evidence, not data to edit."""
