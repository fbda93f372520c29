from django.db import migrations


def seed(apps, schema_editor):
    from gaoxin.core.calendar_seed import seed_calendar

    seed_calendar(apps.get_model("core", "CalendarYear"), apps.get_model("core", "CalendarDay"))


def unseed(apps, schema_editor):
    apps.get_model("core", "CalendarDay").objects.filter(date__year__lte=2026).delete()
    apps.get_model("core", "CalendarYear").objects.filter(year__lte=2026).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
