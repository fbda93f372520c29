from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "gaoxin.talent"
    label = "talent"
    verbose_name = "人才与用工"

    def ready(self):
        from gaoxin.core import events

        events.register_room("talent", "人才与用工")
        events.register({"demand.create": "发布用工需求", "demand.withdraw": "撤回用工需求",
                         "hire.create": "登记到岗", "hire.confirm": "确认到岗", "hire.reject": "否认到岗",
                         "hire.retain": "回访在岗", "hire.leave": "登记离职", "event.create": "创建对接活动",
                         "event.register": "活动报名", "event.checkin": "活动签到", "event.intent": "登记签约意向",
                         "agreement.create": "登记校企合作协议", "agreement.activity": "登记合作活动",
                         "agreement.end": "协议到期", "agreement.terminate": "终止协议",
                         "registry.create": "登记人才", "registry.update": "修改人才信息",
                         "registry.account": "开通人才本人账号", "evidence.add": "上传人才证明材料",
                         "evidence.open": "查看人才证明材料", "checkin.resume_open": "查看签到简历", "recognition.create": "登记人才认定",
                         "recognition.expire": "人才认定到期", "recognition.revoke": "撤销人才认定",
                         "round.create": "发布认定批次", "round.close": "截止申报，进入评审",
                         "round.publish_notice": "发布认定公示", "round.recognise": "公示期满，认定",
                         "application.create": "人才认定申报", "application.pass_check": "形式审查通过",
                         "application.return": "退回补正", "application.reject": "形式审查不通过",
                         "application.resubmit": "补正后重新提交", "application.conclude": "评审结论",
                         "application.over_quota": "超出名额，改为未通过",
                         "application.disqualify": "异议成立，不予认定", "application.score": "专家评分",
                         "objection.create": "对认定公示提出异议", "objection.uphold": "公示异议成立",
                         "objection.dismiss": "公示异议不成立",
                         "tier.create": "新增人才层次", "tier.update": "修改人才层次", "tier.delete": "删除人才层次",
                         "title.create": "新增人才称号", "title.update": "修改人才称号",
                         "title.delete": "删除人才称号"}, prefix="talent.")
