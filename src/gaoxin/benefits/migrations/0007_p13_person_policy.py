"""个税奖补 (P13) reads a person's facts, not a firm's (issue 19 item 7): a stored P13 becomes a policy for persons
(subject 人才) whose rule and formula name the person fields, its enterprise match results go (no firm is matched
on a person policy), and the firms' old 境外人才 facts, which no rule reads any more, are removed. Frozen here: the
rule texts as they were and as they become."""

from django.db import migrations

OLD_FIELDS = ("iit_paid", "talent_taxable_income")
RENAMES = (("talent_taxable_income", "personal_taxable_income"),)


def _personal(text: str) -> str:
    for old, new in RENAMES:
        text = text.replace(old, new)
    return text


def forwards(apps, schema_editor):
    Policy = apps.get_model("benefits", "Policy")
    MatchResult = apps.get_model("benefits", "MatchResult")
    ProfileFact = apps.get_model("benefits", "ProfileFact")
    for policy in Policy.objects.filter(subject="enterprise"):
        if "iit_paid" in policy.rule or "talent_taxable_income" in policy.rule or "iit_paid" in policy.formula:
            policy.subject = "person"
            policy.rule, policy.formula = _personal(policy.rule), _personal(policy.formula)
            policy.save(update_fields=["subject", "rule", "formula"])
            MatchResult.objects.filter(policy=policy).delete()
    ProfileFact.objects.filter(field__in=OLD_FIELDS).delete()


class Migration(migrations.Migration):

    dependencies = [("benefits", "0006_talent_benefits")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
