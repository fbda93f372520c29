"""The default synonym list of the guide search (社保 → 社会保险, 刻章 → 印章刻制, ...) for a
fresh zone; the zone administrator edits it at /catalog/manage/synonyms/."""

from django.db import migrations

from gaoxin.catalog.synonym_seed import DEFAULT_SYNONYMS, seed_default_synonyms


def add(apps, schema_editor):
    seed_default_synonyms(apps.get_model("catalog", "SearchSynonym"))


def remove(apps, schema_editor):
    SearchSynonym = apps.get_model("catalog", "SearchSynonym")
    for word, meanings in DEFAULT_SYNONYMS:
        SearchSynonym.objects.filter(word=word, meanings=meanings).delete()


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_search_keywords_and_synonyms")]

    operations = [migrations.RunPython(add, remove)]
