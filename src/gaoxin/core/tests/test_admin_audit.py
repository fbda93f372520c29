"""The administration (/django-admin/) writes only through audited services or not at all: every
registered page is a `ServiceAdmin` (with audited inlines) or a `ReadOnlyAdmin`, says why in its
docstring, and read-only pages refuse every write."""

import datetime as dt

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse

from gaoxin.accounts.models import User
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.admin import ReadOnlyAdmin, ServiceAdmin, ServiceWrites
from gaoxin.core.changes import apply_changes, snapshot
from gaoxin.core.models import AuditEvent, CalendarDay, CalendarYear, Job
from gaoxin.core.services import audit_record
from gaoxin.core.tests.admin_forms import events_after, last_event_id


def _refuses_writes(model_admin, request) -> bool:
    return not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)
                or model_admin.has_delete_permission(request))


def test_every_page_is_audited_or_read_only_and_says_why(rf):
    request = rf.get("/django-admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    for model, model_admin in admin.site._registry.items():
        if not isinstance(model_admin, ServiceAdmin | ReadOnlyAdmin):
            # Another package's page left as it is must itself refuse every write (django-tasks' results).
            assert _refuses_writes(model_admin, request), f"{model._meta.label}: unaudited admin"
            continue
        assert (type(model_admin).__doc__ or "").strip(), f"{type(model_admin).__name__}: say why in a docstring"
        if isinstance(model_admin, ServiceAdmin):
            for inline in model_admin.inlines:
                assert issubclass(inline, ServiceWrites), f"{inline.__name__}: inline rows would be unaudited"


@pytest.fixture
def job(admin_user):
    return Job.objects.create(kind="registry_import", created_by=admin_user)


@pytest.fixture
def read_only_rows(admin_user, job):
    event = audit_record(event_type="calendar.year_added", actor=admin_user, subject_type="core.calendaryear",
                         subject_id="2026", after={"year": 2026})
    return {AuditEvent: event, CalendarYear: CalendarYear.objects.get(year=2026),
            CalendarDay: CalendarDay.objects.get(date=dt.date(2026, 1, 1)), Job: job}


@pytest.mark.parametrize("model", [AuditEvent, CalendarYear, CalendarDay, Job], ids=lambda m: m.__name__)
def test_read_only_pages_refuse_every_write(admin_client, read_only_rows, model):
    obj = read_only_rows[model]
    name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200  # may look
    last, count = last_event_id(), model.objects.count()
    assert admin_client.post(reverse(f"{name}_change", args=[obj.pk]), {"kind": "x"}).status_code == 403
    assert admin_client.post(reverse(f"{name}_add"), {"kind": "x"}).status_code == 403
    assert admin_client.post(reverse(f"{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    response = admin_client.post(reverse(f"{name}_changelist"), {
        "action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert response.status_code in (200, 302, 403)  # no such action: the list is shown again
    assert model.objects.count() == count and model.objects.filter(pk=obj.pk).exists()
    assert events_after(last) == []


# --- snapshots ----------------------------------------------------------------------------------

def test_snapshots_mask_personal_data_and_refuse_passwords(db):
    user = UserFactory.build(phone="13812345678", id_number="430302199001011234", full_name="张三")
    assert snapshot(user, ["full_name", "phone", "id_number"]) == {
        "full_name": "张三", "phone": "138****5678", "id_number": "430302********1234"}
    with pytest.raises(ValueError):
        snapshot(user, ["password"])


def test_a_phone_change_counts_even_where_its_masked_form_looks_the_same(db):
    user = UserFactory.build(phone="13812345678")
    before, after = apply_changes(user, {"phone": "13899995678"}, allowed=["phone"])
    assert before == after == {"phone": "138****5678"}  # changed, though it reads the same masked
    assert apply_changes(user, {"phone": "13899995678"}, allowed=["phone"]) == ({}, {})


def test_changes_outside_the_allowed_fields_are_refused(db):
    user = UserFactory.build()
    with pytest.raises(ValidationError):
        apply_changes(user, {"password": "x"}, allowed=["full_name"])
    assert isinstance(user, User)
