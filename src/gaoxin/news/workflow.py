"""An article's states on the kernel (core.workflow): 草稿 → 已发布 → 已撤回 → (重新编辑) 草稿.

Publishing checks the article is complete and its targeting rule compiles; a targeted notice whose rule reaches no
firm now is published only when confirmed (仍然发布). A targeted article's delivery (resolving
the firms, one row each, telling their members) runs after commit as a background job (`tasks.deliver_article_task`).
Withdrawing needs a reason; a withdrawn article is no longer listed or opened by readers (its deliveries and read
receipts stay). Returning it to draft lets its unit correct and publish it again: the firms already reached keep their
receipts, newly matching firms are added."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.workflow import Step, Workflow, transition

from .models import NEWS_TARGET, Article, ArticleEvent, ArticleKind, ArticleStatus, DeliveryState
from .permissions import AUTHOR, article_roles
from .rules import check_rule, reached_count

EMPTY_REACH = ("按当前企业画像，没有企业符合阅读对象条件，发布后不会送达任何企业。请先编辑草稿、点“预览送达范围”核对条件；"
               "确需发布（如等企业补全数据后重新发布），请勾选“仍然发布”")


def _record(article: Article, step: Step, data: dict) -> None:
    ArticleEvent.objects.create(article=article, transition=step.transition.name, to_status=article.status,
                                actor=step.actor if getattr(step.actor, "pk", None) else None, note=step.reason[:300])


def _check_complete(article: Article, step: Step) -> None:
    if not article.title.strip() or not article.body.strip():
        raise ValidationError("标题和正文不能为空，请先编辑")
    if article.kind == ArticleKind.NEWS and article.targeted:
        raise ValidationError({"rule": NEWS_TARGET})
    if article.targeted:
        check_rule(article.rule)
        if not step.param("confirm_empty"):
            counted = step.param("reach")
            matched = counted[1] if counted and counted[0] == article.rule else reached_count(article.rule)
            if not matched:
                raise ValidationError({"confirm_empty": EMPTY_REACH})


def _publish(article: Article, step: Step) -> dict:
    article.published_at, article.published_by = timezone.now(), step.actor
    if not article.targeted:
        article.delivery_state = DeliveryState.NONE
        return {"targeted": False}
    from gaoxin.core.services import job_enqueue

    from .tasks import deliver_article_task

    article.delivery_state = DeliveryState.PENDING
    article.delivery_job = job_enqueue(kind="news_delivery", actor=step.actor, task=deliver_article_task,
                                       args=(article.pk,))
    return {"targeted": True, "rule": article.rule, **({"confirmed_empty": True} if step.param("confirm_empty") else {})}


WORKFLOW = Workflow(
    name="news.article", noun="资讯", model=Article, roles=article_roles, record=_record,
    transitions=[
        transition("PUBLISH", "发布", [ArticleStatus.DRAFT], ArticleStatus.PUBLISHED, [AUTHOR],
                   guard=_check_complete, effect=_publish),
        transition("WITHDRAW", "撤回", [ArticleStatus.PUBLISHED], ArticleStatus.WITHDRAWN, [AUTHOR],
                   needs_reason=True, style="outline-danger"),
        transition("REDRAFT", "重新编辑", [ArticleStatus.WITHDRAWN], ArticleStatus.DRAFT, [AUTHOR],
                   style="secondary"),
    ],
)
