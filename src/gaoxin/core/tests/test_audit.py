import pytest

from gaoxin.core.context import request_context
from gaoxin.core.models import AuditEvent
from gaoxin.core.services import audit_record


@pytest.fixture
def event(admin_user):
    return audit_record(event_type="test.happened", actor=admin_user, subject=admin_user, after={"x": 1})


def test_audit_record_fields(event, admin_user):
    assert event.subject_type == "accounts.user" and event.subject_id == str(admin_user.pk)
    assert event.actor == admin_user and event.after == {"x": 1}


def test_audit_events_cannot_be_updated_or_deleted(event):
    event.event_type = "changed"
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).update(event_type="changed")
    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.bulk_update([event], ["event_type"])
    assert AuditEvent.objects.get(pk=event.pk).event_type == "test.happened"


def test_request_id_is_recorded(admin_user):
    token = request_context.set({"request_id": "req-123", "ip": "10.0.0.1"})
    try:
        ev = audit_record(event_type="test", actor=admin_user, subject_type="x", subject_id=1)
    finally:
        request_context.reset(token)
    assert ev.request_id == "req-123" and ev.ip_address == "10.0.0.1"


def test_audit_page_admin_only(admin_client, clerk_client, event):
    assert "test.happened" in admin_client.get("/audit/").content.decode()
    assert clerk_client.get("/audit/").status_code == 403
