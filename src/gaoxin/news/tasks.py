"""Delivering a targeted article to the firms its rule selects, as a background job with visible progress."""

from __future__ import annotations

from django.urls import reverse
from django_tasks import task

from gaoxin.core.jobs import job_task
from gaoxin.core.models import Job
from gaoxin.core.services import job_finish, job_progress, job_start

DELIVERY_FAILED = ("定向送达出错，未完成；已送达的企业保持不变。请撤回后重新编辑再发布，"
                   "如再次出错，请联系管理员并告知任务编号 {pk}")


@task()
@job_task(failed=DELIVERY_FAILED)
def deliver_article_task(job: Job, article_id: int) -> None:
    from .services import article_deliver

    job_start(job, total=3)
    article = article_deliver(article_id=article_id, on_progress=lambda done, total, message: job_progress(
        job, done=done, total=total, message=message))
    note = f"，另有{article.unknown_count}家企业缺少条件所需数据、未能判断，未送达" if article.unknown_count else ""
    job_finish(job, ok=True, message=f"已送达{article.targeted_count}家企业{note}",
               result={"url": reverse("news_detail", args=[article.pk]), "url_label": "查看资讯与阅读情况"})


def delivery_job_failed(job: Job, message: str) -> dict:
    """core.jobs failure handler of "news_delivery" (registered in apps.py): the article says its delivery failed."""
    from .models import Article
    from .services import article_delivery_failed

    for pk in Article.objects.filter(delivery_job=job).values_list("pk", flat=True):
        article_delivery_failed(pk)
    return {}
