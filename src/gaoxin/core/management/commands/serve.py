"""`gaoxin serve`: the production web server — gunicorn with threaded workers (docs/decisions/0006-production-server.md).

Workers default to the CPU count (at least 2), each with GAOXIN_WEB_THREADS threads; bind, timeout and the proxy
addresses whose X-Forwarded-* headers are believed come from the settings (GAOXIN_BIND, GAOXIN_WEB_*,
GAOXIN_FORWARDED_ALLOW_IPS), each also an option here. It refuses to start with the repository's SECRET_KEY (outside
the demo), and, when static files are served from `collectstatic` (GAOXIN_STATIC_FROM_FINDERS=false), without them.
The background worker is a process of its own: `gaoxin worker`."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from gaoxin.core.checks import DEFAULT_KEY_MESSAGE, uses_default_secret_key


def default_workers(cpus: int | None = None) -> int:
    """One process per CPU, at least two (one busy with a PDF or an export never stops the site)."""
    configured = int(settings.GAOXIN_WEB_WORKERS)
    if configured > 0:
        return configured
    return max(2, cpus if cpus is not None else (len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                                                   else os.cpu_count() or 1))


# Gunicorn's access log, with the request id the application puts in the response (X-Request-ID) so an access
# line and the application's log lines of one request are found together.
ACCESS_PLAIN = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms [%({x-request-id}o)s] "%(a)s"'
ACCESS_JSON = ('{"time": "%(t)s", "remote": "%(h)s", "request": "%(r)s", "status": %(s)s, "bytes": "%(b)s", '
               '"ms": %(M)s, "request_id": "%({x-request-id}o)s", "agent": "%(a)s"}')


def gunicorn_options(*, bind: str, workers: int, threads: int, timeout: int, access_log: str | None) -> dict:
    json_logs = settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    return {
        "bind": [b.strip() for b in bind.split(",") if b.strip()],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": 30,
        "keepalive": 5,
        # A worker is replaced after this many requests (a slow leak in a library cannot grow for ever). A new
        # worker costs about a second of CPU (it imports every view before it serves): after 2,000 requests that was
        # a tenth of the API's reads on a 2-core machine (issue 17), after 10,000 it is a fiftieth.
        "max_requests": 10000,
        "max_requests_jitter": 1000,
        "forwarded_allow_ips": settings.GAOXIN_FORWARDED_ALLOW_IPS,
        "accesslog": access_log,
        "access_log_format": ACCESS_JSON if json_logs else ACCESS_PLAIN,
        "errorlog": "-",
        "proc_name": "gaoxin",
        # Request lines and headers bounded as gunicorn's defaults; uploads are bounded by the application.
        "limit_request_line": 8190,
        "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,
        # gunicorn 24+: no control socket (it would be written to the service user's home, which may not exist).
        "control_socket_disable": True,
    }


class Command(BaseCommand):
    help = ("Serve the site with the production server (gunicorn, threaded workers). "
            "生产环境 Web 服务；后台任务另行运行 `gaoxin worker`。")
    requires_system_checks = []  # checked below, with the deploy checks' errors

    def add_arguments(self, parser):
        parser.add_argument("--bind", default=None, help="address:port (several separated by commas; "
                                                         "default GAOXIN_BIND)")
        parser.add_argument("--workers", type=int, default=None, help="processes (default: CPU count, at least 2)")
        parser.add_argument("--threads", type=int, default=None, help="threads per process (GAOXIN_WEB_THREADS)")
        parser.add_argument("--timeout", type=int, default=None, help="seconds for one request (GAOXIN_WEB_TIMEOUT)")
        parser.add_argument("--no-access-log", action="store_true", help="do not log every request")
        parser.add_argument("--print-config", action="store_true", help="print the server options and exit")

    def handle(self, *args, bind, workers, threads, timeout, no_access_log, print_config, **options):
        opts = gunicorn_options(
            bind=bind or settings.GAOXIN_BIND,
            workers=workers or default_workers(),
            threads=threads or int(settings.GAOXIN_WEB_THREADS),
            timeout=timeout or int(settings.GAOXIN_WEB_TIMEOUT),
            access_log=None if no_access_log else "-",
        )
        if print_config:
            for key, value in opts.items():
                self.stdout.write(f"{key} = {value!r}")
            return
        if uses_default_secret_key() and not settings.DEBUG and not settings.GAOXIN_DEMO_MODE:
            raise CommandError(DEFAULT_KEY_MESSAGE)
        self.check(display_num_errors=False, fail_level="ERROR")
        if not settings.WHITENOISE_USE_FINDERS and not (settings.STATIC_ROOT / "staticfiles.json").exists():
            raise CommandError(f"静态文件尚未收集：请先运行 `gaoxin collectstatic --noinput`（{settings.STATIC_ROOT}）。"
                               " / Static files not collected: run `gaoxin collectstatic --noinput` first.")
        from gunicorn.app.base import BaseApplication

        class GaoxinServer(BaseApplication):
            def load_config(self):
                for key, value in opts.items():
                    if value is not None and key in self.cfg.settings:  # a setting this gunicorn version has
                        self.cfg.set(key, value)

            def load(self):
                from django.urls import get_resolver

                from gaoxin.wsgi import application

                # Every view is imported before the worker takes a request, not by its first request (which took
                # most of a second: a user's wait after each worker replacement).
                get_resolver().url_patterns  # noqa: B018  (imports the URLconf and its views)
                return application

        self.stdout.write(f"Gaoxin 生产服务启动：{', '.join(opts['bind'])}，{opts['workers']} 个进程 × "
                          f"{opts['threads']} 个线程")
        self.stdout.flush()
        GaoxinServer().run()
