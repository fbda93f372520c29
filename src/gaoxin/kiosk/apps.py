from django.apps import AppConfig


class KioskConfig(AppConfig):
    name = "gaoxin.kiosk"
    label = "kiosk"
    verbose_name = "智能微厅"

    def ready(self):
        from django.conf import settings

        from gaoxin.core import errors, events

        from . import checks  # noqa: F401  (registers the closing-time check)

        # An error at the terminal stays in the kiosk's full screen (no site menu, no web log-in), idle timer included.
        errors.register_error_template("/kiosk/", "kiosk/error.html",
                                       lambda request: {"idle_seconds": settings.GAOXIN_KIOSK_IDLE_SECONDS})

        events.register_room("kiosk", "智能微厅")
        events.register({"terminal_registered": "登记自助终端", "terminal_enabled": "启用自助终端",
                         "terminal_disabled": "停用自助终端", "terminal_activated": "自助终端完成设置",
                         "login": "自助终端登录", "login_refused": "自助终端登录未成功", "logout": "自助终端退出",
                         "handoff_opened": "自助终端生成扫码登录二维码", "handoff_confirmed": "手机确认自助终端扫码登录",
                         "station_call": "自助终端请驿站联系办事人", "station_call_handled": "驿站已联系办事人",
                         "terminal_station": "设置自助终端的就近驿站"},
                        prefix="kiosk.")
        events.register({"issue": "取号", "call": "叫号", "serve": "叫号后办理完成", "miss": "过号", "void": "闭厅时作废未办理的号码"},
                        prefix="kiosk.ticket.")
