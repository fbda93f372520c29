# The inbox is the kernel's (core.Notification, written by core.notify.notify): every message of the room's
# old Notification is copied there with its time, read state and SMS record; a message about a case links to
# the case page; a sweep reminder keeps its dedupe key, now the day and the case number ("20261130:GX…"),
# so a sweep run again today sends no second reminder. Then the room's own table goes.

from django.db import migrations

BATCH = 2000


def _copy(source, target, rows) -> None:
    """bulk_create with the original creation times (auto_now_add would stamp them now)."""
    field = target._meta.get_field("created_at")
    field.auto_now_add, saved = False, field.auto_now_add
    try:
        target.objects.bulk_create(rows, batch_size=BATCH)
    finally:
        field.auto_now_add = saved


def inbox_to_core(apps, schema_editor):
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("core", "Notification")
    rows = []
    for n in Old.objects.select_related("case").order_by("id").iterator(chunk_size=BATCH):
        number = n.case.number if n.case_id else ""
        rows.append(New(
            user_id=n.user_id, phone=n.phone, kind=n.kind, message=n.message, created_at=n.created_at,
            read_at=n.read_at, delivered=n.delivered, url=f"/cases/{number}/" if number else "",
            key=f"{n.key}:{number}" if n.key and number else n.key))
        if len(rows) >= BATCH:
            _copy(Old, New, rows)
            rows = []
    if rows:
        _copy(Old, New, rows)


def inbox_back(apps, schema_editor):
    """Messages about a case go back with their case; the others as they are."""
    Old = apps.get_model("cases", "Notification")
    New = apps.get_model("core", "Notification")
    Case = apps.get_model("cases", "Case")
    cases = dict(Case.objects.values_list("number", "pk"))
    rows = []
    for n in New.objects.order_by("id").iterator(chunk_size=BATCH):
        number = n.url.removeprefix("/cases/").rstrip("/") if n.url.startswith("/cases/") else ""
        key = n.key.split(":", 1)[0] if number and ":" in n.key else n.key
        rows.append(Old(user_id=n.user_id, case_id=cases.get(number), phone=n.phone, kind=n.kind[:30],
                        message=n.message[:300], created_at=n.created_at, read_at=n.read_at, delivered=n.delivered,
                        key=key[:60]))
    _copy(New, Old, rows)


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_case_numbers_on_the_kernel_counter'),
        ('core', '0004_notification'),
    ]

    operations = [
        migrations.RunPython(inbox_to_core, inbox_back),
        migrations.DeleteModel(
            name='Notification',
        ),
    ]
