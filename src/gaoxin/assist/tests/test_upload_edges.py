"""Issue 15 §3: the 帮代办 uploads — the 委托书, visit attachments, materials filed for the firm — are checked by
content on the page, in the API and in the service alike (an HTML page named .pdf, an SVG drawing with a script
named .png are refused, naming the field); a bad contact phone is refused by the page and the API alike."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.assist import services
from gaoxin.assist.models import AssistOrder, AssistVisit
from gaoxin.cases.models import Case
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.samples import HTML, SVG, pdf

from .conftest import TODAY, materials

pytestmark = pytest.mark.django_db

ORDER = {"channel": "online", "description": "变更注册地址", "contact_name": "张伟", "contact_phone": "13800000000",
         "commission_signed_on": TODAY.isoformat(),
         "commission_valid_until": (TODAY + dt.timedelta(days=90)).isoformat()}
PAGE_AS_PDF = "委托书：文件内容是网页或 SVG 等标记代码，不是 PDF 文件，不能上传"


def test_the_order_page_and_the_api_refuse_a_page_named_pdf_as_the_commission(own_enterprise, enterprise_client):
    page = enterprise_client.post("/assist/new/", ORDER | {
        "uscc": own_enterprise.uscc, "commission_file": SimpleUploadedFile("委托书.pdf", HTML)})
    assert page.status_code == 200 and page.context["form"].errors["commission_file"] == [PAGE_AS_PDF]
    api = enterprise_client.post("/api/v1/assist-orders/", ORDER | {
        "uscc": own_enterprise.uscc, "commission_file": SimpleUploadedFile("委托书.pdf", HTML)})
    assert api.status_code == 400 and api.json() == {"commission_file": [PAGE_AS_PDF]}
    assert not AssistOrder.objects.exists() and not AuditEvent.objects.filter(event_type__startswith="assist").exists()
    created = enterprise_client.post("/api/v1/assist-orders/", ORDER | {"uscc": own_enterprise.uscc,
                                                                       "commission_file": pdf("委托书.pdf")})
    assert created.status_code == 201


def test_the_service_refuses_it_too(station_officer, own_enterprise):
    with pytest.raises(ValidationError) as caught:
        services.order_create(actor=station_officer, enterprise=own_enterprise, channel="station", description="代办",
                              contact_name="张", contact_phone="13800000000", commission_signed_on=TODAY,
                              commission_valid_until=TODAY, commission_file=SimpleUploadedFile("委托书.pdf", HTML))
    assert caught.value.message_dict == {"commission_file": [PAGE_AS_PDF]}
    assert not AssistOrder.objects.exists()


@pytest.mark.parametrize("phone", ["12", "1３９１２３４５６７８"])
def test_a_bad_phone_is_refused_by_the_page_and_the_api_alike(own_enterprise, enterprise_client, phone):
    page = enterprise_client.post("/assist/new/", ORDER | {"uscc": own_enterprise.uscc, "contact_phone": phone})
    assert page.context["form"].errors["contact_phone"] == ["请填写正确的手机号或座机号"]
    api = enterprise_client.post("/api/v1/assist-orders/", ORDER | {"uscc": own_enterprise.uscc, "contact_phone": phone},
                                 content_type="application/json")
    assert api.status_code == 400 and api.json() == {"contact_phone": ["请填写正确的手机号或座机号"]}
    assert not AssistOrder.objects.exists()


def test_a_drawing_with_a_script_named_png_is_refused_as_a_visit_attachment(working_order, agent_client):
    response = agent_client.post(f"/assist/{working_order.number}/act/", {
        "name": "VISIT", "kind": "door", "note": "上门交付执照", "attachment": SimpleUploadedFile("签收单.png", SVG)})
    assert response.status_code == 400
    assert "走访附件：文件内容是网页或 SVG 等标记代码，不是 PNG 图片，不能上传" in response.content.decode()
    assert not AssistVisit.objects.exists()


def test_a_page_named_pdf_is_refused_beside_the_material_it_was_filed_as(working_order, agent_client, agent,
                                                                         change_item):
    m = materials(change_item)["企业变更登记申请表"]
    response = agent_client.post(f"/assist/{working_order.number}/file/", {
        "item": change_item.implementation_code, f"material_{m.pk}": SimpleUploadedFile("申请表.pdf", HTML)})
    assert response.status_code == 200
    assert response.context["form"].errors[f"material_{m.pk}"] == [
        "企业变更登记申请表：文件内容是网页或 SVG 等标记代码，不是 PDF 文件，不能上传"]
    with pytest.raises(ValidationError):
        services.order_file_case(order=working_order, actor=agent, item=change_item,
                                 files={m.pk: SimpleUploadedFile("申请表.pdf", HTML)}, originals_seen=set())
    assert not Case.objects.exists()
