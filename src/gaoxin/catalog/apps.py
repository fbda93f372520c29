from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "gaoxin.catalog"
    label = "catalog"
    verbose_name = "事项清单"

    def ready(self):
        from gaoxin.core import events

        from .workflow import WORKFLOW

        events.register_room("catalog", "事项清单")
        events.register(WORKFLOW.labels(), prefix="catalog.item.")  # catalog.item.publish, ... and the status record
        # version_published and item_status_changed: the audit rows written before the item had its table
        events.register({
            "imported": "事项清单导入", "item_created": "新建事项", "draft_created": "新建草稿版本", "draft_updated": "修改草稿",
            "version_published": "发布新版本", "item_status_changed": "暂停或取消事项", "item_keywords_changed": "修改搜索关键词",
            "synonym_created": "新增搜索近义词", "synonym_updated": "修改搜索近义词", "synonym_deleted": "删除搜索近义词",
        }, prefix="catalog.")
