from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "gaoxin.enterprises"
    label = "enterprises"
    verbose_name = "企业档案"

    def ready(self):
        from gaoxin.core import events

        events.register_room("enterprise", "企业档案")
        events.register({"registry_imported": "企业名录导入"}, prefix="enterprise.")
