from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "gaoxin.assist"
    label = "assist"
    verbose_name = "帮代办与项目审批链"

    def ready(self):
        from gaoxin.core import events

        from .workflow import WORKFLOW

        events.register_room("assist", "帮代办")
        events.register(WORKFLOW.labels(), prefix="assist.order.")
        events.register({"REQUEST": "提交帮代办订单", "FILE_CASE": "代为申报"}, prefix="assist.order.")
        # Audit events written before the orders moved onto the kernel ("assist.order_assign", …).
        events.register(WORKFLOW.labels(), prefix="assist.order_")
        events.register({"REQUEST": "提交帮代办订单", "CREATED": "提交帮代办订单", "RATED": "评价代办服务",
                         "FILE_CASE": "代为申报"}, prefix="assist.order_")
        events.register({"case_filed": "代为申报办件"}, prefix="assist.")
        events.register({"visit_logged": "记录上门走访", "project_created": "登记项目", "project_step_filed": "项目环节申报",
                         "project_milestones": "更新“四即”节点", "file_downloaded": "查看委托书等材料"}, prefix="assist.")

        from gaoxin.core import hooks

        hooks.provide("catalog.guide", _guide_flags)


def _guide_flags(user, **context) -> dict:
    """The guide search's 帮代办 link when nothing is found."""
    from .permissions import can_place_order

    return {"can_place_order": can_place_order(user)}
