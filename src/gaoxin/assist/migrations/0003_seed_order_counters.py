"""Order numbers (帮代办订单) now come from core.numbering's locked counter (prefix "BD", one counter per day)
instead of count() + 1. Each day's counter starts after the orders already numbered that day, so the first
order after the upgrade cannot take a number that is already used."""

import re

from django.db import migrations

NUMBER = re.compile(r"^BD(\d{8})(\d{5})$")


def seed_counters(apps, schema_editor):
    Model = apps.get_model("assist", "AssistOrder")
    Counter = apps.get_model("core", "DocumentCounter")
    last: dict[str, int] = {}
    for number in Model.objects.filter(number__startswith="BD").values_list("number", flat=True).iterator():
        match = NUMBER.match(number)
        if match:
            last[match[1]] = max(last.get(match[1], 0), int(match[2]))
    for period, sequence in last.items():
        counter, _ = Counter.objects.get_or_create(prefix="BD", period=period)
        if counter.last < sequence:
            counter.last = sequence
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):

    dependencies = [
        ("assist", "0002_project_plan_issued_visit_attachment"),
        ("core", "0003_document_counter"),
    ]

    operations = [migrations.RunPython(seed_counters, migrations.RunPython.noop)]
