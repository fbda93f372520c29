"""An item's implementation-list status (services.md §3.1: 发布 / 暂停 / 取消) on the kernel's transition engine.

Publishing a guide version is the item's PUBLISH transition: the draft becomes the current version (the
previous one is kept, superseded; a case keeps the version it was filed under) and an unpublished item
becomes published; a suspended item stays suspended while its guide is corrected. SUSPEND, RESUME and
CANCEL change only the status; suspending and cancelling need a reason; a cancelled item is final."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone

from gaoxin.core.workflow import Step, Workflow, transition

from .models import ItemEvent, ItemStatus, ItemVersion, ServiceItem, VersionStatus
from .permissions import KEEPER, item_roles
from .signals import version_published

S = ItemStatus
LIVE = [S.PUBLISHED, S.SUSPENDED]


def _publish(item: ServiceItem, step: Step) -> dict:
    from .services import search_text_for, validate_version, version_content_hash

    chosen = step.param("version")
    version = (ItemVersion.objects.select_for_update().filter(pk=chosen.pk).first() if chosen is not None
               else item.versions.select_for_update().filter(status=VersionStatus.DRAFT).first())
    if version is None or version.item_id != item.pk or version.status != VersionStatus.DRAFT:
        raise ValidationError("只有草稿可以发布")
    validate_version(version)
    previous = item.current_version
    if previous is not None:
        previous.status = VersionStatus.SUPERSEDED
        previous.save(update_fields=["status"])
    version.status = VersionStatus.PUBLISHED
    version.published_by = step.actor
    version.published_at = timezone.now()
    version.content_hash = version_content_hash(version)
    version.save(update_fields=["status", "published_by", "published_at", "content_hash"])
    item.current_version, item.name = version, version.name
    item.search_text = search_text_for(item, version.name)
    if item.status == S.DRAFT:
        step.target = S.PUBLISHED
    data = {"version": version.number, "previous": previous.number if previous is not None else None}
    if previous is not None:
        for _receiver, extra in version_published.send(sender=ServiceItem, item=item, version=version,
                                                       previous=previous, actor=step.actor):
            data.update(extra or {})
    return data


def _has_current_version(item: ServiceItem, step: Step) -> None:
    if item.current_version_id is None:
        raise ValidationError("事项没有已发布的版本")


def _record(item: ServiceItem, step: Step, data: dict) -> None:
    actor = step.actor
    ItemEvent.objects.create(item=item, transition=step.transition.name, from_status=step.before, to_status=item.status,
                             version=data.get("version"), actor=actor,
                             actor_repr=(actor.get_full_name() or actor.get_username()) if actor else "系统",
                             note=step.reason[:200])


WORKFLOW = Workflow(
    name="catalog.item", noun="事项", model=ServiceItem, roles=item_roles, record=_record,
    lock_queryset=lambda: ServiceItem.objects.select_related("current_version"),
    transitions=[
        transition("PUBLISH", "发布新版本", [S.DRAFT, *LIVE], None, [KEEPER], effect=_publish, style="success"),
        transition("SUSPEND", "暂停办理", [S.PUBLISHED], S.SUSPENDED, [KEEPER], needs_reason=True,
                   style="outline-danger"),
        transition("RESUME", "恢复办理", [S.SUSPENDED], S.PUBLISHED, [KEEPER], guard=_has_current_version),
        transition("CANCEL", "取消事项", [S.DRAFT, *LIVE], S.CANCELLED, [KEEPER], needs_reason=True,
                   style="outline-danger"),
    ],
)
