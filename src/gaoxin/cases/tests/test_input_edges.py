"""Every input edge of cases reads through a form: a refused value comes back beside its field with what was
typed, nothing is written; the API reads each step with the page's form and answers 400 naming the field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gaoxin.cases import services
from gaoxin.cases.models import Case, CaseEvent, Review, Status
from gaoxin.core.models import AuditEvent

APPROVAL = {"opinion": "符合法定条件、标准", "licence_number": "湘高新许字〔2026〕第0001号"}


def pdf(name="材料.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 material", content_type="application/pdf")


def written():
    return AuditEvent.objects.count(), CaseEvent.objects.count()


@pytest.fixture
def in_review(item, submit, clerk_user, officer):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    return services.case_transition(case=case, name="START_REVIEW", actor=officer)


@pytest.fixture
def officer_client(officer, client):
    client.force_login(officer)
    return client


# --- the case page's buttons ---------------------------------------------------------------------------

def test_a_missing_reason_shows_beside_the_reason_of_that_button(item, submit, clerk_client):
    case = submit(item)
    before = written()
    response = clerk_client.post(f"/cases/{case.number}/act/", {"name": "REFUSE_ACCEPT", "reason": " "})
    html = response.content.decode()
    assert response.status_code == 200 and "“不予受理”需要填写原因或说明" in html
    assert 'id="id_refuse_accept_reason"' in html and "is-invalid" in html
    assert written() == before and Case.objects.get(pk=case.pk).status == Status.RECEIVED
    assert "REFUSE_ACCEPT" not in html.replace('value="REFUSE_ACCEPT"', "").replace("action-refuse_accept", "")


@pytest.mark.parametrize("days,message", [("abc", "请填写整数天数"), ("99", "延长天数应在1至10个工作日之间"),
                                          ("0", "延长天数应在1至10个工作日之间")])
def test_extension_days_are_checked_beside_the_field(in_review, officer_client, days, message):
    before = written()
    response = officer_client.post(f"/cases/{in_review.number}/act/",
                                   {"name": "EXTEND", "days": days, "reason": "情况复杂，经负责人批准"})
    html = response.content.decode()
    assert response.status_code == 200 and message in html and 'id="id_extend_days"' in html
    assert "情况复杂，经负责人批准" in html  # what was typed stays
    assert written() == before


def test_a_step_the_case_has_moved_past_is_told_above_the_buttons(item, submit, clerk_user, clerk_client):
    case = submit(item)
    services.case_transition(case=case, name="ACCEPT", actor=clerk_user)
    html = clerk_client.post(f"/cases/{case.number}/act/", {"name": "NOT_ACCEPT", "reason": "材料不全"}).content.decode()
    assert 'data-testid="action-error">“已受理”状态下不能“不受理（退回）”' in html


def test_a_step_outside_the_role_is_forbidden_whatever_was_typed(in_review, enterprise_client):
    response = enterprise_client.post(f"/cases/{in_review.number}/act/", {"name": "EXTEND", "days": "abc"})
    assert response.status_code == 403


def test_an_unknown_step_is_refused_without_showing_its_code(item, submit, clerk_client):
    case = submit(item)
    response = clerk_client.post(f"/cases/{case.number}/act/", {"name": "FLY"}, follow=True)
    assert "没有该办理操作" in response.content.decode() and "FLY" not in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == Status.RECEIVED


# --- 容缺, 补正 and 好差评 forms ------------------------------------------------------------------------------

def tolerant(item, submit, clerk_user):
    case = submit(item)
    owed = case.materials.get(material__necessity="tolerance").material_id
    return services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk_user, owed=[owed],
                                    supply_days=3, commitment=True), owed


def test_a_supplied_file_of_the_wrong_type_is_refused_beside_that_material(item, submit, clerk_user,
                                                                          enterprise_client):
    case, owed = tolerant(item, submit, clerk_user)
    before = written()
    response = enterprise_client.post(f"/cases/{case.number}/supply/{owed}/",
                                      {"file": SimpleUploadedFile("合同.exe", b"MZ")})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="supply-error">补交文件：文件类型 .exe 不支持' in html
    assert written() == before and not case.materials.get(material_id=owed).supplied_on
    missing = enterprise_client.post(f"/cases/{case.number}/supply/{owed}/", {})
    assert 'data-testid="supply-error">请上传材料文件' in missing.content.decode()


def test_supplying_a_material_that_is_not_owed_is_not_found(item, submit, clerk_user, clerk_client):
    case, owed = tolerant(item, submit, clerk_user)
    other = case.materials.exclude(material_id=owed).first().material_id
    assert clerk_client.post(f"/cases/{case.number}/supply/{other}/", {}).status_code == 404


def test_correction_uploads_are_checked_beside_each_material(item, submit, clerk_user, enterprise_client):
    case = services.case_transition(case=submit(item, originals=set()), name="REQUEST_CORRECTION", actor=clerk_user,
                                    reason="请补交申请表")
    before = written()
    none = enterprise_client.post(f"/cases/{case.number}/materials/", {}).content.decode()
    assert "请选择要上传的材料" in none
    material = case.materials.filter(material__necessity="required").first()
    bad = enterprise_client.post(f"/cases/{case.number}/materials/",
                                 {f"material_{material.material_id}": SimpleUploadedFile("表.exe", b"MZ")})
    html = bad.content.decode()
    assert bad.status_code == 200 and "文件类型 .exe 不支持" in html and f'id="id_material_{material.material_id}"' in html
    assert written() == before and not case.materials.filter(file__gt="").exists()
    ok = enterprise_client.post(f"/cases/{case.number}/materials/", {f"material_{material.material_id}": pdf()})
    assert ok.status_code == 302 and case.materials.filter(file__gt="").count() == 1


def test_a_review_form_error_sits_beside_its_field_and_keeps_the_comment(item, submit, clerk_user, officer,
                                                                        enterprise_client):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, **APPROVAL)
    case = services.case_transition(case=case, name="DELIVER", actor=clerk_user, method="window")
    html = enterprise_client.post(f"/cases/{case.number}/review/", {"comment": "还行"}).content.decode()
    assert "请选择评价等级" in html and "还行" in html
    html = enterprise_client.post(f"/cases/{case.number}/review/", {"level": "1", "comment": " "}).content.decode()
    assert "请说明不满意的原因，便于整改" in html and 'data-testid="review-form"' in html
    assert not Review.objects.exists()


# --- window intake, queue filters, files ---------------------------------------------------------------------

def test_window_intake_reads_a_uscc_as_typed_and_refuses_an_unknown_one(item, clerk_client, own_enterprise):
    required = [str(m.pk) for m in item.current_version.materials.filter(necessity="required")]
    data = {"applicant_type": "enterprise", "contact_phone": "13800000000", "channel": "window", "originals": required}
    empty = clerk_client.post(f"/cases/intake/{item.implementation_code}/", data).content.decode()
    assert "请填写申请企业的统一社会信用代码" in empty
    unknown = clerk_client.post(f"/cases/intake/{item.implementation_code}/",
                                {**data, "uscc": "91430300MA4XXXXXXX"}).content.decode()
    assert "企业档案中没有该统一社会信用代码" in unknown and not Case.objects.exists()
    typed = f" {own_enterprise.uscc[:6].lower()} {own_enterprise.uscc[6:]} "
    response = clerk_client.post(f"/cases/intake/{item.implementation_code}/", {**data, "uscc": typed})
    assert response.status_code == 302 and Case.objects.get().enterprise == own_enterprise


def test_window_intake_keeps_what_was_typed_for_a_person(item, clerk_client):
    html = clerk_client.post(f"/cases/intake/{item.implementation_code}/", {
        "applicant_type": "citizen", "applicant_name": "", "applicant_id_number": "11010519491231002X",
        "contact_phone": "138", "channel": "window"}).content.decode()
    assert "请填写个人申请人姓名" in html and "请填写正确的手机号或座机号" in html and "11010519491231002X" in html


@pytest.mark.parametrize("query", ["status=bogus", "channel=<script>", "q=" + "长" * 300, "page=abc"])
def test_queue_filters_never_fail(clerk_client, item, submit, query):
    submit(item)
    assert clerk_client.get(f"/cases/?{query}").status_code == 200


# --- the API: the same forms --------------------------------------------------------------------------------

def test_the_api_names_the_field_of_an_unknown_step(item, submit, clerk_client):
    case = submit(item)
    response = clerk_client.post(f"/api/v1/cases/{case.number}/transition/", {"name": "FLY"},
                                 content_type="application/json")
    assert response.status_code == 400 and "name" in response.json()


def test_the_api_refuses_a_role_before_reading_the_inputs(in_review, clerk_client):
    response = clerk_client.post(f"/api/v1/cases/{in_review.number}/transition/", {"name": "APPROVE"},
                                 content_type="application/json")
    assert response.status_code == 403


def test_the_api_accepts_with_tolerance_through_the_pages_form(item, submit, clerk_client):
    case = submit(item)
    owed = case.materials.get(material__necessity="tolerance").material_id
    url = f"/api/v1/cases/{case.number}/transition/"
    bad = clerk_client.post(url, {"name": "ACCEPT_TOLERANCE", "owed": [owed], "supply_days": 30, "commitment": True},
                            content_type="application/json")
    assert bad.status_code == 400 and bad.json()["supply_days"] == ["补齐期限应为1至10个工作日"]
    ok = clerk_client.post(url, {"name": "ACCEPT_TOLERANCE", "owed": [owed], "supply_days": 2, "commitment": True},
                           content_type="application/json")
    assert ok.status_code == 200 and ok.json()["tolerance"] is True


def test_the_api_extension_is_checked_like_the_page(in_review, officer_client):
    url = f"/api/v1/cases/{in_review.number}/transition/"
    bad = officer_client.post(url, {"name": "EXTEND", "days": 99, "reason": "复杂"}, content_type="application/json")
    assert bad.status_code == 400 and bad.json()["days"] == ["延长天数应在1至10个工作日之间"]
    missing = officer_client.post(url, {"name": "EXTEND", "days": 5}, content_type="application/json")
    assert missing.status_code == 400 and "reason" in missing.json()


def test_the_api_submission_names_each_wrong_field(enterprise_client, item, own_enterprise, other_enterprise):
    base = {"item": item.implementation_code, "channel": "web", "enterprise_uscc": own_enterprise.uscc,
            "contact_phone": "13812345678"}
    assert "item" in enterprise_client.post("/api/v1/cases/", {**base, "item": "NOPE"}).json()
    assert "contact_phone" in enterprise_client.post("/api/v1/cases/", {**base, "contact_phone": "12"}).json()
    assert "situation" in enterprise_client.post("/api/v1/cases/", {**base, "situation": 999999}).json()
    assert "situation" in enterprise_client.post("/api/v1/cases/", {**base, "situation": "二"}).json()
    other = enterprise_client.post("/api/v1/cases/", {**base, "enterprise_uscc": other_enterprise.uscc})
    assert other.status_code == 400 and "enterprise_uscc" in other.json()
    bad_file = enterprise_client.post("/api/v1/cases/", {**base, **{
        f"material_{m.pk}": SimpleUploadedFile("a.exe", b"MZ")
        for m in item.current_version.materials.filter(necessity="required")}})
    assert bad_file.status_code == 400 and "不支持" in str(bad_file.json())
    assert not Case.objects.exists()
