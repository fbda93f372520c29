"""The deployment kit (deploy/, docs/deploy.md; issue 16 §2) holds together: the compose file runs PostgreSQL, a
one-off migration before the app and the worker, the production server, the worker, the daily run and a TLS proxy,
with secrets only from the environment; the image is multi-stage, non-root, with Pango, Noto CJK and the PostgreSQL
client; the systemd units start the same commands; the documented environments carry the production settings
`check --deploy` is clean with (core/tests/test_production.py runs the check)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from gaoxin.core.tests.test_production import PRODUCTION_ENV

DEPLOY = Path(__file__).resolve().parents[4] / "deploy"


def _env_file(path: Path) -> dict[str, str]:
    return dict(line.split("=", 1) for line in path.read_text(encoding="utf-8").splitlines()
                if line.strip() and not line.startswith("#"))


def test_compose_runs_every_process_with_secrets_from_the_environment():
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert set(services) == {"db", "migrate", "app", "worker", "scheduler", "frequent", "proxy"}
    assert services["app"]["command"] == ["serve"] and services["worker"]["command"] == ["worker"]
    assert services["migrate"]["command"] == ["migrate", "--noinput"]
    for name in ("app", "worker", "scheduler", "frequent"):
        assert services[name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        env = services[name]["environment"]
        assert env["GAOXIN_HTTPS"] == "true" and env["GAOXIN_PROXY_SSL_HEADER"] == "true"
        assert "${GAOXIN_SECRET_KEY" in env["GAOXIN_SECRET_KEY"] and "${POSTGRES_PASSWORD" in env["DATABASE_URL"]
    assert "backup" in services["scheduler"]["environment"]["GAOXIN_SCHEDULED_COMMANDS"]
    frequent = services["frequent"]["command"][0]  # every 15 minutes
    assert "run_scheduled " in frequent and all(c in frequent for c in ("sweep_kiosk", "refresh_figures", "remind_guidance"))
    assert "8000" not in str(services["app"].get("ports", ""))  # only the proxy is published
    assert services["proxy"]["ports"] == ["80:80", "443:443"]
    assert "pg_isready" in " ".join(services["db"]["healthcheck"]["test"])
    caddy = (DEPLOY / "caddy" / "Caddyfile").read_text(encoding="utf-8")
    assert "reverse_proxy app:8000" in caddy


def test_the_image_is_multi_stage_non_root_and_self_contained():
    text = (DEPLOY / "Dockerfile").read_text(encoding="utf-8")
    assert len(re.findall(r"^FROM ", text, re.M)) == 2
    assert "requirements.lock" in text and "collectstatic" in text
    for package in ("fonts-noto-cjk", "libpango-1.0-0", "libpangoft2-1.0-0", "postgresql-client"):
        assert package in text
    assert re.search(r"^USER gaoxin$", text, re.M) and "HEALTHCHECK" in text
    assert 'CMD ["serve"]' in text


def test_the_vm_environment_is_the_production_environment():
    env = _env_file(DEPLOY / "gaoxin.env.example")
    for key in ("GAOXIN_HTTPS", "GAOXIN_PROXY_SSL_HEADER", "GAOXIN_STATIC_FROM_FINDERS"):
        assert env[key] == PRODUCTION_ENV[key], key
    assert {"DATABASE_URL", "GAOXIN_SECRET_KEY", "GAOXIN_ALLOWED_HOSTS", "GAOXIN_CSRF_TRUSTED_ORIGINS"} <= set(env)
    assert "backup" in env["GAOXIN_SCHEDULED_COMMANDS"]


def test_the_systemd_units_run_the_commands():
    units = {p.name: p.read_text(encoding="utf-8") for p in (DEPLOY / "systemd").iterdir()}
    assert "ExecStart=/opt/gaoxin/venv/bin/gaoxin serve" in units["gaoxin-web.service"]
    assert "gaoxin worker --worker-id %H-%i" in units["gaoxin-worker@.service"]
    assert "gaoxin run_scheduled" in units["gaoxin-daily.service"]
    assert "OnCalendar=*-*-* 02:00:00" in units["gaoxin-daily.timer"] and "Persistent=true" in units["gaoxin-daily.timer"]
    for name, text in units.items():
        if name.endswith(".service"):
            assert "User=gaoxin" in text and "EnvironmentFile=/etc/gaoxin/gaoxin.env" in text, name


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze not installed")
def test_the_systemd_units_parse(tmp_path):
    for unit in (DEPLOY / "systemd").iterdir():
        target = tmp_path / unit.name.replace("@.", "@1.")
        target.write_text(unit.read_text(encoding="utf-8").replace("/opt/gaoxin/venv/bin/gaoxin", "/bin/true"))
    done = subprocess.run(["systemd-analyze", "verify", *sorted(str(p) for p in tmp_path.iterdir())],
                          capture_output=True, text=True)
    problems = [line for line in done.stderr.splitlines() if "gaoxin" in line]
    assert not problems, done.stderr
