"""Error pages are Chinese, in the site layout, and say what to do next."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import path

from gaoxin.accounts.models import Role
from gaoxin.accounts.tests.factories import UserFactory
from gaoxin.core.errors import csrf_failure
from gaoxin.urls import urlpatterns as site_urls


@login_not_required
def _boom(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [path("boom/", _boom), *site_urls]
handler500 = "gaoxin.core.errors.server_error"


@pytest.mark.django_db
def test_not_found_is_chinese_in_the_layout(client):
    response = client.get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html and "返回首页" in html and "办事指南" in html and 'lang="zh-CN"' in html
    assert 'name="viewport"' in html  # phone-friendly layout


@pytest.mark.django_db
def test_not_found_shows_our_own_message_but_not_djangos(clerk_client):
    html = clerk_client.get("/cases/GX000/").content.decode()
    assert "办件不存在或无权查看" in html
    html = clerk_client.get("/calendar/1999/").content.decode()
    assert "No " not in html and "matches the given query" not in html


@pytest.mark.django_db
def test_forbidden_says_how_to_get_access(enterprise_client):
    response = enterprise_client.get("/audit/")
    html = response.content.decode()
    assert response.status_code == 403
    assert "没有权限" in html and "管理员" in html and "data-testid=\"current-user\"" in html


@pytest.mark.django_db
@pytest.mark.urls("gaoxin.core.tests.test_errors")
def test_server_error_page(client):
    client.raise_request_exception = False
    response = client.get("/boom/")
    html = response.content.decode()
    assert response.status_code == 500
    assert "系统暂时出现问题" in html and "没有保存任何不完整的数据" in html and "返回首页" in html


@pytest.mark.django_db
def test_csrf_failure_says_to_reload():
    c = Client(enforce_csrf_checks=True)
    response = c.post("/accounts/login/", {"username": "x", "password": "y"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "页面已过期" in html and "刷新" in html


def test_error_page_renders_without_a_database(rf):
    """The 500 page must not fail when the database is what failed: no query, plain layout fallback."""
    from django.contrib.auth.models import AnonymousUser

    request = rf.post("/x/")
    request.user = AnonymousUser()
    response = csrf_failure(request)
    assert response.status_code == 403 and "页面已过期" in response.content.decode()


@pytest.mark.django_db
def test_an_api_client_gets_json_errors_never_an_html_page(client):
    """A path under /api/ that matches no route (schemathesis sent a code with a slash) answered with the HTML
    error page: the API's contract is JSON."""
    client.force_login(UserFactory(role=Role.ZONE_ADMIN))
    response = client.get("/api/v1/catalog/bundles/a%2Fb/c/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert response.json()["detail"] == "页面不存在"


@pytest.mark.django_db
def test_the_apis_own_refusals_are_chinese_and_name_no_model(client):
    """Red-team walk of issue 15: "No BenefitApplication matches the given query.", "JSON parse error - …"."""
    from rest_framework.test import APIClient

    api = APIClient()
    assert api.get("/api/v1/cases/").status_code == 401  # the framework's own Chinese (身份认证信息未提供)
    api.force_authenticate(UserFactory(role=Role.ZONE_ADMIN))
    assert api.get("/api/v1/benefit-applications/HQ000/").json() == {"detail": "对象不存在或无权查看"}
    broken = api.post("/api/v1/appeals/", b"\xff{", content_type="application/json")
    assert broken.status_code == 400 and broken.json() == {"detail": "请求内容不是有效的 JSON"}
