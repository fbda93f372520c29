from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gaoxin.core"
    label = "core"
    verbose_name = "公共基础"

    def ready(self):
        from . import checks, events  # noqa: F401  (checks registers the deploy check)

        events.register_room("calendar", "工作日历")
        events.register({"year_added": "新增年度日历", "day_set": "修改日历日期", "year_confirmed": "确认年度日历"},
                        prefix="calendar.")
        events.register_room("job", "后台任务")
        events.register({"interrupted": "后台任务中断（处理进程已停止）"}, prefix="job.")
