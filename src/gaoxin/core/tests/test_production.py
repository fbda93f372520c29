"""Production settings and operations (issue 16): the server's defaults, the refusal of the repository's secret key,
`check --deploy` clean with the documented production environment, the security headers, /readyz on the worker's
heartbeat, JSON logs with the request id, and the record of scheduled commands."""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.utils import timezone

from gaoxin.core import checks
from gaoxin.core.management.commands.serve import default_workers, gunicorn_options
from gaoxin.core.models import ScheduledRun, WorkerHeartbeat
from gaoxin.core.ops import readiness, scheduled_run, worker_heartbeat

SRC = Path(__file__).resolve().parents[3]
# The production environment docs/deploy.md documents (deploy/gaoxin.env.example), less the database.
PRODUCTION_ENV = {
    "GAOXIN_SECRET_KEY": "k7Qe2v9ZxT4mW1pL8sR3nB6yH0cJ5dF2gA9uE4tK7wX1zV3qM8oN6iP0rS5lD2hG",
    "GAOXIN_ALLOWED_HOSTS": "zwfw.example.gov.cn",
    "GAOXIN_CSRF_TRUSTED_ORIGINS": "https://zwfw.example.gov.cn",
    "GAOXIN_HTTPS": "true",
    "GAOXIN_PROXY_SSL_HEADER": "true",
    "GAOXIN_STATIC_FROM_FINDERS": "false",
}


def gaoxin(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GAOXIN_"))}
    base.update({"DJANGO_SETTINGS_MODULE": "gaoxin.settings", "GAOXIN_VAR_DIR": str(tmp_path),
                 "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                 "PYTHONPATH": os.pathsep.join(filter(None, [str(SRC), base.get("PYTHONPATH")])), **env})
    return subprocess.run([sys.executable, "-m", "gaoxin.cli", *args], env=base, capture_output=True, text=True,
                          timeout=120)


# --- the server ----------------------------------------------------------------------------------------

def test_workers_follow_the_cpu_count_with_at_least_two(settings):
    settings.GAOXIN_WEB_WORKERS = 0
    assert default_workers(1) == 2
    assert default_workers(8) == 8
    settings.GAOXIN_WEB_WORKERS = 3
    assert default_workers(8) == 3


def test_server_options_are_threaded_workers_behind_the_proxy(settings):
    settings.GAOXIN_FORWARDED_ALLOW_IPS = "10.0.0.5"
    opts = gunicorn_options(bind="0.0.0.0:8000, unix:/run/gaoxin.sock", workers=3, threads=4, timeout=90,
                            access_log="-")
    assert opts["bind"] == ["0.0.0.0:8000", "unix:/run/gaoxin.sock"]
    assert (opts["worker_class"], opts["workers"], opts["threads"], opts["timeout"]) == ("gthread", 3, 4, 90)
    assert opts["forwarded_allow_ips"] == "10.0.0.5"
    assert "x-request-id" in opts["access_log_format"]


def test_serve_prints_its_configuration(capsys):
    call_command("serve", "--print-config", "--workers", "5", "--bind", "127.0.0.1:9999")
    out = capsys.readouterr().out
    assert "workers = 5" in out and "'127.0.0.1:9999'" in out and "gthread" in out


def test_serve_refuses_the_repository_secret_key(settings):
    settings.SECRET_KEY = settings.GAOXIN_DEFAULT_SECRET_KEY
    settings.DEBUG, settings.GAOXIN_DEMO_MODE = False, False
    with pytest.raises(CommandError, match="GAOXIN_SECRET_KEY"):
        call_command("serve")


def test_serve_refuses_to_start_without_collected_static_files(settings, tmp_path):
    settings.SECRET_KEY = "x" * 60
    settings.WHITENOISE_USE_FINDERS, settings.STATIC_ROOT = False, tmp_path
    with pytest.raises(CommandError, match="collectstatic"):
        call_command("serve")


def test_the_web_application_refuses_the_repository_key_outside_debug_and_the_demo(settings):
    settings.SECRET_KEY = settings.GAOXIN_DEFAULT_SECRET_KEY
    settings.DEBUG, settings.GAOXIN_DEMO_MODE = False, False
    with pytest.raises(ImproperlyConfigured, match="GAOXIN_SECRET_KEY"):
        checks.refuse_default_secret_key()
    settings.GAOXIN_DEMO_MODE = True  # make demo on a laptop
    checks.refuse_default_secret_key()
    settings.GAOXIN_DEMO_MODE, settings.SECRET_KEY = False, "y" * 60
    checks.refuse_default_secret_key()


def test_wsgi_application_will_not_load_with_the_repository_key(tmp_path):
    done = gaoxin(tmp_path, "shell", "-c", "import gaoxin.wsgi")
    assert done.returncode != 0 and "GAOXIN_SECRET_KEY" in done.stderr
    assert gaoxin(tmp_path, "shell", "-c", "import gaoxin.wsgi", GAOXIN_DEMO="1").returncode == 0


# --- check --deploy ----------------------------------------------------------------------------------------

def test_check_deploy_is_clean_with_the_documented_production_environment(tmp_path):
    done = gaoxin(tmp_path, "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_fails_on_the_repository_secret_key(tmp_path):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "GAOXIN_SECRET_KEY"}
    done = gaoxin(tmp_path, "check", "--deploy", **env)
    assert done.returncode != 0 and "gaoxin.E001" in done.stderr


def test_the_administration_moves_to_the_configured_path(tmp_path):
    done = gaoxin(tmp_path, "shell", "--no-imports", "-c", "from django.urls import reverse; print(reverse('admin:index'))",
                  GAOXIN_ADMIN_PATH="/verwaltung-7f3/")
    assert done.stdout.strip() == "/verwaltung-7f3/", done.stderr


def test_secrets_can_come_from_files(tmp_path):
    (tmp_path / "key").write_text("from-a-file-" + "z" * 50)
    done = gaoxin(tmp_path, "shell", "--no-imports", "-c", "from django.conf import settings; print(settings.SECRET_KEY)",
                  GAOXIN_SECRET_KEY_FILE=str(tmp_path / "key"))
    assert done.stdout.strip() == "from-a-file-" + "z" * 50, done.stderr


# --- headers ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_every_page_carries_the_security_headers(client):
    response = client.get("/accounts/login/")
    csp = response["Content-Security-Policy"]
    directives = dict((part.split()[0], part.split()[1:]) for part in csp.split("; "))
    assert directives["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


# --- readiness -----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_readyz_needs_a_recent_worker_heartbeat(client, settings):
    settings.GAOXIN_READY_WORKER_SECONDS = 60
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "ok", "worker": "no heartbeat within 60 s"}
    beat = WorkerHeartbeat.objects.create(worker_id="w1", seen_at=timezone.now() - dt.timedelta(seconds=90))
    assert client.get("/readyz").status_code == 503  # heard of, but too long ago
    WorkerHeartbeat.objects.filter(pk=beat.pk).update(seen_at=timezone.now())
    response = client.get("/readyz")
    assert response.status_code == 200 and response.json()["status"] == "ready"
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_without_the_worker_check(client, settings):
    settings.GAOXIN_READY_WORKER_SECONDS = 0
    assert client.get("/readyz").json() == {"status": "ready", "checks": {"database": "ok", "worker": "not checked"}}


@pytest.mark.django_db(transaction=True)
def test_a_worker_beats_while_it_runs_and_leaves_no_row_when_it_stops():
    old = WorkerHeartbeat.objects.create(worker_id="gone", seen_at=timezone.now() - dt.timedelta(days=2))
    with worker_heartbeat("w-test", interval=0.05):
        row = WorkerHeartbeat.objects.get(worker_id="w-test")
        assert row.pid == os.getpid()
        assert readiness()[0]
        assert not WorkerHeartbeat.objects.filter(pk=old.pk).exists()  # a killed worker's row, a day old, pruned
    assert not WorkerHeartbeat.objects.filter(worker_id="w-test").exists()


# --- logs ---------------------------------------------------------------------------------------------------

def test_json_log_lines_carry_the_request_id():
    from gaoxin.core.context import request_context
    from gaoxin.core.logs import JsonFormatter, RequestIdFilter

    record = logging.LogRecord("gaoxin.x", logging.ERROR, __file__, 1, "办件 %s 出错", ("GX1",), None)
    token = request_context.set({"request_id": "abc12345"})
    try:
        RequestIdFilter().filter(record)
    finally:
        request_context.reset(token)
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "办件 GX1 出错" and line["request_id"] == "abc12345" and line["level"] == "ERROR"
    assert dt.datetime.fromisoformat(line["time"]).tzinfo is not None


def test_json_logs_are_chosen_by_the_environment(tmp_path):
    done = gaoxin(tmp_path, "shell", "-c", "import logging; logging.getLogger('gaoxin.test').warning('你好')",
                  GAOXIN_LOG_FORMAT="json")
    line = json.loads(done.stderr.strip().splitlines()[-1])
    assert line["message"] == "你好" and line["request_id"] == "-"


@pytest.mark.django_db
def test_audit_events_carry_the_request_id(client, admin_user):
    from gaoxin.core.models import AuditEvent

    client.force_login(admin_user)
    client.post("/calendar/add-year/", {"year": 2031}, HTTP_X_REQUEST_ID="req-2031-abcdef")
    event = AuditEvent.objects.filter(event_type="calendar.year_added").latest("id")
    assert event.request_id == "req-2031-abcdef"


# --- scheduled commands -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_scheduled_runs_are_recorded_with_their_outcome():
    with scheduled_run("sweep_cases") as out:
        out.append("办件巡检完成")
    row = ScheduledRun.objects.get(name="sweep_cases")
    assert row.succeeded and row.runs == 1 and row.last_success_at and "巡检" in row.output
    with pytest.raises(RuntimeError), scheduled_run("sweep_cases"):
        raise RuntimeError("数据库不可用")
    row.refresh_from_db()
    assert not row.succeeded and row.runs == 2 and "数据库不可用" in row.output
    assert row.last_success_at < row.finished_at  # the last success is still known


@pytest.mark.django_db
def test_run_scheduled_runs_each_configured_command_and_records_it(settings, capsys):
    settings.GAOXIN_SCHEDULED_COMMANDS = ["reap_jobs", "sweep_cases"]
    call_command("run_scheduled")
    rows = {r.name: r for r in ScheduledRun.objects.all()}
    assert set(rows) == {"reap_jobs", "sweep_cases"}
    assert all(r.succeeded for r in rows.values())
    assert "办件巡检完成" in rows["sweep_cases"].output


@pytest.mark.django_db
def test_a_failing_scheduled_command_is_recorded_and_the_others_still_run(settings):
    settings.GAOXIN_SCHEDULED_COMMANDS = ["no_such_command", "reap_jobs"]
    with pytest.raises(CommandError, match="no_such_command"):
        call_command("run_scheduled")
    assert not ScheduledRun.objects.get(name="no_such_command").succeeded
    assert ScheduledRun.objects.get(name="reap_jobs").succeeded


@pytest.mark.django_db
def test_the_administrator_sees_the_last_runs(admin_client):
    with scheduled_run("sweep_cases") as out:
        out.append("ok")
    WorkerHeartbeat.objects.create(worker_id="w-admin", host="app-1", pid=42)
    page = admin_client.get("/django-admin/core/scheduledrun/").content.decode()
    assert "sweep_cases" in page and "办件每日巡检" in page
    assert "app-1" in admin_client.get("/django-admin/core/workerheartbeat/").content.decode()


@pytest.mark.django_db
def test_a_jobs_audit_events_carry_the_submitting_request_id(admin_user):
    from gaoxin.core.context import request_context
    from gaoxin.core.jobs import job_task
    from gaoxin.core.models import AuditEvent
    from gaoxin.core.services import audit_record, job_create

    token = request_context.set({"request_id": "submit-1234abcd", "ip": "10.0.0.9"})
    try:
        job = job_create(kind="enterprise_export", actor=admin_user)
    finally:
        request_context.reset(token)

    @job_task
    def work(job):
        audit_record(event_type="job.interrupted", actor=None, subject=job)

    work(job.pk)  # as the worker runs it: outside any request
    event = AuditEvent.objects.latest("id")
    assert (event.request_id, event.ip_address) == ("submit-1234abcd", "10.0.0.9")


# --- past one machine ---------------------------------------------------------------------------------------

def _settings_of(tmp_path, expression: str, **env) -> object:
    done = gaoxin(tmp_path, "shell", "--no-imports", "-c",
                  f"import json; from django.conf import settings; print(json.dumps({expression}, default=str))", **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_cache_and_sessions_can_be_shared(tmp_path):
    assert _settings_of(tmp_path, "settings.CACHES['default']['BACKEND']").endswith("LocMemCache")
    shared = _settings_of(tmp_path, "[settings.CACHES['default'], settings.SESSION_ENGINE]",
                          GAOXIN_CACHE_URL="redis://10.0.0.2:6379/1", GAOXIN_SESSION_ENGINE="cached_db")
    assert shared == [{"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://10.0.0.2:6379/1"},
                      "django.contrib.sessions.backends.cached_db"]
    in_db = _settings_of(tmp_path, "settings.CACHES['default']", GAOXIN_CACHE_URL="dbcache://gaoxin_cache")
    assert in_db == {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "gaoxin_cache"}


def test_uploads_can_go_to_object_storage(tmp_path):
    storage = _settings_of(tmp_path, "settings.STORAGES['default']", GAOXIN_MEDIA_STORAGE="s3",
                           GAOXIN_S3_BUCKET="gaoxin", GAOXIN_S3_ENDPOINT_URL="https://oss.example.gov.cn")
    assert storage["BACKEND"] == "storages.backends.s3.S3Storage"
    assert storage["OPTIONS"]["bucket_name"] == "gaoxin" and storage["OPTIONS"]["default_acl"] == "private"
    assert storage["OPTIONS"]["endpoint_url"] == "https://oss.example.gov.cn"


def test_reports_read_from_the_replica_and_nothing_else_does(settings, tmp_path):
    from gaoxin.core.models import Job
    from gaoxin.core.routers import ReplicaRouter, reporting

    router = ReplicaRouter()
    assert router.db_for_read(Job) is None  # no replica configured
    settings.GAOXIN_REPLICA = True
    assert router.db_for_read(Job) is None  # not a report
    with reporting():
        assert router.db_for_read(Job) == "replica"
        assert router.db_for_write(Job) == "default"
    assert router.allow_migrate("replica", "core") is False
    configured = _settings_of(tmp_path, "[settings.DATABASES['replica']['HOST'], settings.DATABASE_ROUTERS]",
                              GAOXIN_REPLICA_DATABASE_URL="postgres://report@10.0.0.3:5432/gaoxin")
    assert configured == ["10.0.0.3", ["gaoxin.core.routers.ReplicaRouter"]]


@pytest.mark.django_db
def test_inside_a_transaction_that_wrote_reads_stay_on_the_primary(settings):
    from gaoxin.core.models import Job
    from gaoxin.core.routers import ReplicaRouter, reporting

    settings.GAOXIN_REPLICA = True
    with reporting():
        assert ReplicaRouter().db_for_read(Job) is None  # the test runs inside a transaction
