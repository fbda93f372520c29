from django.apps import AppConfig


class GreenConfig(AppConfig):
    name = "gaoxin.green"
    label = "green"
    verbose_name = "绿色制造与绿色金融"

    def ready(self):
        from django.db.models.signals import post_save

        from gaoxin.core import events
        from gaoxin.evaluation.models import CycleAdjustment

        from .services import on_adjustment_saved
        from .workflow import LABEL_WORKFLOW, NEED_WORKFLOW, RESPONSE_WORKFLOW

        events.register_room("green", "绿色制造")
        events.register({"label.create": "登记绿色与智能制造称号"}, prefix="green.")
        events.register(LABEL_WORKFLOW.labels(), prefix=f"{LABEL_WORKFLOW.name}.")
        events.register({"need.post": "发布融资需求", "pool.contribute": "风险补偿资金池注资",
                         "pool.subsidy": "拨付贴息", "subsidy_terms.set": "设定贴息标准"}, prefix="green.")
        for workflow in (NEED_WORKFLOW, RESPONSE_WORKFLOW):
            events.register(workflow.labels(), prefix=f"{workflow.name}.")
        events.register({"scorecard.start": "发起绿色评价测算", "scorecard.finish": "绿色评价测算完成",
                         "scorecard.fail": "绿色评价测算失败", "objection.file": "对绿色评价等级提出异议",
                         "objection.decide": "处理绿色评价异议", "objection.evidence_open": "查看绿色评价异议证明材料"},
                        prefix="green.")
        from gaoxin.core import jobs

        from .tasks import scorecard_job_failed

        jobs.on_failure("green_scorecard", scorecard_job_failed)  # a scorecard run fails with its job
        # An accident or a penalty recorded in the evaluation flags the firm's labels (after commit; the daily sweep
        # catches anything recorded around the services).
        post_save.connect(on_adjustment_saved, sender=CycleAdjustment, dispatch_uid="green_flag_on_adjustment")
