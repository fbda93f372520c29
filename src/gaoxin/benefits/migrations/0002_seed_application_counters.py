"""Application numbers (政策兑现申请) now come from core.numbering's locked counter (prefix "HQ", one counter
per day) instead of count() + 1. Each day's counter starts after the applications already numbered that day,
so the first application after the upgrade cannot take a number that is already used."""

import re

from django.db import migrations

NUMBER = re.compile(r"^HQ(\d{8})(\d{5})$")


def seed_counters(apps, schema_editor):
    Model = apps.get_model("benefits", "BenefitApplication")
    Counter = apps.get_model("core", "DocumentCounter")
    last: dict[str, int] = {}
    for number in Model.objects.filter(number__startswith="HQ").values_list("number", flat=True).iterator():
        match = NUMBER.match(number)
        if match:
            last[match[1]] = max(last.get(match[1], 0), int(match[2]))
    for period, sequence in last.items():
        counter, _ = Counter.objects.get_or_create(prefix="HQ", period=period)
        if counter.last < sequence:
            counter.last = sequence
            counter.save(update_fields=["last"])


class Migration(migrations.Migration):

    dependencies = [
        ("benefits", "0001_initial"),
        ("core", "0003_document_counter"),
    ]

    operations = [migrations.RunPython(seed_counters, migrations.RunPython.noop)]
