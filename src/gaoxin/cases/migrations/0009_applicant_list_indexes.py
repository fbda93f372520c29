"""Issue 17: an applicant's case list as index range scans, and the applicant-name search on a trigram index the
query as written can use. `applicant_name__icontains` is `UPPER(applicant_name::text) LIKE UPPER('%…%')` on
PostgreSQL, which the trigram index of migration 0002 on the bare column never served (a sequential scan: 915 ms
p95 at a million cases); the index is now on that expression. SQLite has no trigram index; there only the B-tree
indexes are made."""

from django.db import migrations, models


def trigram_on_upper(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS cases_case_applicant_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_case_applicant_upper_trgm "
        "ON cases_case USING gin ((UPPER(applicant_name::text)) gin_trgm_ops)"
    )


def trigram_on_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS cases_case_applicant_upper_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS cases_case_applicant_trgm ON cases_case USING gin (applicant_name gin_trgm_ops)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0001_initial"),
        ("cases", "0008_delivery_recipient_phone"),
        ("enterprises", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["enterprise", "-received_on", "-created_at", "-id"], name="case_firm_newest"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["submitted_by", "-received_on", "-created_at", "-id"],
                               name="case_submitter_newest"),
        ),
        migrations.RunPython(trigram_on_upper, trigram_on_column),
    ]
