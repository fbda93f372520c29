"""Catalogue writes: versions, publishing, status transitions, one audit event each."""

import pytest
from django.core.exceptions import ValidationError

from gaoxin.catalog import services
from gaoxin.catalog.models import ItemStatus, ItemVersion, VersionStatus
from gaoxin.core.models import AuditEvent

from .factories import make_item


def test_new_item_is_a_draft_until_published(admin_user):
    item = make_item(admin_user, publish=False)
    assert item.status == ItemStatus.DRAFT and item.current_version is None
    before = AuditEvent.objects.count()
    services.version_publish(version=item.versions.get(), actor=admin_user)
    item.refresh_from_db()
    assert item.status == ItemStatus.PUBLISHED and item.current_version.number == 1
    assert AuditEvent.objects.count() == before + 1
    assert "qysldj" in item.search_text and "qiyeshelidengji" in item.search_text


def test_publishing_a_change_creates_a_new_version_and_keeps_the_old(admin_user):
    item = make_item(admin_user)
    v1 = item.current_version
    draft = services.version_create_draft(item=item, actor=admin_user)
    assert draft.number == 2 and draft.status == VersionStatus.DRAFT
    assert services.version_create_draft(item=item, actor=admin_user) == draft  # one draft at a time
    assert [m.name for m in draft.materials.all()] == [m.name for m in v1.materials.all()]
    assert draft.materials.get(name="公司章程").situations.get().version == draft  # situations copied, not shared
    assert draft.materials.first().blank_form.name == v1.materials.first().blank_form.name
    ItemVersion.objects.filter(pk=draft.pk).update(name="企业设立登记（新）", promised_limit=0)
    services.version_publish(version=ItemVersion.objects.get(pk=draft.pk), actor=admin_user)
    item.refresh_from_db()
    v1.refresh_from_db()
    assert item.current_version.number == 2 and item.name == "企业设立登记（新）"
    assert v1.status == VersionStatus.SUPERSEDED and v1.name == "企业设立登记"  # a case filed under v1 keeps it
    with pytest.raises(ValidationError):
        services.version_publish(version=v1, actor=admin_user)


def test_version_rules(admin_user):
    with pytest.raises(ValidationError) as exc:
        make_item(admin_user, promised_limit=30)  # statutory 15
    assert "承诺时限不能超过法定时限" in str(exc.value)
    with pytest.raises(ValidationError):
        make_item(admin_user, code="bad code!")


@pytest.mark.parametrize("start,name,target,allowed", [
    ("published", "SUSPEND", "suspended", True), ("published", "CANCEL", "cancelled", True),
    ("suspended", "RESUME", "published", True), ("suspended", "CANCEL", "cancelled", True),
    ("cancelled", "RESUME", "published", False), ("cancelled", "SUSPEND", "suspended", False),
    ("published", "RESUME", "published", False), ("suspended", "SUSPEND", "suspended", False),
])
def test_status_transition_table(admin_user, start, name, target, allowed):
    item = make_item(admin_user)
    if start != "published":
        item.status = start
        item.save()
    before = AuditEvent.objects.count()
    if allowed:
        services.item_transition(item=item, name=name, actor=admin_user, reason="测试")
        item.refresh_from_db()
        assert item.status == target and AuditEvent.objects.count() == before + 1
    else:
        with pytest.raises(ValidationError):
            services.item_transition(item=item, name=name, actor=admin_user, reason="测试")
        assert AuditEvent.objects.count() == before


def test_suspending_needs_a_reason(admin_user):
    item = make_item(admin_user)
    with pytest.raises(ValidationError):
        services.item_transition(item=item, name="SUSPEND", actor=admin_user, reason=" ")
