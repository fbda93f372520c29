from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "gaoxin.portal"
    label = "portal"
    verbose_name = "门户"
