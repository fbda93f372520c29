import datetime as dt
import logging

from django.core.management.base import BaseCommand
from django.utils import timezone

from gaoxin.demo import DEMO_LOGINS, DEMO_PASSWORD, DemoAlreadySeeded, build_demo_zone


class Command(BaseCommand):
    help = "Build the demo zone (演示园区): departments, stations, users per role and enterprises."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42, help="random seed; the same seed gives the same zone")
        parser.add_argument("--enterprises", type=int, default=300, help="number of enterprises (e.g. 100000 for benchmarks)")
        parser.add_argument("--history", type=int, default=5000, help="finished cases over the past 12 months")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="the demo's today (YYYY-MM-DD); by default the real date, so this month's figures, "
                                 "deadlines and expiries read as they would in a live zone")

    def handle(self, *args, seed, enterprises, history, today, **options):
        # Demo cases and appeals send hundreds of notices; the log backend would print each one.
        notify_log = logging.getLogger("gaoxin.notify")
        level = notify_log.level
        notify_log.setLevel(logging.WARNING)
        try:
            counts = build_demo_zone(seed=seed, enterprises=enterprises, history=history,
                                     today=today or timezone.localdate())
            self.stdout.write(self.style.SUCCESS(
                f"演示园区已生成：企业 {counts['enterprises']} 家，用地 {counts['parcels']} 宗，"
                f"资质 {counts['qualifications']} 项，用户 {counts['users']} 名，"
                f"政务服务事项 {counts['items']} 个，一件事 {counts['bundles']} 个，在办办件 {counts['cases']} 件，"
                f"近12个月历史办件 {counts['history']} 件。"
            ))
        except DemoAlreadySeeded:
            self.stdout.write("演示数据已存在，跳过生成（删除 var/gaoxin.sqlite3 可重新生成）。")
        finally:
            notify_log.setLevel(level)
        self.stdout.write("\n演示账号（密码均为 %s）：" % DEMO_PASSWORD)
        for username, role, what in DEMO_LOGINS:
            self.stdout.write(f"  {username:<11} {role:<16} {what}")
        self.stdout.write("\n启动服务后用以上账号登录（make demo 会打印服务地址）。")
