"""The provincial D-tier electricity surcharge as the default rows of the policy table, frozen here (issue 16 §7):
the live module evaluation/policy_seed.py may change, this migration writes the same rows on every install."""

from decimal import Decimal

from django.db import migrations

BASIS = '山东省差别化电价政策（亩产效益评价D类企业加价）'
ROWS = [
    ('1', '0.05', '第1年列为D类'),
    ('2', '0.10', '连续2年列为D类'),
    ('>=3', '0.15', '连续3年及以上列为D类'),
]


def add(apps, schema_editor):
    TierPolicy = apps.get_model("evaluation", "TierPolicy")
    for years, value, text in ROWS:
        TierPolicy.objects.get_or_create(
            tier="D", lever="electricity_surcharge", consecutive_years=years,
            defaults={"value": Decimal(value), "unit": "元/千瓦时", "stacking": "max_of_existing",
                      "description": f"{text}，用电每千瓦时加价{value}元；与差别电价、惩罚性电价按最高标准执行，不重复加价",
                      "basis_document": BASIS})


def remove(apps, schema_editor):
    apps.get_model("evaluation", "TierPolicy").objects.filter(basis_document=BASIS).delete()


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0003_scoring_objections_release")]
    operations = [migrations.RunPython(add, remove)]
