"""An applicant with an application still in handling for the same item or 一件事 is told and refused (QA walk: the
founder's identical second 企业开办 was accepted without warning): on the page, above the form with what was typed
kept, and by the API; the same firm, or for a natural person the same ID number."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.cases import application, services
from gaoxin.cases.models import Case, Kind, Status


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 test", content_type="application/pdf")



@pytest.fixture
def founder_client(founder):
    client = Client()
    client.force_login(founder)
    return client


@pytest.fixture
def citizen_bundle(two_item_bundle, item):
    item.current_version.service_object = "both"
    item.current_version.save(update_fields=["service_object"])
    return two_item_bundle


def bundle_form(bundle, applicant_type: str) -> dict:
    parts = application.bundle_parts(bundle)
    chosen = {p.item.pk: p.situations[0] if p.situations else None for p in parts}
    data = {p.situation_field: chosen[p.item.pk].pk for p in parts if chosen[p.item.pk]}
    data.update({"contact_phone": "13907320001", "note": "拟设立：湘潭星火智能科技有限公司"})
    for g in application.material_groups(bundle, parts, chosen, applicant_type):
        if g.required:
            data[g.field_name] = pdf(f"{g.name}.pdf")
    return data


def test_the_founders_second_startup_application_is_refused_beside_the_form(founder_client, citizen_bundle):
    url = f"/guide/bundles/{citizen_bundle.code}/apply/"
    assert founder_client.post(url, bundle_form(citizen_bundle, "citizen")).status_code == 302
    first = Case.objects.get(kind=Kind.PACKAGE)
    response = founder_client.post(url, bundle_form(citizen_bundle, "citizen"))
    html = response.content.decode()
    assert response.status_code == 200
    assert f"您已有一件在办的“企业开办一件事”，办件编号{first.number}" in html
    assert "拟设立：湘潭星火智能科技有限公司" in html  # what was typed is kept
    assert Case.objects.filter(kind=Kind.PACKAGE).count() == 1


def test_a_second_application_for_the_same_item_by_the_same_firm_is_refused(enterprise_client, item, own_enterprise):
    sit = item.current_version.situations.get(name="合伙企业")
    form = {m.name: m.pk for m in item.current_version.materials.all()}

    def apply():
        return enterprise_client.post(f"/guide/{item.implementation_code}/apply/", {
            "situation": sit.pk, "enterprise": own_enterprise.pk, "contact_phone": "13812345678",
            f"material_{form['企业设立登记申请表']}": pdf(), f"material_{form['合伙协议']}": pdf()})

    assert apply().status_code == 302
    first = Case.objects.get()
    html = apply().content.decode()
    assert f"您已有一件在办的“企业设立登记”，办件编号{first.number}" in html and Case.objects.count() == 1
    # Once the first has ended (here withdrawn), applying again is fine.
    services.case_transition(case=first, name="WITHDRAW_PRE", actor=first.submitted_by, reason="填错了")
    assert apply().status_code == 302 and Case.objects.count() == 2


def test_an_item_in_handling_inside_a_package_counts(enterprise_user, file_package, item, own_enterprise):
    package = file_package(actor=enterprise_user, channel="web")
    child = package.children.get(item=item)
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise,
                                   phone="13812345678")
    with pytest.raises(ValidationError, match=f"办件编号{child.number}（“企业开办一件事”的子件）"):
        services.case_submit(item=item, applicant=applicant, channel="window", actor=enterprise_user)


def test_the_api_refuses_the_duplicate_with_the_same_message(enterprise_client, item, own_enterprise, submit,
                                                             enterprise_user):
    first = submit(item, actor=enterprise_user)
    response = enterprise_client.post("/api/v1/cases/", {"item": item.implementation_code, "channel": "window",
                                                         "enterprise_uscc": own_enterprise.uscc,
                                                         "contact_phone": "13812345678"})
    assert response.status_code == 400
    assert f"您已有一件在办的“企业设立登记”，办件编号{first.number}" in response.json()["detail"][0]


def test_other_applicants_ended_cases_and_staff_filings_are_not_refused(item, submit, clerk_user, enterprise_user,
                                                                       own_enterprise, other_enterprise):
    first = submit(item, actor=enterprise_user)
    other = services.Applicant(type="enterprise", name=other_enterprise.name, enterprise=other_enterprise,
                               phone="13812345678")
    assert services.case_submit(item=item, applicant=other, channel="window", actor=clerk_user)
    # The window registers what it is asked to (a firm's second project files the same item).
    assert submit(item, actor=clerk_user).status == Status.RECEIVED
    # A decided case is no longer in handling.
    Case.objects.filter(pk=first.pk).update(status=Status.DECIDED_REFUSED)
    Case.objects.exclude(pk=first.pk).update(status=Status.DELIVERED)
    assert submit(item, actor=enterprise_user).status == Status.RECEIVED
