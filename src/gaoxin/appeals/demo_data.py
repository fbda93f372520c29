"""Demo appeals in several states, handled through the services."""

from __future__ import annotations

import random

from gaoxin.accounts.models import OrgUnit, Role, User

from . import services

SAMPLES = [
    ("talent", "help", "数控技工招聘难", "急需数控技工20名，希望对接职业院校。", "hrss", ["education"]),
    ("financing", "help", "流动资金贷款需求", "订单增加，需要流动资金贷款500万元。", "finance", ["development"]),
    ("facilities", "complaint", "园区道路夜间照明不足", "金荣园区三号路路灯损坏，员工夜班出行不便。", "housing", []),
    ("policy", "consult", "研发费用加计扣除口径", "委托研发费用能否加计扣除？", "tax", ["science"]),
    ("premises", "help", "标准厂房续租", "希望续租万洋众创城标准厂房2000平方米。", "economic", []),
    ("business_env", "complaint", "施工许可办理超时", "建筑工程施工许可已超过承诺时限。", "housing", ["natural-resources"]),
    ("market", "suggestion", "组织产业链供需对接会", "建议组织新能源装备产业链上下游对接。", "industry", ["economic"]),
    ("planning", "help", "厂区扩建规划咨询", "计划扩建二期厂房，需了解规划条件。", "natural-resources", []),
]


def build_demo_appeals(*, rng: random.Random, enterprises: list) -> int:
    """enterprises: enterprises bound to the demo enterprise user (they rate the closed appeals)."""
    clerk = User.objects.get(username="clerk")
    station = User.objects.get(username="station")
    units = {u.code: u for u in OrgUnit.objects.all()}
    officers = {u.org_unit_id: u for u in User.objects.filter(role=Role.DEPT_OFFICER).order_by("id")}
    count = 0
    for i, (category, kind, title, text, lead_code, coop_codes) in enumerate(SAMPLES):
        enterprise = enterprises[i % len(enterprises)]
        actor = station if i % 3 == 0 else clerk
        appeal = services.appeal_submit(actor=actor, enterprise=enterprise, channel="驿站" if actor is station else "走访",
                                        category=category, request_type=kind, title=title, description=text,
                                        contact_name="联系人", contact_phone=f"138{rng.randrange(10**8):08d}")
        count += 1
        if i == 0:
            continue  # waiting for dispatch
        lead = units[lead_code]
        appeal = services.appeal_transition(appeal=appeal, name="DISPATCH", actor=clerk, lead=lead,
                                            cooperating=[units[c] for c in coop_codes if c in units])
        officer = officers[lead.pk]
        if i == 1:
            continue
        appeal = services.appeal_transition(appeal=appeal, name="ACCEPT", actor=officer)
        appeal = services.appeal_transition(appeal=appeal, name="START", actor=officer)
        if i in (2, 3):
            continue
        appeal = services.appeal_transition(appeal=appeal, name="RESOLVE", actor=officer, result="solved",
                                            reason="已协调解决，详见答复。")
        if i == 4:
            continue
        services.appeal_transition(appeal=appeal, name="CONFIRM", actor=_enterprise_user(appeal),
                                   satisfaction=rng.choice([5, 4, 3]), solved=True)
    return count


def _enterprise_user(appeal):
    # The demo's appeals come from the two enterprises bound to the demo enterprise user.
    return User.objects.filter(enterprise_memberships__enterprise=appeal.enterprise).first()
