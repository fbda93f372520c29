from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "gaoxin.benefits"
    label = "benefits"
    verbose_name = "惠企政策"
