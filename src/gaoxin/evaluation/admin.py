"""The policy table and tier history entered by hand are configuration a zone maintains in the
administration; every change goes through `evaluation.admin_services` and is audited."""

from django import forms
from django.contrib import admin

from gaoxin.core.admin import ServiceAdmin

from . import admin_services
from .models import TierHistory, TierPolicy


class TierPolicyForm(forms.ModelForm):
    class Meta:
        model = TierPolicy
        fields = "__all__"

    def _post_clean(self):
        super()._post_clean()
        for field, message in admin_services.tier_policy_problems(self.instance).items():
            if field not in self.errors:
                self.add_error(field, message)


@admin.register(TierPolicy)
class TierPolicyAdmin(ServiceAdmin):
    """Rows of the differentiated-policy table (§13), one audited change each
    (`tier_policy_create` / `_update` / `_delete`)."""

    form = TierPolicyForm
    list_display = ["tier", "consecutive_years", "lever", "value", "unit", "stacking", "effective_from",
                    "effective_to", "active"]
    list_filter = ["tier", "lever", "active"]

    def create_object(self, request, obj, values, form):
        return admin_services.tier_policy_create(actor=request.user, values=values)

    def update_object(self, request, obj, changes):
        admin_services.tier_policy_update(policy=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        admin_services.tier_policy_delete(policy=obj, actor=request.user)


class TierHistoryForm(forms.ModelForm):
    tier = forms.ChoiceField(label="等级", choices=[(t, t) for t in admin_services.TIERS])

    class Meta:
        model = TierHistory
        fields = ["enterprise", "year", "tier"]


@admin.register(TierHistory)
class TierHistoryAdmin(ServiceAdmin):
    """A firm's final tier of a year before Gaoxin, entered by hand (`tier_history_create` /
    `_update` / `_delete`, one audited change each). Rows from a release or a workbook import are
    shown only: a release is changed by the cycle's correction and re-release, an import by
    importing the year again."""

    form = TierHistoryForm
    list_display = ["enterprise", "year", "tier", "release_version", "source"]
    list_filter = ["year", "tier", "source"]
    search_fields = ["enterprise__name", "enterprise__uscc"]
    raw_id_fields = ["enterprise"]

    def get_readonly_fields(self, request, obj=None):
        return ["cycle", "release_version", "source"] if obj is not None else []

    def get_fields(self, request, obj=None):
        return ["enterprise", "year", "tier", *self.get_readonly_fields(request, obj)]

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or obj.source == admin_services.MANUAL)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or obj.source == admin_services.MANUAL)

    def create_object(self, request, obj, values, form):
        return admin_services.tier_history_create(actor=request.user, **values)

    def update_object(self, request, obj, changes):
        admin_services.tier_history_update(row=obj, actor=request.user, changes=changes)

    def delete_object(self, request, obj):
        admin_services.tier_history_delete(row=obj, actor=request.user)
