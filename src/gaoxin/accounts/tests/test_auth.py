"""Log-in, lock-out, hashing and session expiry."""

import importlib

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher, make_password
from django.test import Client

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory

PASSWORD = "Secret-pass-123"


@pytest.fixture
def person(db):
    return UserFactory(username="wang", role=Role.WINDOW_CLERK)


def _login(client, password):
    return client.post("/accounts/login/", {"username": "wang", "password": password}, REMOTE_ADDR="10.1.1.1")


def test_login_and_logout(person):
    c = Client()
    assert _login(c, PASSWORD).status_code == 302
    assert c.get("/enterprises/").status_code == 200
    assert 'data-testid="current-user"' in c.get("/").content.decode()
    c.post("/accounts/logout/")
    assert c.get("/enterprises/").status_code == 302
    assert 'data-testid="public-home"' in c.get("/").content.decode()  # the visitor's home


def test_wrong_password_shows_chinese_error(person):
    response = _login(Client(), "wrong")
    assert response.status_code == 200
    html = response.content.decode()
    assert "alert-danger" in html and "区分大小写" in html


def test_lockout_after_repeated_failures(person, settings):
    c = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(c, "wrong").status_code == 200
    locked = _login(c, "wrong")
    assert locked.status_code == 429
    assert "已被暂时锁定" in locked.content.decode()
    # Even the right password is refused while locked out.
    assert _login(c, PASSWORD).status_code == 429
    assert c.get("/enterprises/").status_code == 302


def test_argon2_is_the_production_hasher():
    settings_module = importlib.import_module("gaoxin.settings")
    assert settings_module.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    hasher = Argon2PasswordHasher()
    encoded = make_password("口令-2026", hasher=hasher)
    assert encoded.startswith("argon2$") and hasher.verify("口令-2026", encoded)
    assert not hasher.verify("口令-2025", encoded)


def test_sessions_expire():
    settings_module = importlib.import_module("gaoxin.settings")
    assert settings_module.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert 0 < settings_module.SESSION_COOKIE_AGE <= 12 * 3600


def test_inactive_user_cannot_log_in(person):
    person.is_active = False
    person.save()
    assert _login(Client(), PASSWORD).status_code == 200  # stays on the form
