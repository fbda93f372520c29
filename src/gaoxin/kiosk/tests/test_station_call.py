"""请驿站联系我 (issue 23 item 3, platform.md §1 fallback): an item that cannot be done at the kiosk offers a call back
from the station nearest the terminal, with the person's consent; the station's staff are told, see the request
with the phone and mark it called; other stations and firms see nothing."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gaoxin.accounts.models import OrgKind, OrgUnit, Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import AuditEvent, Notification
from gaoxin.kiosk import services
from gaoxin.kiosk.models import Action, ActionKind, Terminal, Visit

from .conftest import REP_ID, log_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def station(db):
    return OrgUnit.objects.create(code="jinrong", name="金荣政务服务驿站", kind=OrgKind.STATION)


@pytest.fixture
def station_officer(station):
    return UserFactory(role=Role.STATION_OFFICER, org_unit=station)


@pytest.fixture
def near(station, terminal_key):
    return services.terminal_set_station(terminal=Terminal.objects.get(), station=station, actor=None)


def test_an_unavailable_item_offers_the_nearest_station(kiosk, firm, items, near, station_officer,
                                                        django_capture_on_commit_callbacks):
    log_in(kiosk)
    code = items["promised"].implementation_code
    page = kiosk.get(f"/kiosk/items/{code}/").content.decode()
    assert "请驿站联系我" in page and "金荣政务服务驿站" in page
    # Without consent or with a bad phone: errors beside the fields, what was typed kept, nothing written.
    page = kiosk.post(f"/kiosk/items/{code}/station/", {"contact_phone": "13900001111", "note": "想问材料"})
    assert page.status_code == 200 and "请确认同意驿站工作人员使用该电话联系您" in page.content.decode()
    assert 'value="想问材料"' in page.content.decode() and not Action.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        done = kiosk.post(f"/kiosk/items/{code}/station/", {"contact_phone": "13900001111", "note": "想问材料",
                                                            "consent": "on"}).content.decode()
    assert "已通知金荣政务服务驿站" in done and "13900001111" in done
    action = Action.objects.get()
    assert (action.kind, action.station, action.contact_phone) == (ActionKind.STATION_CALL, near.station,
                                                                   "13900001111")
    assert Visit.objects.get().last_step == "finished"
    event = AuditEvent.objects.get(event_type="kiosk.station_call")
    assert "13900001111" not in str(event.after) and event.after["station"] == "金荣政务服务驿站"
    assert Notification.objects.filter(user=station_officer, url="/queue/station-calls/").count() == 1


def test_no_station_set_no_offer(kiosk, firm, items):
    log_in(kiosk)
    code = items["promised"].implementation_code
    assert "请驿站联系我" not in kiosk.get(f"/kiosk/items/{code}/").content.decode()
    assert kiosk.get(f"/kiosk/items/{code}/station/").status_code == 404


def test_the_service_refuses_without_consent_or_station(kiosk, firm, items, terminal_key):
    log_in(kiosk)
    visit = Visit.objects.get()
    from gaoxin.kiosk.selectors import person_for

    person = person_for(REP_ID)
    with pytest.raises(ValidationError, match="本终端未设置就近驿站"):
        services.kiosk_station_call(visit=visit, person=person, item=items["promised"], phone="13900001111",
                                    consent=True)
    with pytest.raises(ValidationError):
        services.kiosk_station_call(visit=visit, person=person, item=items["promised"], phone="13900001111",
                                    consent=False)
    assert not Action.objects.exists()


def test_the_station_sees_and_marks_its_calls(client, kiosk, firm, items, near, station, station_officer,
                                              django_assert_max_num_queries):
    log_in(kiosk)
    code = items["promised"].implementation_code
    for phone in ("13900001111", "13900002222", "13900003333"):
        kiosk.post(f"/kiosk/items/{code}/station/", {"contact_phone": phone, "consent": "on"})
    client.force_login(station_officer)
    with django_assert_max_num_queries(12):
        page = client.get("/queue/station-calls/").content.decode()
    assert "13900002222" in page and "不动产转移登记" in page and "刘建国" in page
    # The state reads as a state and the button as an action (QA: a green "已联系" button read as done).
    assert page.count("待联系") == 3 and page.count(">登记已联系</button>") == 3
    first = Action.objects.order_by("pk").first()
    client.post(f"/queue/station-calls/{first.pk}/handled/")
    first.refresh_from_db()
    assert first.handled_by == station_officer and AuditEvent.objects.filter(
        event_type="kiosk.station_call_handled").count() == 1
    assert client.get("/queue/station-calls/").content.decode().count(">登记已联系</button>") == 2
    again = client.post(f"/queue/station-calls/{first.pk}/handled/", follow=True).content.decode()
    assert "该请求已登记为已联系" in again
    # Another station, a firm: nothing to see or mark.
    other = OrgUnit.objects.create(code="zhongnan", name="中南政务服务驿站", kind=OrgKind.STATION)
    client.force_login(UserFactory(role=Role.STATION_OFFICER, org_unit=other))
    assert "13900002222" not in client.get("/queue/station-calls/").content.decode()
    assert client.post(f"/queue/station-calls/{first.pk}/handled/").status_code == 404
    with pytest.raises(PermissionDenied):
        services.station_call_handle(action=Action.objects.last(), actor=UserFactory(role=Role.ENTERPRISE))
    client.force_login(UserFactory(role=Role.ENTERPRISE))
    assert client.get("/queue/station-calls/").status_code == 403


def test_a_terminal_station_must_be_a_station(terminal_key):
    dept = OrgUnit.objects.create(code="tax", name="税务局", kind=OrgKind.DEPARTMENT)
    with pytest.raises(ValidationError):
        services.terminal_set_station(terminal=Terminal.objects.get(), station=dept, actor=None)


def test_the_contact_phone_is_prefilled_from_the_account(kiosk, owner, items, near):
    """An account holder logged in at the terminal finds the phone of their profile already in every contact phone
    field (请驿站联系, 帮代办, the application); it may be changed. A legal representative without an account types it."""
    from .conftest import OWNER_ID

    owner.phone = "13907325555"
    owner.save(update_fields=["phone"])
    log_in(kiosk, OWNER_ID)
    promised, instant = items["promised"].implementation_code, items["instant"].implementation_code
    for url in (f"/kiosk/items/{promised}/station/", f"/kiosk/items/{promised}/assist/", f"/kiosk/items/{instant}/"):
        field = re.search(r'<input[^>]*name="contact_phone"[^>]*>', kiosk.get(url).content.decode())[0]
        assert 'value="13907325555"' in field, url
    # Typed over, the typed number is the one kept and called.
    kiosk.post(f"/kiosk/items/{promised}/station/", {"contact_phone": "13900002222", "consent": "on"})
    assert Action.objects.get().contact_phone == "13900002222"
    kiosk.post("/kiosk/logout/")
    log_in(kiosk)  # the legal representative: no account, no phone known
    page = kiosk.get(f"/kiosk/items/{promised}/station/").content.decode()
    assert "13907325555" not in page
