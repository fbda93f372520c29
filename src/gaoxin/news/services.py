"""Writes of 云资讯: an article is written and edited as a draft by its unit, published / withdrawn / returned to
draft through the kernel (`article_transition`), delivered to the firms its rule selects (`article_deliver`, the
background job's body) and read (`delivery_mark_read`: the first read per firm). One audit event per change."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from gaoxin.core.changes import apply_changes
from gaoxin.core.notify import notify
from gaoxin.core.services import audit_record

from . import permissions as perms
from .models import NEWS_TARGET, Article, ArticleKind, ArticleStatus, Delivery, DeliveryState
from .rules import check_rule, reached_count, resolve_targets
from .workflow import WORKFLOW

EDITABLE = ("kind", "title", "summary", "body", "source", "policy", "rule")
BATCH = 1000


def _clean(values: dict) -> dict:
    values = {k: values[k] for k in EDITABLE if k in values}
    for key in ("title", "summary", "body", "source", "rule"):
        if key in values:
            values[key] = (values[key] or "").strip()
    if values.get("kind") == ArticleKind.NEWS and values.get("rule"):
        raise ValidationError({"rule": NEWS_TARGET})
    if values.get("kind") != ArticleKind.EXPLAINER:
        values["policy"] = None
    check_rule(values.get("rule", ""))
    return values


@transaction.atomic
def article_create(*, actor, department=None, **values) -> Article:
    """A draft written for the actor's unit (the administrator may name another unit)."""
    if not perms.can_write_news(actor):
        raise PermissionDenied("只有政务服务中心、各部门和管委会的工作人员可以撰写资讯")
    unit = department if (department is not None and actor.role == "zone_admin") else actor.org_unit
    article = Article.objects.create(department=unit, created_by=actor, **_clean(values))
    audit_record(event_type="news.article.create", actor=actor, subject=article,
                 after={"title": article.title, "kind": article.kind, "department": unit.name,
                        "rule": article.rule})
    return article


@transaction.atomic
def article_update(*, article: Article, actor, **values) -> Article:
    locked = Article.objects.select_for_update().get(pk=article.pk)
    if not perms.can_edit_article(actor, locked):
        raise PermissionDenied("只能编辑本单位的资讯")
    if locked.status != ArticleStatus.DRAFT:
        raise ValidationError(f"“{locked.get_status_display()}”的资讯不能编辑，请先撤回并重新编辑")
    before, after = apply_changes(locked, _clean(values), allowed=EDITABLE)
    locked.save()
    audit_record(event_type="news.article.update", actor=actor, subject=locked, before=before, after=after)
    return locked


def article_transition(*, article: Article, name: str, actor, reason: str = "", confirm_empty: bool = False) -> Article:
    """A step of the article's workflow. Publishing a targeted notice its rule reaches no firm with needs
    `confirm_empty` (仍然发布). The firms are counted here, before the row is locked (the whole profile is read;
    the guard uses the count only if the rule is still the one counted)."""
    params = {"confirm_empty": confirm_empty}
    if name == "PUBLISH" and article.targeted and not confirm_empty:
        try:
            params["reach"] = (article.rule, reached_count(article.rule))
        except ValidationError:
            pass  # the guard refuses the rule, beside its field
    return WORKFLOW.apply(article, name, actor=actor, reason=reason, **params)


# --- delivery (the background job's body) ----------------------------------------------------------------

def article_deliver(*, article_id: int, on_progress=None) -> Article:
    """Resolve the firms the published article's rule selects, write one delivery row per firm (batches; an existing
    row and its read receipt are kept, so a re-run or a re-publication adds only new firms), tell the members of the
    newly reached firms, and record the counts. Idempotent."""
    step = on_progress or (lambda done, total, message: None)
    article = Article.objects.get(pk=article_id)
    if article.status != ArticleStatus.PUBLISHED or not article.targeted:
        return article
    step(0, 3, "按阅读对象条件比对企业画像")
    targets = resolve_targets(article.rule)
    already = set(Delivery.objects.filter(article=article).values_list("enterprise_id", flat=True))
    new = [i for i in targets.matched if i not in already]
    now = timezone.now()
    for start in range(0, len(new), BATCH):
        with transaction.atomic():
            Delivery.objects.bulk_create(
                [Delivery(article=article, enterprise_id=i, delivered_at=now) for i in new[start:start + BATCH]],
                ignore_conflicts=True)
        step(1, 3, f"已送达 {min(start + BATCH, len(new))} / {len(new)} 家企业")
    with transaction.atomic():
        locked = Article.objects.select_for_update().get(pk=article.pk)
        locked.targeted_count = Delivery.objects.filter(article=locked).count()
        locked.unknown_count = len(targets.unknown)
        locked.delivery_state = DeliveryState.DONE
        locked.save(update_fields=["targeted_count", "unknown_count", "delivery_state", "updated_at"])
        audit_record(event_type="news.article.deliver", actor=None, subject=locked,
                     after={"delivered": locked.targeted_count, "new": len(new), "unknown": locked.unknown_count})
        _notify_firms(locked, new)
    step(3, 3, "已通知企业用户")
    return locked


def _notify_firms(article: Article, firm_ids: list[int]) -> None:
    from gaoxin.accounts.models import User

    if not firm_ids:
        return
    users = User.objects.filter(is_active=True, enterprise_memberships__enterprise_id__in=firm_ids).distinct()
    notify(list(users), message=f"{article.department.short_name or article.department.name}发来{article.get_kind_display()}：{article.title}",
           url=reverse("news_detail", args=[article.pk]), kind="news", key=f"news-{article.pk}")


def article_delivery_failed(article_id: int) -> None:
    Article.objects.filter(pk=article_id, delivery_state=DeliveryState.PENDING).update(delivery_state=DeliveryState.FAILED)


# --- read receipts ---------------------------------------------------------------------------------------

def delivery_mark_read(*, article: Article, user) -> int:
    """The first time a member of a firm the article was delivered to opens it: that firm's receipt (who, when).
    Later opens, by the same or another member, change nothing. Returns the number of firms newly marked read."""
    from gaoxin.accounts.permissions import firm_ids_of

    firms = firm_ids_of(user)
    if not firms or not article.targeted:
        return 0
    with transaction.atomic():
        ids = list(Delivery.objects.select_for_update().filter(article=article, enterprise_id__in=firms,
                                                                read_at__isnull=True).values_list("pk", flat=True))
        if not ids:
            return 0
        now = timezone.now()
        marked = Delivery.objects.filter(pk__in=ids, read_at__isnull=True).update(read_at=now, read_by=user)
        audit_record(event_type="news.delivery.read", actor=user, subject=article,
                     after={"firms": marked, "read_at": now.isoformat()})
    return marked
