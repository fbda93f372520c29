"""Uploaded materials are opened through a permission-checked view: staff and the applicant of
cases they may see, 404 outside scope, 403 for roles that do not read files; every opening by
staff is audited, naming the material."""

from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import services
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.samples import docx
from gaoxin.enterprises.tests.factories import EnterpriseFactory

PDF = b"%PDF-1.4 articles of association"


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def uploaded(item, own_enterprise, clerk_user):
    """A case whose application form was uploaded and whose other required materials were seen at the window."""
    materials = {m.name: m for m in item.current_version.materials.all()}
    form = materials["企业设立登记申请表"]
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise,
                                   phone="13812345678")
    case = services.case_submit(
        item=item, applicant=applicant, channel="window", actor=clerk_user,
        files={form.pk: SimpleUploadedFile("scan.pdf", PDF, content_type="application/pdf")},
        originals_seen={materials["公司章程"].pk, materials["合伙协议"].pk})
    return case, form


def url(case, material, download=False) -> str:
    return f"/cases/{case.number}/materials/{material.pk}/file/" + ("?download=1" if download else "")


@pytest.mark.parametrize("role", [Role.WINDOW_CLERK, Role.ZONE_ADMIN, Role.LEADER, Role.DEPT_OFFICER])
def test_staff_open_a_material_inline_and_each_opening_is_audited(role, uploaded, market):
    case, form = uploaded
    user = UserFactory(role=role, org_unit=market if role == Role.DEPT_OFFICER else None)
    response = login(user).get(url(case, form))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    filename = f"企业设立登记申请表-{case.number}.pdf"
    assert response["Content-Disposition"] == f"inline; filename*=utf-8''{quote(filename)}"
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(event_type="case.material_viewed")
    assert event.actor == user and event.subject_id == str(case.pk)
    assert event.after["material"] == "企业设立登记申请表"


def test_download_is_an_attachment_and_audited_as_a_download(uploaded, clerk_client):
    case, form = uploaded
    response = clerk_client.get(url(case, form, download=True))
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert AuditEvent.objects.filter(event_type="case.material_downloaded").count() == 1
    assert not AuditEvent.objects.filter(event_type="case.material_viewed").exists()


def test_word_files_are_always_downloaded(item, own_enterprise, clerk_user, clerk_client):
    form = item.current_version.materials.get(name="企业设立登记申请表")
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise)
    case = services.case_submit(item=item, applicant=applicant, channel="window", actor=clerk_user,
                                files={form.pk: docx()})
    response = clerk_client.get(url(case, form))
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_the_applicant_opens_its_own_files_without_an_audit_entry(uploaded, enterprise_client):
    case, form = uploaded
    response = enterprise_client.get(url(case, form))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF
    assert not AuditEvent.objects.filter(event_type__startswith="case.material_").exists()


def test_outside_scope_is_404_and_roles_that_do_not_read_files_get_403(uploaded, other_officer, client):
    case, form = uploaded
    stranger = UserFactory(role=Role.ENTERPRISE)
    stranger.enterprise_memberships.create(enterprise=EnterpriseFactory())
    assert login(stranger).get(url(case, form)).status_code == 404
    assert login(other_officer).get(url(case, form)).status_code == 404
    agent = UserFactory(role=Role.AGENT)
    type(case).objects.filter(pk=case.pk).update(submitted_by=agent)  # the agent filed it and sees the case
    assert login(agent).get(f"/cases/{case.number}/").status_code == 200
    assert login(agent).get(url(case, form)).status_code == 403
    assert client.get(url(case, form)).status_code == 302  # anonymous: to log-in
    assert not AuditEvent.objects.filter(event_type__startswith="case.material_").exists()


def test_a_material_without_a_file_is_404(uploaded, clerk_client):
    case, _ = uploaded
    charter = case.materials.get(material__name="公司章程").material
    assert clerk_client.get(url(case, charter)).status_code == 404


def test_case_page_lists_how_each_material_came_in_with_links_only_for_readers(uploaded, clerk_client):
    case, form = uploaded
    html = clerk_client.get(f"/cases/{case.number}/").content.decode()
    assert url(case, form) in html and url(case, form, download=True) in html
    assert "上传" in html and "已核验原件" in html and f"{len(PDF)}\xa0字节" in html
    agent = UserFactory(role=Role.AGENT)
    type(case).objects.filter(pk=case.pk).update(submitted_by=agent)
    html = login(agent).get(f"/cases/{case.number}/").content.decode()
    assert "企业设立登记申请表" in html and url(case, form) not in html



def test_a_supplied_tolerance_material_reads_as_supplied_later(item, submit, clerk_user, clerk_client, enterprise_user):
    case = submit(item)
    owed = case.materials.get(material__necessity="tolerance").material
    case = services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user, owed=[owed.pk],
                                    supply_days=3, commitment=True)
    services.case_supply_owed(case=case, material_id=owed.pk, actor=enterprise_user,
                              upload=SimpleUploadedFile("租赁合同.pdf", PDF))
    html = clerk_client.get(f"/cases/{case.number}/").content.decode()
    assert "容缺后补" in html and url(case, owed) in html
