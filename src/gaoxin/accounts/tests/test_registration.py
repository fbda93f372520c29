"""自然人注册: a natural person opens an account (issue 12, defect 3)."""

import pytest
from django.core.cache import cache
from django.test import Client

from gaoxin.accounts.models import Role, User
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import AuditEvent
from gaoxin.core.validators import id_check_char

ID_NUMBER = "43030219900315202" + id_check_char("43030219900315202")
URL = "/accounts/register/"


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield
    cache.clear()


def form(**overrides):
    data = {"full_name": "孙悦", "id_number": ID_NUMBER, "phone": "13907320001", "password1": "Xingfu-2026!",
            "password2": "Xingfu-2026!", "agree": "on"}
    data.update(overrides)
    return data


def test_registration_creates_a_citizen_account_logs_in_and_is_audited(db):
    client = Client()
    response = client.post(URL, form(id_number=ID_NUMBER[:-1] + ID_NUMBER[-1].lower(), next="/guide/"))
    assert response.status_code == 302 and response["Location"] == "/guide/"
    user = User.objects.get()
    assert (user.username, user.phone, user.full_name, user.id_number, user.role) == (
        "13907320001", "13907320001", "孙悦", ID_NUMBER, Role.ENTERPRISE)
    assert user.check_password("Xingfu-2026!") and not user.enterprises.exists()
    event = AuditEvent.objects.get(event_type="account.registered")
    assert event.subject_id == str(user.pk) and ID_NUMBER not in str(event.after) and "********" in event.after["id_number"]
    assert client.get("/").status_code == 200  # logged in
    assert Client().post("/accounts/login/", {"username": "13907320001", "password": "Xingfu-2026!"}).status_code == 302


@pytest.mark.parametrize("id_number, message", [
    ("110105194912310021", "校验码不正确，请核对身份证号码的最后一位"),
    ("110105194902300020", "出生日期19490230不是有效日期"),
    ("11010519491231002", "身份证号码应为18位，实际为17位"),
    ("1101051949123100AX", "前17位应全部为数字"),
])
def test_id_number_is_checked_beside_the_field(db, id_number, message):
    response = Client().post(URL, form(id_number=id_number))
    html = response.content.decode()
    assert response.status_code == 200 and f'data-testid="error-id_number">{message}' in html
    assert 'value="孙悦"' in html and 'value="13907320001"' in html  # what was typed stays
    assert not User.objects.exists() and not AuditEvent.objects.exists()


def test_password_follows_the_configured_validators(db):
    html = Client().post(URL, form(password1="12345678", password2="12345678")).content.decode()
    assert 'data-testid="error-password1">' in html and not User.objects.exists()
    html = Client().post(URL, form(password2="Other-2026!")).content.decode()
    assert 'data-testid="error-password2">两次输入的密码不一致' in html and not User.objects.exists()
    html = Client().post(URL, form(agree="", phone="1390732")).content.decode()
    assert 'data-testid="error-agree">' in html and 'data-testid="error-phone">请填写11位手机号码' in html


def test_taken_phone_or_id_number_gives_one_answer_that_names_neither(db):
    UserFactory(username="13907320001", phone="13907320001", role=Role.ENTERPRISE)
    UserFactory(username="someone", role=Role.ENTERPRISE, id_number=ID_NUMBER)
    by_phone = Client().post(URL, form(id_number="11010519491231002X")).content.decode()
    by_id = Client().post(URL, form(phone="13907320002")).content.decode()
    message = "该手机号或身份证号码不能用于注册"
    assert message in by_phone and message in by_id
    assert User.objects.count() == 2 and not AuditEvent.objects.filter(event_type="account.registered").exists()


def test_registration_attempts_are_throttled_per_address(db, settings):
    """Attempts that reach the registration count (probing which ID numbers are taken); a person correcting a
    mistyped ID number does not use them up."""
    settings.GAOXIN_REGISTRATION_ATTEMPTS_PER_HOUR = 2
    UserFactory(username="13900000000", phone="13900000000", id_number=ID_NUMBER)
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(5):  # a typo in the check digit, five times
        assert client.post(URL, form(id_number=ID_NUMBER[:-1] + "0" if ID_NUMBER[-1] != "0" else ID_NUMBER[:-1] + "1",
                                     phone="13907320002")).status_code == 200
    client.post(URL, form(phone="13907320002"))  # the ID number is taken: counted
    client.post(URL, form(phone="13907320003"))
    blocked = client.post(URL, form(phone="13907320004"))
    assert blocked.status_code == 429 and 'data-testid="register-throttled"' in blocked.content.decode()
    assert User.objects.count() == 1
    other = "43030219900315203" + id_check_char("43030219900315203")
    assert Client(REMOTE_ADDR="10.9.9.8").post(URL, form(id_number=other)).status_code == 302


def test_log_in_page_links_to_registration(db):
    html = Client().get("/accounts/login/?next=/guide/bundles/startup-one/apply/").content.decode()
    assert 'href="/accounts/register/?next=/guide/bundles/startup-one/apply/"' in html
    assert Client().get(URL).status_code == 200  # open without a log-in
