"""Walk every URL pattern: anonymous users are sent to log in (pages) or get 401 (API)."""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

# Pages that must be reachable without an account: log-in, the public service guides
# ("码上查": a QR code on the wall opens them), their read-only API, case tracking by number + ID
# and the per-mu evaluation's public notice (公示).
PUBLIC = {"login", "set_language", "healthz", "track", "evaluation_notice", "evaluation_notice_print", "home",
          "public_notices", "policy_publicity", "register"}
PUBLIC_PREFIXES = ("guide_", "catalog-item", "catalog-zone", "catalog-bundle")


def is_public(name: str) -> bool:
    return name in PUBLIC or name.startswith(PUBLIC_PREFIXES)


def _walk(patterns, prefix=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + _segment(p))
        elif isinstance(p, URLPattern):
            yield prefix + _segment(p), p


def _segment(p) -> str:
    return str(p.pattern).lstrip("^").rstrip("$").replace("\\Z", "")


def _concrete(route: str) -> str:
    """A real path for a route: year-like parameters get 2026, other parameters 1."""
    route = re.sub(r"\(\?P<[a-z_]+>[^)]*\)", "1", route)
    route = re.sub(r"<int:year>", "2026", route)
    route = re.sub(r"<(?:[a-z_]+:)?[a-z_]+>", "1", route)
    return "/" + route.replace("\\", "")


ROUTES = sorted({(_concrete(r), p.name or "") for r, p in _walk(get_resolver().url_patterns)})


@pytest.mark.django_db
@pytest.mark.parametrize("path,name", ROUTES)
def test_anonymous_is_refused_everywhere(client, path, name):
    if name in PUBLIC:
        return
    response = client.get(path)
    if is_public(name):
        assert response.status_code in (200, 404), path  # answered, never sent to log in
        return
    if path.startswith("/api/"):
        assert response.status_code == 401, path
    else:
        assert response.status_code == 302, path
        assert "login" in response["Location"], path


def test_walk_found_the_routes():
    paths = {p for p, _ in ROUTES}
    assert {"/enterprises/", "/enterprises/1/", "/api/v1/enterprises/", "/calendar/2026/"} <= paths


@pytest.mark.django_db
def test_public_pages_answer(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/healthz").content == b"ok"


@pytest.mark.django_db
def test_home_cards_per_role(clerk_client, enterprise_client, own_enterprise):
    clerk = clerk_client.get("/").content.decode()
    assert "期限计算" in clerk and "受理队列" in clerk and 'charset="utf-8"' in clerk
    ent = enterprise_client.get("/").content.decode()
    assert own_enterprise.name in ent and "期限计算" not in ent


@pytest.mark.django_db
def test_large_text_mode_is_remembered(clerk_client):
    clerk_client.cookies["gx_large_text"] = "1"
    assert 'class="large-text"' in clerk_client.get("/").content.decode()


@pytest.mark.django_db
def test_english_is_available(clerk_client):
    clerk_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert 'lang="en"' in clerk_client.get("/").content.decode()


@pytest.mark.django_db
def test_english_navigation_is_translated(clerk_client):
    clerk_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = clerk_client.get("/").content.decode()
    assert "Enterprises" in html and "Log out" in html


@pytest.mark.django_db
def test_chinese_even_for_an_english_browser(client):
    html = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="zh-CN"' in html and "用户登录" in html
