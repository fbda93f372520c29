"""Who is told what in the per-mu evaluation, through the kernel's notifier (after commit, with a link).

Data collection opening → the officers of every department that supplies a figure; the request to confirm
→ the participating firms; a dispute or an objection → the officers of the department that owns the field
(the bureau when no department owns it); a pending 调档 → the leaders who may approve it; the decision →
the officer who asked for it."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.urls import reverse

from gaoxin.accounts.models import Role, User
from gaoxin.core.notify import notify


def _active():
    return User.objects.filter(is_active=True)


def department_officers(codes) -> list[User]:
    return list(_active().filter(role=Role.DEPT_OFFICER, org_unit__code__in=[c for c in codes if c]))


def bureau() -> list[User]:
    return list(_active().filter(Q(role=Role.ZONE_ADMIN) | Q(
        role=Role.DEPT_OFFICER, org_unit__code=settings.GAOXIN_EVALUATION_DEPARTMENT_CODE)))


def leaders() -> list[User]:
    return list(_active().filter(role=Role.LEADER))


def firm_users(cycle) -> list[User]:
    firms = cycle.participants.filter(participating=True).values("enterprise")
    return list(_active().filter(role=Role.ENTERPRISE, enterprise_memberships__enterprise__in=firms).distinct())


def cycle_changed(cycle, step) -> None:
    name = step.transition.name
    if name == "START_COLLECTION":
        from .collection import supplying_units

        codes = [code for _unit, code, _fields in supplying_units(cycle)]
        notify(department_officers(codes), kind="EVALUATION_COLLECT", sms=True,
               url=reverse("evaluation_collect", args=[cycle.pk]), key=f"collect-{cycle.pk}",
               message=f"{cycle}开始数据采集，请下载本部门数据模板，填写后上传。")
    elif name == "REQUEST_CONFIRMATION":
        notify(firm_users(cycle), kind="EVALUATION_CONFIRM", sms=True,
               url=reverse("evaluation_report", args=[cycle.pk]), key=f"confirm-{cycle.pk}",
               message=f"{cycle}：请登录核实本企业评价数据，无误请确认，有误请提出异议并上传证明材料。")


def objection_filed(objection) -> None:
    officers = department_officers([objection.owner_code]) or bureau()
    firm = objection.participant.enterprise.name
    notify(officers, kind="EVALUATION_OBJECTION_NEW", sms=True,
           url=reverse("evaluation_objections", args=[objection.cycle_id]) + "?status=OPEN",
           message=f"{objection.cycle}：{firm}对“{objection.field_label}”提出{objection.get_stage_display()}，"
                   "请核实后更正或说明不予更正的理由。")


def regrade_requested(regrade) -> None:
    firm = regrade.participant.enterprise.name
    notify([u for u in leaders() if u.pk != regrade.requested_by_id], kind="EVALUATION_REGRADE",
           url=reverse("evaluation_results", args=[regrade.cycle_id]),
           message=f"{regrade.cycle}：申请将{firm}由{regrade.from_tier}类调为{regrade.to_tier}类，待您审批。")


def regrade_decided(regrade) -> None:
    firm = regrade.participant.enterprise.name
    verdict = regrade.get_status_display()  # 已批准 / 未批准
    note = f"（{regrade.approval_note}）" if regrade.approval_note else ""
    notify([regrade.requested_by], kind="EVALUATION_REGRADE_DECIDED",
           url=reverse("evaluation_results", args=[regrade.cycle_id]),
           message=f"{regrade.cycle}：将{firm}由{regrade.from_tier}类调为{regrade.to_tier}类的申请{verdict}{note}。")
