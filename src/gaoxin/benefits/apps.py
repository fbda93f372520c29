from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "gaoxin.benefits"
    label = "benefits"
    verbose_name = "惠企政策"

    def ready(self):
        from gaoxin.core import events

        from .services import TRANSITIONS

        events.register_room("benefits", "惠企政策")
        events.register({name: entry[3] for name, entry in TRANSITIONS.items()}, prefix="benefits.application_")
        events.register({"SUBMIT": "提交申请", "CONFIRM": "确认享受（免申即享）", "CREATED": "提交申请"},
                        prefix="benefits.application_")
        events.register({"policy_saved": "保存政策", "policy_published": "发布政策", "profile_updated": "更新企业画像"},
                        prefix="benefits.")
