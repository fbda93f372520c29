from django.db import migrations


def seed(apps, schema_editor):
    from gaoxin.enterprises.industries import seed_industries

    seed_industries(apps.get_model("enterprises", "Industry"))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
