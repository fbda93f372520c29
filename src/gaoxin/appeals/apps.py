from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "gaoxin.appeals"
    label = "appeals"
    verbose_name = "企业诉求"
