"""Issue 18: the records behind a dashboard figure in a period, newest first by the date that places them in it
(received, accepted or decided), as an index range scan that stops at the page instead of sorting every case of the
period (the figure page at a million cases)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0009_applicant_list_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-received_on", "-id"], name="case_received_newest"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-accepted_on", "-id"], name="case_accepted_newest"),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(fields=["-decided_on", "-id"], name="case_decided_newest"),
        ),
    ]
