from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "gaoxin.enterprises"
    label = "enterprises"
    verbose_name = "企业档案"

    def ready(self):
        from gaoxin.core import events

        events.register_room("enterprise", "企业档案")
        events.register({"registry_imported": "企业名录导入"}, prefix="enterprise.")
        # The administration (/django-admin/): one firm's record edited by hand.
        events.register({
            "created": "新建企业档案", "changed": "修改企业档案",
            "parcel_added": "新增用地", "parcel_changed": "修改用地", "parcel_removed": "删除用地",
            "qualification_added": "新增资质", "qualification_changed": "修改资质", "qualification_removed": "删除资质",
            "contact_added": "新增联系人", "contact_changed": "修改联系人", "contact_removed": "删除联系人",
        }, prefix="enterprise.")
