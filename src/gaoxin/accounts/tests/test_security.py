"""Account security (issue 15): lock-out a failure does not extend, a cap per address across user names,
password rules, changing one's own password, the idle timeout, the demo password outside the demo, and
log-ins in the audit log."""

import re
import time

import pytest
from django.test import Client

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.models import AuditEvent

PASSWORD = "Secret-pass-123"


def _login(client, username, password, ip="10.9.9.9"):
    return client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


@pytest.fixture
def wang(db):
    return UserFactory(username="wang", role=Role.WINDOW_CLERK)


def test_a_failure_during_the_lock_does_not_extend_it(wang, settings):
    from axes.models import AccessAttempt

    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(c, "wang", "wrong")
    locked_at = AccessAttempt.objects.get(username="wang").attempt_time
    time.sleep(0.01)
    assert _login(c, "wang", "wrong").status_code == 429
    assert AccessAttempt.objects.get(username="wang").attempt_time == locked_at


def test_password_spraying_from_one_address_is_capped(db, settings):
    settings.GAOXIN_LOGIN_IP_FAILURE_LIMIT = 6
    users = [UserFactory(username=f"u{i}") for i in range(8)]
    c = Client()
    statuses = [_login(c, u.username, "Spray-2026!").status_code for u in users]
    assert statuses[:6] == [200] * 6 and statuses[6:] == [429, 429]
    refused = _login(c, users[7].username, PASSWORD)
    assert refused.status_code == 429 and "本网络的登录失败次数过多" in refused.content.decode()
    assert _login(Client(), users[7].username, PASSWORD, ip="10.1.1.1").status_code == 302  # other addresses unaffected


@pytest.mark.parametrize("password,message", [
    ("gaoxin2026", "平台名称"), ("Admin@12345", "平台名称"), ("Ab1!xyz", "至少需要 10 个字符"),
    ("1234567890123", "密码只包含数字"), ("Gaoxin@2026", "演示账号的公开密码"),
])
def test_password_rules_refuse_in_chinese(db, password, message):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        validate_password(password)
    assert any(message in m for m in exc.value.messages), exc.value.messages
    assert all(re.search(r"[\u4e00-\u9fff]", m) for m in exc.value.messages), "every rule speaks Chinese"


def test_a_good_password_passes(db):
    from django.contrib.auth.password_validation import validate_password

    validate_password("Lanshan-qiao-88")


def test_changing_ones_own_password_is_audited(db):
    user = UserFactory(username="li", role=Role.ENTERPRISE)
    c = Client()
    c.force_login(user)
    bad = c.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "gaoxin2026",
                                         "new_password2": "gaoxin2026"})
    assert bad.status_code == 200 and "平台名称" in bad.content.decode()
    good = c.post("/accounts/password/", {"old_password": PASSWORD, "new_password1": "Lanshan-qiao-88",
                                          "new_password2": "Lanshan-qiao-88"})
    assert good.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Lanshan-qiao-88")
    event = AuditEvent.objects.get(event_type="account.password_changed")
    assert event.actor == user and "Lanshan" not in str(event.after)


def test_idle_sessions_are_logged_out(wang, settings, monkeypatch):
    settings.GAOXIN_IDLE_TIMEOUT_MINUTES = 30
    c = Client()
    c.force_login(wang)
    assert c.get("/enterprises/").status_code == 200
    assert c.get("/enterprises/").status_code == 200  # activity keeps the session
    import django.core.signing

    real = time.time
    monkeypatch.setattr(django.core.signing.time, "time", lambda: real() + 31 * 60)  # half an hour later
    response = c.get("/enterprises/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert c.get("/enterprises/").status_code == 302  # logged out, not just redirected once


def test_the_activity_cookie_is_set_for_a_browser_session_only(wang, settings):
    from rest_framework.authtoken.models import Token

    from gaoxin.accounts.security import ACTIVE_COOKIE

    settings.GAOXIN_IDLE_TIMEOUT_MINUTES = 30
    browser = Client()
    browser.force_login(wang)
    assert ACTIVE_COOKIE in browser.get("/enterprises/").cookies
    token = Token.objects.create(user=wang)
    response = Client(HTTP_AUTHORIZATION=f"Token {token.key}").get("/api/v1/cases/")
    assert response.status_code == 200 and ACTIVE_COOKIE not in response.cookies


def test_the_demo_password_must_be_changed_outside_the_demo(db, settings):
    settings.GAOXIN_DEMO_MODE = False
    user = UserFactory(username="demo-user", role=Role.WINDOW_CLERK)
    user.set_password(settings.GAOXIN_DEMO_PASSWORD)
    user.save()
    c = Client()
    assert _login(c, "demo-user", settings.GAOXIN_DEMO_PASSWORD)["Location"] == "/accounts/password/"
    assert c.get("/enterprises/")["Location"] == "/accounts/password/"
    c.post("/accounts/password/", {"old_password": settings.GAOXIN_DEMO_PASSWORD, "new_password1": "Lanshan-qiao-88",
                                   "new_password2": "Lanshan-qiao-88"})
    assert c.get("/enterprises/").status_code == 200


def test_in_the_demo_the_demo_password_is_fine(db, settings):
    settings.GAOXIN_DEMO_MODE = True
    user = UserFactory(username="demo-user", role=Role.WINDOW_CLERK)
    user.set_password(settings.GAOXIN_DEMO_PASSWORD)
    user.save()
    assert _login(Client(), "demo-user", settings.GAOXIN_DEMO_PASSWORD)["Location"] == "/"


def test_log_ins_log_outs_and_failures_are_audited(wang):
    c = Client()
    _login(c, "13800001234", "wrong")
    _login(c, "wang", PASSWORD)
    c.post("/accounts/logout/")
    events = list(AuditEvent.objects.order_by("id").values_list("event_type", "subject_repr"))
    assert events == [("account.login_failed", "138****1234"), ("account.login", str(wang)),
                      ("account.logout", str(wang))]
