"""The list of restricted and prohibited industries (限制和禁止行业) that the rules read as `restricted_industry`, and
the shipped catalogue's rules made faithful to their documents (issue 24): P5 and P6 exclude restricted industries,
P2 checks the 高新技术领域, P4 the 偷税 penalties, P6 the 科技人员 score, P7 its three sub-scores, P8 the two-year
R&D average, P9 the R&D staff share. A stored policy whose rule is still the shipped text becomes the new text as a
new version (its earlier match results keep their version; re-matching creates new ones). Frozen here: the texts as
they were and as they become."""

import django.core.validators
from django.db import migrations, models

RULES = {
    'p2': (
        'days_since_registration >= 365 and core_ip_count >= 1 and st_staff_ratio >= 0.10 and rd_ratio_3y >= (0.05 if revenue <= 5000 else 0.04 if revenue <= 20000 else 0.03) and domestic_rd_share >= 0.60 and ht_revenue_share >= 0.60 and innovation_score > 70 and major_incident_last_year == False',
        'days_since_registration >= 365 and core_ip_count >= 1 and tech_in_priority_fields == True and st_staff_ratio >= 0.10 and rd_ratio_3y >= (0.05 if revenue <= 5000 else 0.04 if revenue <= 20000 else 0.03) and domestic_rd_share >= 0.60 and ht_revenue_share >= 0.60 and innovation_score > 70 and major_incident_last_year == False'),
    'p4': (
        "tax_credit_rating in ['A', 'B'] and vat_fraud_36m == False and instant_refund_since_2019 == False and (enterprise_size in ['小型', '微型'] or industry_section in ['C', 'M', 'D', 'I', 'N', 'G'])",
        "tax_credit_rating in ['A', 'B'] and vat_fraud_36m == False and tax_evasion_penalties_36m < 2 and instant_refund_since_2019 == False and (enterprise_size in ['小型', '微型'] or industry_section in ['C', 'M', 'D', 'I', 'N', 'G'])"),
    'p5': (
        'taxable_income <= 300 and avg_staff <= 300 and avg_assets <= 5000',
        'restricted_industry == False and taxable_income <= 300 and avg_staff <= 300 and avg_assets <= 5000'),
    'p6': (
        "resident == True and employees <= 500 and revenue <= 20000 and assets <= 20000 and major_incident_last_year == False and seriously_dishonest == False and (has('高新技术企业') or tsme_score >= 60)",
        "resident == True and employees <= 500 and revenue <= 20000 and assets <= 20000 and restricted_industry == False and major_incident_last_year == False and seriously_dishonest == False and (has('高新技术企业') or (tsme_score >= 60 and st_staff_ratio >= 0.10))"),
    'p7': (
        "ism_score >= 60 or has('高新技术企业') or equity_financing_2y >= 500",
        "(ism_score >= 60 and ism_innovation >= 20 and ism_growth >= 15 and ism_specialisation >= 15) or has('高新技术企业') or equity_financing_2y >= 500"),
    'p8': (
        "has('创新型中小企业') and niche_years >= 2 and rd_expense >= 100 and rd_ratio >= 0.03 and (revenue >= 1000 or equity_financing_2y >= 2000) and (srdi_score >= 60 or creative_china_top500 == True or equity_financing_2y >= 6000)",
        "has('创新型中小企业') and niche_years >= 2 and rd_expense >= 100 and rd_ratio >= 0.03 and (revenue >= 1000 or equity_financing_2y >= 2000) and (srdi_score >= 60 or creative_china_top500 == True or (rd_expense + rd_expense_prev) / 2 >= 1000 or equity_financing_2y >= 6000)"),
    'p9': (
        "has('专精特新中小企业') and niche_years >= 3 and main_business_share >= 0.70 and debt_ratio <= 0.70 and ((revenue >= 10000 and rd_ratio >= 0.03 and rd_ratio_prev >= 0.03) or (revenue >= 5000 and revenue < 10000 and rd_ratio >= 0.06 and rd_ratio_prev >= 0.06) or (revenue < 5000 and equity_financing_2y >= 8000 and rd_expense_3y >= 3000))",
        "has('专精特新中小企业') and niche_years >= 3 and main_business_share >= 0.70 and debt_ratio <= 0.70 and ((revenue >= 10000 and rd_ratio >= 0.03 and rd_ratio_prev >= 0.03) or (revenue >= 5000 and revenue < 10000 and rd_ratio >= 0.06 and rd_ratio_prev >= 0.06) or (revenue < 5000 and equity_financing_2y >= 8000 and rd_expense_3y >= 3000 and rd_staff_share >= 0.50))"),
}


def forwards(apps, schema_editor):
    Policy = apps.get_model("benefits", "Policy")
    for code, (old, new) in RULES.items():
        for policy in Policy.objects.filter(code=code, rule=old):
            policy.rule, policy.version = new, policy.version + 1
            policy.save(update_fields=["rule", "version"])


def backwards(apps, schema_editor):
    Policy = apps.get_model("benefits", "Policy")
    for code, (old, new) in RULES.items():
        for policy in Policy.objects.filter(code=code, rule=new):
            policy.rule, policy.version = old, policy.version + 1
            policy.save(update_fields=["rule", "version"])


class Migration(migrations.Migration):

    dependencies = [
        ('benefits', '0007_p13_person_policy'),
    ]

    operations = [
        migrations.CreateModel(
            name='RestrictedIndustry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('code', models.CharField(help_text='国民经济行业分类（GB/T 4754）代码：2位大类、3位中类或4位小类，包括其下各级', max_length=4, unique=True, validators=[django.core.validators.RegexValidator('^\\d{2,4}$', '请填写2至4位国民经济行业分类代码，如 30 或 3011')], verbose_name='行业代码')),
                ('name', models.CharField(max_length=100, verbose_name='行业名称')),
                ('kind', models.CharField(choices=[('restricted', '限制类'), ('prohibited', '禁止（淘汰）类')], default='restricted', max_length=12, verbose_name='类别')),
                ('basis', models.CharField(blank=True, help_text='如《产业结构调整指导目录》限制类第×条', max_length=200, verbose_name='依据')),
                ('is_active', models.BooleanField(default=True, verbose_name='启用')),
            ],
            options={
                'verbose_name': '限制和禁止行业',
                'verbose_name_plural': '限制和禁止行业',
                'ordering': ['code'],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
