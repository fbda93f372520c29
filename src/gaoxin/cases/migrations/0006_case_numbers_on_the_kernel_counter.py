# Case numbers come from the kernel's locked counter (core.DocumentCounter, prefix "GX", one period per day):
# each day's last number is carried over, so a case filed today continues that day's sequence, then the
# room's own CaseCounter goes.

from django.db import migrations


def counters_to_core(apps, schema_editor):
    CaseCounter = apps.get_model("cases", "CaseCounter")
    DocumentCounter = apps.get_model("core", "DocumentCounter")
    for day, last in CaseCounter.objects.values_list("day", "last").iterator():
        counter, _ = DocumentCounter.objects.get_or_create(prefix="GX", period=f"{day:%Y%m%d}")
        if last > counter.last:
            counter.last = last
            counter.save(update_fields=["last"])


def counters_back(apps, schema_editor):
    import datetime as dt

    CaseCounter = apps.get_model("cases", "CaseCounter")
    DocumentCounter = apps.get_model("core", "DocumentCounter")
    CaseCounter.objects.bulk_create([
        CaseCounter(day=dt.datetime.strptime(period, "%Y%m%d").date(), last=last)
        for period, last in DocumentCounter.objects.filter(prefix="GX").values_list("period", "last")
        if len(period) == 8])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0005_decisions_and_postal_delivery'),
        ('core', '0003_document_counter'),
    ]

    operations = [
        migrations.RunPython(counters_to_core, counters_back),
        migrations.DeleteModel(
            name='CaseCounter',
        ),
    ]
