# GB/T 4754-2017 divisions from a frozen data file beside this migration (data/industries_gbt4754_2017.json), not from
# the live module enterprises/industries.py (issue 16 §7): every install gets the same rows.

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent / "data" / "industries_gbt4754_2017.json"


def seed(apps, schema_editor):
    Industry = apps.get_model("enterprises", "Industry")
    divisions = json.loads(DATA.read_text(encoding="utf-8"))["divisions"]
    Industry.objects.bulk_create([Industry(code=c, section=s, name=n) for c, s, n in divisions], ignore_conflicts=True)


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
