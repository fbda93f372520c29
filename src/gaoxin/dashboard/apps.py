from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "gaoxin.dashboard"
    label = "dashboard"
    verbose_name = "领导驾驶舱"

    def ready(self):
        from gaoxin.core import events

        events.register_room("report", "领导驾驶舱与月度报告")
        events.register({"generate": "生成月度报告", "edit": "修改月度报告通稿", "publish": "发布月度报告",
                         "subscribe": "订阅", "unsubscribe": "取消订阅"}, prefix="report.")
