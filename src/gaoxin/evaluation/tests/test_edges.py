"""The evaluation room on the kernel: input edges (forms shared by page and API, errors beside the field,
nothing written on error), who is told of the work that arrives for them, and the released tier handed to
the enterprise profile through benefits' own service."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.benefits.models import PolicyStatus, ProfileFact
from gaoxin.benefits.services import profile_facts_set
from gaoxin.core.models import AuditEvent, Job, Notification
from gaoxin.enterprises.tests.factories import EnterpriseFactory, LandParcelFactory
from gaoxin.evaluation import objections, scoring, services
from gaoxin.evaluation.models import Cycle, CycleAdjustment, CycleEvent, CycleStatus, Objection, Regrade
from gaoxin.evaluation.tests.conftest import own_participant
from gaoxin.evaluation.tests.helpers import DOC, score, walk

S = CycleStatus


def evidence():
    return SimpleUploadedFile("证明.pdf", b"%PDF-1.4 test", content_type="application/pdf")


@pytest.fixture
def draft(admin_user):
    for _ in range(2):
        LandParcelFactory(enterprise=EnterpriseFactory())
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度评价")
    services.participants_populate(actor=admin_user, cycle=cycle)
    return cycle


# --- creating a cycle: the verified crash and its class ---------------------------------------------

@pytest.mark.parametrize("year", ["二〇二五", "2025年", "abc", "", " ", "1999", "2101", "2025.5",
                                  "99999999999999999999999", "-2025"])
def test_a_year_not_in_digits_is_refused_beside_the_field(admin_client, year):
    """`data_year=二〇二五` used to be a server error."""
    response = admin_client.post(reverse("evaluation_create"), {"data_year": year, "name": "年度评价",
                                                                "method_name": "shandong_default"})
    html = response.content.decode()
    assert response.status_code == 400 and not Cycle.objects.exists()
    assert "数据年度应在 2000–2100 之间" in html and "is-invalid" in html
    assert 'value="年度评价"' in html  # what was typed stays
    api = admin_client.post("/api/v1/evaluation-cycles/", {"data_year": year, "name": "年度评价"},
                            content_type="application/json")
    assert api.status_code == 400 and "data_year" in api.json() and not Cycle.objects.exists()


def test_a_cycle_is_opened_through_the_api_with_the_pages_form(admin_client, leader_client):
    made = admin_client.post("/api/v1/evaluation-cycles/", {"data_year": 2025, "name": "年度评价"},
                             content_type="application/json")
    assert made.status_code == 201 and made.json()["status"] == "DRAFT"
    assert made.json()["method_name"] == "shandong_default"
    again = admin_client.post("/api/v1/evaluation-cycles/", {"data_year": 2025, "name": "年度评价"},
                              content_type="application/json")
    assert again.status_code == 400 and "已有" in again.json()["name"][0]
    bad_method = admin_client.post("/api/v1/evaluation-cycles/", {"data_year": 2024, "name": "x",
                                                                  "method_name": "../../etc/passwd"},
                                   content_type="application/json")
    assert bad_method.status_code == 400 and "method_name" in bad_method.json()
    assert leader_client.post("/api/v1/evaluation-cycles/", {"data_year": 2024, "name": "x"},
                              content_type="application/json").status_code == 403
    assert Cycle.objects.count() == 1


def test_a_duplicate_name_is_shown_beside_the_name(admin_client, draft):
    response = admin_client.post(reverse("evaluation_create"), {"data_year": "2025", "name": draft.name,
                                                                "method_name": "shandong_default"})
    assert response.status_code == 400 and "2025年度已有名为" in response.content.decode()
    assert Cycle.objects.count() == 1


# --- transitions on the page -------------------------------------------------------------------------

def test_the_page_shows_the_available_transitions_by_label(admin_client, leader_client, draft):
    html = admin_client.get(reverse("evaluation_cycle", args=[draft.pk])).content.decode()
    assert "确认参评名单</button>" in html and "开始数据采集</button>" not in html
    assert "确认参评名单</button>" not in leader_client.get(reverse("evaluation_cycle", args=[draft.pk])).content.decode()
    admin_client.post(reverse("evaluation_transition", args=[draft.pk]), {"name": "CONFIRM_SCOPE"})
    html = admin_client.get(reverse("evaluation_cycle", args=[draft.pk])).content.decode()
    timeline = html[html.index('data-testid="cycle-timeline"'):]
    assert "确认参评名单" in timeline and "草稿 → 参评名单确认" in timeline and "CONFIRM_SCOPE" not in timeline


@pytest.mark.parametrize("name", ["NONSENSE", "", "<script>", "confirm_scope", "x" * 500])
def test_an_unknown_transition_is_refused_not_crashing(admin_client, draft, name):
    response = admin_client.post(reverse("evaluation_transition", args=[draft.pk]), {"name": name})
    assert response.status_code == 400 and "未知操作" in response.content.decode()
    api = admin_client.post(f"/api/v1/evaluation-cycles/{draft.pk}/transition/", {"name": name},
                            content_type="application/json")
    assert api.status_code == 400 and "name" in api.json()
    assert Cycle.objects.get(pk=draft.pk).status == S.DRAFT and not CycleEvent.objects.exists()


def test_unknown_cycles_are_not_found(admin_client):
    assert admin_client.post(reverse("evaluation_transition", args=[999999]), {"name": "CONFIRM_SCOPE"}).status_code == 404
    assert admin_client.post("/api/v1/evaluation-cycles/999999/transition/", {"name": "CONFIRM_SCOPE"},
                             content_type="application/json").status_code == 404


def test_a_missing_document_number_sits_beside_its_field(admin_client, admin_user, confirming):
    score(confirming, admin_user)
    url = reverse("evaluation_transition", args=[confirming.pk])
    response = admin_client.post(url, {"name": "APPROVE", "doc_no": "  "})
    html = response.content.decode()
    assert response.status_code == 400 and "请填写审定或发布文号" in html
    field = html[html.index('id="id_approve_doc_no"') - 200:html.index('id="id_approve_doc_no"') + 300]
    assert "is-invalid" in field and "审定文号" in html
    assert Cycle.objects.get(pk=confirming.pk).status == S.SCORED
    api = admin_client.post(f"/api/v1/evaluation-cycles/{confirming.pk}/transition/", {"name": "APPROVE"},
                            content_type="application/json")
    assert api.status_code == 400 and api.json() == {"doc_no": ["请填写审定或发布文号"]}
    moved = admin_client.post(url, {"name": "APPROVE", "doc_no": DOC})
    assert moved.status_code == 302 and Cycle.objects.get(pk=confirming.pk).approval_doc_no == DOC


def test_an_amendment_needs_its_reason_beside_the_field(admin_client, admin_user, confirming):
    cycle = walk(confirming, admin_user, S.SCORED, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION,
                 S.RELEASED)
    response = admin_client.post(reverse("evaluation_transition", args=[cycle.pk]), {"name": "AMEND", "reason": ""})
    assert response.status_code == 400 and "需要填写原因或说明" in response.content.decode()
    assert Cycle.objects.get(pk=cycle.pk).status == S.RELEASED


def test_populating_a_confirmed_list_shows_why(admin_client, admin_user, draft):
    walk(draft, admin_user, S.SCOPE_CONFIRMED)
    response = admin_client.post(reverse("evaluation_populate", args=[draft.pk]))
    assert response.status_code == 400 and "参评名单只能在草稿状态下生成" in response.content.decode()


def test_a_t_class_flag_without_reason_keeps_the_row_and_writes_nothing(admin_client, draft):
    row = draft.participants.first()
    response = admin_client.post(reverse("evaluation_flag", args=[draft.pk, row.pk]), {"participating": "0"})
    html = response.content.decode()
    assert response.status_code == 400 and "列为不参评（T类）必须说明原因" in html
    assert f'id="id_flag{row.pk}_reason"' in html and "is-invalid" in html
    row.refresh_from_db()
    assert row.participating and not AuditEvent.objects.filter(event_type="evaluation.participant.flag").exists()
    bad = admin_client.post(reverse("evaluation_flag", args=[draft.pk, row.pk]), {"participating": "maybe"})
    assert bad.status_code == 400


def test_scoring_outside_its_states_is_refused_on_the_page(admin_client, draft):
    response = admin_client.post(reverse("evaluation_score", args=[draft.pk]), {"note": "x"})
    assert response.status_code == 400 and "不能发起测算" in response.content.decode()


# --- enterprises, objections, adjustments, regrades ---------------------------------------------------

def test_a_dispute_without_evidence_keeps_what_was_typed(client, enterprise_user, confirming, firms):
    client.force_login(enterprise_user)
    p = own_participant(confirming, firms)
    response = client.post(reverse("evaluation_object", args=[confirming.pk]),
                           {"p": p.pk, "field": "tax_wan", "claimed": "850", "reason": "漏计12月税款"})
    html = response.content.decode()
    assert response.status_code == 400 and "请上传证明材料" in html and "漏计12月税款" in html and 'value="850"' in html
    wrong = client.post(reverse("evaluation_object", args=[confirming.pk]),
                        {"p": p.pk, "field": "tax_wan", "claimed": "八百五十", "reason": "x", "evidence": evidence()})
    assert wrong.status_code == 400 and "不是数字" in wrong.content.decode()
    assert not Objection.objects.exists()


def test_unknown_participants_and_objections(client, enterprise_user, tax_officer, confirming, firms):
    client.force_login(enterprise_user)
    api = client.post("/api/v1/evaluation-objections/", {"participant": 999999, "field": "tax_wan", "claimed": "1",
                                                         "reason": "x", "evidence": evidence()})
    assert api.status_code == 400 and "participant" in api.json()
    assert client.get(reverse("evaluation_report", args=[confirming.pk]), {"p": "abc"}).status_code == 200
    client.force_login(tax_officer)
    assert client.post(reverse("evaluation_objection_decide", args=[confirming.pk, 999999]),
                       {"decision": "correct", "reason": "x"}).status_code == 404
    assert client.get(reverse("evaluation_evidence", args=[confirming.pk, 999999])).status_code == 404
    assert client.post("/api/v1/evaluation-objections/999999/decide/", {"decision": "correct", "reason": "x"},
                       content_type="application/json").status_code == 404


def test_a_decision_error_sits_beside_the_row(client, enterprise_user, tax_officer, confirming, firms):
    o = objections.objection_file(actor=enterprise_user, participant=own_participant(confirming, firms),
                                  field="tax_wan", claimed="850", reason="漏计", evidence=evidence())
    client.force_login(tax_officer)
    url = reverse("evaluation_objection_decide", args=[confirming.pk, o.pk])
    response = client.post(url, {"decision": "correct", "value": "很多", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "不是数字" in html and "请填写处理意见" in html and 'value="很多"' in html
    assert client.post(url, {"decision": "maybe", "reason": "x"}).status_code == 400
    assert Objection.objects.get().status == "OPEN"


@pytest.mark.parametrize("data, message", [
    ({"uscc": "91430300MA4000000X", "rule_id": "ENV_PENALTY", "count": "1", "evidence": "x"}, "不在本周期参评名单中"),
    ({"rule_id": "NOPE", "count": "1", "evidence": "x"}, "请选择评价方法中的规则"),
    ({"rule_id": "ENV_PENALTY", "count": "abc", "evidence": "x"}, "次数应为0至100的整数"),
    ({"rule_id": "ENV_PENALTY", "count": "101", "evidence": "x"}, "次数应为0至100的整数"),
    ({"rule_id": "ENV_PENALTY", "count": "1", "evidence": ""}, "请填写依据"),
])
def test_adjustment_errors_sit_beside_their_fields(client, eco_officer, confirming, firms, data, message):
    client.force_login(eco_officer)
    response = client.post(reverse("evaluation_adjustments", args=[confirming.pk]), {"uscc": firms[4].uscc} | data)
    html = response.content.decode()
    assert response.status_code == 400 and message in html and "is-invalid" in html
    assert not CycleAdjustment.objects.exists()


@pytest.mark.parametrize("data, message", [({"to_tier": "Z", "reason": "停产"}, "请选择A、B、C、D之一"),
                                           ({"to_tier": "C", "reason": ""}, "调档必须说明理由"),
                                           ({"to_tier": "D", "reason": "x"}, "当前已是D类")])
def test_regrade_request_errors(client, admin_user, confirming, firms, data, message):
    score(confirming, admin_user)
    p = confirming.participants.get(enterprise=firms[9])
    client.force_login(admin_user)
    response = client.post(reverse("evaluation_regrade", args=[confirming.pk, p.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert client.post(reverse("evaluation_regrade", args=[confirming.pk, 999999]), data).status_code == 404
    assert not Regrade.objects.exists()


def test_refusing_a_regrade_needs_a_note_beside_it(client, admin_user, leader_user, confirming, firms):
    score(confirming, admin_user)
    regrade = scoring.regrade_request(actor=admin_user, participant=confirming.participants.get(enterprise=firms[9]),
                                      to_tier="C", reason="停产")
    client.force_login(leader_user)
    response = client.post(reverse("evaluation_regrade_decide", args=[confirming.pk, regrade.pk]), {"approve": "0"})
    assert response.status_code == 400 and "不予批准须说明理由" in response.content.decode()
    assert Regrade.objects.get().status == "PENDING"


def test_a_wrong_file_type_is_refused_beside_the_upload(client, tax_officer, tax_unit, confirming, admin_user):
    Cycle.objects.filter(pk=confirming.pk).update(status=S.COLLECTING)
    client.force_login(tax_officer)
    response = client.post(reverse("evaluation_upload", args=[confirming.pk, tax_unit.pk]),
                           {"file": SimpleUploadedFile("税务.exe", b"MZ")})
    assert response.status_code == 400 and "文件类型 .exe 不支持，请上传 xlsx、csv 文件" in response.content.decode()
    client.force_login(admin_user)
    missing = client.post(reverse("evaluation_adjustment_upload", args=[confirming.pk]))
    assert missing.status_code == 400 and "请选择 .xlsx 或 .csv 文件" in missing.content.decode()
    history = client.post(reverse("evaluation_history"), {"file": SimpleUploadedFile("a.txt", b"x")})
    assert history.status_code == 400 and "历年等级文件：文件类型 .txt 不支持，请上传 xlsx、csv 文件" in history.content.decode()
    assert not Job.objects.exists()


# --- who is told --------------------------------------------------------------------------------------

def test_departments_hear_collection_open_and_firms_the_request_to_confirm(
        admin_user, tax_officer, stats_officer, enterprise_user, firms, tax_unit, django_capture_on_commit_callbacks):
    bystander = UserFactory(role=Role.DEPT_OFFICER, org_unit=OrgUnitFactory(code="housing", name="住建局"))
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度评价")
    services.participants_populate(actor=admin_user, cycle=cycle)
    with django_capture_on_commit_callbacks(execute=True):
        cycle = walk(cycle, admin_user, S.SCOPE_CONFIRMED, S.COLLECTING)
    told = Notification.objects.filter(kind="EVALUATION_COLLECT")
    assert set(told.values_list("user", flat=True)) == {tax_officer.pk, stats_officer.pk}
    assert told.first().url == reverse("evaluation_collect", args=[cycle.pk]) and "开始数据采集" in told.first().message
    assert not Notification.objects.filter(user=bystander).exists()
    with django_capture_on_commit_callbacks(execute=True):
        walk(cycle, admin_user, S.DEPT_REVIEW, S.ENTERPRISE_CONFIRM)
    note = Notification.objects.get(kind="EVALUATION_CONFIRM", user=enterprise_user)
    assert note.url == reverse("evaluation_report", args=[cycle.pk]) and "核实" in note.message


def test_the_owning_department_hears_of_a_dispute(enterprise_user, tax_officer, stats_officer, confirming, firms,
                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        objections.objection_file(actor=enterprise_user, participant=own_participant(confirming, firms),
                                  field="tax_wan", claimed="850", reason="漏计", evidence=evidence())
    note = Notification.objects.get(kind="EVALUATION_OBJECTION_NEW")
    assert note.user == tax_officer and "实缴税收" in note.message and "tax_wan" not in note.message
    assert note.url == reverse("evaluation_objections", args=[confirming.pk]) + "?status=OPEN"
    assert not Notification.objects.filter(user=stats_officer, kind="EVALUATION_OBJECTION_NEW").exists()


def test_leaders_hear_of_a_pending_regrade_and_the_requester_of_the_decision(
        admin_user, leader_user, confirming, firms, django_capture_on_commit_callbacks):
    score(confirming, admin_user)
    other_leader = UserFactory(role=Role.LEADER)
    with django_capture_on_commit_callbacks(execute=True):
        regrade = scoring.regrade_request(actor=admin_user, participant=confirming.participants.get(enterprise=firms[9]),
                                          to_tier="C", reason="停产三个月")
    pending = Notification.objects.filter(kind="EVALUATION_REGRADE")
    assert set(pending.values_list("user", flat=True)) == {leader_user.pk, other_leader.pk}
    assert "待您审批" in pending.first().message and pending.first().url == reverse("evaluation_results",
                                                                                   args=[confirming.pk])
    with django_capture_on_commit_callbacks(execute=True):
        scoring.regrade_decide(actor=leader_user, regrade=regrade, approve=False, note="依据不足")
    decided = Notification.objects.get(kind="EVALUATION_REGRADE_DECIDED")
    assert decided.user == admin_user and "未批准" in decided.message and "依据不足" in decided.message


# --- the released tier in the enterprise profile --------------------------------------------------------

def test_a_release_hands_the_tiers_to_benefits_and_an_amendment_updates_them(admin_user, confirming, firms,
                                                                             django_capture_on_commit_callbacks):
    from gaoxin.benefits.models import Policy

    Policy.objects.create(code="green", title="绿色贷款贴息", issuer=OrgUnitFactory(code="finance"), kind="subsidy",
                          mode="auto", rule="evaluation_tier == 'A'", status=PolicyStatus.PUBLISHED,
                          effective_from=dt.date(2024, 1, 1))
    ProfileFact.objects.create(enterprise=firms[9], field="evaluation_tier", text="A", source="旧数据")
    cycle = walk(confirming, admin_user, S.SCORED, S.APPROVED_FOR_NOTICE, S.PUBLIC_NOTICE, S.OBJECTION_RESOLUTION)
    with django_capture_on_commit_callbacks(execute=True):
        cycle = walk(cycle, admin_user, S.RELEASED)
    facts = dict(ProfileFact.objects.filter(field="evaluation_tier").values_list("enterprise_id", "text"))
    assert facts[firms[0].pk] == "A" and facts[firms[9].pk] == "D" and len(facts) == 10
    audit = AuditEvent.objects.get(event_type="benefits.profile_updated")
    assert audit.after["changed"] == 10 and audit.after["source"] == f"亩产效益评价 {DOC}"
    assert Job.objects.filter(kind="policy_match").count() == 1  # published policies re-matched after commit
    cycle = walk(cycle, admin_user, S.AMENDED)
    Cycle.objects.filter(pk=cycle.pk).update(release_doc_no="")
    cycle = services.cycle_transition(cycle=Cycle.objects.get(pk=cycle.pk), name="RELEASE_AMENDMENT",
                                      actor=admin_user, doc_no="湘高新管发〔2026〕16号")
    assert set(ProfileFact.objects.filter(field="evaluation_tier").values_list("source", flat=True)) == {
        "亩产效益评价 湘高新管发〔2026〕16号"}
    assert cycle.release_version == 2


def test_profile_facts_set_is_one_audited_change_and_idempotent(admin_user, own_enterprise, other_enterprise):
    facts = {own_enterprise.pk: {"evaluation_tier": "B"}, other_enterprise.pk: {"evaluation_tier": None}}
    assert profile_facts_set(facts=facts, actor=admin_user, source="亩产效益评价 测试") == 1
    assert profile_facts_set(facts=facts, actor=admin_user, source="亩产效益评价 测试") == 0
    assert AuditEvent.objects.filter(event_type="benefits.profile_updated").count() == 1
    fact = ProfileFact.objects.get(enterprise=own_enterprise)
    assert (fact.text, fact.source, fact.as_of, fact.updated_by) == ("B", "亩产效益评价 测试", timezone.localdate(),
                                                                     admin_user)
    assert profile_facts_set(facts={own_enterprise.pk: {"evaluation_tier": None}}, actor=admin_user, source="x") == 1
    assert not ProfileFact.objects.exists()
    with pytest.raises(Exception, match="不能填写"):
        profile_facts_set(facts={own_enterprise.pk: {"industry_code": "C38"}}, actor=admin_user, source="x")


def test_the_number_of_the_figures_typed_is_kept(client, enterprise_user, admin_user, firms, tax_unit):
    """企业填报 with one bad figure: the page keeps both figures and saves neither."""
    cycle = services.cycle_create(actor=admin_user, data_year=2025, name="2025年度评价")
    services.participants_populate(actor=admin_user, cycle=cycle)
    walk(cycle, admin_user, S.SCOPE_CONFIRMED, S.COLLECTING)
    client.force_login(enterprise_user)
    response = client.post(reverse("evaluation_report", args=[cycle.pk]), {"tax_wan": "1,200", "sales_wan": "-5"})
    html = response.content.decode()
    assert response.status_code == 400 and "不能为负数" in html and 'value="1,200"' in html and 'value="-5"' in html
    assert not own_participant(cycle, firms).values.exists()
    client.post(reverse("evaluation_report", args=[cycle.pk]), {"tax_wan": "1,200", "sales_wan": "5"})
    assert own_participant(cycle, firms).values.get(field="tax_wan").reported == Decimal("1200")


def test_round_figures_read_as_people_write_them(client, enterprise_user, admin_user, confirming, firms):
    """Decimal.normalize() alone shows 1000 as 1E+3."""
    from gaoxin.evaluation.models import CycleValue

    p = own_participant(confirming, firms)
    CycleValue.objects.filter(participant=p, field="tax_wan").update(reported=Decimal("1000"), verified=Decimal("800"))
    client.force_login(enterprise_user)
    html = client.get(reverse("evaluation_report", args=[confirming.pk])).content.decode()
    figures = html[html.index('data-testid="my-figures"'):]
    assert "E+" not in figures and ">800 <" in figures
    Cycle.objects.filter(pk=confirming.pk).update(status=S.COLLECTING)
    assert 'value="1000"' in client.get(reverse("evaluation_report", args=[confirming.pk])).content.decode()
