from django.conf import settings
from django.core.management.base import BaseCommand

from gaoxin.core.jobs import jobs_reap


class Command(BaseCommand):
    help = ("Mark running background jobs whose worker is gone (no heartbeat for GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS) "
            "as failed, so they can be submitted again (清理中断的后台任务). Safe to run at any time, e.g. from cron.")

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=None,
                            help="seconds without a heartbeat (default: GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS)")

    def handle(self, *args, timeout, **options):
        seconds = settings.GAOXIN_JOB_HEARTBEAT_TIMEOUT_SECONDS if timeout is None else timeout
        reaped = jobs_reap(timeout=seconds)
        for job in reaped:
            self.stdout.write(f"任务 #{job.pk}（{job.get_kind_display()}）已超过 {seconds:g} 秒无心跳，已标记为失败。")
        self.stdout.write(self.style.SUCCESS(f"共清理 {len(reaped)} 个中断的后台任务。"))
