"""A task for the several-workers test: it writes a row that can exist once, so a task run twice fails."""

import time

from django_tasks import task

from gaoxin.core.models import DocumentCounter


@task()
def count_once(n: int) -> None:
    DocumentCounter.objects.create(prefix="WRK", period=str(n))
    time.sleep(0.05)  # long enough for the other worker to look for work meanwhile
