"""The catalogue item's status table (services.md §3.1: 发布 / 暂停 / 取消) on the kernel: the table both ways,
the spec's matrix by hand, the maintenance page's actions with their errors beside the field, and the
one API verb."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog import services
from gaoxin.catalog.models import ItemEvent, ItemStatus, ItemVersion, ServiceItem, VersionStatus
from gaoxin.catalog.workflow import WORKFLOW
from gaoxin.core import events
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.workflow_walk import available_from, check_pair, check_roles_refused, pairs

from .factories import make_item

S = ItemStatus
# services.md §3.1 by hand: an implementation list is 发布 / 暂停 / 取消; a new version is published over the
# current one (the old kept); a suspended item is resumed or cancelled; a cancelled one is final. An item
# never published may be cancelled (a mistaken entry) or published for the first time.
SPEC = {
    S.DRAFT: {"PUBLISH", "CANCEL"},
    S.PUBLISHED: {"PUBLISH", "SUSPEND", "CANCEL"},
    S.SUSPENDED: {"PUBLISH", "RESUME", "CANCEL"},
    S.CANCELLED: set(),
}
SPEC_TARGETS = {"SUSPEND": S.SUSPENDED, "RESUME": S.PUBLISHED, "CANCEL": S.CANCELLED}


def test_the_table_is_the_specs():
    assert available_from(WORKFLOW, S.values) == SPEC
    assert {t.name: t.target for t in WORKFLOW.transitions if t.target} == SPEC_TARGETS
    assert {t.name for t in WORKFLOW.transitions if t.needs_reason} == {"SUSPEND", "CANCEL"}
    for t in WORKFLOW.transitions:
        assert events.label(f"catalog.item.{t.name.lower()}") == t.label != events.UNKNOWN


@pytest.fixture
def item_with_draft(admin_user):
    item = make_item(admin_user)
    services.version_create_draft(item=item, actor=admin_user)
    return ServiceItem.objects.get(pk=item.pk)


@pytest.mark.parametrize("name,status", pairs(WORKFLOW, S.values))
def test_transition_table(name, status, item_with_draft, admin_user):
    ServiceItem.objects.filter(pk=item_with_draft.pk).update(status=status)
    item_with_draft.refresh_from_db()
    draft = item_with_draft.versions.get(status=VersionStatus.DRAFT)
    result = check_pair(WORKFLOW, item_with_draft, name, actor=admin_user, history=lambda: ItemEvent.objects.count(),
                        version=draft)
    if name == "PUBLISH" and WORKFLOW[name].starts_from(status):
        assert result.current_version == draft and result.status == (S.PUBLISHED if status == S.DRAFT else status)
        assert ItemEvent.objects.order_by("-pk").first().version == 2


@pytest.mark.parametrize("name", [t.name for t in WORKFLOW.transitions])
def test_roles_outside_the_table_are_refused(name, item_with_draft, clerk_user, leader_user, enterprise_user):
    ServiceItem.objects.filter(pk=item_with_draft.pk).update(status=sorted(WORKFLOW[name].sources)[0])
    item_with_draft.refresh_from_db()
    before = ItemEvent.objects.count(), AuditEvent.objects.count()
    check_roles_refused(WORKFLOW, item_with_draft, name, {
        "clerk": clerk_user, "leader": leader_user, "enterprise": enterprise_user,
        "the item's own department": UserFactory(role=Role.DEPT_OFFICER, org_unit=item_with_draft.department),
        "agent": UserFactory(role=Role.AGENT),
    })
    assert (ItemEvent.objects.count(), AuditEvent.objects.count()) == before


def test_publishing_records_the_version_and_a_stale_page_is_told(admin_user, item_with_draft):
    stale = ServiceItem.objects.get(pk=item_with_draft.pk)
    services.item_transition(item=item_with_draft, name="SUSPEND", actor=admin_user, reason="系统升级")
    with pytest.raises(ValidationError, match="已变为“暂停”"):
        services.item_transition(item=stale, name="CANCEL", actor=admin_user, reason="重复")
    draft = item_with_draft.versions.get(status=VersionStatus.DRAFT)
    services.version_publish(version=draft, actor=admin_user)
    item = ServiceItem.objects.get(pk=item_with_draft.pk)
    assert item.status == S.SUSPENDED and item.current_version == draft  # corrected while suspended
    assert [(e.transition, e.version, e.note) for e in item.events.all()] == [
        ("PUBLISH", 1, ""), ("SUSPEND", None, "系统升级"), ("PUBLISH", 2, "")]
    audit = AuditEvent.objects.filter(event_type="catalog.item.publish").order_by("-pk").first()
    assert audit.after["version"] == 2 and audit.after["previous"] == 1


def test_a_version_of_another_item_or_not_a_draft_is_not_published(admin_user, item_with_draft):
    other = make_item(admin_user, code="43037105XK0002", name="变更登记")
    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        services.item_transition(item=item_with_draft, name="PUBLISH", actor=admin_user,
                                 version=other.current_version)
    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        services.version_publish(version=item_with_draft.current_version, actor=admin_user)


def test_a_cancelled_item_gets_no_new_draft(admin_user):
    item = make_item(admin_user)
    services.item_transition(item=item, name="CANCEL", actor=admin_user, reason="事项取消")
    with pytest.raises(ValidationError, match="已取消"):
        services.version_create_draft(item=item, actor=admin_user)


# --- the maintenance page -----------------------------------------------------------------------------

def test_the_page_offers_the_transitions_by_label_and_shows_the_record(admin_client, admin_user):
    item = make_item(admin_user)
    url = reverse("catalog_item", args=[item.implementation_code])
    html = admin_client.get(url).content.decode()
    assert "暂停办理</button>" in html and "取消事项</button>" in html and "恢复办理</button>" not in html
    admin_client.post(reverse("catalog_status", args=[item.implementation_code]), {"name": "SUSPEND", "reason": "窗口装修"})
    html = admin_client.get(url).content.decode()
    assert "恢复办理</button>" in html and "暂停办理</button>" not in html
    record = html[html.index('data-testid="item-timeline"'):]
    assert "暂停办理" in record and "窗口装修" in record and "已发布 → 暂停" in record and "SUSPEND" not in record


def test_a_missing_reason_sits_beside_its_field_and_nothing_is_written(admin_client, admin_user):
    item = make_item(admin_user)
    before = ItemEvent.objects.count(), AuditEvent.objects.count()
    response = admin_client.post(reverse("catalog_status", args=[item.implementation_code]), {"name": "CANCEL"})
    html = response.content.decode()
    assert response.status_code == 400 and "“取消事项”需要填写原因或说明" in html
    field = html[html.index('id="id_cancel_reason"') - 300:html.index('id="id_cancel_reason"') + 100]
    assert "is-invalid" in field
    assert ServiceItem.objects.get(pk=item.pk).status == S.PUBLISHED
    assert (ItemEvent.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("name", ["NONSENSE", "", "published", "RESUME"])
def test_unknown_or_unavailable_transitions_are_refused(admin_client, admin_user, name):
    item = make_item(admin_user)
    response = admin_client.post(reverse("catalog_status", args=[item.implementation_code]), {"name": name,
                                                                                             "reason": "x"})
    assert response.status_code == 400 and ServiceItem.objects.get(pk=item.pk).status == S.PUBLISHED
    assert "未知操作" in response.content.decode() or "不能“恢复办理”" in response.content.decode()


def test_a_wrong_guide_element_is_shown_beside_it_on_the_draft(admin_client, admin_user, item_with_draft):
    draft = item_with_draft.versions.get(status=VersionStatus.DRAFT)
    ItemVersion.objects.filter(pk=draft.pk).update(promised_limit=99)  # statutory 15
    response = admin_client.post(reverse("catalog_publish", args=[item_with_draft.implementation_code, 2]))
    html = response.content.decode()
    assert response.status_code == 400 and "承诺时限不能超过法定时限" in html and "is-invalid" in html
    assert ServiceItem.objects.get(pk=item_with_draft.pk).current_version.number == 1


def test_publishing_a_cancelled_items_draft_is_refused_on_the_page(admin_client, admin_user, item_with_draft):
    ServiceItem.objects.filter(pk=item_with_draft.pk).update(status=S.CANCELLED)
    response = admin_client.post(reverse("catalog_publish", args=[item_with_draft.implementation_code, 2]))
    assert response.status_code == 400 and "不能“发布新版本”" in response.content.decode()
    again = admin_client.post(reverse("catalog_new_draft", args=[item_with_draft.implementation_code]))
    assert again.status_code == 400 and "事项已取消，不能再编辑" in again.content.decode()


def test_only_the_catalogue_keeper_acts(clerk_client, admin_user):
    item = make_item(admin_user)
    assert clerk_client.post(reverse("catalog_status", args=[item.implementation_code]),
                             {"name": "SUSPEND", "reason": "x"}).status_code == 403
    assert clerk_client.post("/api/v1/catalog/manage/items/43037105XK0001/transition/", {"name": "SUSPEND", "reason": "x"},
                             content_type="application/json").status_code in (403, 404)
    assert ServiceItem.objects.get(pk=item.pk).status == S.PUBLISHED


def test_the_edit_pages_publish_button_says_so(admin_client, item_with_draft):
    """保存并发布 posts publish=1 (a button without a value posts an empty one, read as 保存草稿)."""
    html = admin_client.get(reverse("catalog_edit", args=[item_with_draft.implementation_code, 2])).content.decode()
    assert 'name="publish" value="1">保存并发布' in html


def test_the_api_uses_the_one_verb_and_the_pages_form(admin_client, admin_user, client):
    item = make_item(admin_user)
    url = f"/api/v1/catalog/manage/items/{item.implementation_code}/"
    listed = admin_client.get(url).json()
    assert listed["status"] == "published" and {t["name"] for t in listed["transitions"]} == {"PUBLISH", "SUSPEND", "CANCEL"}
    refused = admin_client.post(url + "transition/", {"name": "SUSPEND"}, content_type="application/json")
    assert refused.status_code == 400 and refused.json() == {"reason": ["“暂停办理”需要填写原因或说明"]}
    unknown = admin_client.post(url + "transition/", {"status": "suspended"}, content_type="application/json")
    assert unknown.status_code == 400 and unknown.json() == {"name": ["未知操作"]}
    done = admin_client.post(url + "transition/", {"name": "SUSPEND", "reason": "窗口装修"},
                             content_type="application/json")
    assert done.status_code == 200 and done.json()["status"] == "suspended"
    assert done.json()["transitions"] == [{"name": "PUBLISH", "label": "发布新版本"}, {"name": "RESUME", "label": "恢复办理"},
                                          {"name": "CANCEL", "label": "取消事项"}]
    assert admin_client.get("/api/v1/catalog/manage/items/NOPE/").status_code == 404
    assert client.get(url).status_code == 401
