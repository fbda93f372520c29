"""The production server, started as a zone starts it (issue 16, "done when"): `gaoxin collectstatic` then
`gaoxin serve` (gunicorn) and `gaoxin worker` in processes of their own, with the documented production settings
(HTTPS behind a proxy, secure cookies, hashed and compressed static files), on the test database — PostgreSQL when
DATABASE_URL points there (CI's second run), else a file copy of the SQLite test database. Smoke requests go through
it as the proxy would send them: log-in, a list page, an API call, a PDF, a static file, /readyz once the worker
beats. Nothing waits a fixed time: readiness is polled with a deadline."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connections

from gaoxin.accounts.models import User
from gaoxin.catalog.tests.factories import make_item
from gaoxin.enterprises.tests.factories import EnterpriseFactory

SRC = Path(__file__).resolve().parents[3]
DEADLINE = 90  # seconds for the server and the worker to come up on a busy 2-core machine
PASSWORD = "Smoke-test-pass-4821"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def database_url(tmp_path: Path):
    """The URL the processes use: the PostgreSQL test database itself, or a file copy of the SQLite one."""
    default = connections["default"]
    if default.vendor == "postgresql":
        s = default.settings_dict
        auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
        yield f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
        return
    path = tmp_path / "smoke.sqlite3"
    default.ensure_connection()
    target = sqlite3.connect(path)
    default.connection.backup(target)
    target.close()
    yield f"sqlite:///{path}"


class Browser:
    """Requests as the TLS proxy forwards them (X-Forwarded-Proto: https), with its own cookies."""

    def __init__(self, port: int):
        self.port, self.host = port, f"127.0.0.1:{port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
                https: bool = True) -> tuple[http.client.HTTPResponse, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Host": self.host, **({"X-Forwarded-Proto": "https"} if https else {}), **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response, data

    def get(self, path: str, **headers) -> tuple[http.client.HTTPResponse, bytes]:
        return self.request("GET", path, headers=headers)


def _env(tmp_path: Path, url: str, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GAOXIN_"))}
    env.update({
        "DJANGO_SETTINGS_MODULE": "gaoxin.settings", "DATABASE_URL": url, "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")])),
        "GAOXIN_VAR_DIR": str(tmp_path / "var"), "GAOXIN_STATIC_ROOT": str(tmp_path / "static"),
        # The production environment of docs/deploy.md.
        "GAOXIN_SECRET_KEY": "smoke-" + "q7Zr2Kx9" * 7,
        "GAOXIN_ALLOWED_HOSTS": "127.0.0.1", "GAOXIN_CSRF_TRUSTED_ORIGINS": f"https://127.0.0.1:{port}",
        "GAOXIN_HTTPS": "true", "GAOXIN_PROXY_SSL_HEADER": "true", "GAOXIN_STATIC_FROM_FINDERS": "false",
        "GAOXIN_BIND": f"127.0.0.1:{port}", "GAOXIN_WEB_WORKERS": "2", "GAOXIN_WEB_THREADS": "2",
        "GAOXIN_WORKER_HEARTBEAT_SECONDS": "1", "GAOXIN_READY_WORKER_SECONDS": "30", "GAOXIN_LOG_FORMAT": "json",
    })
    return env


def _until(what: str, condition, logs: list[Path], processes: list[subprocess.Popen]):
    deadline = time.monotonic() + DEADLINE
    while True:
        with contextlib.suppress(OSError, http.client.HTTPException):
            value = condition()
            if value:
                return value
        dead = [p for p in processes if p.poll() is not None]
        if dead or time.monotonic() > deadline:
            tails = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-3000:]}" for log in logs)
            pytest.fail(f"no {what} within {DEADLINE} s (exited: {[p.args[3:4] for p in dead]}):\n{tails}")
        time.sleep(0.3)


@pytest.fixture
def zone(db):
    admin = User.objects.create(username="ops-admin", full_name="运维管理员", role="zone_admin", is_staff=True,
                                is_superuser=True,
                                password=PBKDF2PasswordHasher().encode(PASSWORD, "smoketestsalt"))
    firm = EnterpriseFactory(name="湘潭冒烟测试电机有限公司")
    item = make_item(admin, code="43037105XK0777", name="冒烟测试许可")
    return admin, firm, item


@pytest.mark.django_db(transaction=True)
@pytest.mark.real_clock
def test_the_production_server_serves_a_zone(tmp_path, zone):
    admin, firm, item = zone
    port = _free_port()
    gaoxin = [sys.executable, "-m", "gaoxin.cli"]
    with database_url(tmp_path) as url:
        env = _env(tmp_path, url, port)
        collected = subprocess.run([*gaoxin, "collectstatic", "--noinput", "-v0"], env=env, capture_output=True,
                                   text=True, timeout=300)
        assert collected.returncode == 0, collected.stderr
        logs = [tmp_path / "serve.log", tmp_path / "worker.log"]
        with logs[0].open("w") as out0, logs[1].open("w") as out1:
            server = subprocess.Popen([*gaoxin, "serve"], env=env, stdout=out0, stderr=subprocess.STDOUT)
            worker = subprocess.Popen([*gaoxin, "worker", "--no-startup-delay", "--interval", "0.5"], env=env,
                                      stdout=out1, stderr=subprocess.STDOUT)
        try:
            browser = Browser(port)
            _until("answer on /healthz", lambda: browser.get("/healthz")[0].status == 200, logs, [server, worker])
            ready = _until("ready worker", lambda: browser.get("/readyz")[0].status == 200, logs, [server, worker])
            assert ready

            # Plain HTTP is sent to HTTPS; HTTPS answers carry HSTS and the CSP.
            response, _ = browser.request("GET", "/accounts/login/", https=False)
            assert response.status == 301 and response.headers["Location"].startswith("https://")
            response, page = browser.get("/accounts/login/")
            assert response.status == 200
            assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
            assert "script-src 'self'" in response.headers["Content-Security-Policy"]
            html = page.decode()

            # Static files: hashed names, a year's immutable cache, compressed copies.
            css = re.search(r'href="(/static/vendor/bootstrap/bootstrap\.min\.[0-9a-f]{12}\.css)"', html)
            assert css, "static file names carry their content hash"
            response, body = browser.get(css.group(1), **{"Accept-Encoding": "br, gzip"})
            assert response.status == 200 and "immutable" in response.headers["Cache-Control"]
            assert response.headers.get("Content-Encoding") in {"br", "gzip"}

            # Log-in (secure cookies, CSRF with the proxy's HTTPS).
            assert "Secure" in (response.headers.get("Set-Cookie") or "Secure")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
            form = urllib.parse.urlencode({"username": "ops-admin", "password": PASSWORD,
                                           "csrfmiddlewaretoken": token}).encode()
            response, _ = browser.request("POST", "/accounts/login/", body=form, headers={
                "Content-Type": "application/x-www-form-urlencoded", "Origin": f"https://127.0.0.1:{port}",
                "Referer": f"https://127.0.0.1:{port}/accounts/login/"})
            assert response.status == 302, "log-in failed"
            assert "sessionid" in browser.cookies

            # A list page, an API call, a PDF.
            response, page = browser.get("/enterprises/")
            assert response.status == 200 and firm.name in page.decode()
            response, body = browser.get("/api/v1/enterprises/", Accept="application/json")
            assert response.status == 200 and firm.uscc in body.decode()
            response, body = browser.get(f"/guide/{item.implementation_code}/poster.pdf")
            assert response.status == 200
            assert response.headers["Content-Type"] == "application/pdf" and body.startswith(b"%PDF")
        finally:
            for process in (server, worker):
                process.terminate()
            for process in (server, worker):
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        # The worker stopped cleanly and removed its heartbeat; the access log has the request ids.
        assert worker.returncode == 0, logs[1].read_text()[-3000:]
        assert '"request_id"' in logs[0].read_text()
