"""Reads of 云资讯, each starting from a scoper in permissions.py; a constant number of queries per page."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from gaoxin.accounts.permissions import firm_ids_of

from . import permissions as perms
from .models import Article, ArticleStatus, Delivery


def _filter(qs: QuerySet[Article], *, q: str = "", kind: str = "", status: str = "") -> QuerySet[Article]:
    if q:
        qs = qs.filter(title__icontains=q)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs


def news_list(*, user, q: str = "", kind: str = "") -> QuerySet[Article]:
    """The readers' list: published articles the user may open, newest first. For an enterprise user each targeted
    notice says whether one of its firms has still to read it (`unread`)."""
    qs = _filter(perms.articles_readable_by(user).filter(status=ArticleStatus.PUBLISHED), q=q, kind=kind)
    firms = firm_ids_of(user)
    if firms:
        qs = qs.annotate(unread=Exists(Delivery.objects.filter(article=OuterRef("pk"), enterprise_id__in=firms,
                                                                read_at__isnull=True)))
    return qs.select_related("department").order_by("-published_at", "-id")


def latest_public(limit: int = 5) -> list[Article]:
    return list(perms.public_articles().select_related("department").order_by("-published_at", "-id")[:limit])


def public_notices(limit: int | None = None) -> list[Article]:
    """The published, untargeted 通知公告 (the portal's 公示公告 page lists them)."""
    qs = perms.public_articles().filter(kind="notice").select_related("department").order_by("-published_at", "-id")
    return list(qs[:limit] if limit else qs)


def manage_list(*, user, q: str = "", kind: str = "", status: str = "") -> QuerySet[Article]:
    qs = _filter(perms.articles_managed_by(user), q=q, kind=kind, status=status)
    return (qs.select_related("department", "created_by")
            .annotate(read=Count("deliveries", filter=Q(deliveries__read_at__isnull=False)))
            .order_by("status", "-published_at", "-updated_at", "-id"))


def article_get(*, user, pk: int) -> Article | None:
    return (perms.articles_readable_by(user).select_related("department", "policy", "created_by", "published_by",
                                                           "delivery_job").filter(pk=pk).first())


def managed_get(*, user, pk: int) -> Article | None:
    return perms.articles_managed_by(user).select_related("department", "policy").filter(pk=pk).first()


def receipt_counts(article: Article) -> dict:
    """Delivered, read and unread firms (one query), and the firms the rule could not decide."""
    counts = Delivery.objects.filter(article=article).aggregate(
        delivered=Count("pk"), read=Count("pk", filter=Q(read_at__isnull=False)))
    return {**counts, "unread": counts["delivered"] - counts["read"], "unknown": article.unknown_count}


def receipts(article: Article, *, read: str = "unread") -> QuerySet[Delivery]:
    qs = Delivery.objects.filter(article=article).select_related("enterprise", "read_by")
    if read == "unread":
        qs = qs.filter(read_at__isnull=True)
    elif read == "read":
        qs = qs.filter(read_at__isnull=False)
    return qs


REACH_NAMES = 10


def target_reach(*, user, rule: str) -> dict:
    """The reach preview of a rule, for a writer only: the operating firms it reaches if published now (REACH_NAMES of
    them named: the first registered, by name), those it cannot decide, and each condition's own count (what to check
    when it reaches none). A rule that would not be saved raises its ValidationError."""
    from gaoxin.enterprises.models import Enterprise

    from .rules import check_rule, reach

    if not perms.can_write_news(user):
        return {}
    check_rule(rule)
    found = reach(rule)
    matched = found.targets.matched
    names = list(Enterprise.objects.filter(pk__in=matched[:REACH_NAMES]).order_by("name").values_list("name", flat=True))
    return {"matched": len(matched), "unknown": len(found.targets.unknown), "firms": found.firms, "names": names,
            "more": len(matched) > len(names), "conditions": found.conditions}
