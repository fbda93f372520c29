from django.apps import AppConfig


class GuidanceConfig(AppConfig):
    name = "gaoxin.guidance"
    label = "guidance"
    verbose_name = "云导办"

    def ready(self):
        from gaoxin.core import events, hooks

        from . import checks  # noqa: F401  (registers the settings check)
        from .workflow import WORKFLOW

        events.register_room("guidance", "云导办")
        events.register(WORKFLOW.labels(), prefix="guidance.session.")
        events.register({"BOOK": "预约导办", "CASE": "提交导办发起的申请"}, prefix="guidance.session.")
        events.register({"session.book": "预约导办", "faq.create": "新增常见问题", "faq.update": "修改常见问题",
                         "faq.publish": "发布常见问题", "faq.withdraw": "撤回常见问题",
                         "session.case_linked": "导办发起的申请已提交"}, prefix="guidance.")
        hooks.provide("catalog.guide_item", _guide_flags)
        from gaoxin.catalog.signals import version_published

        version_published.connect(_carry_faqs, dispatch_uid="gaoxin.guidance.carry_faqs")
        hooks.provide("cases.detail", _case_flags)


def _carry_faqs(sender, *, item, version, previous, actor, **kwargs) -> dict:
    """A new guide version keeps the item's FAQ entries (copied; the publish's audit data counts them)."""
    from . import services

    carried = services.faq_carry_over(item=item, version=version, previous=previous, actor=actor)
    return {"faqs_carried": carried} if carried else {}


def _guide_flags(user, *, item=None, **context) -> dict:
    """The guide page's 预约导办 button and the item's published FAQ entries (current version)."""
    from . import permissions, selectors

    if item is None:
        return {}
    return {"guidance_bookable": permissions.can_offer_booking(user),
            "guidance_faqs": list(selectors.guide_faqs(item))}


def _case_flags(user, *, case=None, **context) -> dict:
    """The case page's 预约导办 button, for the case's applicant."""
    from . import permissions

    return {"guidance_case_bookable": case is not None and bool(case.item_id) and permissions.can_book_for_case(user, case)}
