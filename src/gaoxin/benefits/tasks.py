"""Matching a published policy against every enterprise, as a background job."""

from django_tasks import task

from gaoxin.core.jobs import job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_start

from .models import Policy, PolicyStatus
from .services import match_write


@task()
@job_task
def match_policy_task(job: Job, policy_id: int | None) -> None:
    policies = (list(Policy.objects.filter(pk=policy_id)) if policy_id is not None
                else list(Policy.objects.filter(status=PolicyStatus.PUBLISHED)))
    job_start(job, total=len(policies))
    counts = match_write(policies=policies)
    job_finish(job, ok=True, result=counts,
               message=f"符合{counts['matched']}家，可能符合待完善{counts['partial']}家，已推送{counts['pushed']}条")
