"""The seeded demo zone served over HTTP, for the demo walk.

It runs what `make demo` runs, in a scratch directory of its own: `gaoxin migrate`, `gaoxin seed_demo`
with the Makefile's seed and size, then the web server. On PostgreSQL (DATABASE_URL set) the demo gets
a database of its own next to the test database, dropped afterwards; on SQLite a file in the scratch
directory. The test database of the rest of the suite is never touched."""

from __future__ import annotations

import contextlib
import http.client
import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .demo_walk import Page

PROJECT_DIR = Path(__file__).resolve().parents[3]
MAKEFILE = PROJECT_DIR / "Makefile"


def makefile_default(name: str, fallback: str) -> str:
    """The demo's seed and size as `make demo` uses them (`SEED ?= 42`)."""
    match = re.search(rf"^{name}\s*\?=\s*(\S+)", MAKEFILE.read_text(encoding="utf-8"), re.M)
    return match.group(1) if match else fallback


def _gaoxin() -> list[str]:
    return [sys.executable, "-m", "gaoxin.cli"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def _database(env: dict):
    """A PostgreSQL database of the demo's own, or nothing to do for SQLite."""
    url = env.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield
        return
    import psycopg

    parts = urllib.parse.urlsplit(url)
    name = f"{parts.path.lstrip('/') or 'gaoxin'}_demo_{os.getpid()}"
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = parts._replace(path=f"/{name}").geturl()
    try:
        yield
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class DemoSite:
    url: str
    log: Path

    def server_log(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-20_000:]


@contextlib.contextmanager
def served_demo(scratch: Path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    # The code under test is this checkout's, whatever the virtualenv's editable install points at.
    src = str(PROJECT_DIR / "src")
    env.update({"GAOXIN_VAR_DIR": str(scratch), "DJANGO_SETTINGS_MODULE": "gaoxin.settings", "PYTHONUNBUFFERED": "1",
                "GAOXIN_DEMO": "1",
                "PYTHONPATH": os.pathsep.join([src, env["PYTHONPATH"]]) if env.get("PYTHONPATH") else src})
    log = scratch / "server.log"
    with _database(env):
        for args in (["migrate", "--noinput"],
                     ["seed_demo", "--seed", makefile_default("SEED", "42"),
                      "--enterprises", makefile_default("ENTERPRISES", "300")]):
            done = subprocess.run([*_gaoxin(), *args], env=env, cwd=PROJECT_DIR, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"gaoxin {' '.join(args)} failed:\n{done.stdout[-4000:]}\n{done.stderr[-4000:]}")
        port = _free_port()
        with log.open("w") as out:
            server = subprocess.Popen([*_gaoxin(), "runserver", "--noreload", f"127.0.0.1:{port}"], env=env,
                                      cwd=PROJECT_DIR, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"{url}/healthz", timeout=2) as r:
                        if r.status == 200:
                            break
                except (urllib.error.URLError, ConnectionError, http.client.HTTPException):
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the demo server did not start:\n" + log.read_text()[-4000:])
                time.sleep(0.3)
            yield DemoSite(url=url, log=log)
        finally:
            server.terminate()
            server.wait(timeout=20)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    """An HTTP client with its own cookies that does not follow redirects (the walk does)."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirect)

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base_url + path, headers={"Accept-Language": "zh-CN"}))

    def _open(self, request) -> Page:
        try:
            response = self.opener.open(request, timeout=60)
        except urllib.error.HTTPError as error:
            response = error
        with response:
            content_type = response.headers.get("Content-Type", "")
            body = response.read()
            text = body.decode("utf-8", "replace") if "text/html" in content_type else ""
            return Page(response.status, content_type, text, response.headers.get("Location", ""))

    def post_form(self, path: str, data: dict) -> Page:
        """Submit a form of the page at `path` (its CSRF token read from the page), as a browser would."""
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
        return self._open(urllib.request.Request(self.base_url + path, data=body, headers={
            "Referer": self.base_url + path, "Content-Type": "application/x-www-form-urlencoded"}))

    def log_in(self, username: str, password: str) -> None:
        page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        done = self._open(urllib.request.Request(self.base_url + "/accounts/login/", data=data, headers={
            "Referer": self.base_url + "/accounts/login/", "Content-Type": "application/x-www-form-urlencoded"}))
        if done.status != 302:
            raise AssertionError(f"{username} could not log in ({done.status})")
