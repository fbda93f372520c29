"""Inputs that cannot poison a request, request ids that cannot flood the audit log, server errors that are logged."""

import logging

import pytest
from django.contrib.auth.decorators import login_not_required
from django.urls import path

from gaoxin.urls import urlpatterns as site_urls


@login_not_required
def _boom(request):
    raise RuntimeError("broken on purpose")


urlpatterns = [path("boom/", _boom), *site_urls]
handler500 = "gaoxin.core.errors.server_error"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/guide/?q=%00", "/guide/?q=a%00b", "/track/?number=%01", "/api/v1/catalog/items/?q=%00",
                                 "/guide/%00/", "/api/v1/catalog/items/x%00y/"])
def test_control_characters_are_refused_with_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["detail"] == "请求中含有不允许的控制字符"
    else:
        assert "控制字符" in response.content.decode()


@pytest.mark.django_db
def test_ordinary_text_passes(client):
    assert client.get("/guide/?q=%E7%A4%BE%E4%BF%9D%20%E5%8F%91%E7%A5%A8").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("given,kept", [("abcdef12-3456", True), ("x" * 507, False), ("bad id with spaces", False),
                                        ("<script>", False), ("", False)])
def test_request_ids_from_clients_are_kept_only_when_plausible(client, given, kept):
    response = client.get("/healthz", HTTP_X_REQUEST_ID=given)
    returned = response["X-Request-ID"]
    assert (returned == given) is kept
    assert 8 <= len(returned) <= 64


@pytest.mark.django_db
@pytest.mark.urls("gaoxin.core.tests.test_hardening")
def test_server_errors_are_logged_with_the_request_id(client):
    """Django logs 500s nowhere when DEBUG is off unless told to: ours go to the configured handlers, each
    line carrying the request id that the error page shows the user as 故障参考号."""
    from gaoxin.core.logs import RequestIdFilter

    lines = []

    class Collect(logging.Handler):
        def emit(self, record):
            lines.append(self.format(record))

    handler = Collect()
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(logging.Formatter("[%(request_id)s] %(message)s"))
    logger = logging.getLogger("django.request")
    assert logger.level == logging.ERROR and {type(h).__name__ for h in logger.handlers} >= {"StreamHandler",
                                                                                          "RotatingFileHandler"}
    logger.addHandler(handler)
    client.raise_request_exception = False
    try:
        response = client.get("/boom/", HTTP_X_REQUEST_ID="req-12345678")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500 and "req-1234" in response.content.decode()
    assert any(line.startswith("[req-12345678] Internal Server Error: /boom/") for line in lines), lines
