"""Station pages: the service log, events and liaisons through forms (errors beside the field, nothing
written), who may do what, and the station-log API checked by the same form."""

import datetime as dt

import pytest
from django.test import Client

from gaoxin.accounts.models import OrgAssignment, OrgKind, OrgUnit, Position, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.catalog.tests.factories import department
from gaoxin.stations.models import StationEvent, StationService

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def station(db):
    return OrgUnit.objects.create(code="station-jinrong", name="金荣政务服务驿站", kind=OrgKind.STATION)


@pytest.fixture
def station_officer(station):
    return UserFactory(role=Role.STATION_OFFICER, org_unit=station)


@pytest.fixture
def hrss(db):
    return department("hrss", "人力资源和社会保障局")


def log_url(station):
    return f"/stations/{station.code}/log/"


def test_a_log_entry_is_recorded_with_the_firm_typed_as_clerks_type_it(station, station_officer, own_enterprise, hrss):
    response = login(station_officer).post(log_url(station), {
        "uscc": f" {own_enterprise.uscc.lower()} ", "category": "hiring", "outcome": "escalated",
        "escalated_to": hrss.code, "description": "对接职业院校", "problem": "on"})
    entry = StationService.objects.get()
    assert response.status_code == 302 and entry.enterprise == own_enterprise and entry.escalated_to == hrss
    assert entry.problem and entry.provided_by == station_officer


@pytest.mark.parametrize("data,field,message", [
    ({"uscc": "91430300MA4XXXXXXX"}, "uscc", "企业档案中没有该统一社会信用代码"),
    ({"outcome": "escalated"}, "escalated_to", "转部门办理须选择部门"),
    ({"person": ""}, "uscc", "请选择企业或填写群众姓名"),
    ({"escalated_to": "999"}, "escalated_to", "请选择转办部门"),
])
def test_log_errors_sit_beside_their_field_and_nothing_is_written(station, station_officer, data, field, message):
    post = {"person": "王", "category": "consult", "outcome": "on_the_spot", "description": "社保咨询"} | data
    response = login(station_officer).post(log_url(station), post)
    html = response.content.decode()
    assert response.status_code == 400 and not StationService.objects.exists()
    assert message in html[html.index(f'id="id_log_{field}"'):][:700]
    assert 'value="社保咨询"' in html  # what was typed is kept


def test_an_event_names_its_firms_and_an_unknown_code_is_refused(station, station_officer, own_enterprise):
    c = login(station_officer)
    response = c.post(f"/stations/{station.code}/events/", {
        "title": "便民惠企活动", "held_on": "2026-11-20", "enterprises": f"{own_enterprise.uscc}，91430300MA4XXXXXXX",
        "attendees": "30"})
    html = response.content.decode()
    assert response.status_code == 400 and "91430300MA4XXXXXXX" in html and not StationEvent.objects.exists()
    assert 'value="便民惠企活动"' in html
    response = c.post(f"/stations/{station.code}/events/", {"title": "", "held_on": "2026-13-01"})
    html = response.content.decode()
    assert "请填写活动名称" in html and "请填写正确的日期" in html
    response = c.post(f"/stations/{station.code}/events/", {
        "title": "便民惠企活动", "held_on": "2026-11-20", "enterprises": own_enterprise.uscc, "attendees": ""})
    event = StationEvent.objects.get()
    assert response.status_code == 302 and list(event.enterprises.all()) == [own_enterprise]
    assert event.held_on == dt.date(2026, 11, 20) and event.attendees == 1


def test_liaisons_are_named_by_the_administrator(station, admin_client, hrss, station_officer):
    officer = UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss, full_name="人社 王芳")
    response = admin_client.post(f"/stations/{station.code}/liaison/", {"officer": "nobody"})
    assert response.status_code == 400 and "请选择联络员" in response.content.decode()
    response = admin_client.post(f"/stations/{station.code}/liaison/", {"officer": officer.username})
    assert response.status_code == 302
    assert OrgAssignment.objects.get(org_unit=station, position=Position.LIAISON).user == officer
    assert login(station_officer).post(f"/stations/{station.code}/liaison/",
                                       {"officer": officer.username}).status_code == 403
    assert "指定部门联络员" not in login(station_officer).get(f"/stations/{station.code}/").content.decode()


def test_who_may_log(station, station_officer, clerk_client, enterprise_client):
    other = OrgUnit.objects.create(code="station-zhongnan", name="中南政务服务驿站", kind=OrgKind.STATION)
    post = {"person": "王", "category": "consult", "outcome": "on_the_spot", "description": "咨询"}
    assert login(station_officer).post(log_url(other), post).status_code == 403  # another station's officer
    assert clerk_client.post(log_url(station), post).status_code == 403
    assert enterprise_client.post(log_url(station), post).status_code == 403
    assert enterprise_client.get(f"/stations/{station.code}/").status_code == 403
    assert clerk_client.get("/stations/no-such-station/").status_code == 404
    html = clerk_client.get(f"/stations/{station.code}/").content.decode()
    assert "记入台账" not in html  # no form for who may not log
    guide = UserFactory(role=Role.STATION_OFFICER)
    OrgAssignment.objects.create(org_unit=station, user=guide, position=Position.MOBILE_GUIDE, since=dt.date.today())
    assert login(guide).post(log_url(station), post).status_code == 302  # a mobile guide of the team
    assert StationService.objects.count() == 1


def test_the_figures_link_follows_the_predicate(station, clerk_client, station_officer, leader_client):
    assert "服务成效" in clerk_client.get("/stations/").content.decode()
    assert "服务成效" in leader_client.get("/stations/").content.decode()
    assert "服务成效" not in login(station_officer).get("/stations/").content.decode()
    assert login(station_officer).get("/stations/figures/").status_code == 403


def test_the_api_records_with_the_pages_form(station, station_officer, own_enterprise, enterprise_client):
    c = login(station_officer)
    refused = c.post("/api/v1/station-logs/", {"station": station.code, "category": "consult",
                                               "outcome": "on_the_spot", "description": ""},
                     content_type="application/json")
    assert refused.status_code == 400 and refused.json()["description"] == ["请填写服务内容"]
    unknown = c.post("/api/v1/station-logs/", {"station": "nowhere", "category": "consult", "person": "王",
                                               "outcome": "on_the_spot", "description": "咨询"},
                     content_type="application/json")
    assert unknown.status_code == 400 and unknown.json()["station"] == ["驿站不存在"]
    created = c.post("/api/v1/station-logs/", {"station": station.code, "enterprise_uscc": own_enterprise.uscc,
                                               "category": "consult", "outcome": "on_the_spot",
                                               "description": "咨询"}, content_type="application/json")
    assert created.status_code == 201 and created.json()["enterprise"] == own_enterprise.uscc
    assert enterprise_client.post("/api/v1/station-logs/", {"station": station.code},
                                  content_type="application/json").status_code == 403
    assert enterprise_client.get("/api/v1/station-logs/").json()["count"] == 0


def test_the_figures_count_the_assist_services_for_key_projects(own_enterprise, admin_user, clerk_client,
                                                                station_officer):
    """services.md §1: "2,000+ 帮代办, of which 200+ for key enterprises and project approvals". A key project
    whose approval chain an agent works is 帮代办 for a key project, as is an order placed for one; the total
    counts both kinds of service, so the "of which" is a part of it."""
    from gaoxin.assist import services as assist_services
    from gaoxin.assist.models import ChainTemplate

    agent = UserFactory(role=Role.AGENT)
    template = ChainTemplate.objects.create(code="t", name="工业项目审批链")
    projects = [assist_services.project_create(actor=admin_user, name=name, enterprise=own_enterprise,
                                               template=template, is_key=key, agent=worked)
                for name, key, worked in (("铁姆肯", True, agent), ("金杯电工", True, agent), ("新松", False, agent),
                                          ("未派专员的重点项目", True, None))]
    for project in (None, projects[2]):  # an order for no project, one for an ordinary project
        order = assist_services.order_create(
            actor=station_officer, enterprise=own_enterprise, channel="station", description="代办",
            contact_name="张", contact_phone="13800000000", commission_signed_on=dt.date.today(),
            commission_valid_until=dt.date.today())
        order.project = project
        order.save(update_fields=["project"])
    html = clerk_client.get("/stations/figures/").content.decode()
    card = html[html.index('data-testid="assist-services"'):]
    card = card[:card.index("</div></div>")]
    assert "5 件" in card and "其中重点项目 2 件" in card and "订单 2 件，项目审批全程代办 3 个" in card
    order.project = projects[3]
    order.save(update_fields=["project"])
    assert "其中重点项目 3 件" in clerk_client.get("/stations/figures/").content.decode()


def test_a_stations_ledger_is_read_by_its_station_the_centre_leaders_and_the_department_it_went_to(
        station, station_officer, hrss, clerk_client, leader_client):
    """Issue 15 §2: every member of staff read every station's ledger with the names of the people served."""
    other = OrgUnit.objects.create(code="station-zhongnan", name="中南政务服务驿站", kind=OrgKind.STATION)
    today = dt.date.today()
    StationService.objects.create(station=station, person="李秀英", category="consult", outcome="on_the_spot",
                                  description="社保咨询", provided_on=today, provided_by=station_officer)
    StationService.objects.create(station=station, person="赵建国", category="hiring", outcome="escalated",
                                  escalated_to=hrss, description="招工对接", provided_on=today,
                                  provided_by=station_officer)
    page, api = f"/stations/{station.code}/", "/api/v1/station-logs/"

    def seen(client):
        html = client.get(page).content.decode()
        names = {n for n in ("李秀英", "赵建国") if n in html}
        assert names == {r["person"] for r in client.get(api).json()["results"]} - {""}
        return names

    assert seen(login(station_officer)) == seen(clerk_client) == seen(leader_client) == {"李秀英", "赵建国"}
    other_officer = login(UserFactory(role=Role.STATION_OFFICER, org_unit=other))
    assert seen(other_officer) == set()
    assert "仅本驿站、政务服务中心和领导可查看" in other_officer.get(page).content.decode()
    assert seen(login(UserFactory(role=Role.DEPT_OFFICER, org_unit=hrss))) == {"赵建国"}  # handed to it
    assert seen(login(UserFactory(role=Role.DEPT_OFFICER, org_unit=department("tax", "税务局")))) == set()
    guide = UserFactory(role=Role.DEPT_OFFICER, org_unit=department("market", "市场监督管理局"))
    OrgAssignment.objects.create(org_unit=station, user=guide, position=Position.MOBILE_GUIDE, since=today)
    assert seen(login(guide)) == {"李秀英", "赵建国"}  # a member of the station's 1+1+X team
