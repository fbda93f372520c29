from django.apps import AppConfig


class TalentCareConfig(AppConfig):
    name = "gaoxin.talentcare"
    label = "talentcare"
    verbose_name = "人才服务保障"

    def ready(self):
        from gaoxin.core import events

        from .workflow import APPLICATION_WORKFLOW, LEASE_WORKFLOW, UNIT_WORKFLOW

        events.register_room("talentcare", "人才服务保障")
        events.register({"building.create": "登记人才公寓楼栋", "unit.create": "登记公寓房源",
                         "application.create": "申请人才公寓", "pairing.assign": "安排领导结对联系",
                         "pairing.end": "结束结对联系", "contact.create": "登记联系情况",
                         "contact.appeal": "联系中反映的问题转为人才服务诉求", "appeal.create": "提出人才服务诉求"},
                        prefix="talentcare.")
        for workflow in (APPLICATION_WORKFLOW, LEASE_WORKFLOW, UNIT_WORKFLOW):
            events.register(workflow.labels(), prefix=f"{workflow.name}.")
        # A lease's timeline starts with its signing (the application's SIGN step).
        events.register({"SIGN": "签订租约"}, prefix="talentcare.lease.")
