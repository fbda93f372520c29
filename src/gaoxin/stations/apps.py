from django.apps import AppConfig


class StationsConfig(AppConfig):
    name = "gaoxin.stations"
    label = "stations"
    verbose_name = "政务服务驿站"
