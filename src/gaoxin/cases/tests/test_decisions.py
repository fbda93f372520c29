"""Department decisions record what the 决定书 states (opinion, licence / approval number, legal basis,
reasons, result file) through a form with a confirmation step, the notices are generated, and the
API applies the same rules. Delivery methods are choices; by post the recipient, address and
tracking number are required and shown (masked on the public tracking page)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.cases import pending, services
from gaoxin.cases.models import Case, CaseEvent, Decision, DeliveryMethod, Status, cn_date, mask_address
from gaoxin.core.models import AuditEvent

APPROVAL = {"opinion": "申请材料齐全，符合法定条件、标准。", "licence_number": "湘高新许字〔2026〕第0012号",
            "legal_basis": "《中华人民共和国行政许可法》第三十八条第一款"}
REFUSAL = {"opinion": "经现场核查，申请不符合法定条件。", "legal_basis": "《中华人民共和国行政许可法》第三十八条第二款",
           "reason": "拟建项目位于规划控制区内，用地性质与控制性详细规划不符。"}
POST = {"method": "post", "postal_recipient": "王磊", "postal_phone": "13812345678",
        "postal_address": "湖南省湘潭市岳塘区芙蓉中路9号", "tracking_number": "SF1400012345"}


def pdf(name="许可证.pdf", size=64):
    return SimpleUploadedFile(name, b"%PDF-1.4 " + b"x" * size, content_type="application/pdf")


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def in_review(item, submit, clerk_user, officer):
    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    return services.case_transition(case=case, name="START_REVIEW", actor=officer)


@pytest.fixture
def officer_client(officer):
    return login(officer)


def counts():
    return AuditEvent.objects.count(), CaseEvent.objects.count(), Decision.objects.count()


# --- service ---------------------------------------------------------------------------------

def test_approval_needs_an_opinion_and_a_licence_number_and_writes_nothing_without(in_review, officer):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=in_review, name="APPROVE", actor=officer, opinion=" ", licence_number="")
    assert exc.value.message_dict == {"opinion": ["请填写审查意见"], "licence_number": ["准予许可须填写证照编号或批准文号"]}
    assert counts() == before and Case.objects.get(pk=in_review.pk).status == Status.IN_REVIEW


def test_refusal_needs_an_opinion_the_legal_basis_and_the_reasons(in_review, officer):
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=in_review, name="REFUSE", actor=officer, reason="理由", opinion="")
    assert exc.value.message_dict == {"opinion": ["请填写审查意见"], "legal_basis": ["不予许可须写明法律依据"]}
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=in_review, name="REFUSE", actor=officer, **(REFUSAL | {"reason": ""}))
    assert "reason" in exc.value.message_dict
    assert not Decision.objects.exists()


def test_approval_records_the_decision_with_its_file_and_one_audit_event(in_review, officer):
    before = counts()
    case = services.case_transition(case=in_review, name="APPROVE", actor=officer, result_file=pdf(), **APPROVAL)
    decision = case.decision
    assert case.status == Status.DECIDED_OK and case.decided_on == services.today()
    assert decision.outcome == "approved" and decision.licence_number == APPROVAL["licence_number"]
    assert decision.opinion == APPROVAL["opinion"] and decision.legal_basis == APPROVAL["legal_basis"]
    assert decision.department == case.department and decision.decided_by == officer
    assert decision.notice_number == f"准许字〔{services.today().year}〕第{case.number}号"
    assert decision.result_file.read().startswith(b"%PDF-1.4")
    assert counts() == (before[0] + 1, before[1] + 1, before[2] + 1)
    audit = AuditEvent.objects.latest("id")
    assert audit.event_type == "case.approve" and audit.after["licence_number"] == APPROVAL["licence_number"]


def test_refusal_records_reasons_and_basis(in_review, officer):
    case = services.case_transition(case=in_review, name="REFUSE", actor=officer, **REFUSAL)
    assert case.status == Status.DECIDED_REFUSED
    assert case.decision.reasons == REFUSAL["reason"] and case.decision.legal_basis == REFUSAL["legal_basis"]
    assert case.decision.licence_number == "" and case.decision.notice_number.startswith("不许字〔")


@pytest.mark.parametrize("upload,message", [(SimpleUploadedFile("证照.exe", b"MZ"), "不支持"),
                                            (pdf(size=200), "不能超过")])
def test_the_result_file_is_type_and_size_checked(in_review, officer, settings, upload, message):
    settings.GAOXIN_UPLOAD_MAX_BYTES = 100
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=in_review, name="APPROVE", actor=officer, result_file=upload, **APPROVAL)
    assert message in exc.value.message_dict["result_file"][0]
    assert not Decision.objects.exists()


# --- pages: the two-step form -----------------------------------------------------------------

def test_officer_decides_through_a_confirmation_step(in_review, officer, officer_client):
    url = f"/cases/{in_review.number}/decide/approve/"
    page = officer_client.get(url).content.decode()
    assert "审查意见" in page and "证照编号/批准文号" in page and "不予许可的理由" not in page

    bad = officer_client.post(url, {"opinion": "材料齐全", "licence_number": "", "step": "review"})
    html = bad.content.decode()
    assert bad.status_code == 200 and "准予许可须填写证照编号或批准文号" in html and "材料齐全" in html
    assert "确认作出准予许可决定？" not in html

    review = officer_client.post(url, {**APPROVAL, "result_file": pdf(), "step": "review"})
    html = review.content.decode()
    assert "确认作出准予许可决定？" in html and APPROVAL["licence_number"] in html and "许可证.pdf" in html
    assert not Decision.objects.exists() and Case.objects.get(pk=in_review.pk).status == Status.IN_REVIEW
    token = review.context["token"]
    assert pending.name(token, officer) == "许可证.pdf"

    back = officer_client.post(url, {**APPROVAL, "result_token": token, "step": "edit"}).content.decode()
    assert "确认作出准予许可决定？" not in back and APPROVAL["opinion"] in back and "已选择：许可证.pdf" in back

    done = officer_client.post(url, {**APPROVAL, "result_token": token, "step": "confirm"})
    assert done.status_code == 302 and done["Location"] == f"/cases/{in_review.number}/"
    decision = Decision.objects.get(case=in_review)
    assert decision.result_file.read().startswith(b"%PDF-1.4") and pending.name(token, officer) is None
    case_page = officer_client.get(f"/cases/{in_review.number}/").content.decode()
    assert "审批决定：准予行政许可" in case_page and APPROVAL["licence_number"] in case_page
    assert f"/cases/{in_review.number}/notice/approval/" in case_page
    assert f"/cases/{in_review.number}/decision/file/" in case_page


def test_refusal_page_asks_for_basis_and_reasons(in_review, officer_client):
    url = f"/cases/{in_review.number}/decide/refuse/"
    html = officer_client.post(url, {"opinion": "不符合", "step": "review"}).content.decode()
    assert "不予许可须写明法律依据" in html and "不予许可须说明理由" in html
    html = officer_client.post(url, {**REFUSAL, "step": "review"}).content.decode()
    assert "确认作出不予许可决定？" in html and "申请行政复议或者提起行政诉讼的权利" in html
    officer_client.post(url, {**REFUSAL, "step": "confirm"})
    assert Case.objects.get(pk=in_review.pk).status == Status.DECIDED_REFUSED


def test_a_kept_file_of_another_user_is_not_taken(in_review, officer, officer_client, market):
    colleague = UserFactory(role=Role.DEPT_OFFICER, org_unit=market)
    token = pending.keep(pdf(), colleague)
    officer_client.post(f"/cases/{in_review.number}/decide/approve/",
                        {**APPROVAL, "result_token": token, "step": "confirm"})
    assert not Decision.objects.get(case=in_review).result_file


def test_only_the_department_decides_and_others_do_not_see_the_buttons(in_review, clerk_client, enterprise_client,
                                                                       other_officer, officer_client):
    url = f"/cases/{in_review.number}/decide/approve/"
    assert clerk_client.get(url).status_code == 403
    assert enterprise_client.get(url).status_code == 403
    assert login(other_officer).get(url).status_code == 404
    assert officer_client.get(f"/cases/{in_review.number}/decide/nonsense/").status_code == 404
    assert url not in clerk_client.get(f"/cases/{in_review.number}/").content.decode()
    assert url in officer_client.get(f"/cases/{in_review.number}/").content.decode()
    # The generic action endpoint does not decide: it sends the officer to the form.
    response = officer_client.post(f"/cases/{in_review.number}/act/", {"name": "APPROVE"})
    assert response["Location"] == url and not Decision.objects.exists()


# --- notices ------------------------------------------------------------------------------------

def test_approval_notice_states_the_decision(in_review, officer, clerk_client):
    case = services.case_transition(case=in_review, name="APPROVE", actor=officer, **APPROVAL)
    html = clerk_client.get(f"/cases/{case.number}/notice/approval/").content.decode()
    assert "<h1>准予行政许可决定书</h1>" in html and case.decision.notice_number in html
    for text in (APPROVAL["opinion"], APPROVAL["licence_number"], APPROVAL["legal_basis"], case.department.name,
                 cn_date(case.decided_on), "<svg", "/track/?number="):
        assert text in html
    assert clerk_client.get(f"/cases/{case.number}/notice/approval/pdf/").status_code == 200
    assert clerk_client.get(f"/cases/{case.number}/notice/denial/").status_code == 404
    assert "准予行政许可决定书" in clerk_client.get(f"/cases/{case.number}/").content.decode()


def test_denial_notice_states_reasons_basis_and_remedies(in_review, officer, enterprise_client):
    case = services.case_transition(case=in_review, name="REFUSE", actor=officer, **REFUSAL)
    html = enterprise_client.get(f"/cases/{case.number}/notice/denial/").content.decode()
    assert "<h1>不予行政许可决定书</h1>" in html
    for text in (REFUSAL["opinion"], REFUSAL["reason"], REFUSAL["legal_basis"], "申请行政复议或者提起行政诉讼的权利"):
        assert text in html


def test_result_file_is_served_with_the_same_permissions_and_audit(in_review, officer, clerk_client,
                                                                   enterprise_client, other_officer):
    case = services.case_transition(case=in_review, name="APPROVE", actor=officer, result_file=pdf(), **APPROVAL)
    url = f"/cases/{case.number}/decision/file/"
    response = clerk_client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline; filename*=utf-8''")
    assert AuditEvent.objects.filter(event_type="case.result_viewed").count() == 1
    assert enterprise_client.get(url).status_code == 200
    assert AuditEvent.objects.filter(event_type="case.result_viewed").count() == 1  # the applicant is not audited
    assert login(other_officer).get(url).status_code == 404


# --- API ------------------------------------------------------------------------------------------

def test_api_decisions_follow_the_same_rules(in_review, officer):
    api = login(officer)
    url = f"/api/v1/cases/{in_review.number}/transition/"
    bad = api.post(url, {"name": "APPROVE"}, content_type="application/json")
    assert bad.status_code == 400 and {"opinion", "licence_number"} <= set(bad.json())
    bad_file = api.post(url, {"name": "APPROVE", **APPROVAL, "result_file": SimpleUploadedFile("a.exe", b"MZ")})
    assert bad_file.status_code == 400 and "result_file" in bad_file.json()
    assert not Decision.objects.exists()
    ok = api.post(url, {"name": "APPROVE", **APPROVAL, "result_file": pdf()})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["status"] == "decided_ok" and body["decision"]["licence_number"] == APPROVAL["licence_number"]
    assert body["decision"]["outcome_display"] == "准予行政许可" and body["decision"]["result_file"] is True


def test_api_refusal_needs_basis_and_reasons(in_review, officer):
    url = f"/api/v1/cases/{in_review.number}/transition/"
    bad = login(officer).post(url, {"name": "REFUSE", "opinion": "不符合"}, content_type="application/json")
    assert bad.status_code == 400
    ok = login(officer).post(url, {"name": "REFUSE", **REFUSAL}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["decision"]["reasons"] == REFUSAL["reason"]


# --- delivery -------------------------------------------------------------------------------------

@pytest.fixture
def decided(in_review, officer):
    return services.case_transition(case=in_review, name="APPROVE", actor=officer, **APPROVAL)


def test_delivery_by_post_needs_recipient_address_and_tracking_number(decided, clerk_user):
    before = counts()
    with pytest.raises(ValidationError) as exc:
        services.case_transition(case=decided, name="DELIVER", actor=clerk_user, method="post")
    assert exc.value.message_dict == {"postal_recipient": ["邮寄送达须填写收件人"],
                                      "postal_phone": ["邮寄送达须填写收件人电话"],
                                      "postal_address": ["邮寄送达须填写邮寄地址"],
                                      "tracking_number": ["邮寄送达须填写快递单号"]}
    for method in ("免费邮寄", "", "on_the_spot"):  # free text and the immediate case's own completion are refused
        with pytest.raises(ValidationError) as exc:
            services.case_transition(case=decided, name="DELIVER", actor=clerk_user, method=method)
        assert "method" in exc.value.message_dict
    assert counts() == before
    case = services.case_transition(case=decided, name="DELIVER", actor=clerk_user, **POST)
    assert case.status == Status.DELIVERED and case.delivery_method == DeliveryMethod.POST
    assert (case.postal_recipient, case.postal_address, case.tracking_number) == (
        "王磊", "湖南省湘潭市岳塘区芙蓉中路9号", "SF1400012345")
    assert AuditEvent.objects.latest("id").after == {"status": "delivered", "method": "post",
                                                     "tracking_number": "SF1400012345"}


def test_delivery_at_the_window_keeps_no_postal_data(decided, clerk_user):
    case = services.case_transition(case=decided, name="DELIVER", actor=clerk_user, method="window",
                                    postal_address="不应保存")
    assert case.get_delivery_method_display() == "窗口领取" and case.postal_address == ""


def test_delivery_form_keeps_input_and_shows_errors_beside_fields(decided, clerk_client):
    url = f"/cases/{decided.number}/deliver/"
    response = clerk_client.post(url, {"method": "post", "postal_recipient": "王磊", "postal_address": "",
                                       "tracking_number": ""})
    html = response.content.decode()
    assert response.status_code == 200 and "邮寄送达须填写邮寄地址" in html and "邮寄送达须填写快递单号" in html
    assert 'value="王磊"' in html and '<option value="post" selected>邮寄</option>' in html
    assert Case.objects.get(pk=decided.pk).status == Status.DECIDED_OK
    response = clerk_client.post(url, POST, follow=True)
    html = response.content.decode()
    assert "已送达（邮寄）" in html and "湖南省湘潭市岳塘区芙蓉中路9号" in html and "SF1400012345" in html


def test_public_tracking_shows_the_tracking_number_and_a_masked_address(decided, clerk_user, client, own_enterprise):
    services.case_transition(case=decided, name="DELIVER", actor=clerk_user, **POST)
    html = client.post("/track/", {"number": decided.number, "identity": own_enterprise.uscc}).content.decode()
    assert "邮寄" in html and "SF1400012345" in html and "湖南省湘潭市岳塘区****" in html and "王*" in html
    assert "芙蓉中路" not in html and "王磊" not in html


def test_delivery_methods_offered_on_the_case_page(decided, clerk_client, enterprise_client):
    html = clerk_client.get(f"/cases/{decided.number}/").content.decode()
    for label in ("窗口领取", "邮寄", "电子送达"):
        assert f">{label}</option>" in html
    assert "当场办结</option>" not in html and "免费邮寄" not in html
    assert f"/cases/{decided.number}/deliver/" not in enterprise_client.get(f"/cases/{decided.number}/").content.decode()
    assert enterprise_client.post(f"/cases/{decided.number}/deliver/", {"method": "window"}).status_code == 403


def test_api_delivery_by_post(decided, clerk_client):
    url = f"/api/v1/cases/{decided.number}/transition/"
    bad = clerk_client.post(url, {"name": "DELIVER", "method": "post"}, content_type="application/json")
    assert bad.status_code == 400 and "tracking_number" in bad.json()
    assert clerk_client.post(url, {"name": "DELIVER", "method": "免费邮寄"},
                             content_type="application/json").status_code == 400
    ok = clerk_client.post(url, {"name": "DELIVER", **POST}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["tracking_number"] == "SF1400012345"
    assert ok.json()["delivery_method_display"] == "邮寄"


@pytest.mark.parametrize("address,masked", [("湖南省湘潭市岳塘区芙蓉中路9号", "湖南省湘潭市岳塘区****"),
                                            ("湘潭县易俗河镇", "湘潭县****"), ("芙蓉路", "芙****"), ("", "")])
def test_address_masking(address, masked):
    assert mask_address(address) == masked


def test_free_text_delivery_methods_of_existing_cases_become_choices(item, submit):
    import importlib
    from pathlib import Path

    from django.apps import apps

    import gaoxin.cases.migrations as migrations

    [name] = [p.stem for p in Path(migrations.__file__).parent.glob("*_decisions_and_postal_delivery.py")]
    migration = importlib.import_module(f"gaoxin.cases.migrations.{name}")
    cases = {label: submit(item) for label in ("免费邮寄", "窗口领取", "电子证照", "当场办结", "手写的方式")}
    for label, case in cases.items():
        Case.objects.filter(pk=case.pk).update(delivery_method=label)
    migration.codes_from_labels(apps, None)
    assert {label: Case.objects.get(pk=c.pk).delivery_method for label, c in cases.items()} == {
        "免费邮寄": "post", "窗口领取": "window", "电子证照": "electronic", "当场办结": "on_the_spot", "手写的方式": ""}


def test_unconfirmed_decision_files_are_removed_by_the_sweep(officer):
    import datetime as dt

    from django.core.management import call_command
    from django.utils import timezone

    from gaoxin.cases import tasks

    token = pending.keep(pdf(), officer)
    assert tasks.sweep()["pending_files_removed"] == 0 and pending.name(token, officer) == "许可证.pdf"
    later = timezone.now() + dt.timedelta(seconds=pending.MAX_AGE + 60)
    assert pending.purge(later) >= 1 and pending.name(token, officer) is None  # storage may hold other tests' files
    call_command("sweep_cases")  # the command reports every count in Chinese


def test_case_page_with_a_decision_keeps_its_query_budget(in_review, officer, clerk_client,
                                                          django_assert_max_num_queries):
    services.case_transition(case=in_review, name="APPROVE", actor=officer, result_file=pdf(), **APPROVAL)
    clerk_client.get("/")  # the session's first write after log-in is not the page's
    with django_assert_max_num_queries(16):
        html = clerk_client.get(f"/cases/{in_review.number}/").content.decode()
    assert "审批决定：准予行政许可" in html
