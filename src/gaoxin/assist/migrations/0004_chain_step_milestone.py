"""A chain step may prove a 四即 milestone (施工许可 → 取得施工许可, 不动产首次登记 → 不动产首次登记): a project on
that chain takes the milestone's date from the step's decision. Existing chains are marked by the step's name.
The enterprise's own channel is named as the spec names it (平台/小程序)."""

from django.db import migrations, models

BY_NAME = (("施工许可", "construction_permit_on"), ("不动产首次登记", "certificate_on"))


def mark_steps(apps, schema_editor):
    ChainStep = apps.get_model("assist", "ChainStep")
    for name, milestone in BY_NAME:
        for template_id in ChainStep.objects.filter(name=name).values_list("template_id", flat=True).distinct():
            step = ChainStep.objects.filter(template_id=template_id, name=name).order_by("order", "pk").first()
            ChainStep.objects.filter(pk=step.pk).update(milestone=milestone)


class Migration(migrations.Migration):

    dependencies = [
        ("assist", "0003_seed_order_counters"),
    ]

    operations = [
        migrations.AddField(
            model_name="chainstep",
            name="milestone",
            field=models.CharField(blank=True, choices=[("construction_permit_on", "取得施工许可"),
                                                        ("certificate_on", "不动产首次登记")],
                                   max_length=30, verbose_name="证明节点"),
        ),
        migrations.AlterField(
            model_name="assistorder",
            name="channel",
            field=models.CharField(choices=[("window", "帮代办专窗"), ("station", "政务服务驿站"), ("hotline", "热线"),
                                            ("online", "平台/小程序"), ("visit", "上门预约")],
                                   max_length=10, verbose_name="下单渠道"),
        ),
        migrations.AddConstraint(
            model_name="chainstep",
            constraint=models.UniqueConstraint(condition=models.Q(("milestone", ""), _negated=True),
                                               fields=("template", "milestone"), name="uniq_chain_step_milestone"),
        ),
        migrations.RunPython(mark_steps, migrations.RunPython.noop),
    ]
