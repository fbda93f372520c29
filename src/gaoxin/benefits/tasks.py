"""Matching a published policy against every enterprise, as a background job."""

from django_tasks import task

from gaoxin.core.jobs import job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_progress, job_start

from .models import Policy, PolicyStatus
from .services import match_rewrite

# Batches already written stay written (each firm's row is the old one or the new one): the next match finishes it.
MATCH_FAILED = ("政策匹配出错，未完成，部分企业仍为上次的匹配结果；再次保存政策或导入企业名录即重新匹配；"
                "如再次出错，请联系管理员并告知任务编号 {pk}")


@task()
@job_task(failed=MATCH_FAILED)
def match_policy_task(job: Job, policy_id: int | None) -> None:
    policies = (list(Policy.objects.filter(pk=policy_id)) if policy_id is not None
                else list(Policy.objects.filter(status=PolicyStatus.PUBLISHED)))
    job_start(job, total=len(policies))
    counts = match_rewrite(policies=policies, on_progress=lambda done, total, message: job_progress(
        job, done=done, total=total, message=message))
    job_finish(job, ok=True, result=counts,
               message=f"符合{counts['matched']}家，可能符合待完善{counts['partial']}家，已推送{counts['pushed']}条")
