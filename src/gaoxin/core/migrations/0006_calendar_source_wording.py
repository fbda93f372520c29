# The preset calendar's source said "chinesecalendar …" (a software package's name on the administrator's page).

from django.db import migrations

OLD = "chinesecalendar 国务院办公厅节假日安排通知"
NEW = "国务院办公厅历年节假日安排通知（系统预置）"


def forwards(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source_document=OLD).update(source_document=NEW)
    apps.get_model("core", "CalendarDay").objects.filter(source=OLD).update(source=NEW)


def backwards(apps, schema_editor):
    apps.get_model("core", "CalendarYear").objects.filter(source_document=NEW).update(source_document=OLD)
    apps.get_model("core", "CalendarDay").objects.filter(source=NEW).update(source=OLD)


class Migration(migrations.Migration):

    dependencies = [("core", "0005_audit_chain")]

    operations = [migrations.RunPython(forwards, backwards)]
