from django.apps import AppConfig


class AssistConfig(AppConfig):
    name = "gaoxin.assist"
    label = "assist"
    verbose_name = "帮代办与项目审批链"
