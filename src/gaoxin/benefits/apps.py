from django.apps import AppConfig


class BenefitsConfig(AppConfig):
    name = "gaoxin.benefits"
    label = "benefits"
    verbose_name = "惠企政策"

    def ready(self):
        from gaoxin.core import events

        from .workflow import (
            CLAIM_WORKFLOW,
            CLAWBACK_WORKFLOW,
            DISPUTE_WORKFLOW,
            INSTALMENT_WORKFLOW,
            POLICY_WORKFLOW,
            WORKFLOW,
        )

        events.register_room("benefits", "惠企政策")
        events.register(WORKFLOW.labels(), prefix="benefits.application.")
        events.register({"SUBMIT": "提交申请", "CONFIRM": "确认享受（免申即享）"}, prefix="benefits.application.")
        events.register(POLICY_WORKFLOW.labels(), prefix="benefits.policy.")
        events.register({**DISPUTE_WORKFLOW.labels(), "raise": "对部门数据提出异议"}, prefix="benefits.fact_dispute.")
        # Audit events written before the applications moved onto the kernel ("benefits.application_accept", …).
        events.register(WORKFLOW.labels(), prefix="benefits.application_")
        events.register({"SUBMIT": "提交申请", "CONFIRM": "确认享受（免申即享）", "CREATED": "提交申请"},
                        prefix="benefits.application_")
        events.register({"policy_saved": "保存政策", "policy_published": "发布政策", "profile_updated": "更新企业画像",
                         "person_facts_updated": "更新人才个人数据", "talent_item_saved": "修改人才待遇事项", "talent_items_loaded": "载入默认人才待遇事项",
                         "restricted_industry.create": "新增限制和禁止行业", "restricted_industry.update": "修改限制和禁止行业",
                         "restricted_industry.delete": "删除限制和禁止行业"},
                        prefix="benefits.")
        # Talent benefits: a claim's steps, and on its timeline those of its instalments and clawback.
        events.register({**CLAIM_WORKFLOW.labels(), "SUBMIT": "提交申领",
                         **{f"INSTALMENT_{k}": v for k, v in INSTALMENT_WORKFLOW.labels().items()},
                         **{f"CLAWBACK_{k}": v for k, v in CLAWBACK_WORKFLOW.labels().items()}},
                        prefix="benefits.talent_claim.")
        events.register(INSTALMENT_WORKFLOW.labels(), prefix="benefits.talent_instalment.")
        events.register(CLAWBACK_WORKFLOW.labels(), prefix="benefits.talent_clawback.")

        from django.db.models.signals import post_save

        post_save.connect(_departures_after_save, sender="talent.Talent",
                          dispatch_uid="gaoxin.benefits.talent_departure")
        post_save.connect(_departures_after_save, sender="talent.Hire", dispatch_uid="gaoxin.benefits.hire_departure")

        from gaoxin.enterprises.signals import registry_changed

        registry_changed.connect(_rematch, dispatch_uid="gaoxin.benefits.rematch_after_registry_change")

        from gaoxin.core import hooks

        hooks.provide("enterprises.detail", _firm_page_flags)

        from django.test.signals import setting_changed

        _configure_rules()
        setting_changed.connect(_rule_setting_changed, dispatch_uid="gaoxin.benefits.rule_limits")
        from django.core import checks

        checks.register(_check_life_stages)


def _configure_rules() -> None:
    """The rule language's bounds from settings (GAOXIN_RULE_MAX_*); rules.py itself imports no Django."""
    import dataclasses

    from django.conf import settings

    from .rules import Limits, configure

    configure(Limits(**{f.name: int(getattr(settings, f"GAOXIN_RULE_MAX_{f.name.upper()}", f.default))
                        for f in dataclasses.fields(Limits)}))


def _check_life_stages(app_configs=None, **kwargs):
    """GAOXIN_LIFE_STAGES must compile: a wrong rule is said at start-up (`gaoxin check`), not on a firm's page."""
    from django.conf import settings
    from django.core import checks

    from .lifecycle import compile_stages
    from .rules import RuleError

    try:
        compile_stages([tuple(pair) for pair in settings.GAOXIN_LIFE_STAGES])
    except (RuleError, TypeError, ValueError) as exc:
        return [checks.Error(f"GAOXIN_LIFE_STAGES：{exc}", hint="每项为 [阶段名称, 规则]，规则用惠企政策的规则语言",
                             id="gaoxin.E_LIFE_STAGES")]
    return []


def _rule_setting_changed(setting: str, **kwargs) -> None:
    if setting.startswith("GAOXIN_RULE_MAX_"):
        _configure_rules()


def _firm_page_flags(user, *, enterprise, **context) -> dict:
    """The firm page's link to its 企业画像 (the facts policies are matched on)."""
    from .permissions import can_edit_profile

    return {"can_edit_profile": can_edit_profile(user, enterprise)}


def _departures_after_save(sender, instance, **kwargs) -> None:
    """A talent's employer changed or a hire left: after commit, the claims being paid to that person are checked
    and, where they left the employer they claimed with, stopped with a clawback raised (benefits.services)."""
    from django.db import transaction

    from .models import TalentClaim

    if sender._meta.model_name == "hire":
        if instance.status != "left":
            return
        ids = list(TalentClaim.objects.filter(talent__id_number=instance.id_number,
                                              status__in=["approved", "completed"]).values_list("talent_id", flat=True))
    else:
        ids = [instance.pk]
    if ids and TalentClaim.objects.filter(talent_id__in=ids, status__in=["approved", "completed"]).exists():
        from .services import talent_departures_check

        transaction.on_commit(lambda: talent_departures_check(talent_ids=ids))


def _rematch(sender, actor, **kwargs) -> None:
    """A firm's industry, size or qualifications may have changed: re-match the published policies."""
    from .services import rematch_after_registry_change

    rematch_after_registry_change(actor)
