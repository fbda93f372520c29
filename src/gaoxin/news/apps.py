from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "gaoxin.news"
    label = "news"
    verbose_name = "云资讯"

    def ready(self):
        from gaoxin.core import events, jobs

        from .tasks import delivery_job_failed
        from .workflow import WORKFLOW

        events.register_room("news", "云资讯")
        events.register({"article.create": "撰写资讯", "article.update": "编辑资讯草稿",
                         "article.deliver": "定向通知送达企业", "delivery.read": "企业阅读定向通知"}, prefix="news.")
        events.register(WORKFLOW.labels(), prefix=f"{WORKFLOW.name}.")
        jobs.on_failure("news_delivery", delivery_job_failed)
