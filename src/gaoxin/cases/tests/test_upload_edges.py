"""Issue 15 §3: every upload edge of cases checks the file's content, and the API refuses exactly what the page
refuses — an HTML page named .pdf, an SVG drawing with a script named .png —, naming the material; the contact
phone is checked the same way on the page and in the API. Nothing is written when a file is refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.cases import services
from gaoxin.cases.models import Case, CaseEvent, Decision
from gaoxin.core.models import AuditEvent
from gaoxin.core.tests.samples import HTML, PNG, SVG, pdf

APPROVAL = {"opinion": "符合法定条件、标准", "licence_number": "湘高新许字〔2026〕第0001号"}
IMPOSTORS = [("营业执照.pdf", HTML, "文件内容是网页或 SVG 等标记代码，不是 PDF 文件"),
             ("场地照片.png", SVG, "文件内容是网页或 SVG 等标记代码，不是 PNG 图片"),
             ("章程.pdf", PNG, "文件内容不是有效的 PDF 文件")]
# Too short; full-width and Arabic-Indic digits after a leading ASCII one (Python's \d matched them).
BAD_PHONES = ["12", "1３９１２３４５６７８", "0٧٣١-٨٨٨٨٨٨٨٨"]


def written():
    return Case.objects.count(), AuditEvent.objects.count(), CaseEvent.objects.count()


def application(item, enterprise, file=None, phone="13812345678"):
    """The page's form for the item's first situation, every required material uploaded (as `file` if given)."""
    situation = item.current_version.situations.first()
    data = {"enterprise": enterprise.pk, "contact_phone": phone, "situation": situation.pk}
    materials = [m for m in item.current_version.materials.filter(necessity="required")
                 if not m.situations.exists() or m.situations.filter(pk=situation.pk).exists()]
    for m in materials:
        data[f"material_{m.pk}"] = SimpleUploadedFile(file[0], file[1]) if file else pdf()
    return data, materials


def api_submission(item, enterprise, file=None, phone="13812345678"):
    data, materials = application(item, enterprise, file, phone)
    del data["enterprise"]
    return {**data, "item": item.implementation_code, "channel": "web", "enterprise_uscc": enterprise.uscc}, materials


@pytest.mark.parametrize("name,content,message", IMPOSTORS)
def test_the_application_page_and_the_api_refuse_the_same_impostor(enterprise_client, item, own_enterprise,
                                                                   name, content, message):
    before = written()
    data, materials = application(item, own_enterprise, (name, content))
    page = enterprise_client.post(f"/guide/{item.implementation_code}/apply/", data)
    assert page.status_code == 200
    errors = page.context["form"].errors
    assert all(errors[f"material_{m.pk}"][0].startswith(f"{m.name}：{message}") for m in materials)

    data, materials = api_submission(item, own_enterprise, (name, content))
    api = enterprise_client.post("/api/v1/cases/", data)
    assert api.status_code == 400
    refused = api.json()["non_field_errors"]
    assert sorted(refused) == sorted(f"材料“{m.name}”：{e[len(m.name) + 1:]}"
                                     for m in materials for e in errors[f"material_{m.pk}"])
    assert written() == before


def test_the_real_files_go_through_both_edges(enterprise_client, item, own_enterprise):
    data, _ = application(item, own_enterprise)
    assert enterprise_client.post(f"/guide/{item.implementation_code}/apply/", data).status_code == 302
    Case.objects.all().delete()
    data, _ = api_submission(item, own_enterprise)
    assert enterprise_client.post("/api/v1/cases/", data).status_code == 201


def test_the_service_checks_the_content_again(item, own_enterprise, clerk_user):
    form = item.current_version.materials.get(name="企业设立登记申请表")
    applicant = services.Applicant(type="enterprise", name=own_enterprise.name, enterprise=own_enterprise)
    with pytest.raises(Exception) as caught:
        services.case_submit(item=item, applicant=applicant, channel="window", actor=clerk_user,
                             files={form.pk: SimpleUploadedFile("申请表.pdf", HTML)})
    assert caught.value.message_dict[f"material_{form.pk}"][0].startswith("企业设立登记申请表：文件内容是网页")
    assert not Case.objects.exists()


@pytest.mark.parametrize("phone", BAD_PHONES)
def test_a_bad_phone_is_refused_by_the_page_and_the_api_alike(enterprise_client, item, own_enterprise, phone):
    data, _ = application(item, own_enterprise, phone=phone)
    page = enterprise_client.post(f"/guide/{item.implementation_code}/apply/", data)
    assert page.context["form"].errors["contact_phone"] == ["请填写正确的手机号或座机号"]
    data, _ = api_submission(item, own_enterprise, phone=phone)
    api = enterprise_client.post("/api/v1/cases/", data)
    assert api.status_code == 400 and api.json() == {"contact_phone": ["请填写正确的手机号或座机号"]}
    assert not Case.objects.exists()


# --- after the application: correction, 容缺 supply, the decision's result file ------------------------------

@pytest.fixture
def in_review(item, submit, clerk_user, officer):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    return services.case_transition(case=case, name="START_REVIEW", actor=officer)


def test_a_page_named_pdf_is_refused_as_a_correction_and_as_a_supplied_material(item, submit, clerk_user,
                                                                                enterprise_client):
    case = services.case_transition(case=submit(item, originals=set()), name="REQUEST_CORRECTION", actor=clerk_user,
                                    reason="请补交申请表")
    material = case.materials.filter(material__necessity="required").first()
    before = written()
    response = enterprise_client.post(f"/cases/{case.number}/materials/",
                                      {f"material_{material.material_id}": SimpleUploadedFile("表.pdf", HTML)})
    assert response.context["materials_form"].errors[f"material_{material.material_id}"][0].startswith(
        f"{material.material.name}：文件内容是网页")
    assert written() == before and not case.materials.filter(file__gt="").exists()

    case = submit(item)
    owed = case.materials.get(material__necessity="tolerance").material_id
    case = services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user, owed=[owed], supply_days=3,
                                    commitment=True)
    before = written()
    html = enterprise_client.post(f"/cases/{case.number}/supply/{owed}/",
                                  {"file": SimpleUploadedFile("合同.png", SVG)}).content.decode()
    assert 'data-testid="supply-error">补交文件：文件内容是网页或 SVG 等标记代码，不是 PNG 图片' in html
    assert written() == before and not case.materials.get(material_id=owed).supplied_on


def test_the_decision_page_and_the_api_refuse_a_page_as_the_result_file(in_review, officer, client):
    client.force_login(officer)
    before = written()
    page = client.post(f"/cases/{in_review.number}/decide/approve/",
                       {**APPROVAL, "step": "review", "result_file": SimpleUploadedFile("许可证.pdf", HTML)})
    assert page.context["form"].errors["result_file"] == ["结果文件：文件内容是网页或 SVG 等标记代码，不是 PDF 文件，不能上传"]
    api = client.post(f"/api/v1/cases/{in_review.number}/transition/",
                      {"name": "APPROVE", **APPROVAL, "result_file": SimpleUploadedFile("许可证.pdf", HTML)})
    assert api.status_code == 400 and api.json() == {"result_file": page.context["form"].errors["result_file"]}
    assert written() == before and not Decision.objects.exists()
