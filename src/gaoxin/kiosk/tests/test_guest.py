"""个人办理 without an account (issue 23, QA item 5): an ID number that finds no account and no firm may go on as a
private person for the kiosk's 即办 items that take natural persons — name and phone typed at the terminal, the
case recorded with them, name and number masked on the terminal's screens; firm items stay closed; the setting
GAOXIN_KIOSK_GUESTS turns it off (the old refusal)."""

import pytest

from gaoxin.cases.models import Case
from gaoxin.catalog.tests.factories import department, make_item
from gaoxin.core.models import AuditEvent
from gaoxin.kiosk.models import Visit

from .conftest import id_number, log_in
from .test_kiosk import pdf

pytestmark = pytest.mark.django_db
GUEST_ID = id_number("43030219900202456")


@pytest.fixture
def personal(admin_user, items):
    return make_item(admin_user, code="43037105GG0009", name="个人档案查询", case_type="immediate", promised_limit=0,
                     statutory_limit=1, situations=(), channels=["window", "kiosk"], dept=department("hrss", "人社局"),
                     service_object="natural")


def test_a_person_without_an_account_does_a_personal_item(kiosk, personal, items):
    response = log_in(kiosk, GUEST_ID)
    assert response.status_code == 302 and response["Location"] == "/kiosk/guest/"
    page = kiosk.get("/kiosk/guest/").content.decode()
    assert "430302********" in page and GUEST_ID not in page
    # Errors beside the fields, what was typed kept; nothing started.
    page = kiosk.post("/kiosk/guest/", {"name": "张三丰", "phone": "123"}).content.decode()
    assert "请填写正确的手机号码" in page and "请确认以本人身份办理" in page and 'value="张三丰"' in page
    # The result goes out by SMS: a landline is not taken.
    page = kiosk.post("/kiosk/guest/", {"name": "张三丰", "phone": "0731-58881234", "consent": "on"}).content.decode()
    assert "请填写正确的手机号码" in page and 'value="0731-58881234"' in page
    page = kiosk.post("/kiosk/guest/", {"name": "张三丰", "phone": "12345678901", "consent": "on"}).content.decode()
    assert "请填写正确的手机号码" in page  # no network issues numbers from 10–12
    assert not Visit.objects.exists()
    assert kiosk.post("/kiosk/guest/", {"name": "张三丰", "phone": "13900004444", "consent": "on"})["Location"] == \
        "/kiosk/items/"
    visit = Visit.objects.get()
    assert visit.identity_source == "guest" and visit.user is None and visit.id_number_masked.startswith("430302")
    assert AuditEvent.objects.filter(event_type="kiosk.login", subject_id=str(visit.pk)).exists()
    # The number found nobody: it still counts towards the terminal's pause (GAOXIN_KIOSK_LOGIN_LIMIT), masked.
    refused = AuditEvent.objects.get(event_type="kiosk.login_refused")
    assert refused.after["reason"] == "guest_offered" and GUEST_ID not in str(refused.after)
    page = kiosk.get("/kiosk/items/").content.decode()
    assert "张**，您好" in page and "张三丰" not in page
    assert "个人档案查询" in page and "该事项只受理企业申请" in page  # 发票验旧 takes firms only
    form_page = kiosk.get(f"/kiosk/items/{personal.implementation_code}/").content.decode()
    assert 'value="13900004444"' in form_page and "本人（张**）" in form_page
    material = personal.current_version.materials.get(necessity="required")
    response = kiosk.post(f"/kiosk/items/{personal.implementation_code}/", {
        "applicant": "self", "contact_phone": "13900004444", f"material_{material.pk}": pdf()})
    case = Case.objects.get()
    assert response["Location"] == f"/kiosk/cases/{case.number}/"
    assert (case.applicant_type, case.applicant_name, case.applicant_id_number, case.channel) == (
        "citizen", "张三丰", GUEST_ID, "kiosk")
    assert "未注册账号" in case.note and case.submitted_by is None
    done = kiosk.get(f"/kiosk/cases/{case.number}/").content.decode()
    receipt = kiosk.get(f"/kiosk/cases/{case.number}/receipt/").content.decode()
    for screen in (done, receipt):
        assert "张**" in screen and "张三丰" not in screen and GUEST_ID not in screen


def test_a_guest_cannot_complete_a_firm_item(kiosk, personal, items):
    from django.core.exceptions import ValidationError

    from gaoxin.kiosk import services
    from gaoxin.kiosk.selectors import guest_person

    log_in(kiosk, GUEST_ID)
    kiosk.post("/kiosk/guest/", {"name": "张三丰", "phone": "13900004444", "consent": "on"})
    item = items["instant"]
    page = kiosk.get(f"/kiosk/items/{item.implementation_code}/").content.decode()
    assert "该事项只受理企业申请" in page
    with pytest.raises(ValidationError):
        services.kiosk_item_complete(visit=Visit.objects.get(), person=guest_person(GUEST_ID, name="张三丰",
                                                                                       phone="13900004444"),
                                     item=item, applicant="self", phone="13900004444")
    assert not Case.objects.exists()


def test_the_guest_page_needs_a_number_just_read(kiosk):
    assert kiosk.get("/kiosk/guest/")["Location"] == "/kiosk/"


def test_guests_turned_off_refuse_as_before(kiosk, settings):
    settings.GAOXIN_KIOSK_GUESTS = False
    page = log_in(kiosk, GUEST_ID).content.decode()
    assert "未找到与该身份证号码关联的账号或企业" in page
    assert AuditEvent.objects.filter(event_type="kiosk.login_refused").count() == 1
    assert kiosk.get("/kiosk/guest/")["Location"] == "/kiosk/"
