from django.apps import AppConfig


class CompetitionsConfig(AppConfig):
    name = "gaoxin.competitions"
    label = "competitions"
    verbose_name = "创新创业大赛"

    def ready(self):
        from gaoxin.core import events

        from .workflow import OBJECTION_WORKFLOW, REGISTRATION_WORKFLOW, ROUND_WORKFLOW

        events.register_room("competitions", "创新创业大赛")
        events.register({"edition.create": "新建大赛届次", "edition.update": "修改大赛规则",
                         "track.create": "新增行业赛道", "stage.create": "新增赛程阶段",
                         "award_level.create": "新增奖项等次", "prior_award.add": "登记历届获奖",
                         "registration.invite": "邀请企业参赛", "round.create": "新建评审轮次",
                         "judge.add": "加入评委", "score.submit": "评委评分",
                         "objection.create": "对评审结果提出异议", "award.record": "登记大赛获奖",
                         "follow_up.record": "填报获奖后跟踪", "notice.send": "向候选企业发送通知",
                         "session.create": "安排辅导活动", "feedback.record": "登记专家辅导意见"},
                        prefix="competitions.")
        for workflow in (REGISTRATION_WORKFLOW, ROUND_WORKFLOW, OBJECTION_WORKFLOW):
            events.register(workflow.labels(), prefix=f"{workflow.name}.")
