"""The provincial D-tier electricity surcharge as the default rows of the policy table."""

from django.db import migrations

from gaoxin.evaluation.policy_seed import BASIS, seed_default_policies


def add(apps, schema_editor):
    seed_default_policies(apps.get_model("evaluation", "TierPolicy"))


def remove(apps, schema_editor):
    apps.get_model("evaluation", "TierPolicy").objects.filter(basis_document=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_scoring_objections_release")]
    operations = [migrations.RunPython(add, remove)]
