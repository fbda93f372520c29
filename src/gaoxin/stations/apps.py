from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "gaoxin.stations"
    label = "stations"
    verbose_name = "政务服务驿站"

    def ready(self):
        from gaoxin.core import events

        events.register_room("station", "政务服务驿站")
        events.register({"service_logged": "登记驿站服务", "event_recorded": "登记驿站活动", "liaison_set": "设置部门联络员",
                         "training_recorded": "登记人员培训", "training_attendee_added": "增加参训人员",
                         "training_attendee_removed": "移除参训人员"},
                        prefix="station.")
