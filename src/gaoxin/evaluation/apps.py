from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    name = "gaoxin.evaluation"
    label = "evaluation"
    verbose_name = "亩产效益综合评价"

    def ready(self):
        from gaoxin.core import events

        from .workflow import WORKFLOW

        events.register_room("evaluation", "亩产效益评价")
        events.register(WORKFLOW.labels(), prefix="evaluation.cycle.")  # evaluation.cycle.confirm_scope, ...
        events.register({
            # cycle.transition: the audit rows written before the cycle had its table of named transitions
            "cycle.create": "新建评价周期", "cycle.transition": "评价周期状态变更", "participants.populate": "生成参评名单",
            "participant.flag": "标记不参评", "data.department_import": "部门数据导入", "data.enterprise_report": "企业填报数据",
            "data.enterprise_confirm": "企业核实确认", "objection.file": "企业提出异议", "objection.decide": "处理异议",
            "adjustment.set": "录入加减分或否决事项", "adjustment.import": "导入加减分或否决事项", "score.start": "开始测算",
            "score.finish": "测算完成", "score.fail": "测算失败", "regrade.request": "申请调档", "regrade.decide": "审批调档",
            "history.import": "导入历年等级",
        }, prefix="evaluation.")
        from gaoxin.core import jobs

        from .scoring import score_job_failed

        jobs.on_failure("evaluation_score", score_job_failed)  # a scoring run fails with its job, however it failed
        # The administration (/django-admin/): the policy table and tier history entered by hand.
        events.register({
            "policy.create": "新增差别化政策", "policy.update": "修改差别化政策", "policy.delete": "删除差别化政策",
            "history.create": "补录历年等级", "history.update": "修改历年等级", "history.delete": "删除历年等级",
        }, prefix="evaluation.")
