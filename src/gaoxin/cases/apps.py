from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "gaoxin.cases"
    label = "cases"
    verbose_name = "办件"

    def ready(self):
        from gaoxin.core import events

        from .workflow import RECTIFICATION_WORKFLOW, WORKFLOW

        events.register_room("case", "办件")
        events.register(WORKFLOW.labels(), prefix="case.")
        # 差评整改: audit types "case.rectification.<step>"; the case timeline shows the step's code.
        events.register(RECTIFICATION_WORKFLOW.labels(), prefix="case.rectification.")
        events.register({code: f"差评整改：{label}" for code, label in RECTIFICATION_WORKFLOW.labels().items()},
                        prefix="case.")
        # Timeline codes that are not transitions of the table, and their audit event types.
        events.register({
            "SUBMIT": "提交申请", "SUBMITTED": "提交申请", "SUPPLY_OWED": "补交容缺材料", "SUPPLY_CORRECTION": "上传补正材料",
            "MATERIALS_ADDED": "上传补正材料", "REVIEW": "好差评", "REVIEWED": "好差评", "RECTIFICATION": "差评整改",
            "PACKAGE_PROGRESS": "一件事进度更新", "REGISTER_ENTERPRISE": "登记新设企业", "ENTERPRISE_REGISTERED": "登记新设企业",
            "MATERIAL_VIEWED": "查看申请材料", "MATERIAL_DOWNLOADED": "下载申请材料",
            "RESULT_VIEWED": "查看结果文件", "RESULT_DOWNLOADED": "下载结果文件",
        }, prefix="case.")

        from gaoxin.core import hooks

        hooks.provide("catalog.guide", _guide_flags)


def _guide_flags(user, **context) -> dict:
    """The guide page's 登记接件 button: window, station and 帮代办 staff register cases."""
    from .permissions import can_register_case

    return {"can_register": can_register_case(user)}
