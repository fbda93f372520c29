from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "gaoxin.live"
    label = "live"
    verbose_name = "云直播"

    def ready(self):
        from gaoxin.core import events, hooks

        from .workflow import QUESTION_WORKFLOW, SESSION_WORKFLOW

        events.register_room("live", "云直播")
        events.register(SESSION_WORKFLOW.labels(), prefix=f"{SESSION_WORKFLOW.name}.")
        events.register(QUESTION_WORKFLOW.labels(), prefix=f"{QUESTION_WORKFLOW.name}.")
        events.register({"session.create": "安排直播", "session.update": "修改直播信息", "chapter.add": "添加直播章节",
                         "chapter.remove": "删除直播章节", "question.ask": "直播提问"}, prefix="live.")
        hooks.provide("catalog.guide_item", _guide_chapters)


def _guide_chapters(user, *, item=None, **context) -> dict:
    """The guide page's 云直播讲解: the chapters of live sessions (not cancelled) about the item, newest first."""
    from . import selectors

    return {"live_chapters": selectors.item_chapters(item)} if item is not None else {}
