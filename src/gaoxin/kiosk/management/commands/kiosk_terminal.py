"""Register a kiosk terminal (智能微厅), or enable / disable one: `gaoxin kiosk_terminal add "1号机" "政务服务中心一楼"`
prints the key to type once on the terminal's browser at /kiosk/activate/; `--station 金荣政务服务驿站` names the station
nearest the terminal (asked to call back a person whose business cannot be done there), also for an existing
terminal: `gaoxin kiosk_terminal station "1号机" --station 金荣政务服务驿站` (empty: none)."""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from gaoxin.kiosk import services
from gaoxin.kiosk.models import Terminal


class Command(BaseCommand):
    help = "登记、启用或停用智能微厅自助终端"

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["add", "enable", "disable", "station"])
        parser.add_argument("name")
        parser.add_argument("location", nargs="?", default="")
        parser.add_argument("--station", default="", help="就近驿站的名称")

    def handle(self, *args, action, name, location, station="", **options):
        from gaoxin.accounts.models import OrgKind, OrgUnit

        unit = None
        if station.strip():
            unit = OrgUnit.objects.filter(kind=OrgKind.STATION, name=station.strip()).first()
            if unit is None:
                raise CommandError(f"没有名为“{station}”的驿站")
        try:
            if action == "add":
                terminal, key = services.terminal_register(name=name, location=location, actor=None, station=unit)
                self.stdout.write(f"已登记终端“{terminal}”。请在该终端浏览器打开 /kiosk/activate/ 输入密钥：{key}")
                return
            terminal = Terminal.objects.filter(name=name).first()
            if terminal is None:
                raise CommandError(f"没有名为“{name}”的终端")
            if action == "station":
                services.terminal_set_station(terminal=terminal, station=unit, actor=None)
                self.stdout.write(f"终端“{terminal}”的就近驿站：{unit.name if unit else '未设置'}。")
                return
            services.terminal_set_active(terminal=terminal, active=action == "enable", actor=None)
            self.stdout.write(f"终端“{terminal}”已{'启用' if action == 'enable' else '停用'}。")
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
