"""The default synonym list of the guide search (社保 → 社会保险, 刻章 → 印章刻制, ...) for a
fresh zone; the zone administrator edits it at /catalog/manage/synonyms/. The list is frozen here (issue 16 §7): the
live module catalog/synonym_seed.py may grow, this migration writes the same rows on every install."""

from django.db import migrations

SYNONYMS = [
    ('社保', '社会保险、养老保险、参保'),
    ('公积金', '住房公积金'),
    ('营业执照', '设立登记、营业执照'),
    ('开公司', '企业开办、设立登记'),
    ('刻章', '印章刻制'),
    ('发票', '发票领用、发票申领'),
    ('环评', '环境影响'),
    ('施工证', '施工许可'),
    ('注册公司', '企业开办、设立登记'),
    ('办执照', '设立登记、营业执照'),
    ('执照变更', '变更登记'),
    ('注销公司', '注销登记'),
    ('核名', '名称自主申报、企业名称'),
    ('个体户', '个体工商户'),
    ('公章', '印章刻制'),
    ('领发票', '发票领用、发票申领'),
    ('税号', '税务登记'),
    ('交社保', '社会保险、参保'),
    ('医保', '医疗保险'),
    ('失业金', '失业保险金'),
    ('招工', '就业登记'),
    ('落户', '户籍、落户'),
    ('立项', '项目备案、项目核准'),
    ('开工许可', '施工许可'),
    ('规划证', '规划许可'),
    ('土地证', '不动产、建设用地'),
    ('房产证', '不动产'),
    ('排污证', '排污许可'),
    ('竣工备案', '竣工验收备案'),
    ('高企', '高新技术企业'),
    ('科小', '科技型中小企业'),
    ('补贴', '补贴、奖补、政策兑现'),
]


def add(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    for word, meanings in SYNONYMS:
        SearchSynonym.objects.get_or_create(word=word, defaults={"meanings": meanings})


def remove(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    for word, meanings in SYNONYMS:
        SearchSynonym.objects.filter(word=word, meanings=meanings).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_keywords_and_synonyms")]

    operations = [migrations.RunPython(add, remove)]
