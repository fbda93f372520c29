"""代为申报 from a 帮代办 order: per material the uploaded file or the original seen, never a blanket claim."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.assist import services
from gaoxin.cases.models import Case
from gaoxin.catalog.tests.factories import make_item
from gaoxin.core.models import AuditEvent

from .conftest import login, materials, pdf

pytestmark = pytest.mark.django_db


def test_each_material_is_filed_as_the_agent_supplied_it(working_order, agent, change_item):
    m = materials(change_item)
    form, licence, photo, premises = (m["企业变更登记申请表"], m["营业执照正副本"], m["经营场所照片"], m["住所使用证明"])
    case = services.order_file_case(order=working_order, actor=agent, item=change_item,
                                    files={form.pk: pdf("变更登记申请表.pdf")}, originals_seen={licence.pk})
    filed = {cm.material_id: cm for cm in case.materials.all()}
    assert filed[form.pk].file and not filed[form.pk].original_seen and filed[form.pk].received_on
    assert filed[licence.pk].original_seen and not filed[licence.pk].file
    # Nothing claimed for what the agent did not bring: the optional photo and the 容缺 proof stay missing.
    assert not filed[photo.pk].present and not filed[photo.pk].original_seen
    assert not filed[premises.pk].present and not filed[premises.pk].original_seen
    assert case.channel == "proxy" and list(working_order.cases.all()) == [case]
    assert AuditEvent.objects.filter(event_type="assist.case_filed", subject_id=str(working_order.pk)).count() == 1


def test_a_required_material_missing_both_ways_is_named_and_nothing_is_written(working_order, agent, change_item):
    m = materials(change_item)
    cases, audits = Case.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        services.order_file_case(order=working_order, actor=agent, item=change_item,
                                 originals_seen={m["营业执照正副本"].pk})
    errors = exc.value.message_dict
    assert list(errors) == [f"material_{m['企业变更登记申请表'].pk}"]
    assert "企业变更登记申请表" in errors[f"material_{m['企业变更登记申请表'].pk}"][0]
    assert Case.objects.count() == cases and AuditEvent.objects.count() == audits
    assert not working_order.cases.exists()


def test_an_upload_of_the_wrong_type_is_refused_beside_its_material(working_order, agent, change_item):
    m = materials(change_item)
    bad = SimpleUploadedFile("申请表.exe", b"MZ...", content_type="application/octet-stream")
    with pytest.raises(ValidationError) as exc:
        services.order_file_case(order=working_order, actor=agent, item=change_item,
                                 files={m["企业变更登记申请表"].pk: bad}, originals_seen={m["营业执照正副本"].pk})
    assert "文件类型 .exe 不支持" in exc.value.message_dict[f"material_{m['企业变更登记申请表'].pk}"][0]
    assert not Case.objects.exists()


def test_materials_of_another_item_are_refused(working_order, agent, change_item, admin_user):
    other = make_item(admin_user, code="43037105XK0010", name="食品经营许可", situations=(), channels=["window"])
    alien = other.current_version.materials.first()
    with pytest.raises(ValidationError):
        services.order_file_case(order=working_order, actor=agent, item=change_item, originals_seen={alien.pk})
    assert not Case.objects.exists()


def test_only_the_assigned_agent_files(working_order, change_item):
    m = materials(change_item)
    with pytest.raises(PermissionDenied):
        services.order_file_case(order=working_order, actor=UserFactory(role=Role.AGENT), item=change_item,
                                 originals_seen={m["企业变更登记申请表"].pk, m["营业执照正副本"].pk})


def test_filing_page_lists_the_materials_of_the_orders_item(working_order, agent_client, change_item):
    html = agent_client.get(f"/assist/{working_order.number}/file/").content.decode()
    for name in ("企业变更登记申请表", "营业执照正副本", "经营场所照片", "住所使用证明"):
        assert name in html
    assert f'<option value="{change_item.implementation_code}" selected>' in html
    assert "本订单的代办事项" in html
    # The order page leads there instead of filing at once.
    detail = agent_client.get(f"/assist/{working_order.number}/").content.decode()
    assert f'action="/assist/{working_order.number}/file/"' in detail and 'value="FILE_CASE"' not in detail


def test_filing_page_files_one_upload_and_one_original(working_order, agent_client, change_item):
    m = materials(change_item)
    response = agent_client.post(f"/assist/{working_order.number}/file/", {
        "item": change_item.implementation_code, f"material_{m['企业变更登记申请表'].pk}": pdf("申请表.pdf"),
        f"original_{m['营业执照正副本'].pk}": "on", "note": "上门收取材料"})
    assert response.status_code == 302 and response["Location"] == f"/assist/{working_order.number}/"
    case = working_order.cases.get()
    filed = {cm.material.name: cm for cm in case.materials.select_related("material")}
    assert filed["企业变更登记申请表"].file.name.endswith(".pdf") and not filed["企业变更登记申请表"].original_seen
    assert filed["营业执照正副本"].original_seen and not filed["营业执照正副本"].file
    assert not filed["经营场所照片"].present and case.note == "上门收取材料"


def test_filing_page_error_sits_beside_the_material_and_keeps_what_was_typed(working_order, agent_client, change_item):
    m = materials(change_item)
    response = agent_client.post(f"/assist/{working_order.number}/file/", {
        "item": change_item.implementation_code, f"original_{m['企业变更登记申请表'].pk}": "on", "note": "第二次上门"})
    assert response.status_code == 200
    html = response.content.decode()
    row = html[html.index("营业执照正副本"):]
    row = row[:row.index("</tr>")]
    assert "是必要材料" in row and "is-invalid" in row  # beside the licence, not at the top
    assert f'name="original_{m["企业变更登记申请表"].pk}" id="id_original_{m["企业变更登记申请表"].pk}" checked' in html
    assert 'value="第二次上门"' in html
    assert not working_order.cases.exists()


def test_filing_page_is_the_assigned_agents_only(working_order, clerk_client, enterprise_client, change_item):
    url = f"/assist/{working_order.number}/file/"
    assert login(UserFactory(role=Role.AGENT)).get(url).status_code == 404  # another agent's order
    assert clerk_client.get(url).status_code == 403
    assert enterprise_client.get(url).status_code == 403
    assert "代为申报" not in clerk_client.get(f"/assist/{working_order.number}/").content.decode()
