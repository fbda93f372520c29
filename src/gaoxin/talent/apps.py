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
                         "agreement.end": "协议到期", "agreement.terminate": "终止协议"}, prefix="talent.")
