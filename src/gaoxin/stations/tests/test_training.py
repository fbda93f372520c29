"""Staff training (人员培训: 集中培训、跟班学习、情景演练): who records a session, one audit event per change, errors beside
their field with what was typed kept, who reads which sessions (pages and API), constant query counts, and a station's
per-person sessions and hours against hand-counted values."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gaoxin.accounts.models import OrgAssignment, OrgKind, OrgUnit, Position, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import AuditEvent
from gaoxin.stations import services
from gaoxin.stations.models import TrainingKind, TrainingSession
from gaoxin.stations.selectors import station_training_record

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year


def audit():
    """The room's audit events (a log-in writes one of its own)."""
    return AuditEvent.objects.filter(event_type__startswith="station.")


def login(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


@pytest.fixture
def centre(db):
    return OrgUnit.objects.create(code="centre", name="湘潭高新区政务服务中心", short_name="政务服务中心", kind=OrgKind.CENTRE)


@pytest.fixture
def station(db):
    return OrgUnit.objects.create(code="station-jinrong", name="金荣政务服务驿站", kind=OrgKind.STATION)


@pytest.fixture
def other_station(db):
    return OrgUnit.objects.create(code="station-zhongnan", name="中南政务服务驿站", kind=OrgKind.STATION)


def _team(station, prefix):
    head = UserFactory(role=Role.STATION_OFFICER, org_unit=station, username=f"{prefix}-head", full_name=f"{prefix}负责人")
    window = UserFactory(role=Role.STATION_OFFICER, org_unit=station, username=f"{prefix}-window",
                         full_name=f"{prefix}专窗")
    guide = UserFactory(role=Role.AGENT, username=f"{prefix}-guide", full_name=f"{prefix}指导员")
    for user, position in ((head, Position.HEAD), (window, Position.WINDOW_SPECIALIST), (guide, Position.MOBILE_GUIDE)):
        OrgAssignment.objects.create(org_unit=station, user=user, position=position, since=dt.date(2022, 6, 15))
    return head, window, guide


@pytest.fixture
def team(station):
    return _team(station, "jinrong")


@pytest.fixture
def other_team(other_station):
    return _team(other_station, "zhongnan")


def make_session(*, attendees, organiser, held_on=dt.date(YEAR, 1, 1), hours="2", kind=TrainingKind.CENTRAL,
                 title="集中培训", created_by=None):
    session = TrainingSession.objects.create(kind=kind, title=title, held_on=held_on, hours=Decimal(hours),
                                             organiser=organiser, created_by=created_by or attendees[0])
    session.attendees.set(attendees)
    return session


def form_data(organiser, people, **extra):
    return {"kind": "central", "title": "“一窗通办”业务集中培训", "held_on": "2026-01-10", "hours": "6",
            "organiser": organiser.code, "place": "三楼培训室", "trainer": "李娜", "topics": "商事登记\n社保经办",
            "attendees": [u.username for u in people]} | extra


# --- recording a session ---------------------------------------------------------------------------------------

def test_the_administrator_records_a_session_with_one_audit_event(admin_client, centre, team, clerk_user):
    response = admin_client.post("/stations/training/new/", form_data(centre, [*team, clerk_user]))
    session = TrainingSession.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/stations/training/{session.pk}/"
    assert set(session.attendees.all()) == {*team, clerk_user} and session.hours == Decimal("6")
    assert session.topic_list() == ["商事登记", "社保经办"] and session.organiser == centre
    event = audit().get()
    assert event.event_type == "station.training_recorded" and event.subject_id == str(session.pk)
    html = admin_client.get(f"/stations/training/{session.pk}/").content.decode()
    assert "“一窗通办”业务集中培训" in html and "jinrong专窗" in html and "社保经办" in html


def test_a_station_head_records_only_in_the_name_of_their_station(team, other_station, centre, station):
    head, window, guide = team
    c = login(head)
    refused = c.post("/stations/training/new/", form_data(other_station, [window], kind="drill"))
    html = refused.content.decode()
    assert refused.status_code == 400 and not TrainingSession.objects.exists() and not audit().exists()
    assert "请选择您可以代表的组织单位" in html[html.index('id="id_organiser"'):][:1500]
    assert c.post("/stations/training/new/", form_data(centre, [window])).status_code == 400
    done = c.post("/stations/training/new/", form_data(station, [window, guide], kind="drill"))
    assert done.status_code == 302 and TrainingSession.objects.get().organiser == station
    assert audit().count() == 1


def test_who_may_not_record(team, station, clerk_client, enterprise_client, leader_client, officer_client):
    _, window, _ = team
    data = form_data(station, [window])
    for client in (login(window), clerk_client, enterprise_client, leader_client, officer_client):
        assert client.get("/stations/training/new/").status_code == 403
        assert client.post("/stations/training/new/", data).status_code == 403
    anonymous = Client().get("/stations/training/new/")
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    assert "登记培训" not in login(window).get("/stations/training/").content.decode()
    assert not TrainingSession.objects.exists() and not audit().exists()


@pytest.mark.parametrize("change,field,message", [
    ({"hours": "0"}, "hours", "学时应大于 0"),
    ({"hours": "-2"}, "hours", "学时应大于 0"),
    ({"hours": "abc"}, "hours", "学时应为数字"),
    ({"hours": "1.25"}, "hours", "学时最多保留一位小数"),
    ({"attendees": []}, "attendees", "请选择参训人员"),
    ({"attendees": ["nobody"]}, "attendees", "参训人员应为在岗工作人员"),
    ({"kind": ""}, "kind", "请选择培训方式"),
    ({"held_on": "2099-01-01"}, "held_on", "培训日期不能晚于今天"),
    ({"held_on": "2026-13-01"}, "held_on", "请填写正确的日期"),
])
def test_errors_sit_beside_their_field_what_was_typed_is_kept_and_nothing_is_written(
        admin_client, centre, team, change, field, message):
    response = admin_client.post("/stations/training/new/", form_data(centre, team, **change))
    html = response.content.decode()
    assert response.status_code == 400 and not TrainingSession.objects.exists() and not audit().exists()
    anchor = 'id="id_attendees_label"' if field == "attendees" else f'id="id_{field}"'
    assert message in html[html.index(anchor):][:12000 if field == "attendees" else 1500]
    assert 'value="“一窗通办”业务集中培训"' in html and "三楼培训室" in html
    if field != "attendees":
        assert 'value="jinrong-head" checked' in html or 'value="jinrong-head"' in html


def test_the_service_refuses_someone_not_on_the_staff_and_writes_nothing(admin_user, centre, team, enterprise_user):
    with pytest.raises(ValidationError) as exc:
        services.training_session_create(actor=admin_user, kind="central", title="培训", held_on=dt.date(YEAR, 1, 1),
                                         hours="2", organiser=centre, attendees=[team[0], enterprise_user])
    assert "参训人员应为在岗工作人员" in exc.value.message_dict["attendees"][0]
    assert not TrainingSession.objects.exists() and not audit().exists()


# --- attendees -------------------------------------------------------------------------------------------------

def test_attendees_are_added_and_taken_off_one_audit_event_each(admin_client, admin_user, station, team, other_team):
    head, window, guide = team
    session = make_session(attendees=[window], organiser=station, created_by=admin_user)
    url = f"/stations/training/{session.pk}/attendees/"
    assert admin_client.post(url + "add/", {"attendee": guide.username}).status_code == 302
    assert set(session.attendees.all()) == {window, guide}
    assert list(audit().values_list("event_type", flat=True)) == ["station.training_attendee_added"]
    again = admin_client.post(url + "add/", {"attendee": guide.username})
    assert again.status_code == 400 and "已在参训名单中" in again.content.decode()
    assert admin_client.post(url + "remove/", {"attendee": guide.username}).status_code == 302
    last = admin_client.post(url + "remove/", {"attendee": window.username})
    assert last.status_code == 400 and "培训至少应有一名参训人员" in last.content.decode()
    assert list(session.attendees.all()) == [window] and audit().count() == 2
    # The station's head manages its sessions; another station's head does not see them; a member of staff may not.
    assert login(head).post(url + "add/", {"attendee": guide.username}).status_code == 302
    assert login(other_team[0]).post(url + "add/", {"attendee": other_team[1].username}).status_code == 404
    assert login(window).post(url + "remove/", {"attendee": guide.username}).status_code == 403
    assert audit().count() == 3


# --- who reads what --------------------------------------------------------------------------------------------

def test_sessions_are_read_by_the_staff_who_attended_their_station_and_leaders(
        admin_user, centre, station, team, other_team, officer_user, leader_client, enterprise_client, clerk_user):
    head, window, guide = team
    own = make_session(attendees=[window, clerk_user], organiser=centre, title="综合窗口跟班学习", created_by=admin_user)
    other = make_session(attendees=list(other_team), organiser=other_team[0].org_unit, kind=TrainingKind.DRILL,
                         title="中南应急处置演练", created_by=other_team[0])

    def titles(client):
        html = client.get("/stations/training/").content.decode()
        page = {t for t in ("综合窗口跟班学习", "中南应急处置演练") if t in html}
        api = {s["title"] for s in client.get("/api/v1/training-sessions/").json()["results"]}
        assert page == api
        return page

    assert titles(login(guide)) == titles(login(head)) == {"综合窗口跟班学习"}  # their station's staff attended
    assert titles(login(clerk_user)) == {"综合窗口跟班学习"}  # attended it
    assert titles(login(other_team[2])) == {"中南应急处置演练"}
    assert titles(leader_client) == titles(login(admin_user)) == {"综合窗口跟班学习", "中南应急处置演练"}
    assert titles(login(officer_user)) == set()
    assert "暂无培训记录" in login(officer_user).get("/stations/training/").content.decode()
    c = login(head)
    assert c.get(f"/stations/training/{other.pk}/").status_code == 404
    assert c.get(f"/api/v1/training-sessions/{other.pk}/").status_code == 404
    assert c.get(f"/stations/training/{own.pk}/").status_code == 200
    assert login(officer_user).get(f"/stations/training/{own.pk}/").status_code == 404
    assert enterprise_client.get("/stations/training/").status_code == 403
    assert enterprise_client.get(f"/stations/training/{own.pk}/").status_code == 403
    assert enterprise_client.get("/api/v1/training-sessions/").json()["count"] == 0
    assert enterprise_client.get(f"/api/v1/training-sessions/{own.pk}/").status_code == 404
    assert Client().get("/api/v1/training-sessions/").status_code in (401, 403)
    assert Client().get("/stations/training/").status_code == 302


def test_the_list_filters_by_kind_and_year(admin_client, admin_user, centre, team):
    make_session(attendees=[team[1]], organiser=centre, title="今年集中培训", created_by=admin_user)
    make_session(attendees=[team[1]], organiser=centre, title="今年情景演练", kind=TrainingKind.DRILL, created_by=admin_user)
    make_session(attendees=[team[1]], organiser=centre, title="去年集中培训", held_on=dt.date(YEAR - 1, 6, 1),
                 created_by=admin_user)

    def titles(query):
        html = admin_client.get(f"/stations/training/?{query}").content.decode()
        return {t for t in ("今年集中培训", "今年情景演练", "去年集中培训") if t in html}

    assert titles("") == {"今年集中培训", "今年情景演练", "去年集中培训"}
    assert titles("kind=drill") == {"今年情景演练"}
    assert titles(f"year={YEAR}&kind=central") == {"今年集中培训"}
    assert titles(f"year={YEAR - 1}") == {"去年集中培训"}
    assert "没有符合条件的培训" in admin_client.get(f"/stations/training/?year={YEAR - 1}&kind=shadowing").content.decode()
    # a year with no sessions the reader may see (a link from a colleague): an empty list, not a form error
    empty = admin_client.get(f"/stations/training/?year={YEAR - 5}").content.decode()
    assert "没有符合条件的培训" in empty and "不在可用的选项中" not in empty
    api = admin_client.get(f"/api/v1/training-sessions/?year={YEAR}&kind=central").json()
    assert [s["title"] for s in api["results"]] == ["今年集中培训"]


def test_query_counts_do_not_grow_with_sessions_or_attendees(admin_client, admin_user, centre, station, team):
    def counts():
        session = TrainingSession.objects.order_by("pk").first()
        got = []
        for url in ("/stations/training/", f"/stations/training/{session.pk}/", "/api/v1/training-sessions/",
                    f"/stations/{station.code}/"):
            with CaptureQueriesContext(connection) as ctx:
                assert admin_client.get(url).status_code == 200
            got.append(len(ctx))
        return got

    make_session(attendees=[team[0]], organiser=centre, created_by=admin_user)
    few = counts()
    extra = [UserFactory(role=Role.STATION_OFFICER, org_unit=station) for _ in range(6)]
    for i in range(25):
        make_session(attendees=[*team, *extra], organiser=centre, title=f"培训{i}", created_by=admin_user)
    TrainingSession.objects.order_by("pk").first().attendees.add(*team, *extra)
    assert counts() == few


# --- a station's staff training record ------------------------------------------------------------------------

def test_a_stations_record_counts_each_persons_sessions_and_hours_this_year(
        admin_user, centre, station, team, other_team, leader_client, officer_user):
    head, window, guide = team
    liaison = UserFactory(role=Role.DEPT_OFFICER, full_name="部门联络员")
    OrgAssignment.objects.create(org_unit=station, user=liaison, position=Position.LIAISON, since=dt.date(2022, 1, 1))
    make_session(attendees=[head, window, other_team[0], liaison], organiser=centre, hours="6", created_by=admin_user)
    make_session(attendees=[head], organiser=station, hours="2.5", kind=TrainingKind.DRILL, created_by=head)
    make_session(attendees=[head, window], organiser=centre, hours="8", held_on=dt.date(YEAR - 1, 12, 31),
                 created_by=admin_user)  # last year's: not in this year's record
    record = {p.username: (p.sessions, p.hours) for p in station_training_record(station=station, year=YEAR)}
    assert record == {"jinrong-head": (2, Decimal("8.5")), "jinrong-window": (1, Decimal("6")),
                      "jinrong-guide": (0, Decimal("0"))}  # neither the other station's head nor the liaison
    last = {p.username: (p.sessions, p.hours) for p in station_training_record(station=station, year=YEAR - 1)}
    assert last["jinrong-head"] == (1, Decimal("8")) and last["jinrong-guide"] == (0, Decimal("0"))

    def card(client):
        html = client.get(f"/stations/{station.code}/").content.decode()
        if 'data-testid="station-training"' not in html:
            return None
        html = html[html.index('data-testid="station-training"'):]
        return html[:html.index("</table>")]

    for client in (login(window), login(guide), leader_client, login(admin_user)):
        shown = card(client)
        assert f"人员培训记录（{YEAR}年）" in shown
        assert '<td>jinrong负责人</td><td>驿站专员</td><td class="text-end">2</td><td class="text-end">8.5</td>' in shown
        assert '<th class="text-end">14.5</th>' in shown  # the station's total
    assert card(login(other_team[0])) is None and card(login(officer_user)) is None
    assert login(other_team[0]).get(f"/stations/training/?station={station.code}").status_code == 404
