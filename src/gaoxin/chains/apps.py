from django.apps import AppConfig


class ChainsConfig(AppConfig):
    name = "gaoxin.chains"
    label = "chains"
    verbose_name = "产业链（链长制）"

    def ready(self):
        from gaoxin.core import events

        from .workflow import ACTION_WORKFLOW, MEMBERSHIP_WORKFLOW, TARGET_WORKFLOW

        events.register_room("chains", "产业链")
        events.register({"chain.create": "新建产业链", "chain.update": "修改产业链", "node.create": "新增产业链环节",
                         "taskforce.add": "加入产业链专班", "taskforce.remove": "移出产业链专班",
                         "membership.add": "登记链上企业", "chain.refresh": "按企业档案更新链上企业建议",
                         "meeting.create": "记录产业链会议", "action.note": "登记会议任务进展",
                         "target.create": "登记招商目标", "target.contact": "登记招商对接情况",
                         "problem.tag": "标记产业链问题", "problem.untag": "取消标记产业链问题"},
                        prefix="chains.")
        for workflow in (MEMBERSHIP_WORKFLOW, ACTION_WORKFLOW, TARGET_WORKFLOW):
            events.register(workflow.labels(), prefix=f"{workflow.name}.")
