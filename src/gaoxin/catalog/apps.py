from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "gaoxin.catalog"
    label = "catalog"
    verbose_name = "事项清单"
