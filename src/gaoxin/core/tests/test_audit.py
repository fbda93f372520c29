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


def test_events_are_sealed_into_a_hash_chain_after_commit(admin_user, django_capture_on_commit_callbacks):
    from gaoxin.core import audit_chain

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        first = audit_record(event_type="test.happened", actor=admin_user, subject=admin_user, after={"x": 1})
        second = audit_record(event_type="test.happened", actor=admin_user, subject=admin_user, after={"x": 2})
    assert len(callbacks) == 1  # one seal per transaction, however many events it wrote
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.chain_seq, second.chain_seq) == (1, 2)
    assert second.chain_hash == audit_chain.link(first.chain_hash, second)
    report = audit_chain.verify()
    assert report.ok and report.sealed == 2 and report.unsealed == 0


def test_tampering_breaks_the_chain(admin_user):
    """The ORM refuses changes; SQL that goes around it (here: the base manager) is caught by verify()."""
    from django.db import connection

    from gaoxin.core import audit_chain

    if connection.vendor == "postgresql":
        pytest.skip("PostgreSQL refuses the tampering itself (test_database_refuses_changes_on_postgresql)")
    events = [audit_record(event_type="test.happened", actor=admin_user, subject=admin_user, after={"n": n})
              for n in range(3)]
    audit_chain.seal()
    assert audit_chain.verify().ok
    AuditEvent._base_manager.filter(pk=events[1].pk).update(after={"n": 99})
    report = audit_chain.verify()
    assert not report.ok and report.broken_at == 2


@pytest.mark.django_db(transaction=True)
def test_database_refuses_changes_on_postgresql(admin_user):
    from django.db import connection, transaction
    from django.db.utils import DatabaseError

    if connection.vendor != "postgresql":
        pytest.skip("the append-only trigger is PostgreSQL's (SQLite relies on the ORM and the hash chain)")
    from gaoxin.core import audit_chain

    event = audit_record(event_type="test.happened", actor=admin_user, subject=admin_user)
    audit_chain.seal()
    for attempt in (lambda: AuditEvent._base_manager.filter(pk=event.pk).update(event_type="changed"),
                    lambda: AuditEvent._base_manager.filter(pk=event.pk).delete(),
                    lambda: AuditEvent._base_manager.filter(pk=event.pk).update(chain_hash="0" * 64)):
        with pytest.raises(DatabaseError, match="审计日志只能追加"), transaction.atomic():
            attempt()
    assert AuditEvent.objects.get(pk=event.pk).event_type == "test.happened"


def test_verify_command_reports_in_chinese(admin_user, capsys):
    from django.core.management import call_command

    audit_record(event_type="test.happened", actor=admin_user, subject=admin_user)
    call_command("verify_audit", "--seal")
    out = capsys.readouterr().out
    assert "已封存 1 条" in out and "审计日志完整：1 条" in out
