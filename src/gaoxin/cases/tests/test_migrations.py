"""The room's own number counter and inbox move to the kernel's: migrated back to before the move, filled as a
running zone would have them, and migrated forward again."""

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("cases", "0005_decisions_and_postal_delivery")]
AFTER = [("cases", "0007_inbox_in_core")]


def test_day_counters_and_messages_move_to_the_kernel():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    user = old.get_model("accounts", "User").objects.create(username="ent-old", role="enterprise")
    unit = old.get_model("accounts", "OrgUnit").objects.create(name="市场监督管理局", code="market-old", kind="department")
    case = old.get_model("cases", "Case").objects.create(
        number="GX202603020000741", department=unit, channel="web", status="received", applicant_type="enterprise",
        applicant_name="湖南蓝恒环保科技有限公司", received_on=dt.date(2026, 3, 2))
    old.get_model("cases", "CaseCounter").objects.create(day=dt.date(2026, 3, 2), last=741)
    Notification = old.get_model("cases", "Notification")
    told = Notification.objects.create(user=user, case=case, kind="ACCEPT", message="您的申请已受理")
    Notification.objects.filter(pk=told.pk).update(created_at="2026-03-02T09:30:00+08:00",
                                                   read_at="2026-03-02T10:00:00+08:00")
    Notification.objects.create(case=case, phone="13812345678", kind="TOLERANCE_REMINDER", message="请补齐容缺材料",
                                key="20260302", delivered=True)
    Notification.objects.create(user=user, kind="ENTERPRISE_BOUND", message="您的企业已登记")

    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    counter = new.get_model("core", "DocumentCounter").objects.get(prefix="GX", period="20260302")
    assert counter.last == 741
    inbox = {n.kind: n for n in new.get_model("core", "Notification").objects.all()}
    assert set(inbox) == {"ACCEPT", "TOLERANCE_REMINDER", "ENTERPRISE_BOUND"}
    accepted = inbox["ACCEPT"]
    assert (accepted.user_id, accepted.url, accepted.message) == (user.pk, "/cases/GX202603020000741/", "您的申请已受理")
    assert accepted.created_at.date() == dt.date(2026, 3, 2) and accepted.read_at is not None
    reminder = inbox["TOLERANCE_REMINDER"]
    assert (reminder.phone, reminder.key, reminder.delivered) == ("13812345678", "20260302:GX202603020000741", True)
    assert inbox["ENTERPRISE_BOUND"].url == "" and inbox["ENTERPRISE_BOUND"].read_at is None
    assert "cases_notification" not in connection.introspection.table_names()
    assert "cases_casecounter" not in connection.introspection.table_names()
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())  # the rest of the suite runs on the latest schema
