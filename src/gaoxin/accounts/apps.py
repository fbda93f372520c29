from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gaoxin.accounts"
    label = "accounts"
    verbose_name = "用户与机构"

    def ready(self):
        from gaoxin.core import events

        events.register_room("account", "账号")
        events.register({"registered": "自然人注册", "enterprise_bound": "绑定企业", "login": "登录", "logout": "退出登录",
                         "login_failed": "登录失败", "password_changed": "修改本人密码"}, prefix="account.")
        from django.contrib.auth import signals

        from . import security

        signals.user_logged_in.connect(security.on_logged_in, dispatch_uid="gaoxin.account.login")
        signals.user_logged_out.connect(security.on_logged_out, dispatch_uid="gaoxin.account.logout")
        signals.user_login_failed.connect(security.on_login_failed, dispatch_uid="gaoxin.account.login_failed")
        # The firm ids an enterprise user's scopers filter on are kept on the user object (permissions.firm_ids_of).
        from django.db.models import signals as model_signals

        from .models import EnterpriseMembership, User
        from .permissions import forget_firm_ids

        model_signals.post_save.connect(forget_firm_ids, sender=EnterpriseMembership, dispatch_uid="gaoxin.firm_ids.save")
        model_signals.post_delete.connect(forget_firm_ids, sender=EnterpriseMembership,
                                          dispatch_uid="gaoxin.firm_ids.delete")
        model_signals.m2m_changed.connect(forget_firm_ids, sender=User.enterprises.through,
                                          dispatch_uid="gaoxin.firm_ids.m2m")
        # The administration (/django-admin/): accounts, units, firm bindings and posts.
        events.register({
            "user_created": "新建用户", "user_changed": "修改用户信息", "user_access_changed": "变更用户角色、机构或后台权限",
            "user_activated": "启用账号", "user_deactivated": "停用账号", "user_deleted": "删除用户",
            "password_set": "管理员设置密码", "password_disabled": "管理员关闭密码登录",
            "org_unit_created": "新建机构", "org_unit_changed": "修改机构", "org_unit_deleted": "删除机构",
            "membership_granted": "授予企业绑定", "membership_changed": "修改企业绑定", "membership_revoked": "解除企业绑定",
            "assignment_added": "新增岗位安排", "assignment_changed": "修改岗位安排", "assignment_removed": "撤销岗位安排",
            "api_token_issued": "发放接口令牌", "api_token_revoked": "收回接口令牌", "lockout_cleared": "解除登录锁定",
        }, prefix="account.")
