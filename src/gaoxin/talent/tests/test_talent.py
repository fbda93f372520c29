"""Talent and employment: demands, hires with confirmation and retention, events with check-in, agreements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.models import OrgKind, Role
from gaoxin.accounts.tests.factories import OrgUnitFactory, UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.core.testing import test_day
from gaoxin.core.validators import id_check_char
from gaoxin.talent import selectors, services
from gaoxin.talent.models import DemandStatus, Hire, HireStatus, School, SchoolAgreement
from gaoxin.talent.workflow import HIRE_WORKFLOW

TODAY = test_day()


def _id(n: int) -> str:
    body = f"43030219900101{n:03d}"
    return body + id_check_char(body)


@pytest.fixture
def office(db):
    return UserFactory(role=Role.DEPT_OFFICER, org_unit=department("hrss", "人力资源和社会保障局"), username="hrss")


@pytest.fixture
def station_officer(db):
    station = OrgUnitFactory(kind=OrgKind.STATION, code="station-jinrong", name="金荣驿站")
    return UserFactory(role=Role.STATION_OFFICER, org_unit=station, username="station")


@pytest.fixture
def demand(enterprise_user, own_enterprise):
    demand = services.demand_create(actor=enterprise_user, enterprise=own_enterprise, post="数控车工", quantity=2,
                                    skill_level="skilled", pay_min=5000, pay_max=8000, location="高新区")
    return _posted_days_ago(demand, 120)  # hires are dated after the posting


def _posted_days_ago(demand, days: int):
    from gaoxin.talent.models import JobDemand

    JobDemand.objects.filter(pk=demand.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    demand.refresh_from_db()
    return demand


def _post(client, url, data):
    return client.post(url, data)


def test_a_firm_posts_a_demand_and_a_bad_form_keeps_what_was_typed(enterprise_client, own_enterprise):
    url = reverse("talent_demand_new")
    bad = enterprise_client.post(url, {"uscc": own_enterprise.uscc, "post": "焊工", "quantity": 3,
                                       "skill_level": "senior", "pay_min": 9000, "pay_max": 6000, "location": "高新区"})
    assert bad.status_code == 400 and "月薪上限不能低于下限" in bad.content.decode()
    assert 'value="焊工"' in bad.content.decode()
    ok = enterprise_client.post(url, {"uscc": own_enterprise.uscc, "post": "焊工", "quantity": 3,
                                      "skill_level": "senior", "pay_min": 6000, "pay_max": 9000, "location": "高新区"})
    assert ok.status_code == 302 and ok["Location"].startswith("/talent/demands/YG")


def test_a_station_log_entry_becomes_a_demand(station_officer, own_enterprise, client):
    from gaoxin.stations import services as station_services

    entry = station_services.service_log(station=station_officer.org_unit, actor=station_officer, category="hiring",
                                         description="企业急招装配工20人", outcome="on_the_spot",
                                         enterprise=own_enterprise)
    client.force_login(station_officer)
    url = reverse("station_log_demand", args=[entry.pk])
    assert url in client.get(reverse("station_detail", args=[entry.station.code])).content.decode()
    form = client.get(url)
    assert form.context["form"].initial["uscc"] == own_enterprise.uscc and "企业急招装配工20人" in form.content.decode()
    answer = client.post(url, {"uscc": own_enterprise.uscc, "post": "装配工", "quantity": 20, "skill_level": "general",
                               "pay_min": 4000, "pay_max": 5000, "location": "高新区"})
    assert answer.status_code == 302
    assert own_enterprise.job_demands.get().station_service == entry
    # The same post again from the same entry is a double submission: refused beside the post, with the number.
    again = client.post(url, {"uscc": own_enterprise.uscc, "post": "装配工", "quantity": 20, "skill_level": "general",
                              "pay_min": 4000, "pay_max": 5000, "location": "高新区"})
    number = own_enterprise.job_demands.get().number
    assert again.status_code == 400 and f"已转为“装配工”岗位的用工需求（编号 {number}）" in again.content.decode()
    assert "已转需求：装配工" in client.get(reverse("station_detail", args=[entry.station.code])).content.decode()
    other = UserFactory(role=Role.STATION_OFFICER, org_unit=OrgUnitFactory(kind=OrgKind.STATION, code="station-x"))
    client.force_login(other)
    assert client.get(url).status_code == 404  # another station's ledger


def test_a_firm_cannot_post_for_another_firm(enterprise_user, other_enterprise):
    with pytest.raises(PermissionDenied):
        services.demand_create(actor=enterprise_user, enterprise=other_enterprise, post="x", quantity=1,
                               skill_level="general", pay_min=1, pay_max=2, location="x")


def test_hire_confirm_fill_retain_and_leave(demand, station_officer, enterprise_user, office,
                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        hire = services.hire_record(actor=station_officer, demand=demand, name="李四", id_number=_id(1),
                                    hired_on=TODAY - dt.timedelta(days=40))
    assert hire.status == HireStatus.RECORDED and hire.station == station_officer.org_unit
    assert Notification.objects.filter(user=enterprise_user, kind="talent_hire").exists()  # asked to confirm
    with pytest.raises(PermissionDenied):
        services.hire_transition(hire=hire, name="CONFIRM", actor=station_officer)  # only the firm or the office
    before = AuditEvent.objects.count()
    hire = services.hire_transition(hire=hire, name="CONFIRM", actor=enterprise_user)
    assert AuditEvent.objects.count() == before + 1
    demand.refresh_from_db()
    assert (demand.filled, demand.status) == (1, DemandStatus.PARTLY_FILLED)
    assert hire.short_check_due >= hire.hired_on + dt.timedelta(days=30)
    hire = services.hire_transition(hire=hire, name="RETAIN", actor=enterprise_user)  # 40 days on: first check due
    assert hire.status == HireStatus.RETAINED_SHORT
    with pytest.raises(ValidationError, match="到期后再确认"):
        services.hire_transition(hire=hire, name="RETAIN", actor=enterprise_user)  # the 90-day check is not due
    services.hire_transition(hire=hire, name="LEAVE", actor=office, left_on=TODAY - dt.timedelta(days=1))
    demand.refresh_from_db()
    assert (demand.filled, demand.status) == (0, DemandStatus.OPEN)  # the place is open again


def test_a_firm_recording_its_own_hire_confirms_it(demand, enterprise_user):
    hire = services.hire_record(actor=enterprise_user, demand=demand, name="王五", id_number=_id(2), hired_on=TODAY)
    assert hire.status == HireStatus.CONFIRMED and hire.confirmed_on == TODAY
    services.hire_record(actor=enterprise_user, demand=demand, name="赵六", id_number=_id(3), hired_on=TODAY)
    demand.refresh_from_db()
    assert demand.status == DemandStatus.FILLED
    with pytest.raises(ValidationError, match="已招满"):
        services.hire_record(actor=enterprise_user, demand=demand, name="钱七", id_number=_id(4), hired_on=TODAY)


def test_hire_input_errors(demand, office):
    with pytest.raises(ValidationError) as bad:
        services.hire_record(actor=office, demand=demand, name="李四", id_number="430302199001011234",
                             hired_on=TODAY + dt.timedelta(days=1))
    assert set(bad.value.error_dict) == {"id_number", "hired_on"}
    services.hire_record(actor=office, demand=demand, name="李四", id_number=_id(5), hired_on=TODAY)
    with pytest.raises(ValidationError, match="已登记"):
        services.hire_record(actor=office, demand=demand, name="李四", id_number=_id(5), hired_on=TODAY)
    assert Hire.objects.count() == 1


def test_every_hire_transition_is_allowed_or_refused_as_the_table_says(demand, enterprise_user, office):
    hire = services.hire_record(actor=office, demand=demand, name="李四", id_number=_id(6),
                                hired_on=TODAY - dt.timedelta(days=100))
    for name in HIRE_WORKFLOW:
        allowed = HIRE_WORKFLOW[name].starts_from(hire.status)
        if not allowed:
            with pytest.raises(ValidationError):
                services.hire_transition(hire=hire, name=name, actor=enterprise_user, reason="理由")
    services.hire_transition(hire=hire, name="REJECT", actor=enterprise_user, reason="查无此人")
    hire.refresh_from_db()
    assert hire.status == HireStatus.REJECTED and HIRE_WORKFLOW.available(hire, enterprise_user) == []


def test_id_numbers_are_masked_outside_the_talent_office(demand, office, enterprise_client, client):
    services.hire_record(actor=office, demand=demand, name="李四", id_number=_id(7), hired_on=TODAY)
    url = reverse("talent_demand", args=[demand.number])
    assert _id(7) not in enterprise_client.get(url).content.decode()
    assert "430302********" in enterprise_client.get(url).content.decode()
    client.force_login(office)
    assert _id(7) in client.get(url).content.decode()


def test_a_firm_sees_only_its_own_demands(demand, other_enterprise, office, client, own_enterprise):
    other = services.demand_create(actor=office, enterprise=other_enterprise, post="电工", quantity=1,
                                   skill_level="skilled", pay_min=1, pay_max=2, location="x")
    firm_user = UserFactory(role=Role.ENTERPRISE)
    firm_user.enterprise_memberships.create(enterprise=own_enterprise)
    client.force_login(firm_user)
    assert client.get(reverse("talent_demand", args=[other.number])).status_code == 404
    listed = client.get(reverse("talent_index")).content.decode()
    assert demand.number in listed and other.number not in listed


def test_withdraw_needs_a_reason(demand, enterprise_client):
    url = reverse("talent_demand_act", args=[demand.number])
    refused = enterprise_client.post(url, {"name": "WITHDRAW", "reason": ""})
    assert refused.status_code == 400 and "需要填写原因" in refused.content.decode()
    assert enterprise_client.post(url, {"name": "WITHDRAW", "reason": "岗位取消"}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == DemandStatus.WITHDRAWN


def test_event_check_in_register_and_intent(office, demand, own_enterprise, enterprise_user, client):
    event = services.event_create(actor=office, title="千企百校对接会", kind="thousand", organiser=office.org_unit,
                                  held_on=TODAY, place="人才市场")
    with pytest.raises(PermissionDenied):
        services.event_create(actor=enterprise_user, title="x", kind="fair", organiser=office.org_unit, held_on=TODAY,
                              place="x")
    services.event_register(event=event, actor=enterprise_user, enterprise=own_enterprise, demands=[demand])
    url = reverse("talent_checkin", args=[event.checkin_token])
    assert client.get(url).status_code == 200  # no log-in at the door
    resume = SimpleUploadedFile("简历.pdf", b"%PDF-1.4 resume", content_type="application/pdf")
    ok = client.post(url, {"name": "张三", "phone": "13900001111", "school": "湘潭技师学院", "resume": resume})
    assert ok.status_code == 200 and "签到成功" in ok.content.decode()
    again = client.post(url, {"name": "张三", "phone": "13900001111"})
    assert again.status_code == 400 and "已签到" in again.content.decode()
    fake = SimpleUploadedFile("简历.pdf", b"<html>not a pdf</html>", content_type="application/pdf")
    assert client.post(url, {"name": "李", "phone": "13900002222", "resume": fake}).status_code == 400
    with pytest.raises(ValidationError, match="签到仅在活动当天"):
        services.checkin_create(event=event, name="王", phone="13900003333", today=TODAY + dt.timedelta(days=1))
    past = services.event_create(actor=office, title="春季招聘会", kind="fair", organiser=office.org_unit,
                                 held_on=TODAY - dt.timedelta(days=30), place="人才市场")
    closed = client.get(reverse("talent_checkin", args=[past.checkin_token])).content.decode()
    assert "签到仅在活动当天" in closed and 'data-testid="checkin-form"' not in closed
    intent = services.intent_record(event=event, actor=office, enterprise=own_enterprise, person="张三", demand=demand)
    assert intent.signed_on == TODAY
    client.force_login(office)
    assert "千企百校对接会" in client.get(reverse("talent_event_programme", args=[event.pk])).content.decode()


def test_agreements_activity_dormant_and_expiry(office, own_enterprise, enterprise_user,
                                                django_capture_on_commit_callbacks, client):
    school = School.objects.create(name="湘潭技师学院", kind="technical")
    soon = services.agreement_create(actor=office, school=school, enterprise=own_enterprise, kind="order_class",
                                     title="订单班协议", signed_on=TODAY - dt.timedelta(days=400),
                                     expires_on=TODAY + dt.timedelta(days=10))
    past = services.agreement_create(actor=office, school=school, enterprise=own_enterprise, kind="internship",
                                     title="实习协议", signed_on=TODAY - dt.timedelta(days=400),
                                     expires_on=TODAY - dt.timedelta(days=1))
    services.agreement_log(agreement=soon, actor=enterprise_user, held_on=TODAY, note="订单班开班", people=30)
    client.force_login(office)
    dormant = client.get(reverse("talent_agreements") + "?dormant=1").content.decode()
    assert "实习协议" in dormant and "订单班协议" not in dormant
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            done = services.sweep()
    past.refresh_from_db()
    assert past.status == "ended" and done["agreements_ended"] == 0  # ended by the first run
    assert Notification.objects.filter(user=office, kind="talent_agreement").count() == 1  # once


def test_shortage_index(demand, office, other_enterprise):
    services.demand_create(actor=office, enterprise=other_enterprise, post="电工", quantity=7, skill_level="skilled",
                           pay_min=1, pay_max=2, location="x", urgency="urgent")
    services.hire_record(actor=office, demand=demand, name="李四", id_number=_id(8), hired_on=TODAY)
    services.hire_transition(hire=Hire.objects.get(), name="CONFIRM", actor=office)
    index = selectors.shortage()
    assert index["total"] == 8 and index["firms"][0]["places"] == 7 and index["firms"][0]["urgent"] == 7


def test_list_pages_have_constant_queries(office, own_enterprise, client, django_assert_max_num_queries):
    for n in range(30):
        services.demand_create(actor=office, enterprise=own_enterprise, post=f"岗位{n}", quantity=2,
                               skill_level="general", pay_min=1, pay_max=2, location="x")
    client.force_login(office)
    for url in (reverse("talent_index"), reverse("talent_events"), reverse("talent_agreements"),
                reverse("talent_shortage")):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200


def test_api_post_read_and_confirm(enterprise_client, own_enterprise, office, client):
    created = enterprise_client.post("/api/v1/job-demands/", {
        "uscc": own_enterprise.uscc, "post": "电工", "quantity": 2, "skill_level": "skilled", "pay_min": 5000,
        "pay_max": 4000, "location": "高新区"}, content_type="application/json")
    assert created.status_code == 400 and created.json()["pay_max"] == ["月薪上限不能低于下限"]
    created = enterprise_client.post("/api/v1/job-demands/", {
        "uscc": own_enterprise.uscc, "post": "电工", "quantity": 2, "skill_level": "skilled", "pay_min": 5000,
        "pay_max": 7000, "location": "高新区"}, content_type="application/json")
    number = created.json()["number"]
    client.force_login(office)
    hire = client.post(f"/api/v1/job-demands/{number}/hires/", {"name": "李四", "id_number": _id(9),
                                                               "hired_on": TODAY.isoformat()},
                       content_type="application/json")
    assert hire.status_code == 201 and hire.json()["id_number"] == _id(9)  # the talent office sees it in full
    listed = enterprise_client.get("/api/v1/hires/").json()
    assert listed["results"][0]["id_number"].startswith("430302********") if "results" in listed else \
        listed[0]["id_number"].startswith("430302********")
    confirmed = enterprise_client.post(f"/api/v1/hires/{hire.json()['id']}/transition/", {"name": "CONFIRM"},
                                       content_type="application/json")
    assert confirmed.status_code == 200 and confirmed.json()["status"] == "confirmed"
    assert enterprise_client.post(f"/api/v1/hires/{hire.json()['id']}/transition/", {"name": "NOPE"},
                                  content_type="application/json").status_code == 400


def test_a_firms_talent_appeal_becomes_a_demand(office, clerk_user, enterprise_user, own_enterprise, other_enterprise,
                                                 client):
    from gaoxin.appeals import services as appeal_services

    appeal = appeal_services.appeal_submit(
        actor=enterprise_user, enterprise=own_enterprise, channel="平台", category="talent", request_type="help",
        title="招工难", description="急需数控技工20名", contact_name="王经理", contact_phone="13800000000")
    # Two cooperating units: the office's scope joins them, and a demand must still count once.
    appeal_services.appeal_transition(appeal=appeal, name="DISPATCH", actor=clerk_user, lead=office.org_unit,
                                      cooperating=[department("tax", "税务局"), department("finance", "财政局")])
    client.force_login(office)
    listing = client.get(reverse("talent_appeals")).content.decode()
    url = reverse("talent_appeal_demand", args=[appeal.number])
    assert "招工难" in listing and url in listing
    form = client.get(url)
    assert form.context["form"].initial["uscc"] == own_enterprise.uscc and "急需数控技工20名" in form.content.decode()
    wrong = client.post(url, {"uscc": other_enterprise.uscc, "post": "数控技工", "quantity": 20,
                              "skill_level": "skilled", "pay_min": 6000, "pay_max": 9000, "location": "高新区"})
    assert wrong.status_code == 400 and "用工需求应登记在这家企业名下" in wrong.content.decode()
    ok = client.post(url, {"uscc": own_enterprise.uscc, "post": "数控技工", "quantity": 20, "skill_level": "skilled",
                           "pay_min": 6000, "pay_max": 9000, "location": "高新区"})
    demand = own_enterprise.job_demands.get()
    assert ok.status_code == 302 and demand.appeal == appeal
    assert AuditEvent.objects.get(event_type="talent.demand.create").after["appeal"] == appeal.number
    assert "已转 1 条" in client.get(reverse("talent_appeals")).content.decode()  # not 2 (one per cooperating unit)
    # Who may not: the firm itself (it posts demands directly) and another department that does not see the appeal.
    client.force_login(enterprise_user)
    assert client.get(reverse("talent_appeals")).status_code == 403
    client.force_login(UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局")))
    assert client.get(url).status_code in (403, 404)


def test_the_check_in_qr_code_is_an_svg_an_img_can_draw(office, client):
    event = services.event_create(actor=office, title="校企对接会", kind="fair", organiser=office.org_unit,
                                  held_on=TODAY, place="人才市场")
    client.force_login(office)
    answer = client.get(reverse("talent_event_qr", args=[event.pk]))
    assert answer["Content-Type"] == "image/svg+xml"
    assert 'xmlns="http://www.w3.org/2000/svg"' in answer.content.decode()  # without it an <img> shows nothing



# --- QA walk fixes ---------------------------------------------------------------------------------------------


def test_retention_checks_due_are_listed_overdue_marked_and_scoped(demand, enterprise_user, enterprise_client, office,
                                                                   other_enterprise, client, station_officer):
    due = services.hire_record(actor=enterprise_user, demand=demand, name="回访甲", id_number=_id(31),
                               hired_on=TODAY - dt.timedelta(days=33))
    late = services.hire_record(actor=enterprise_user, demand=demand, name="回访乙", id_number=_id(32),
                                hired_on=TODAY - dt.timedelta(days=60))
    other = _posted_days_ago(services.demand_create(actor=office, enterprise=other_enterprise, post="钳工", quantity=2,
                                                    skill_level="skilled", pay_min=5000, pay_max=8000,
                                                    location="高新区"), 120)
    third = services.hire_record(actor=office, demand=other, name="别家丙", id_number=_id(33),
                                 hired_on=TODAY - dt.timedelta(days=60))
    services.hire_transition(hire=third, name="CONFIRM", actor=office)
    Hire.objects.filter(pk=due.pk).update(short_check_due=TODAY - dt.timedelta(days=1))
    Hire.objects.filter(pk=late.pk).update(short_check_due=TODAY - dt.timedelta(days=20))
    page = enterprise_client.get(reverse("talent_retention"))
    body = page.content.decode()
    assert page.status_code == 200 and "回访甲" in body and "回访乙" in body and "别家丙" not in body
    assert body.count('data-testid="overdue"') == 1
    assert "待回访" in enterprise_client.get(reverse("talent_index")).content.decode()
    client.force_login(office)
    assert "别家丙" in client.get(reverse("talent_retention")).content.decode()
    client.force_login(station_officer)
    assert "回访甲" not in client.get(reverse("talent_retention")).content.decode()  # not the station's hires


def test_the_retention_button_is_offered_only_when_the_check_is_due(demand, enterprise_user, enterprise_client):
    early = services.hire_record(actor=enterprise_user, demand=demand, name="新人", id_number=_id(34),
                                 hired_on=TODAY - dt.timedelta(days=3))
    page = enterprise_client.get(reverse("talent_demand", args=[demand.number])).content.decode()
    assert "回访：仍在岗" not in page and "已离职" in page
    Hire.objects.filter(pk=early.pk).update(short_check_due=TODAY)
    page = enterprise_client.get(reverse("talent_demand", args=[demand.number])).content.decode()
    assert "回访：仍在岗" in page


def test_the_retention_list_has_constant_queries(demand, office, enterprise_user, client,
                                                 django_assert_max_num_queries):
    for n in range(2):
        services.hire_record(actor=enterprise_user, demand=demand, name=f"人{n}", id_number=_id(40 + n),
                             hired_on=TODAY - dt.timedelta(days=40))
    client.force_login(office)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("talent_retention")).status_code == 200


def test_a_firm_sees_its_own_shortage_by_post(demand, office, other_enterprise, enterprise_client):
    services.demand_create(actor=office, enterprise=other_enterprise, post="电工", quantity=7, skill_level="skilled",
                           pay_min=1, pay_max=2, location="x", urgency="urgent")
    page = enterprise_client.get(reverse("talent_shortage"))
    body = page.content.decode()
    assert page.status_code == 200 and "数控车工" in body and "电工" not in body
    assert 'data-testid="shortage-total">2<' in body and "全区" not in body
    assert "缺工指数" in enterprise_client.get(reverse("talent_index")).content.decode()  # the tab is offered


def test_forms_tell_every_error_at_the_first_submit(enterprise_client, own_enterprise, demand):
    bad = enterprise_client.post(reverse("talent_demand_new"), {
        "uscc": own_enterprise.uscc, "post": "焊工", "quantity": 0, "skill_level": "senior", "pay_min": 9000,
        "pay_max": 6000, "location": "高新区"})
    body = bad.content.decode()
    assert bad.status_code == 400 and "月薪上限不能低于下限" in body and "大于或等于1" in body  # both at once
    bad = enterprise_client.post(reverse("talent_hire_new", args=[demand.number]), {
        "name": "", "id_number": "430302199001011234", "phone": "12", "hired_on": TODAY.isoformat()})
    body = bad.content.decode()
    assert bad.status_code == 400 and "校验" in body and "手机号码" in body


def test_a_hire_before_the_demand_was_posted_is_refused_beside_the_date(demand, office, enterprise_client):
    from gaoxin.talent.models import JobDemand

    JobDemand.objects.filter(pk=demand.pk).update(created_at=timezone.now() - dt.timedelta(days=10))
    demand.refresh_from_db()
    with pytest.raises(ValidationError) as bad:
        services.hire_record(actor=office, demand=demand, name="早到", id_number=_id(50),
                             hired_on=TODAY - dt.timedelta(days=20))
    assert "发布日期" in bad.value.message_dict["hired_on"][0]
    page = enterprise_client.post(reverse("talent_hire_new", args=[demand.number]), {
        "name": "早到", "id_number": _id(50), "hired_on": (TODAY - dt.timedelta(days=20)).isoformat()})
    assert page.status_code == 400 and "不能早于该需求的发布日期" in page.content.decode()
    services.hire_record(actor=office, demand=demand, name="按时", id_number=_id(51),
                         hired_on=TODAY - dt.timedelta(days=5))


def test_only_open_talent_appeals_are_offered_as_demands(office, clerk_user, enterprise_user, own_enterprise, client):
    from gaoxin.appeals import services as appeal_services
    from gaoxin.appeals.models import Appeal

    appeal = appeal_services.appeal_submit(
        actor=enterprise_user, enterprise=own_enterprise, channel="平台", category="talent", request_type="help",
        title="招工难已办结", description="已解决", contact_name="王经理", contact_phone="13800000000")
    appeal_services.appeal_transition(appeal=appeal, name="DISPATCH", actor=clerk_user, lead=office.org_unit)
    Appeal.objects.filter(pk=appeal.pk).update(status="closed")
    client.force_login(office)
    url = reverse("talent_appeal_demand", args=[appeal.number])
    listing = client.get(reverse("talent_appeals")).content.decode()
    assert "招工难已办结" in listing and url not in listing
    assert client.get(url).status_code == 403


def test_a_past_event_offers_no_registration_and_no_check_in_code(office, client):
    past = services.event_create(actor=office, title="往届招聘会", kind="fair", organiser=office.org_unit,
                                 held_on=TODAY - dt.timedelta(days=3), place="人力资源市场")
    client.force_login(office)
    page = client.get(reverse("talent_event", args=[past.pk])).content.decode()
    assert "活动已" in page and 'data-testid="register-form"' not in page and 'data-testid="checkin-qr"' not in page
    assert client.post(reverse("talent_event_register", args=[past.pk]), {}).status_code == 403
    coming = services.event_create(actor=office, title="下周招聘会", kind="fair", organiser=office.org_unit,
                                   held_on=TODAY + dt.timedelta(days=3), place="人力资源市场")
    page = client.get(reverse("talent_event", args=[coming.pk])).content.decode()
    assert 'data-testid="register-form"' in page and 'data-testid="checkin-qr"' in page and "</strong>：" not in page


def test_a_check_in_resume_opens_for_the_office_only_audited(office, enterprise_client, client):
    event = services.event_create(actor=office, title="今日招聘会", kind="fair", organiser=office.org_unit,
                                  held_on=TODAY, place="人力资源市场")
    pdf = SimpleUploadedFile("简历.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
                             content_type="application/pdf")
    checkin = services.checkin_create(event=event, name="求职者", phone="13900000009", resume=pdf)
    url = reverse("talent_checkin_resume", args=[checkin.pk])
    client.force_login(office)
    assert url in client.get(reverse("talent_event", args=[event.pk])).content.decode()
    answer = client.get(url)
    assert answer.status_code == 200 and answer["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(event_type="talent.checkin.resume_open").count() == 1
    assert enterprise_client.get(url).status_code in (403, 404)


def test_dormant_is_counted_in_months_and_expiring_agreements_are_marked(office, own_enterprise, client):
    from gaoxin.talent.views import months_before

    assert months_before(dt.date(2026, 12, 1), 6) == dt.date(2026, 6, 1)
    assert months_before(dt.date(2026, 8, 31), 6) == dt.date(2026, 2, 28)
    school = School.objects.create(name="湖南工程学院")
    soon = services.agreement_create(actor=office, school=school, enterprise=own_enterprise, kind="internship",
                                     title="快到期的协议", signed_on=TODAY - dt.timedelta(days=300),
                                     expires_on=TODAY + dt.timedelta(days=10))
    services.agreement_create(actor=office, school=school, enterprise=own_enterprise, kind="internship",
                              title="长期协议", signed_on=TODAY - dt.timedelta(days=30),
                              expires_on=TODAY + dt.timedelta(days=400))
    client.force_login(office)
    page = client.get(reverse("talent_agreements")).content.decode()
    assert page.count('data-testid="expiring"') == 1
    only = client.get(reverse("talent_agreements"), {"expiring": 1}).content.decode()
    assert soon.title in only and "长期协议" not in only


def test_an_agreement_past_its_date_reads_expired_before_the_sweep_ends_it(office, own_enterprise, client):
    """The QA walk found an agreement past its date still 履行中 in a demo zone whose daily sweep had not run."""
    school = School.objects.create(name="湘潭技师学院")
    lapsed = services.agreement_create(actor=office, school=school, enterprise=own_enterprise, kind="order_class",
                                       title="昨天到期的订单班协议", signed_on=TODAY - dt.timedelta(days=400),
                                       expires_on=TODAY + dt.timedelta(days=5))
    SchoolAgreement.objects.filter(pk=lapsed.pk).update(expires_on=TODAY - dt.timedelta(days=1))  # time went by
    client.force_login(office)
    row = client.get(reverse("talent_agreements")).content.decode().split("昨天到期的订单班协议")[-1].split("</tr>")[0]
    assert "已到期" in row and "履行中" not in row
    page = client.get(reverse("talent_agreement", args=[lapsed.pk])).content.decode()
    assert "已到期</span>" in page
    services.sweep(today=TODAY)  # the sweep ends it for good
    lapsed.refresh_from_db()
    assert lapsed.status == "ended" and lapsed.status_label == "已到期"


def test_pay_bands_read_with_thousands_separators(demand, enterprise_client):
    """The QA walk found 5000–8000 beside 1,200.00 elsewhere: pay bands in whole 元 with separators."""
    assert "5,000–8,000" in enterprise_client.get(reverse("talent_index")).content.decode()
    assert "5,000–8,000 元" in enterprise_client.get(reverse("talent_demand", args=[demand.number])).content.decode()


def test_a_narrow_screen_is_told_the_hire_actions_are_to_the_right(demand, enterprise_user, enterprise_client):
    services.hire_record(actor=enterprise_user, demand=demand, name="窄屏", id_number=_id(60), hired_on=TODAY)
    page = enterprise_client.get(reverse("talent_demand", args=[demand.number])).content.decode()
    assert 'data-testid="scroll-hint"' in page and "d-md-none" in page.split('data-testid="scroll-hint"')[0][-80:]


@pytest.mark.django_db(transaction=True)  # the notices are sent on commit, as when the demo is seeded
def test_the_demo_is_dated_as_it_happened(office, station_officer, enterprise_user, admin_user):
    """The QA walk: demo demands numbered on the seeding day though posted months before, every confirmation and
    retention check stamped at seeding; the demo follows its dates, and its notices follow the numbers."""
    import random

    from gaoxin.enterprises.tests.factories import EnterpriseFactory
    from gaoxin.talent.demo_data import build_demo_talent
    from gaoxin.talent.models import HireEvent, JobDemand

    build_demo_talent(rng=random.Random(42), enterprises=[EnterpriseFactory() for _ in range(14)], office=office,
                      station_officer=station_officer, enterprise_user=enterprise_user, admin=admin_user, today=TODAY)
    demands = {d.number: d for d in JobDemand.objects.all()}
    for number, d in demands.items():
        assert number[2:10] == f"{timezone.localtime(d.created_at):%Y%m%d}", number  # YG + the posting date
    linked = Notification.objects.filter(url__startswith="/talent/demands/").values_list("url", flat=True)
    assert linked and all(url.rstrip("/").split("/")[-1] in demands for url in linked)  # no notice to a dead link
    events = list(HireEvent.objects.select_related("hire"))
    assert {e.transition for e in events} >= {"CONFIRM", "RETAIN"}
    for e in events:
        day, hire = timezone.localtime(e.at).date(), e.hire
        assert hire.hired_on <= day <= TODAY, (e.transition, hire.hired_on, day)
        if e.transition == "CONFIRM":
            assert day == hire.confirmed_on
        if e.transition == "RETAIN":
            assert day >= hire.short_check_due
    assert not SchoolAgreement.objects.filter(status="active", expires_on__lt=TODAY).exists()
