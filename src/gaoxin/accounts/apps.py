from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gaoxin.accounts"
    label = "accounts"
    verbose_name = "用户与机构"

    def ready(self):
        from gaoxin.core import events

        events.register_room("account", "账号")
        events.register({"registered": "自然人注册", "enterprise_bound": "绑定企业"}, prefix="account.")
