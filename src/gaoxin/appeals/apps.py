from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "gaoxin.appeals"
    label = "appeals"
    verbose_name = "企业诉求"

    def ready(self):
        from gaoxin.core import events

        from .workflow import WORKFLOW

        events.register_room("appeal", "企业诉求")
        events.register(WORKFLOW.labels(), prefix="appeal.")
        events.register({"SUBMIT": "提出诉求", "SUBMITTED": "提出诉求"}, prefix="appeal.")
