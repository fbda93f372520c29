"""Public tracking hardened (issue 15): a POST form with CSRF protection that works anonymously; the ID number
never in a URL nor echoed back (masked in the result); lengths checked with a Chinese message; look-ups per client
address throttled, so guessing pairs is useless; a link (the QR code on a notice) prefills the case number only."""

import pytest
from django.test import Client

from gaoxin.core.masking import mask_id_number

FOUNDER_ID = "11010519491231002X"


@pytest.fixture
def citizen_case(item, clerk_user):
    from gaoxin.cases import services

    item.current_version.service_object = "both"
    item.current_version.save(update_fields=["service_object"])
    applicant = services.Applicant(type="citizen", name="孙悦", id_number=FOUNDER_ID, phone="13907320001")
    return services.case_submit(item=item, applicant=applicant, channel="window", actor=clerk_user)


def test_tracking_is_a_post_form_that_never_echoes_the_id_number(client, citizen_case):
    page = client.get("/track/").content.decode()
    assert 'method="post"' in page and "csrfmiddlewaretoken" in page
    response = client.post("/track/", {"number": citizen_case.number, "identity": FOUNDER_ID.lower()})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="track-result"' in html and citizen_case.title in html
    assert FOUNDER_ID not in html and FOUNDER_ID.lower() not in html
    assert f'data-testid="track-identity">{mask_id_number(FOUNDER_ID)}<' in html
    # A wrong pair: a clear message, and the typed ID number is not written back either.
    wrong = client.post("/track/", {"number": citizen_case.number, "identity": "110105194912310021"}).content.decode()
    assert "没有找到该办件，请核对办件编号和证件号码" in wrong and "110105194912310021" not in wrong


def test_the_anonymous_form_is_csrf_protected(citizen_case):
    strict = Client(enforce_csrf_checks=True)
    refused = strict.post("/track/", {"number": citizen_case.number, "identity": FOUNDER_ID})
    assert refused.status_code == 403
    page = strict.get("/track/")
    token = page.cookies["csrftoken"].value
    ok = strict.post("/track/", {"number": citizen_case.number, "identity": FOUNDER_ID, "csrfmiddlewaretoken": token})
    assert ok.status_code == 200 and 'data-testid="track-result"' in ok.content.decode()


def test_a_link_prefills_the_case_number_never_the_id_number(client, citizen_case):
    html = client.get("/track/", {"number": citizen_case.number.lower()}).content.decode()
    assert f'value="{citizen_case.number}"' in html and 'data-testid="track-result"' not in html  # GET: no look-up
    # An old link with the ID number in it is sent on without it (nothing on the page repeats the URL).
    old = client.get("/track/", {"number": citizen_case.number, "identity": FOUNDER_ID})
    assert old.status_code == 302 and old["Location"] == f"/track/?number={citizen_case.number}"
    assert FOUNDER_ID not in client.get(old["Location"]).content.decode()


@pytest.mark.parametrize("number,identity,field,message", [
    ("GX2026", FOUNDER_ID, "number", "办件编号为GX加13位数字"),
    (None, "1" * 33, "identity", "请填写申请时所用的18位身份证号码或统一社会信用代码"),
    (None, "12345", "identity", "请填写申请时所用的18位身份证号码或统一社会信用代码"),
    (None, "", "identity", "请填写身份证号码或统一社会信用代码"),
])
def test_lengths_are_checked_with_a_message_beside_the_field(client, citizen_case, number, identity, field, message):
    response = client.post("/track/", {"number": number or citizen_case.number, "identity": identity})
    html = response.content.decode()
    assert response.status_code == 200 and f'data-testid="error-{field}">{message}' in html
    assert "1" * 33 not in html


def test_guessing_is_throttled_per_client_address(client, citizen_case, settings):
    settings.GAOXIN_TRACK_ATTEMPTS = 3
    for guess in ("110105194912310021", "110105194912310030", "110105194912310048"):
        assert client.post("/track/", {"number": citizen_case.number, "identity": guess}).status_code == 200
    # Even the right pair is refused until the window has passed: guessing gains nothing.
    throttled = client.post("/track/", {"number": citizen_case.number, "identity": FOUNDER_ID})
    html = throttled.content.decode()
    assert throttled.status_code == 429 and "查询过于频繁，请10分钟后再试" in html
    assert 'data-testid="track-result"' not in html
    other = Client(REMOTE_ADDR="10.0.0.9")  # another address is not held up
    assert 'data-testid="track-result"' in other.post("/track/", {"number": citizen_case.number,
                                                                  "identity": FOUNDER_ID}).content.decode()


@pytest.mark.django_db
def test_the_public_home_posts_its_tracking_form(client):
    html = client.get("/").content.decode()
    form = html[html.index('action="/track/"') - 40:]
    assert 'method="post"' in form[:80] and "csrfmiddlewaretoken" in form[:400]


def test_notices_link_to_tracking_with_the_number_only(clerk_client, item, submit, clerk_user):
    from gaoxin.cases import services

    case = services.case_transition(case=submit(item), name="ACCEPT", actor=clerk_user)
    notice = clerk_client.get(f"/cases/{case.number}/notice/acceptance/").content.decode()
    assert f"/track/?number={case.number}<" in notice and "identity" not in notice
