"""Reads of the 帮代办 pages, starting from what the user may see."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from gaoxin.catalog.models import ServiceItem
from gaoxin.core.masking import mask_phone

from . import permissions as perms
from .models import AssistOrder, Project


def order_list(*, user, status: str = "") -> QuerySet[AssistOrder]:
    qs = perms.orders_visible_to(user).select_related("enterprise", "agent", "item", "bundle", "project", "station")
    if status:
        qs = qs.filter(status=status)
    return qs


def order_get(*, user, number: str) -> AssistOrder | None:
    return order_list(user=user).filter(number=number).first()


def project_list(*, user, with_metrics: bool = False) -> QuerySet[Project]:
    """with_metrics: the steps `services.project_metrics` reads are prefetched, so a page of projects with
    their metrics costs the same few queries however many projects it shows."""
    qs = perms.projects_visible_to(user).select_related("enterprise", "template", "agent")
    if with_metrics:
        from .services import metric_steps

        qs = qs.prefetch_related(Prefetch("steps", queryset=metric_steps()))
    return qs


def project_get(*, user, pk: int) -> Project | None:
    return project_list(user=user).filter(pk=pk).first()


def service_counts(*, user) -> dict[str, int]:
    """帮代办 services for the centre's figures (services.md §2: "2,000+ 帮代办, of which 200+ for key
    enterprises and project approvals"): every order, and every project whose approval chain an agent
    works for the firm (全程帮代办, one service per project). `key`: the services for key projects, that
    is orders placed for a key project and the key projects an agent works."""
    orders = perms.orders_visible_to(user)
    projects = perms.projects_visible_to(user).filter(agent__isnull=False)
    counts = {"orders": orders.count(), "projects": projects.count(),
              "key": orders.filter(project__is_key=True).count() + projects.filter(is_key=True).count()}
    return counts | {"total": counts["orders"] + counts["projects"]}


def order_contact(order: AssistOrder, user) -> dict | None:
    """The enterprise's contact for the order: the one given on the order, else the registry's
    primary contact (一企一档). The phone is masked for whoever may not see personal data."""
    name, phone, source = order.contact_name.strip(), order.contact_phone.strip(), "订单填写"
    if not (name or phone):
        registry = order.enterprise.contacts.order_by("-is_primary", "id").first()
        if registry is None:
            return None
        name, phone, source = registry.name, registry.phone, "企业档案"
    show = perms.can_view_order_contact(user, order)
    return {"name": name, "phone": phone if show else mask_phone(phone), "source": source, "masked": not show}


def item_choices(own_items: list) -> tuple[list, list]:
    """The items an order was placed for first (published ones), then the rest of the published catalogue."""
    own = [i for i in own_items if i.status == "published"]
    others = ServiceItem.objects.filter(status="published").exclude(pk__in=[i.pk for i in own]).order_by("name")
    return own, list(others)
