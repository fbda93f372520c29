from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "gaoxin.appeals"
    label = "appeals"
    verbose_name = "企业诉求"

    def ready(self):
        from gaoxin.core import events

        from .services import TRANSITIONS

        events.register_room("appeal", "企业诉求")
        events.register({name: entry[3] for name, entry in TRANSITIONS.items()}, prefix="appeal.")
        events.register({"SUBMIT": "提出诉求", "SUBMITTED": "提出诉求"}, prefix="appeal.")
