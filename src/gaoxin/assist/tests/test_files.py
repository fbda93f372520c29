"""The 委托书 and visit attachments of an order: opened by whoever may see the order, 404 outside
its scope, each opening by staff audited; and the enterprise's contact on the order page."""

import urllib.parse

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.samples import docx
from gaoxin.enterprises.models import Contact

from .conftest import TODAY, login

pytestmark = pytest.mark.django_db


def commission_url(order):
    return f"/assist/{order.number}/files/commission/"


def downloads(order):
    return AuditEvent.objects.filter(event_type="assist.file_downloaded", subject_id=str(order.pk))


def test_every_user_who_sees_the_order_opens_the_commission(working_order, agent_client, clerk_client, admin_client,
                                                            station_officer, enterprise_client):
    for client in (agent_client, clerk_client, admin_client, login(station_officer), enterprise_client):
        response = client.get(commission_url(working_order))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        name = urllib.parse.quote(f"代办服务委托书（{working_order.number}）.pdf")
        assert response["Content-Disposition"] == f"inline; filename*=utf-8''{name}"
        assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_each_staff_opening_is_audited_with_the_file_name(working_order, agent, agent_client, enterprise_client):
    agent_client.get(commission_url(working_order))
    agent_client.get(commission_url(working_order))
    events = list(downloads(working_order))
    assert len(events) == 2 and {e.actor_id for e in events} == {agent.pk}
    assert events[0].after["file"] == f"代办服务委托书（{working_order.number}）.pdf"
    enterprise_client.get(commission_url(working_order))  # the enterprise reading its own letter is no staff access
    assert downloads(working_order).count() == 2


def test_outside_the_orders_scope_is_404(working_order, other_enterprise):
    stranger = UserFactory(role=Role.ENTERPRISE)
    stranger.enterprise_memberships.create(enterprise=other_enterprise)
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=department())
    other_agent = UserFactory(role=Role.AGENT)
    for user in (stranger, officer, other_agent):
        assert login(user).get(commission_url(working_order)).status_code == 404, user.role
    assert not downloads(working_order).exists()


def test_leaders_oversee_orders_but_do_not_open_personal_documents(working_order, leader_client):
    assert leader_client.get(f"/assist/{working_order.number}/").status_code == 200
    html = leader_client.get(f"/assist/{working_order.number}/").content.decode()
    assert "代办服务委托书（已上传）" in html and commission_url(working_order) not in html
    assert leader_client.get(commission_url(working_order)).status_code == 403
    assert not downloads(working_order).exists()


def test_the_order_page_links_the_letter_for_those_who_may_open_it(working_order, clerk_client):
    html = clerk_client.get(f"/assist/{working_order.number}/").content.decode()
    assert f'href="{commission_url(working_order)}"' in html


def test_a_missing_file_is_404(order, clerk_client):
    assert not order.commission_file
    assert clerk_client.get(commission_url(order)).status_code == 404
    assert clerk_client.get(f"/assist/{order.number}/files/other/").status_code == 404


def test_visit_attachment_is_downloaded_as_a_file(working_order, agent, agent_client, station_officer):
    sheet = docx("签收单.docx")
    response = agent_client.post(f"/assist/{working_order.number}/act/",
                                 {"name": "VISIT", "kind": "door", "note": "上门交付执照", "attachment": sheet})
    assert response.status_code == 302
    visit = working_order.visits.get()
    assert visit.attachment.name.endswith(".docx")
    response = login(station_officer).get(f"/assist/{working_order.number}/visits/{visit.pk}/attachment/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "docx" in response["Content-Disposition"]
    assert downloads(working_order).get().actor_id == station_officer.pk
    # A visit of another order is not reachable through this order.
    other = services.order_create(actor=station_officer, enterprise=working_order.enterprise, channel="station",
                                  description="另一订单", contact_name="张", contact_phone="13800000000",
                                  commission_signed_on=TODAY, commission_valid_until=TODAY)
    assert login(station_officer).get(f"/assist/{other.number}/visits/{visit.pk}/attachment/").status_code == 404


def test_uploads_are_checked_for_type(station_officer, own_enterprise):
    bad = SimpleUploadedFile("委托书.html", b"<script>alert(1)</script>", content_type="text/html")
    with pytest.raises(ValidationError) as exc:
        services.order_create(actor=station_officer, enterprise=own_enterprise, channel="station", description="代办",
                              contact_name="张", contact_phone="13800000000", commission_signed_on=TODAY,
                              commission_valid_until=TODAY, commission_file=bad)
    assert "commission_file" in exc.value.message_dict
    assert not AssistOrder.objects.exists()


# --- the enterprise's contact ----------------------------------------------------------------

def test_the_order_page_shows_the_contact_masked_for_who_may_not_see_personal_data(
        working_order, clerk_client, agent_client, enterprise_client, leader_client, station_officer):
    def contact(client):
        html = client.get(f"/assist/{working_order.number}/").content.decode()
        return html[html.index('data-testid="contact"'):][:200]

    for client in (clerk_client, agent_client, enterprise_client):
        assert "张伟 13812345678" in contact(client)
    for client in (leader_client, login(station_officer)):
        shown = contact(client)
        assert "张伟 138****5678" in shown and "13812345678" not in shown


def test_without_a_contact_on_the_order_the_registry_contact_is_shown(working_order, clerk_client, leader_client):
    Contact.objects.create(enterprise=working_order.enterprise, name="李娟", phone="13900001234", is_primary=True)
    AssistOrder.objects.filter(pk=working_order.pk).update(contact_name="", contact_phone="")
    assert "李娟 13900001234" in clerk_client.get(f"/assist/{working_order.number}/").content.decode()
    html = leader_client.get(f"/assist/{working_order.number}/").content.decode()
    assert "李娟 139****1234" in html and "企业档案" in html
