"""Who reads and writes 云资讯. Scopers return querysets, predicates booleans; everything defaults to deny.

- Anyone, logged in or not, reads the published articles that target nobody (the public list).
- A targeted notice is read by the members of the firms it was delivered to, and by government staff; an
  enterprise user never sees a notice delivered only to other firms (404, as for one that does not exist).
- Writers are the zone administration and the staff of the service centre and of the departments (not leaders,
  stations, agents or firms): they write for their own unit, and edit, publish and withdraw what their unit wrote
  (the administrator: every unit's). Leaders read everything, read receipts included, and change nothing."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.permissions import firm_ids_of, has_role, is_staff_role

from .models import Article, ArticleStatus, Delivery

AUTHOR = "author"
WRITER_ROLES = (Role.WINDOW_CLERK, Role.DEPT_OFFICER)
WRITER_UNITS = (OrgKind.ADMINISTRATION, OrgKind.CENTRE, OrgKind.DEPARTMENT)


def can_write_news(user) -> bool:
    if has_role(user, Role.ZONE_ADMIN):
        return True
    unit = getattr(user, "org_unit", None) if has_role(user, *WRITER_ROLES) else None
    return unit is not None and unit.kind in WRITER_UNITS


def can_manage_news(user) -> bool:
    """The staff list of articles (drafts, counts of reads): writers and leaders."""
    return can_write_news(user) or has_role(user, Role.LEADER)


def articles_managed_by(user) -> QuerySet[Article]:
    """The administrator and leaders: every article; a writer: their unit's."""
    if has_role(user, Role.ZONE_ADMIN, Role.LEADER):
        return Article.objects.all()
    if can_write_news(user):
        return Article.objects.filter(department_id=user.org_unit_id)
    return Article.objects.none()


def can_edit_article(user, article: Article) -> bool:
    """Edit (a draft), publish, withdraw, return to draft: the administrator, or a writer of the article's unit."""
    if has_role(user, Role.ZONE_ADMIN):
        return True
    return can_write_news(user) and article.department_id == user.org_unit_id


def article_roles(user, article: Article) -> set[str]:
    return {AUTHOR} if can_edit_article(user, article) else set()


def public_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED, rule="")


def articles_readable_by(user) -> QuerySet[Article]:
    """What a user may open: public articles; for staff every published article and what they manage; for an
    enterprise user also the targeted articles delivered to one of their firms."""
    if is_staff_role(user):
        return Article.objects.filter(Q(status=ArticleStatus.PUBLISHED) | Q(pk__in=articles_managed_by(user).values("pk")))
    firms = firm_ids_of(user)
    if not firms:
        return public_articles()
    delivered = Delivery.objects.filter(article=OuterRef("pk"), enterprise_id__in=firms)
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).filter(Q(rule="") | Exists(delivered))


def can_view_receipts(user, article: Article) -> bool:
    """Delivered / read / unread counts and the unread firms: who manages the article (and leaders)."""
    return articles_managed_by(user).filter(pk=article.pk).exists()
