"""Gaoxin settings. Every value can be set from the environment; defaults are safe for a laptop."""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
# A variable may also be given as a file (GAOXIN_SECRET_KEY_FILE=/run/secrets/…, DATABASE_URL_FILE=…): Docker and
# systemd credentials keep secrets out of the process environment and the unit files.
env = environ.FileAwareEnv()

VAR_DIR = Path(env("GAOXIN_VAR_DIR", default=str(PROJECT_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("GAOXIN_DEBUG", default=False)
# The repository's key is for a laptop only: with DEBUG off, the web application (gaoxin.wsgi / asgi, `gaoxin serve`)
# refuses to start with it outside the demo (GAOXIN_DEMO=1), and `gaoxin check --deploy` fails (core.checks).
GAOXIN_DEFAULT_SECRET_KEY = "insecure-dev-key-change-me-in-production-0123456789"
SECRET_KEY = env("GAOXIN_SECRET_KEY", default=GAOXIN_DEFAULT_SECRET_KEY)
ALLOWED_HOSTS = env.list("GAOXIN_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("GAOXIN_CSRF_TRUSTED_ORIGINS", default=[])

# --- Production behind a TLS-terminating proxy (docs/deploy.md; `gaoxin check --deploy` is clean with these) ---
# GAOXIN_HTTPS=true: the site is reached only over HTTPS. It turns on the redirect, HSTS and secure cookies, each of
# which can still be set on its own.
GAOXIN_HTTPS = env.bool("GAOXIN_HTTPS", default=False)
SECURE_SSL_REDIRECT = env.bool("GAOXIN_SSL_REDIRECT", default=GAOXIN_HTTPS)
# /healthz and /readyz answer over plain HTTP too: the proxy's and the orchestrator's probes call the app directly.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("GAOXIN_HSTS_SECONDS", default=31536000 if GAOXIN_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("GAOXIN_HSTS_INCLUDE_SUBDOMAINS", default=GAOXIN_HTTPS)
# Preloading commits the whole registrable domain (often a city's gov.cn domain) to HTTPS in every browser: that is
# the domain owner's decision, not ours, so it is off and its deploy warning (W021) silenced.
SECURE_HSTS_PRELOAD = env.bool("GAOXIN_HSTS_PRELOAD", default=False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# The proxy tells Django the request came over HTTPS with X-Forwarded-Proto. Turn it on only behind a proxy that sets
# (and overwrites) that header, as deploy/ does: otherwise a client could claim HTTPS.
if env.bool("GAOXIN_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = env("GAOXIN_REFERRER_POLICY", default="same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Browser features no page uses are switched off (core.middleware.SecurityHeadersMiddleware).
GAOXIN_PERMISSIONS_POLICY = env("GAOXIN_PERMISSIONS_POLICY", default=(
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), payment=(), usb=()"))
# The administration's address: a zone may move it away from the well-known one.
GAOXIN_ADMIN_PATH = env("GAOXIN_ADMIN_PATH", default="django-admin/").strip("/") + "/"
# Content-Security-Policy (django-csp; docs/decisions/0007-content-security-policy.md): scripts only from our own
# static files — no inline script or event handler anywhere (core/tests/test_csp.py reads every template) —, nothing
# from another site (zone intranets have no CDN), no framing. Style attributes remain in templates, so styles allow
# 'unsafe-inline' (a style cannot run code). GAOXIN_CSP_REPORT_ONLY=true sends it as report-only while a zone tries it.
_CSP = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
if env.bool("GAOXIN_CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "gaoxin.core",
    "gaoxin.accounts",
    "gaoxin.enterprises",
    "gaoxin.catalog",
    "gaoxin.cases",
    "gaoxin.benefits",
    "gaoxin.appeals",
    "gaoxin.stations",
    "gaoxin.assist",
    "gaoxin.evaluation",
    "gaoxin.chains",
    "gaoxin.green",
    "gaoxin.competitions",
    "gaoxin.talent",
    "gaoxin.talentcare",
    "gaoxin.proactive",
    "gaoxin.dashboard",
    "gaoxin.portal",
    "gaoxin.kiosk",
    "gaoxin.guidance",
    "gaoxin.news",
    "gaoxin.live",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gaoxin.core.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "gaoxin.core.middleware.RequestIdMiddleware",
    "gaoxin.core.middleware.ControlCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gaoxin.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gaoxin.core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "gaoxin.accounts.security.SessionGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "gaoxin.core.middleware.HtmxVaryMiddleware",
    "gaoxin.core.middleware.PrivatePagesMiddleware",
    # Must be last: turns repeated failed log-ins into a lock-out.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gaoxin.urls"
WSGI_APPLICATION = "gaoxin.wsgi.application"
ASGI_APPLICATION = "gaoxin.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gaoxin.portal.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite in WAL mode under ./var by default; DATABASE_URL selects PostgreSQL.
_sqlite_default = f"sqlite:///{VAR_DIR / 'gaoxin.sqlite3'}"
DATABASES = {"default": env.db("DATABASE_URL", default=_sqlite_default)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "gaoxin.core.sqlite3"  # integer fields bounded as on PostgreSQL
    # Tests in memory, as Django's own SQLite backend does by default (pytest-django recognises only that one).
    DATABASES["default"].setdefault("TEST", {}).setdefault("NAME", ":memory:")
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            # Writers take the lock at BEGIN, so two writers queue instead of failing mid-transaction.
            "transaction_mode": "IMMEDIATE",
        }
    )
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Persistent connections on PostgreSQL (issue 17: a new connection per request cost 1.6–2.4× the throughput of the
# API's reads): each server thread keeps its connection for GAOXIN_DB_CONN_MAX_AGE seconds (0: one per request),
# checked before it is reused after a request (CONN_HEALTH_CHECKS), so a restarted database costs no
# failed request. SQLite opens a file, which is cheap: one connection per request, as before.
if DATABASES["default"]["ENGINE"] != "gaoxin.core.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("GAOXIN_DB_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("GAOXIN_DB_CONN_HEALTH_CHECKS", default=True)
    # Prepared statements (docs/decisions/0009-prepared-statements.md): parameters bound by the server, and a query a
    # connection has run GAOXIN_DB_PREPARE_THRESHOLD times is prepared, so PostgreSQL stops planning it again (planning
    # the API's reads cost more than running them: issue 17). GAOXIN_DB_PREPARED=false goes back to Django's default
    # (parameters merged by the client, nothing prepared), e.g. behind PgBouncer older than 1.21 in transaction mode.
    if env.bool("GAOXIN_DB_PREPARED", default=True):
        DATABASES["default"].setdefault("OPTIONS", {}).update({
            "server_side_binding": True,
            "prepare_threshold": env.int("GAOXIN_DB_PREPARE_THRESHOLD", default=5),
        })
# A PostgreSQL read replica for reports (optional): pages and jobs that only read and may lag a little (statistics,
# the evaluation's summaries) run their queries there inside `core.routers.reporting()`; everything else stays on the
# primary, so a user always sees what they just wrote.
GAOXIN_REPLICA = bool(env("GAOXIN_REPLICA_DATABASE_URL", default=""))
if GAOXIN_REPLICA:
    DATABASES["replica"] = env.db("GAOXIN_REPLICA_DATABASE_URL")
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gaoxin.core.routers.ReplicaRouter"]

# Past one machine (docs/deploy.md): the cache (log-in, registration and tracking throttles count in it) shared by
# every app process — `redis://host:6379/1` (Django's Redis backend; pip install redis) or `dbcache://gaoxin_cache`
# (the database; run `gaoxin createcachetable` once) — instead of each process's memory. Sessions are in the database
# by default; GAOXIN_SESSION_ENGINE=cached_db reads them through the shared cache.
CACHES = {"default": env.cache_url("GAOXIN_CACHE_URL", default="locmemcache://")}
SESSION_ENGINE = {
    "db": "django.contrib.sessions.backends.db",
    "cache": "django.contrib.sessions.backends.cache",
    "cached_db": "django.contrib.sessions.backends.cached_db",
}[env("GAOXIN_SESSION_ENGINE", default="db")]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
# The demo zone (make demo sets GAOXIN_DEMO=1): its accounts share a published password; anywhere else a
# log-in with that password must change it first, and no one may set it.
GAOXIN_DEMO_MODE = env.bool("GAOXIN_DEMO", default=False)
GAOXIN_DEMO_PASSWORD = "Gaoxin@2026"
GAOXIN_PASSWORD_MIN_LENGTH = env.int("GAOXIN_PASSWORD_MIN_LENGTH", default=10)
GAOXIN_PASSWORD_BANNED_WORDS = env.list("GAOXIN_PASSWORD_BANNED_WORDS", default=[
    "gaoxin", "xiangtan", "zhengwu", "admin", "password", "passw0rd", "qwerty", "abcdef"])
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "gaoxin.accounts.passwords.LengthValidator", "OPTIONS": {"min_length": GAOXIN_PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "gaoxin.accounts.passwords.ZoneWordsValidator"},
    {"NAME": "gaoxin.accounts.passwords.DemoPasswordValidator"},
]
CSRF_FAILURE_VIEW = "gaoxin.core.errors.csrf_failure"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sessions end after a working day or when the browser closes (shared hall computers).
SESSION_COOKIE_AGE = env.int("GAOXIN_SESSION_SECONDS", default=8 * 3600)
# Log out after this many minutes without a request (shared hall computers); 0 turns it off.
GAOXIN_IDLE_TIMEOUT_MINUTES = env.int("GAOXIN_IDLE_TIMEOUT_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("GAOXIN_SECURE_COOKIES", default=GAOXIN_HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Lock-out after repeated failed log-ins (django-axes).
AXES_FAILURE_LIMIT = env.int("GAOXIN_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("GAOXIN_LOGIN_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
# A failure during the lock does not restart it (else a victim behind the hall's NAT stays locked forever).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Failed log-ins from one address across all user names within the cool-off (password spraying).
GAOXIN_LOGIN_IP_FAILURE_LIMIT = env.int("GAOXIN_LOGIN_IP_FAILURE_LIMIT", default=30)

LANGUAGE_CODE = "zh-hans"
# Our zh_Hans input formats: ISO dates first, as <input type="date"> needs (gaoxin/formats/zh_Hans).
FORMAT_MODULE_PATH = ["gaoxin.formats"]
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env("GAOXIN_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# WhiteNoise serves the vendored assets (zone intranets have no CDN). Finders let a fresh
# checkout serve them without collectstatic. Production turns them off (GAOXIN_STATIC_FROM_FINDERS=false) and runs
# `gaoxin collectstatic`: file names carry a content hash, gzip and Brotli copies are made once, and WhiteNoise
# answers them with a year-long immutable Cache-Control (others: WHITENOISE_MAX_AGE).
WHITENOISE_USE_FINDERS = env.bool("GAOXIN_STATIC_FROM_FINDERS", default=True)
WHITENOISE_MAX_AGE = env.int("GAOXIN_STATIC_MAX_AGE", default=3600)
# Uploaded files on the local disk (GAOXIN_VAR_DIR/media), or on S3-compatible object storage (MinIO, a domestic
# cloud's object store) with GAOXIN_MEDIA_STORAGE=s3 and GAOXIN_S3_* (django-storages; pip install
# 'gaoxin[s3]'). Files are never public: the pages hand them out after a permission check.
if env("GAOXIN_MEDIA_STORAGE", default="local") == "s3":
    _MEDIA_STORAGE = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("GAOXIN_S3_BUCKET"),
        "endpoint_url": env("GAOXIN_S3_ENDPOINT_URL", default=None),
        "region_name": env("GAOXIN_S3_REGION", default=None),
        "access_key": env("GAOXIN_S3_ACCESS_KEY", default=None),
        "secret_key": env("GAOXIN_S3_SECRET_KEY", default=None),
        "location": env("GAOXIN_S3_PREFIX", default="media"),
        "default_acl": "private", "querystring_auth": True, "file_overwrite": False,
        "addressing_style": env("GAOXIN_S3_ADDRESSING_STYLE", default="path"),  # MinIO and most domestic stores
    }}
else:
    _MEDIA_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _MEDIA_STORAGE,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if WHITENOISE_USE_FINDERS
                    else "gaoxin.core.storage.StaticStorage"},  # hashed names, gzip and Brotli copies
}
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
# Uploaded spreadsheets (registry, catalogue, evaluation tables) are limited so a mistaken upload cannot fill the
# disk (core.uploads); GAOXIN_MAX_UPLOAD_BYTES is the variable's earlier name.
GAOXIN_UPLOAD_TABLE_MAX_BYTES = env.int("GAOXIN_UPLOAD_TABLE_MAX_BYTES",
                                        default=env.int("GAOXIN_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = GAOXIN_UPLOAD_TABLE_MAX_BYTES

REST_FRAMEWORK = {
    # Token first so an anonymous API call gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "gaoxin.core.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: DRF's browsable pages are English and show the code's docstrings; integrators read /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "gaoxin.core.schema.GaoxinAutoSchema",  # documents the error answers
    "EXCEPTION_HANDLER": "gaoxin.core.api.exception_handler",  # the framework's English answers in Chinese
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Gaoxin 高新区平台 API",
    "DESCRIPTION": "政务服务、企业档案、工作日历等接口。All endpoints need a session or a token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Each room's choice sets under a name of their own (several rooms have a "status", "kind", "category").
    "ENUM_NAME_OVERRIDES": {
        "GreenLabelKindEnum": "gaoxin.green.models.LabelKind",
        "GreenLabelLevelEnum": "gaoxin.green.models.LabelLevel",
        "GreenLabelStatusEnum": "gaoxin.green.models.LabelStatus",
        "FinanceNeedStatusEnum": "gaoxin.green.models.NeedStatus",
        "BankResponseStatusEnum": "gaoxin.green.models.ResponseStatus",
        "GreenProjectTagEnum": "gaoxin.green.models.GreenProjectTag",
        "FinanceShareScopeEnum": "gaoxin.green.models.ShareScope",
        "PoolMovementKindEnum": "gaoxin.green.models.MovementKind",
        "PoolFundSourceEnum": "gaoxin.green.models.FundSource",
        "AppealStatusEnum": "gaoxin.appeals.models.AppealStatus",
        "AppealCategoryEnum": "gaoxin.appeals.models.Category",
        "AppealUrgencyEnum": "gaoxin.appeals.models.Urgency",
        "DemandUrgencyEnum": "gaoxin.talent.models.Urgency",
        "OrderStatusEnum": "gaoxin.assist.models.OrderStatus",
        "OrderChannelEnum": "gaoxin.assist.models.OrderChannel",
        "CaseChannelEnum": "gaoxin.catalog.models.Channel",
        "VisitKindEnum": "gaoxin.assist.models.VisitKind",
        "ApplicationStatusEnum": "gaoxin.benefits.models.AppStatus",
        "PolicyStatusEnum": "gaoxin.benefits.models.PolicyStatus",
        "PolicyKindEnum": "gaoxin.benefits.models.PolicyKind",
        "PolicyLevelEnum": "gaoxin.benefits.models.PolicyLevel",
        "CaseStatusEnum": "gaoxin.cases.models.Status",
        "CaseKindEnum": "gaoxin.cases.models.Kind",
        "DecisionOutcomeEnum": "gaoxin.cases.models.DecisionOutcome",
        "RectificationStatusEnum": "gaoxin.cases.models.RectificationStatus",
        "ItemStatusEnum": "gaoxin.catalog.models.ItemStatus",
        "VersionStatusEnum": "gaoxin.catalog.models.VersionStatus",
        "LimitUnitEnum": "gaoxin.catalog.models.LimitUnit",
        "JobStatusEnum": "gaoxin.core.models.JobStatus",
        "DayKindEnum": "gaoxin.core.models.DayKind",
        "EnterpriseStatusEnum": "gaoxin.enterprises.models.EnterpriseStatus",
        "LandKindEnum": "gaoxin.enterprises.models.LandKind",
        "QualificationKindEnum": "gaoxin.enterprises.models.QualificationKind",
        "QualificationLevelEnum": "gaoxin.enterprises.models.QualificationLevel",
        "CycleStatusEnum": "gaoxin.evaluation.models.CycleStatus",
        "ObjectionStatusEnum": "gaoxin.evaluation.models.ObjectionStatus",
        "RunStatusEnum": "gaoxin.evaluation.models.RunStatus",
        "RegradeStatusEnum": "gaoxin.evaluation.models.RegradeStatus",
        "StationServiceCategoryEnum": "gaoxin.stations.models.ServiceCategory",
        "StationServiceOutcomeEnum": "gaoxin.stations.models.Outcome",
        "TalentUnitStatusEnum": "gaoxin.talentcare.models.UnitStatus",
        "TalentLeaseStatusEnum": "gaoxin.talentcare.models.LeaseStatus",
        "TalentClaimStatusEnum": "gaoxin.benefits.models.ClaimStatus",
        "TalentClaimChannelEnum": "gaoxin.benefits.models.ClaimChannel",
        "TalentInstalmentStatusEnum": "gaoxin.benefits.models.InstalmentStatus",
        "TalentClawbackStatusEnum": "gaoxin.benefits.models.ClawbackStatus",
    },
}

TASKS = {
    "default": {
        "BACKEND": env(
            "GAOXIN_TASK_BACKEND", default="django_tasks_db.DatabaseBackend"
        ),
    }
}
# A running job writes a heartbeat every GAOXIN_JOB_HEARTBEAT_SECONDS (0: only on its progress steps); a job
# silent for GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS lost its worker (killed, machine restarted) and the reaper
# (core.jobs: `gaoxin reap_jobs`, the worker before each job, the job's page, a new scoring run) marks it failed so
# it can be submitted again. The timeout must be longer than a job's longest single write: on SQLite a write holds
# the database and no heartbeat gets through meanwhile.
GAOXIN_JOB_HEARTBEAT_SECONDS = env.float("GAOXIN_JOB_HEARTBEAT_SECONDS", default=30)
GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS = env.float("GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS", default=300)
# `gaoxin worker` writes a heartbeat of its own, idle or busy (core.ops); /readyz is "not ready" when no worker was
# heard of within GAOXIN_READY_WORKER_SECONDS (0: /readyz checks only the database).
GAOXIN_WORKER_HEARTBEAT_SECONDS = env.float("GAOXIN_WORKER_HEARTBEAT_SECONDS", default=15)
GAOXIN_READY_WORKER_SECONDS = env.float("GAOXIN_READY_WORKER_SECONDS", default=120)
# The commands `gaoxin run_scheduled` runs (daily, from a systemd timer or cron), each run recorded for the
# administrator (计划任务运行记录).
GAOXIN_SCHEDULED_COMMANDS = env.list("GAOXIN_SCHEDULED_COMMANDS",
                                     default=["sweep_cases", "sweep_talent", "sweep_talentcare", "refresh_chains", "reap_jobs", "refresh_figures",
                                              "sweep_talent_benefits", "sweep_green", "sweep_competitions",
                                              "monthly_report"])
# Backups (`gaoxin backup`, core/backup.py): where, and how many to keep — the newest N daily ones and the first of
# each of the last M months.
GAOXIN_BACKUP_DIR = env("GAOXIN_BACKUP_DIR", default=str(VAR_DIR / "backups"))
GAOXIN_BACKUP_KEEP_DAILY = env.int("GAOXIN_BACKUP_KEEP_DAILY", default=14)
GAOXIN_BACKUP_KEEP_MONTHLY = env.int("GAOXIN_BACKUP_KEEP_MONTHLY", default=12)

# The production web server (`gaoxin serve`, gunicorn; docs/decisions/0006-production-server.md). Workers default to
# the CPU count (at least 2), each with GAOXIN_WEB_THREADS threads for requests waiting on the database.
GAOXIN_BIND = env("GAOXIN_BIND", default="127.0.0.1:8000")
GAOXIN_WEB_WORKERS = env.int("GAOXIN_WEB_WORKERS", default=0)  # 0: from the CPU count
GAOXIN_WEB_THREADS = env.int("GAOXIN_WEB_THREADS", default=4)
GAOXIN_WEB_TIMEOUT = env.int("GAOXIN_WEB_TIMEOUT", default=120)  # seconds; PDFs and exports of a big zone
# Addresses whose X-Forwarded-* headers the server believes (the reverse proxy's).
GAOXIN_FORWARDED_ALLOW_IPS = env("GAOXIN_FORWARDED_ALLOW_IPS", default="127.0.0.1,::1")

# Logs go to standard error and to var/log/gaoxin.log (rotated), each line with the request id, so a user's
# 故障参考号 finds the server error (Django logs 500s to nowhere by default when DEBUG is off).
LOG_DIR = VAR_DIR / "log"
LOG_DIR.mkdir(parents=True, exist_ok=True)
# GAOXIN_LOG_FORMAT=json: one JSON object per line (time, level, logger, message, request_id, exception) for a log
# collector; plain text otherwise.
_log_format = "json" if env("GAOXIN_LOG_FORMAT", default="plain") == "json" else "plain"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "gaoxin.core.logs.RequestIdFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
                   "json": {"()": "gaoxin.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": _log_format},
        "file": {"class": "logging.handlers.RotatingFileHandler", "filename": str(LOG_DIR / "gaoxin.log"),
                 "maxBytes": 10 * 1024 * 1024, "backupCount": 5, "encoding": "utf-8", "delay": True,
                 "filters": ["request_id"], "formatter": _log_format},
    },
    "loggers": {
        "gaoxin": {"handlers": ["console", "file"], "level": env("GAOXIN_LOG_LEVEL", default="INFO")},
        "django.request": {"handlers": ["console", "file"], "level": "ERROR"},
        "django.security": {"handlers": ["console", "file"], "level": "WARNING"},
        "django_tasks": {"handlers": ["console", "file"], "level": "WARNING"},
    },
}

# --- Zone configuration (values a zone must confirm; see docs/configuration.md) ---
# services.md §17.1: make-up weekend days (调休上班日) count as working days.
GAOXIN_MAKEUP_DAYS_COUNT = env.bool("GAOXIN_MAKEUP_DAYS_COUNT", default=True)
# services.md §17.2: acceptance on a non-working day counts from the next day ("next_day"),
# or the case is deemed accepted on the next working day ("next_workday").
GAOXIN_NONWORKING_ACCEPTANCE_RULE = env("GAOXIN_NONWORKING_ACCEPTANCE_RULE", default="next_day")
# Demo zone's administrative region code (湘潭市), used for generated codes.
GAOXIN_REGION_CODE = env("GAOXIN_REGION_CODE", default="430300")
# services.md §17.11: the layout of 实施编码 differs per province; a per-deployment pattern.
GAOXIN_ITEM_CODE_REGEX = env("GAOXIN_ITEM_CODE_REGEX", default=r"^[0-9A-Za-z-]{6,40}$")
# Base of the URLs printed in QR codes (e.g. https://zwfw.example.gov.cn). Empty: the address
# the poster was printed from.
GAOXIN_PUBLIC_BASE_URL = env("GAOXIN_PUBLIC_BASE_URL", default="")
# Outgoing SMS / e-mail (services.md §4 notifications): a dotted path to a class with send(phone=, message=).
GAOXIN_NOTIFY_BACKEND = env("GAOXIN_NOTIFY_BACKEND", default="gaoxin.core.notify.LogBackend")
# Case handling (services.md §5, §6, §9, §17): values a zone must confirm.
GAOXIN_CORRECTION_NOTICE_WORKDAYS = env.int("GAOXIN_CORRECTION_NOTICE_WORKDAYS", default=5)
GAOXIN_EXTENSION_WORKDAYS = env.int("GAOXIN_EXTENSION_WORKDAYS", default=10)
GAOXIN_AT_RISK_WORKDAYS = env.int("GAOXIN_AT_RISK_WORKDAYS", default=1)
GAOXIN_TOLERANCE_REMINDER_WORKDAYS = env.int("GAOXIN_TOLERANCE_REMINDER_WORKDAYS", default=2)
# 容缺 (services.md §6): the longest supply period the window may grant, in working days counted
# from the day after acceptance; its own limit, not the case's decision deadline.
GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS = env.int("GAOXIN_TOLERANCE_SUPPLY_MAX_WORKDAYS", default=10)
GAOXIN_RECTIFICATION_WORKDAYS = env.int("GAOXIN_RECTIFICATION_WORKDAYS", default=5)
# Uploads (core.uploads: extension, content, size): case materials and decisions, 帮代办 files, the catalogue's forms;
# an evaluation objection's evidence. Only extensions whose content core.uploads.KINDS recognises are accepted.
GAOXIN_UPLOAD_EXTENSIONS = env.list("GAOXIN_UPLOAD_EXTENSIONS", default=["pdf", "jpg", "jpeg", "png", "ofd", "doc", "docx", "xls", "xlsx"])
GAOXIN_UPLOAD_MAX_BYTES = env.int("GAOXIN_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
GAOXIN_UPLOAD_EVIDENCE_EXTENSIONS = env.list("GAOXIN_UPLOAD_EVIDENCE_EXTENSIONS",
                                             default=["pdf", "jpg", "jpeg", "png", "ofd", "docx", "xlsx"])
GAOXIN_UPLOAD_EVIDENCE_MAX_BYTES = env.int("GAOXIN_UPLOAD_EVIDENCE_MAX_BYTES", default=20 * 1024 * 1024)
# Items (by name) whose decision registers a new firm: entering its USCC binds it to the founder.
GAOXIN_FIRM_REGISTRATION_ITEMS = env.list("GAOXIN_FIRM_REGISTRATION_ITEMS",
                                          default=["企业设立登记", "个体工商户设立登记"])
# A registry import's audit event lists each changed firm's fields before and after, for at most this many firms
# (the rest are counted), so one import of a whole zone stays one readable event.
GAOXIN_REGISTRY_AUDIT_MAX_FIRMS = env.int("GAOXIN_REGISTRY_AUDIT_MAX_FIRMS", default=1000)
# Self-registration of natural persons (自然人注册): attempts per client address and hour.
GAOXIN_REGISTRATION_ATTEMPTS_PER_HOUR = env.int("GAOXIN_REGISTRATION_ATTEMPTS_PER_HOUR", default=10)
# Public case tracking (/track/): look-ups per client address within a window of minutes (guessing pairs of
# case number and ID number is useless at this rate).
GAOXIN_TRACK_ATTEMPTS = env.int("GAOXIN_TRACK_ATTEMPTS", default=10)
GAOXIN_TRACK_WINDOW_MINUTES = env.int("GAOXIN_TRACK_WINDOW_MINUTES", default=10)
# Benefits (benefits.md §3, §11): values a zone must confirm.
GAOXIN_FINANCE_DEPARTMENT_CODE = env("GAOXIN_FINANCE_DEPARTMENT_CODE", default="finance")
GAOXIN_FAST_PAYMENT_WORKDAYS = env.int("GAOXIN_FAST_PAYMENT_WORKDAYS", default=60)
GAOXIN_BENEFIT_NOTICE_WORKDAYS = env.int("GAOXIN_BENEFIT_NOTICE_WORKDAYS", default=5)
# The rule language's bounds (benefits/rules.py Limits), checked before a rule is compiled: characters, syntax-tree
# nodes and depth (at most 100), comparisons, arithmetic terms, nodes of the compiled Polars expression.
GAOXIN_RULE_MAX_LENGTH = env.int("GAOXIN_RULE_MAX_LENGTH", default=2000)
GAOXIN_RULE_MAX_NODES = env.int("GAOXIN_RULE_MAX_NODES", default=600)
GAOXIN_RULE_MAX_DEPTH = env.int("GAOXIN_RULE_MAX_DEPTH", default=30)
GAOXIN_RULE_MAX_CONDITIONS = env.int("GAOXIN_RULE_MAX_CONDITIONS", default=64)
GAOXIN_RULE_MAX_TERMS = env.int("GAOXIN_RULE_MAX_TERMS", default=64)
GAOXIN_RULE_MAX_COST = env.int("GAOXIN_RULE_MAX_COST", default=5000)
# A firm's life-cycle stage (生命周期阶段, benefits.lifecycle): [stage, rule in the rule language] in order, the first
# that holds; shown on the firm's 一户式 page, usable in campaign and policy rules as life_stage. A JSON list.
# (default, configurable: a zone must confirm its stages and their thresholds)
GAOXIN_LIFE_STAGES = env.json("GAOXIN_LIFE_STAGES", default=[
    ["上市", "listed == True"],
    ["上市后备", "listing_reserve == True"],
    ["规上", "size_group == 'ABOVE'"],
    ["新设", "days_since_registration < 1095"],
    ["成长", "days_since_registration >= 1095"],
])
# A PARTIAL match is pushed when at least this share of its conditions is already met (自测通过率 band "中").
GAOXIN_PARTIAL_PUSH_MIN_RATIO = env.float("GAOXIN_PARTIAL_PUSH_MIN_RATIO", default=0.4)
# Re-matching every published policy (after a registry import) writes its results per policy in batches of this
# many firms, each batch its own short transaction, so log-ins and other writes are not held up meanwhile.
GAOXIN_MATCH_WRITE_BATCH = env.int("GAOXIN_MATCH_WRITE_BATCH", default=2000)
# On SQLite, the pause between two such batches, so a log-in or form waiting for the one write lock gets it (SQLite's
# waiting writers poll every 100 ms; batches back to back would starve them into "database is locked").
GAOXIN_MATCH_WRITE_PAUSE_SECONDS = env.float("GAOXIN_MATCH_WRITE_PAUSE_SECONDS", default=0.15)
# Enterprise appeals (benefits.md §5.4): (respond, resolve) in working days after dispatch, by
# urgency (urgent, complex) or request type. 0 = the same day.
GAOXIN_APPEAL_LIMITS = env.json("GAOXIN_APPEAL_LIMITS", default={
    "urgent": [0, 0], "complex": [1, 25], "consult": [1, 2], "help": [0, 10], "suggestion": [0, 10],
    "complaint": [0, 15], "report": [0, 15],
})
GAOXIN_APPEAL_EXTENSION_WORKDAYS = env.int("GAOXIN_APPEAL_EXTENSION_WORKDAYS", default=10)
# 满意率 = (非常满意 + 满意 + w × 基本满意) ÷ rated (benefits.md §5.5)
GAOXIN_APPEAL_BASIC_SATISFIED_WEIGHT = env.float("GAOXIN_APPEAL_BASIC_SATISFIED_WEIGHT", default=1.0)
# The four 即 (services.md §11, §17.10): largest gap in working days (start day not counted)
# between a reform's two milestones that still counts as achieved.
GAOXIN_NEGOTIATION_TO_PLAN_WORKDAYS = env.int("GAOXIN_NEGOTIATION_TO_PLAN_WORKDAYS", default=1)  # 洽谈即服务
GAOXIN_LAND_TO_PERMIT_WORKDAYS = env.int("GAOXIN_LAND_TO_PERMIT_WORKDAYS", default=0)  # 拿地即开工
GAOXIN_COMPLETION_TO_REGISTRATION_WORKDAYS = env.int("GAOXIN_COMPLETION_TO_REGISTRATION_WORKDAYS", default=0)  # 竣工即办证
GAOXIN_HANDOVER_TO_CERTIFICATE_WORKDAYS = env.int("GAOXIN_HANDOVER_TO_CERTIFICATE_WORKDAYS", default=0)  # 交房即交证

# Per-mu evaluation (specs/evaluation.md §12, all "(default, configurable)").
GAOXIN_EVALUATION_DEPARTMENT_CODE = env("GAOXIN_EVALUATION_DEPARTMENT_CODE", default="economic")
GAOXIN_EVALUATION_NOTICE_LENGTH = env.int("GAOXIN_EVALUATION_NOTICE_LENGTH", default=5)
GAOXIN_EVALUATION_NOTICE_UNIT = env("GAOXIN_EVALUATION_NOTICE_UNIT", default="calendar")  # or "working"
# Which department supplies and verifies each input field (§12.5); keys are method field names.
GAOXIN_EVALUATION_FIELD_OWNERS = env.json("GAOXIN_EVALUATION_FIELD_OWNERS", default={
    "tax_wan": "tax", "sales_wan": "tax",
    "value_added_wan": "statistics", "energy_tce": "statistics", "rd_wan": "statistics", "avg_employees": "statistics",
    "electricity_wan_kwh": "power", "water_t": "water",
    "own_land_m2": "natural-resources", "leased_in_m2": "natural-resources", "leased_out_m2": "natural-resources",
    "unregistered_land_m2": "natural-resources",
    "cod_kg": "ecology", "nh3n_kg": "ecology", "so2_kg": "ecology", "nox_kg": "ecology",
})
# A self-reported figure further than this from the verified one is listed in the cross-check.
GAOXIN_EVALUATION_GAP_PERCENT = env.float("GAOXIN_EVALUATION_GAP_PERCENT", default=10.0)
# Consecutive years in D (§13): does a year in T, or a year without evaluation, break the streak?
GAOXIN_EVALUATION_STREAK_T_BREAKS = env.bool("GAOXIN_EVALUATION_STREAK_T_BREAKS", default=True)
GAOXIN_EVALUATION_STREAK_GAP_BREAKS = env.bool("GAOXIN_EVALUATION_STREAK_GAP_BREAKS", default=True)
# Bonus rules of the method that the registry's qualifications prove (rule id -> qualification kind),
# valid at the end of the data year; other bonus, penalty and veto events are recorded per cycle.
GAOXIN_EVALUATION_QUALIFICATION_RULES = env.json("GAOXIN_EVALUATION_QUALIFICATION_RULES", default={"HNTE": "hnte"})
# Which department records each bonus / penalty / veto rule (the rule's evidence source, §10); keys are rule ids
# of the method. The bureau records every rule; a department only its own (the tax bureau records no accident veto).
GAOXIN_EVALUATION_ADJUSTMENT_OWNERS = env.json("GAOXIN_EVALUATION_ADJUSTMENT_OWNERS", default={
    "ENV_PENALTY": "ecology", "MAJOR_SAFETY": "emergency", "SUBLET": "natural-resources",
})
# Re-publishing after objections (§12.2): "changed" notices only the firms whose tier moved since the
# first notice; "all" notices the whole list again.
GAOXIN_EVALUATION_RENOTICE_SCOPE = env("GAOXIN_EVALUATION_RENOTICE_SCOPE", default="changed")

# --- Leadership figures (dashboard app; platform.md §7, services.md §14) -------------------------------------------
# A figure's warning threshold: {"figure id": {"min": x}} warns below x, {"max": x} above x (default, configurable).
GAOXIN_FIGURE_THRESHOLDS = env.json("GAOXIN_FIGURE_THRESHOLDS", default={
    "cases.on_time_rate": {"min": 95}, "cases.overdue": {"max": 0}, "cases.good_rate": {"min": 95},
    "cases.bad_fixed": {"min": 90}, "stations.on_the_spot": {"min": 90}, "appeals.response_rate": {"min": 95},
    "appeals.on_time": {"min": 90}, "appeals.satisfaction": {"min": 90},
})
# 好评率 counts ratings at or above this level (3 = 基本满意以上; some provinces count only 4 and 5).
GAOXIN_GOOD_RATING_MIN_LEVEL = env.int("GAOXIN_GOOD_RATING_MIN_LEVEL", default=3)
# Each computation of the stored figures recomputes the days this far back (records change after their date).
GAOXIN_FIGURES_LOOKBACK_DAYS = env.int("GAOXIN_FIGURES_LOOKBACK_DAYS", default=120)
# The dashboard says its figures are stale after this many minutes (refresh_figures runs from the timer).
GAOXIN_FIGURES_MAX_AGE_MINUTES = env.int("GAOXIN_FIGURES_MAX_AGE_MINUTES", default=60)
# The figures the monthly report ranks departments on.
GAOXIN_REPORT_RANKING_FIGURES = env.list("GAOXIN_REPORT_RANKING_FIGURES", default=[
    "cases.on_time_rate", "cases.speed_up", "cases.good_rate", "appeals.on_time", "appeals.satisfaction"])
# "余" rounding in the report's paragraph: significant digits kept (600余次, 260余个).
GAOXIN_REPORT_ROUND_DIGITS = env.int("GAOXIN_REPORT_ROUND_DIGITS", default=2)
# E-mail for subscribed reports and alerts: GAOXIN_EMAIL_URL=smtp+tls://user:password@mail.example.gov.cn:587 (or
# smtp://… on the intranet's relay). Unset: no e-mail is sent (in-app messages always are).
vars().update(env.email_url("GAOXIN_EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("GAOXIN_EMAIL_FROM", default="gaoxin@localhost")
GAOXIN_NOTIFY_EMAIL = bool(env("GAOXIN_EMAIL_URL", default=""))

# --- Talent and employment (talent app; platform.md §3, benefits.md §6.1) -------------------------------------------
# The departments whose officers form the talent office (人社局, 人才办): they see hired people's ID numbers in full,
# run matchmaking events and keep the school agreements.
GAOXIN_TALENT_DEPARTMENT_CODES = env.list("GAOXIN_TALENT_DEPARTMENT_CODES", default=["hrss"])
# Retention checks after the first day on the job, in calendar days, each moved to a working day (default 30 and 90).
GAOXIN_TALENT_RETENTION_DAYS = env.list("GAOXIN_TALENT_RETENTION_DAYS", cast=int, default=[30, 90])
# A retention check not answered this many calendar days after its date is marked overdue (逾期) on the 待回访 list.
GAOXIN_TALENT_RETENTION_GRACE_DAYS = env.int("GAOXIN_TALENT_RETENTION_GRACE_DAYS", default=7)
# A school agreement without any activity for this many months is listed as dormant (沉睡协议).
GAOXIN_TALENT_DORMANT_MONTHS = env.int("GAOXIN_TALENT_DORMANT_MONTHS", default=6)
# Days before an agreement's expiry when the talent office and the firm are reminded.
GAOXIN_TALENT_AGREEMENT_REMINDER_DAYS = env.int("GAOXIN_TALENT_AGREEMENT_REMINDER_DAYS", default=30)

# --- Talent apartments, services and pairing (talentcare app; platform.md §3, benefits.md §6.2) ----------------------
# The allocation queue's priority, earlier keys first: "tier" (the talent's highest valid tier first, talents without
# one last), "applied_at" (earlier first), "family_size" (more people first). Ties: application time, then id.
GAOXIN_TALENTCARE_QUEUE_ORDER = env.list("GAOXIN_TALENTCARE_QUEUE_ORDER", default=["tier", "applied_at"])
# The share of a flat's rent the zone pays, per tier code (e.g. A=1,B=0.8): the talent pays the rest. A talent
# without a valid tier pays the full rent. Set per zone's housing policy.
GAOXIN_TALENTCARE_RENT_SUBSIDY = env.dict("GAOXIN_TALENTCARE_RENT_SUBSIDY", cast={"value": float},
                                          default={"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.5, "E": 0.3})
# The longest lease signed or renewed at once, in months.
GAOXIN_TALENTCARE_MAX_LEASE_MONTHS = env.int("GAOXIN_TALENTCARE_MAX_LEASE_MONTHS", default=36)
# The office and the talent are reminded this many working days before a lease ends (`gaoxin sweep_talentcare`).
GAOXIN_TALENTCARE_EXPIRY_REMINDER_WORKDAYS = env.int("GAOXIN_TALENTCARE_EXPIRY_REMINDER_WORKDAYS", default=20)
# 结对联系人才全覆盖: talents of this tier or higher should each have a paired leader (unpaired ones are flagged).
GAOXIN_TALENTCARE_PAIRING_TIER = env("GAOXIN_TALENTCARE_PAIRING_TIER", default="C")
# A paired talent without a contact for this many days is overdue on the leader's page (and the leader is reminded).
GAOXIN_TALENTCARE_CONTACT_DAYS = env.int("GAOXIN_TALENTCARE_CONTACT_DAYS", default=90)
# The public notice (公示) of a talent recognition round: its length and unit ("calendar" or "working" days).
GAOXIN_TALENT_NOTICE_LENGTH = env.int("GAOXIN_TALENT_NOTICE_LENGTH", default=7)
GAOXIN_TALENT_NOTICE_UNIT = env("GAOXIN_TALENT_NOTICE_UNIT", default="calendar")

# --- Innovation competitions (competitions app; platform.md §6, benefits.md §8) ------------------------------------
# The departments (org unit codes) whose officers organise the competitions: the zone's science and technology bureau.
GAOXIN_COMPETITIONS_DEPARTMENT_CODES = env.list("GAOXIN_COMPETITIONS_DEPARTMENT_CODES", default=["science"])
# A new edition's eligibility defaults (each edition keeps its own copy, editable): prior-year revenue cap in 万元
# (2亿 = 20000), and the most awards one firm may hold across editions.
GAOXIN_COMPETITIONS_REVENUE_CAP = env.int("GAOXIN_COMPETITIONS_REVENUE_CAP", default=20000)
GAOXIN_COMPETITIONS_AWARD_LIMIT = env.int("GAOXIN_COMPETITIONS_AWARD_LIMIT", default=2)
# A zone round's results are on public notice (公示) for this many calendar or working days before they are final.
GAOXIN_COMPETITIONS_NOTICE_LENGTH = env.int("GAOXIN_COMPETITIONS_NOTICE_LENGTH", default=5)
GAOXIN_COMPETITIONS_NOTICE_UNIT = env("GAOXIN_COMPETITIONS_NOTICE_UNIT", default="working")
# After an award: follow up investor contacts and financing this many months on (due on the next working day).
GAOXIN_COMPETITIONS_FOLLOW_UP_MONTHS = env.list("GAOXIN_COMPETITIONS_FOLLOW_UP_MONTHS", cast=int, default=[6, 12])

# --- Green manufacturing (green app; platform.md §5, benefits.md §7) ------------------------------------------------
# The departments (org unit codes) that keep the green and smart labels: the zone's economic bureau.
GAOXIN_GREEN_DEPARTMENT_CODES = env.list("GAOXIN_GREEN_DEPARTMENT_CODES", default=["economic"])
# Evaluation rules (rule id -> what it records) whose record for a firm flags its labels for review.
GAOXIN_GREEN_FLAG_RULES = env.json("GAOXIN_GREEN_FLAG_RULES", default={
    "MAJOR_SAFETY": "较大及以上生产安全事故", "ENV_PENALTY": "环境行政处罚"})
# The yearly self-declaration (自评价) of green labels is due on this month-day (moved onto a working day); firms
# holding a live label are reminded this many working days before (`gaoxin sweep_green`).
GAOXIN_GREEN_DECLARATION_DUE = env("GAOXIN_GREEN_DECLARATION_DUE", default="06-30")
GAOXIN_GREEN_DECLARATION_REMIND_WORKDAYS = env.int("GAOXIN_GREEN_DECLARATION_REMIND_WORKDAYS", default=10)
# Carbon-efficiency grade (碳效, 衢州 style): the firm's carbon intensity over its industry benchmark; the upper bounds
# of 深绿, 浅绿 and 黄 (above the last: 红). Placeholders for the zone to confirm.
GAOXIN_GREEN_CARBON_THRESHOLDS = env.list("GAOXIN_GREEN_CARBON_THRESHOLDS", cast=float, default=[0.8, 1.0, 1.2])
# Emission factors: tCO2 per tce of comprehensive energy; tCO2 per 万kWh of grid electricity (used when a firm's
# energy figure is missing).
GAOXIN_GREEN_CARBON_FACTOR_TCE = env.float("GAOXIN_GREEN_CARBON_FACTOR_TCE", default=2.66)
GAOXIN_GREEN_CARBON_FACTOR_ELECTRICITY = env.float("GAOXIN_GREEN_CARBON_FACTOR_ELECTRICITY", default=5.703)
# An industry (GB/T 4754 division) with fewer firms than this is benchmarked against the whole zone.
GAOXIN_GREEN_CARBON_MIN_PEERS = env.int("GAOXIN_GREEN_CARBON_MIN_PEERS", default=5)
# The green scorecard (绿色评价打分卡, benefits.md §7.4 "indicator list and weights configurable"): the method file in
# green/methods/ (a zone copies green_default.yaml and names its copy here), and which evaluation adjustment rules
# count as the scorecard's penalty events (column → rule ids of the evaluation method).
GAOXIN_GREEN_SCORECARD_METHOD = env("GAOXIN_GREEN_SCORECARD_METHOD", default="green_default")
GAOXIN_GREEN_SCORECARD_PENALTY_RULES = env.json("GAOXIN_GREEN_SCORECARD_PENALTY_RULES", default={
    "env_penalties": ["ENV_PENALTY"], "safety_accidents": ["MAJOR_SAFETY"]})
# A firm may object to its scorecard grade for this many days from the run's completion (counting that day; a
# working-day window starts on the next working day), as evaluation objections are accepted during its notice.
GAOXIN_GREEN_SCORECARD_OBJECTION_LENGTH = env.int("GAOXIN_GREEN_SCORECARD_OBJECTION_LENGTH", default=10)
GAOXIN_GREEN_SCORECARD_OBJECTION_UNIT = env("GAOXIN_GREEN_SCORECARD_OBJECTION_UNIT", default="working")
# Green finance board (绿贷通 style): the departments whose officers run it and the risk pool (the zone's finance
# bureau; the zone administrator too); a partner bank answers a need shared with it within this many working days
# (湖州: "within a week").
GAOXIN_GREEN_FINANCE_DEPARTMENT_CODES = env.list("GAOXIN_GREEN_FINANCE_DEPARTMENT_CODES", default=["finance"])
GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS = env.int("GAOXIN_GREEN_BANK_RESPONSE_WORKDAYS", default=5)
# The zone's risk-compensation pool (高新贷 risk funds): the interest subsidy (贴息) on a disbursed loan is this share of
# its interest, at most at the ceiling rate (% a year; the 1-year LPR) and for the first months, capped per loan (元);
# a defaulted loan is compensated up to this share of its principal. Placeholders: 高新贷's terms are not published.
GAOXIN_GREEN_SUBSIDY_SHARE = env("GAOXIN_GREEN_SUBSIDY_SHARE", default="0.5")
GAOXIN_GREEN_SUBSIDY_RATE_CEILING = env("GAOXIN_GREEN_SUBSIDY_RATE_CEILING", default="3.00")
GAOXIN_GREEN_SUBSIDY_MONTHS = env.int("GAOXIN_GREEN_SUBSIDY_MONTHS", default=12)
GAOXIN_GREEN_SUBSIDY_CAP = env("GAOXIN_GREEN_SUBSIDY_CAP", default="500000")
GAOXIN_GREEN_COMPENSATION_SHARE = env("GAOXIN_GREEN_COMPENSATION_SHARE", default="0.5")

# 智能微厅 (platform.md §1): seconds without a touch after which a kiosk page wipes the form and ends the visit;
# the identity back-end (a class with `form_class`, `source` and `id_number(form)`, like the SMS back-end); how long a
# terminal's browser stays registered; the validity of the 委托书 of a 帮代办 order placed at the kiosk.
GAOXIN_KIOSK_IDLE_SECONDS = env.int("GAOXIN_KIOSK_IDLE_SECONDS", default=60)
GAOXIN_KIOSK_IDENTITY_BACKEND = env("GAOXIN_KIOSK_IDENTITY_BACKEND", default="gaoxin.kiosk.identity.IdCardBackend")
GAOXIN_KIOSK_COOKIE_DAYS = env.int("GAOXIN_KIOSK_COOKIE_DAYS", default=3650)
GAOXIN_KIOSK_COMMISSION_DAYS = env.int("GAOXIN_KIOSK_COMMISSION_DAYS", default=180)
# 手机扫码登录: how long the QR code of the welcome screen stays valid (seconds).
GAOXIN_KIOSK_HANDOFF_SECONDS = env.int("GAOXIN_KIOSK_HANDOFF_SECONDS", default=120)
# 取号: the hall's opening and closing time (local, HH:MM). Tickets are issued only on the calendar's working days
# between the two, and no number is called after closing. From closing on (and for any earlier day) tickets still
# waiting or called but not finished are voided by `gaoxin sweep_kiosk` (the 15-minute job), so they do not count in
# the waits.
GAOXIN_QUEUE_OPENING_TIME = env("GAOXIN_QUEUE_OPENING_TIME", default="08:30")
GAOXIN_QUEUE_CLOSING_TIME = env("GAOXIN_QUEUE_CLOSING_TIME", default="17:30")
# Log-ins at one terminal that found nobody, per period (count, seconds), before the terminal pauses its log-in.
GAOXIN_KIOSK_LOGIN_LIMIT = tuple(env.list("GAOXIN_KIOSK_LOGIN_LIMIT", cast=int, default=[10, 600]))
# A person whose ID number finds no account and no firm may still do, as a private person, the kiosk's 即办 items
# that take natural persons (name and phone typed at the terminal; name and number masked on its screens).
GAOXIN_KIOSK_GUESTS = env.bool("GAOXIN_KIOSK_GUESTS", default=True)

# 云导办 (platform.md §2): the guidance timetable of a working day (periods "HH:MM-HH:MM", comma-separated) cut into
# slots of GAOXIN_GUIDANCE_SLOT_MINUTES; how many guides serve one slot at once; how many working days ahead a slot
# may be booked; how early before its start a session may be begun; when the booker is reminded; the base URL of a
# self-hosted meeting room (empty: the guide pastes an external link when confirming); the 委托书 validity of a
# 帮代办 order raised in a session.
GAOXIN_GUIDANCE_HOURS = env("GAOXIN_GUIDANCE_HOURS", default="09:00-11:30,14:00-17:00")
GAOXIN_GUIDANCE_SLOT_MINUTES = env.int("GAOXIN_GUIDANCE_SLOT_MINUTES", default=30)
GAOXIN_GUIDANCE_PARALLEL = env.int("GAOXIN_GUIDANCE_PARALLEL", default=2)
GAOXIN_GUIDANCE_BOOKING_DAYS = env.int("GAOXIN_GUIDANCE_BOOKING_DAYS", default=10)
GAOXIN_GUIDANCE_EARLY_MINUTES = env.int("GAOXIN_GUIDANCE_EARLY_MINUTES", default=15)
GAOXIN_GUIDANCE_REMIND_MINUTES = env.int("GAOXIN_GUIDANCE_REMIND_MINUTES", default=60)
GAOXIN_GUIDANCE_MEETING_BASE_URL = env("GAOXIN_GUIDANCE_MEETING_BASE_URL", default="")
GAOXIN_GUIDANCE_COMMISSION_DAYS = env.int("GAOXIN_GUIDANCE_COMMISSION_DAYS", default=180)

# 云直播 (platform.md §2): whether a visitor who is not logged in may ask a question in a live session (leaving a
# name and a phone; such a question is answered by SMS and cannot become an appeal), and how many such questions one
# address may ask per hour.
GAOXIN_LIVE_ANONYMOUS_QUESTIONS = env.bool("GAOXIN_LIVE_ANONYMOUS_QUESTIONS", default=True)
GAOXIN_LIVE_ANONYMOUS_PER_HOUR = env.int("GAOXIN_LIVE_ANONYMOUS_PER_HOUR", default=5)
# A session started more than GAOXIN_LIVE_EARLY_START_MINUTES before its announced time needs the host's confirmation
# and a note (the public were told another time); one still marked on air GAOXIN_LIVE_OVERRUN_MINUTES after it should
# have ended reads 已超出计划时间 for the public and takes no more questions (the hosts are asked to end it).
GAOXIN_LIVE_EARLY_START_MINUTES = env.int("GAOXIN_LIVE_EARLY_START_MINUTES", default=60)
GAOXIN_LIVE_OVERRUN_MINUTES = env.int("GAOXIN_LIVE_OVERRUN_MINUTES", default=60)
