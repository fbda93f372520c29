"""Case pages and API: applying online, window intake, queues, actions, notices, tracking."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.cases import services
from gaoxin.cases.models import Case, Status
from gaoxin.enterprises.tests.factories import EnterpriseFactory


def pdf(name="申请表.pdf", size=100):
    return SimpleUploadedFile(name, b"%PDF-1.4" + b"x" * size, content_type="application/pdf")


def apply_data(item, enterprise, **files):
    """The form as filled for the item's first situation (有限责任公司 in the fixture)."""
    situation = item.current_version.situations.first()
    data = {"enterprise": enterprise.pk, "contact_phone": "13812345678", "note": "请尽快办理"}
    materials = item.current_version.materials.filter(necessity="required")
    if situation is not None:
        data["situation"] = situation.pk
        materials = [m for m in materials if not m.situations.exists() or m.situations.filter(pk=situation.pk).exists()]
    for m in materials:
        data[f"material_{m.pk}"] = files.get("file") or pdf()
    return data


def test_enterprise_applies_online(enterprise_client, item, own_enterprise, enterprise_user):
    situation = item.current_version.situations.get(name="有限责任公司")
    page = enterprise_client.get(f"/guide/{item.implementation_code}/apply/?situation={situation.pk}")
    assert page.status_code == 200 and "公司章程" in page.content.decode()
    response = enterprise_client.post(f"/guide/{item.implementation_code}/apply/", apply_data(item, own_enterprise))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/cases/{case.number}/"
    assert case.channel == "web" and case.status == Status.RECEIVED and case.version == item.current_version
    assert case.situation == situation and case.materials.filter(file__gt="").count() == 2
    html = enterprise_client.get(f"/cases/{case.number}/").content.decode()
    assert "已接件" in html and case.number in html


def test_upload_type_and_size_are_checked(enterprise_client, item, own_enterprise, settings):
    settings.GAOXIN_UPLOAD_MAX_BYTES = 50
    response = enterprise_client.post(f"/guide/{item.implementation_code}/apply/",
                                      apply_data(item, own_enterprise, file=SimpleUploadedFile("a.exe", b"MZ")))
    assert "不支持" in response.content.decode()
    response = enterprise_client.post(f"/guide/{item.implementation_code}/apply/",
                                      apply_data(item, own_enterprise, file=pdf(size=500)))
    assert "不能超过" in response.content.decode()
    assert not Case.objects.exists()


def test_immediate_item_online_is_done_at_once(enterprise_client, immediate_item, own_enterprise):
    enterprise_client.post(f"/guide/{immediate_item.implementation_code}/apply/", apply_data(immediate_item, own_enterprise))
    assert Case.objects.get().status == Status.DELIVERED


def test_only_enterprise_users_apply_for_their_own_enterprise(clerk_client, enterprise_client, item):
    assert clerk_client.get(f"/guide/{item.implementation_code}/apply/").status_code == 403
    stranger = EnterpriseFactory()
    response = enterprise_client.post(f"/guide/{item.implementation_code}/apply/", apply_data(item, stranger))
    assert response.status_code == 200 and not Case.objects.exists()


def test_window_intake_for_a_citizen(clerk_client, item):
    response = clerk_client.post(f"/cases/intake/{item.implementation_code}/", {
        "applicant_type": "citizen", "applicant_name": "王五", "applicant_id_number": "11010519491231002x",
        "contact_phone": "13800000000", "channel": "window",
        "originals": [str(m.pk) for m in item.current_version.materials.filter(necessity="required")],
    })
    case = Case.objects.get()
    assert response.status_code == 302 and case.applicant_id_number == "11010519491231002X"
    bad = clerk_client.post(f"/cases/intake/{item.implementation_code}/", {
        "applicant_type": "citizen", "applicant_name": "王五", "applicant_id_number": "110105194912310021",
        "contact_phone": "13800000000", "channel": "window"})
    assert "校验码错误" in bad.content.decode() and Case.objects.count() == 1


def test_case_page_actions_and_notice(clerk_client, item, submit):
    case = submit(item)
    html = clerk_client.get(f"/cases/{case.number}/").content.decode()
    assert "受理" in html and "一次性告知补正" in html and "容缺受理" in html
    clerk_client.post(f"/cases/{case.number}/act/", {"name": "ACCEPT"})
    case.refresh_from_db()
    assert case.status == Status.ACCEPTED
    notice = clerk_client.get(f"/cases/{case.number}/notice/acceptance/").content.decode()
    assert "受理通知书" in notice and case.number in notice and "<svg" in notice and "/track/?number=" in notice
    assert clerk_client.get(f"/cases/{case.number}/notice/refusal/").status_code == 404
    response = clerk_client.post(f"/cases/{case.number}/act/", {"name": "NOT_ACCEPT", "reason": "x"}, follow=True)
    assert "不能" in response.content.decode()


def test_officers_see_only_their_department(officer_client, officer, other_officer, item, submit, clerk_user):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    mine = Client()
    mine.force_login(officer)
    assert case.number in mine.get("/cases/queue/review/").content.decode()
    other = Client()
    other.force_login(other_officer)
    assert case.number not in other.get("/cases/queue/review/").content.decode()
    assert other.get(f"/cases/{case.number}/").status_code == 404
    assert other.post(f"/cases/{case.number}/act/", {"name": "START_REVIEW"}).status_code == 404


def test_enterprise_sees_only_its_cases(enterprise_client, item, submit, clerk_user):
    own = submit(item)
    stranger = EnterpriseFactory()
    other = services.case_submit(item=item, channel="window", actor=clerk_user,
                                 applicant=services.Applicant(type="enterprise", name=stranger.name, enterprise=stranger))
    html = enterprise_client.get("/cases/").content.decode()
    assert own.number in html and other.number not in html
    assert enterprise_client.get(f"/cases/{other.number}/").status_code == 404
    assert enterprise_client.get(f"/api/v1/cases/{other.number}/").status_code == 404


def test_queue_query_count_is_constant(clerk_client, item, submit, django_assert_max_num_queries):
    def load():
        with django_assert_max_num_queries(10):
            assert clerk_client.get("/cases/queue/intake/").status_code == 200

    submit(item)
    load()
    for _ in range(30):
        submit(item)
    load()


def test_at_risk_and_overdue_queues(clerk_client, item, submit, clerk_user):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    assert case.number in clerk_client.get("/cases/queue/at_risk/").content.decode()  # 1 WD left
    Case.objects.filter(pk=case.pk).update(due_date="2020-01-02")
    html = clerk_client.get("/cases/queue/overdue/").content.decode()
    assert case.number in html and "超期" in html


def test_public_tracking_needs_number_and_identity(client, item, submit, own_enterprise):
    case = submit(item)
    ok = client.post("/track/", {"number": case.number, "identity": own_enterprise.uscc.lower()}).content.decode()
    assert "已接件" in ok and case.title in ok
    wrong = client.post("/track/", {"number": case.number, "identity": "91110000600037341L"}).content.decode()
    assert "没有找到该办件" in wrong and case.title not in wrong


def test_review_from_the_case_page(enterprise_client, item, submit, clerk_user, officer):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                    licence_number="湘高新许字〔2026〕第0001号")
    case = services.case_transition(case=case, name="DELIVER", actor=clerk_user, method="window")
    assert "服务评价" in enterprise_client.get(f"/cases/{case.number}/").content.decode()
    enterprise_client.post(f"/cases/{case.number}/review/", {"level": "1", "comment": "态度差"})
    case.refresh_from_db()
    assert case.review.level == 1 and case.review.rectification.status == "open"


def test_api_submit_read_and_transition(enterprise_client, clerk_client, client, item, own_enterprise):
    assert client.post("/api/v1/cases/", {}).status_code == 401
    response = enterprise_client.post("/api/v1/cases/", {
        "item": item.implementation_code, "channel": "web", "enterprise_uscc": own_enterprise.uscc,
        "contact_phone": "13812345678",
        **{f"material_{m.pk}": pdf() for m in item.current_version.materials.filter(necessity="required")},
    })
    assert response.status_code == 201, response.content
    number = response.json()["number"]
    assert response.json()["timeline"][0]["transition"] == "SUBMIT"
    refused = enterprise_client.post(f"/api/v1/cases/{number}/transition/", {"name": "ACCEPT"}, content_type="application/json")
    assert refused.status_code == 403
    accepted = clerk_client.post(f"/api/v1/cases/{number}/transition/", {"name": "ACCEPT"}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    bad = clerk_client.post(f"/api/v1/cases/{number}/transition/", {"name": "REFUSE_ACCEPT", "reason": "x"},
                            content_type="application/json")
    assert bad.status_code == 400
    assert "/api/v1/cases/" in clerk_client.get("/api/schema/").content.decode()


@pytest.mark.parametrize("url", ["/cases/", "/cases/queue/intake/", "/notifications/"])
def test_pages_render_empty_states(clerk_client, url, db):
    assert clerk_client.get(url).status_code == 200


def test_enterprise_answers_a_correction_online(enterprise_client, clerk_user, item, submit):
    case = submit(item, originals=set())
    case = services.case_transition(case=case, name="REQUEST_CORRECTION", actor=clerk_user, reason="请补交申请表和章程")
    page = enterprise_client.get(f"/cases/{case.number}/").content.decode()
    assert "需要补正" in page and "请补交申请表和章程" in page
    required = list(item.current_version.materials.filter(necessity="required"))
    enterprise_client.post(f"/cases/{case.number}/materials/", {f"material_{m.pk}": pdf() for m in required})
    assert case.materials.filter(file__gt="").count() == len(required)
    case = services.case_transition(case=Case.objects.get(pk=case.pk), name="COMPLETE_CORRECTION", actor=clerk_user)
    assert case.status == Status.ACCEPTED and case.statutory_due >= case.due_date


def test_rectification_page_keeps_what_was_typed_and_shows_the_error_beside_the_field(
        enterprise_client, officer, item, submit, clerk_user, leader_client):
    from gaoxin.cases.models import Rectification, RectificationStatus

    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    case = services.case_transition(case=case, name="START_REVIEW", actor=officer)
    case = services.case_transition(case=case, name="APPROVE", actor=officer, opinion="符合法定条件",
                                    licence_number="湘高新许字〔2026〕第0001号")
    services.case_transition(case=case, name="DELIVER", actor=clerk_user, method="window")
    enterprise_client.post(f"/cases/{case.number}/review/", {"level": "2", "comment": "窗口等候太久"})
    rect = Rectification.objects.get()
    mine = Client()
    mine.force_login(officer)
    page = mine.get("/cases/rectifications/").content.decode()
    assert "窗口等候太久" in page and "已整改" in page and "RECTIFY" not in page.replace('value="RECTIFY"', "")
    bad = mine.post(f"/cases/rectifications/{rect.pk}/", {"name": "RECTIFY", "measures": "  "})
    html = bad.content.decode()
    assert bad.status_code == 200 and "请填写整改措施或解释说明" in html and "is-invalid" in html
    assert Rectification.objects.get().status == RectificationStatus.OPEN
    assert mine.post(f"/cases/rectifications/{rect.pk}/", {"name": "EXPLAIN", "measures": "系高峰时段，已增设窗口"}
                     ).status_code == 302
    assert Rectification.objects.get().status == RectificationStatus.EXPLAINED
    typed = mine.post(f"/cases/rectifications/{rect.pk}/", {"name": "REVISIT", "visit_note": "电话回访，企业认可"})
    html = typed.content.decode()
    assert typed.status_code == 200 and "电话回访，企业认可" in html and "请填写回访记录和申请人对整改的评价" in html
    assert Rectification.objects.get().status == RectificationStatus.EXPLAINED
    assert leader_client.post(f"/cases/rectifications/{rect.pk}/", {"name": "REVISIT"}).status_code == 403
    assert "系高峰时段，已增设窗口" in enterprise_client.get(f"/cases/{case.number}/").content.decode()


def test_the_rectification_ledger_keeps_its_query_budget(item, submit, officer, django_assert_max_num_queries):
    import datetime as dt

    from gaoxin.cases.models import Rectification, Review

    mine = Client()
    mine.force_login(officer)
    mine.get("/")  # the session's first write after log-in is not the page's

    def rectify(n):
        for _ in range(n):
            case = submit(item)
            review = Review.objects.create(case=case, level=1, comment="等候太久")
            Rectification.objects.create(review=review, department=case.department, due_date=dt.date(2026, 12, 31))

    def load():
        with django_assert_max_num_queries(8):
            assert mine.get("/cases/rectifications/").status_code == 200

    rectify(2)
    load()
    rectify(20)
    load()
