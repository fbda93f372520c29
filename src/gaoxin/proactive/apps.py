from django.apps import AppConfig


class ProactiveConfig(AppConfig):
    name = "gaoxin.proactive"
    label = "proactive"
    verbose_name = "主动服务（一户式、走访、政策辅导、驿站片区、重点企业）"

    def ready(self):
        from gaoxin.core import events, hooks

        from .workflow import CAMPAIGN_WORKFLOW, NEED_WORKFLOW

        events.register_room("proactive", "主动服务")
        events.register({"campaign.create": "发起走访活动", "campaign.assign": "分配走访对象",
                         "visit.record": "登记走访记录", "area.set": "设置驿站服务片区",
                         "keyfirm.add": "列入重点企业", "keyfirm.add_rule": "按条件列入重点企业",
                         "keyfirm.remove": "移出重点企业", "coaching.record": "登记政策辅导"}, prefix="proactive.")
        for workflow in (CAMPAIGN_WORKFLOW, NEED_WORKFLOW):
            events.register(workflow.labels(), prefix=f"{workflow.name}.")
        hooks.provide("enterprises.detail", _firm_page_flags)
        hooks.provide("queue", _queue_flags)


def _firm_page_flags(user, enterprise=None, **_):
    from .permissions import can_view_firm_view

    return {"can_open_firm_view": enterprise is not None and can_view_firm_view(user)}


def _queue_flags(user, enterprise_ids=(), **_):
    """The queues of cases, appeals and 帮代办 orders: which firms on the page are key firms (one query) and whether the
    firm's name links to its 一户式 view."""
    from .permissions import can_view_firm_view, can_view_key_firms
    from .selectors import key_firm_ids

    return {"key_firm_ids": key_firm_ids(enterprise_ids) if can_view_key_firms(user) else set(),
            "can_open_firm_view": can_view_firm_view(user)}
