"""Demo cases in every interesting state, filed through the same services as real ones."""

from __future__ import annotations

import random

from gaoxin.accounts.models import User
from gaoxin.catalog.models import Bundle, ServiceItem
from gaoxin.core.selectors import work_calendar

from . import services
from .models import Case


def build_demo_cases(*, rng: random.Random, enterprises: list) -> int:
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "agent", "station", "enterprise", "admin"])}
    officers = {u.org_unit_id: u for u in User.objects.filter(role="dept_officer").order_by("id")}
    clerk = users["clerk"]
    items = list(ServiceItem.objects.filter(status="published").select_related("current_version"))
    own = list(users["enterprise"].enterprises.all())

    def file(item, enterprise, actor=clerk, channel="window", originals=True) -> Case:
        applicant = services.Applicant(type="enterprise", name=enterprise.name, enterprise=enterprise,
                                       phone=f"139{rng.randrange(10**8):08d}")
        required = {m.pk for m in item.current_version.materials.all() if m.necessity == "required"} if originals else set()
        return services.case_submit(item=item, applicant=applicant, channel=channel, actor=actor, originals_seen=required)

    def officer(case):
        return officers[case.department_id]

    promised = [i for i in items if i.current_version.case_type == "promised"]
    count = 0
    plan = ["received"] * 5 + ["correction"] * 2 + ["accepted"] * 3 + ["review"] * 4 + ["suspended"] + ["decided"] * 2 \
        + ["delivered"] * 6 + ["refused"]
    for stage in plan:
        item = rng.choice(promised)
        enterprise = rng.choice(own) if rng.random() < 0.3 else rng.choice(enterprises)
        actor, channel = rng.choice([(clerk, "window"), (users["agent"], "proxy"), (users["station"], "station")])
        if channel not in item.current_version.channels:
            actor, channel = clerk, "window"
        case = file(item, enterprise, actor=actor, channel=channel, originals=stage != "correction")
        count += 1
        if stage == "received":
            continue
        if stage == "correction":
            services.case_transition(case=case, name="REQUEST_CORRECTION", actor=clerk,
                                     reason="1. 申请表缺法定代表人签字；2. 请提供住所使用证明原件。")
            continue
        case = services.case_transition(case=case, name="ACCEPT", actor=clerk)
        if stage == "accepted":
            continue
        case = services.case_transition(case=case, name="START_REVIEW", actor=officer(case))
        if stage == "review":
            continue
        if stage == "suspended":
            services.case_transition(case=case, name="SUSPEND", actor=officer(case), reason="专家评审",
                                     legal_basis="《行政许可法》第四十五条")
            continue
        if stage == "refused":
            services.case_transition(case=case, name="REFUSE", actor=officer(case), reason="不符合规划条件")
            continue
        case = services.case_transition(case=case, name="APPROVE", actor=officer(case))
        if stage == "decided":
            continue
        case = services.case_transition(case=case, name="DELIVER", actor=clerk, method=rng.choice(["窗口领取", "免费邮寄"]))
        level = rng.choice([5, 5, 5, 4, 4, 3, 2])
        services.review_submit(case=case, level=level, comment="窗口排队时间较长" if level <= 2 else "", actor=None)
    # A 容缺 case, as in the source: premises documents owed until completion acceptance.
    tolerant = next(i for i in items if i.current_version.tolerance_allowed)
    case = file(tolerant, own[0])
    owed = [cm.material_id for cm in case.materials.all() if cm.material.necessity == "tolerance"]
    if owed:
        services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk, owed=owed, commitment=True,
                                 due=work_calendar().add_working_days(services.today(), 1))
        count += 1
    # A 即办件 at the kiosk and a 企业开办一件事 package.
    kiosk = next(i for i in items if i.current_version.case_type == "immediate" and "kiosk" in i.current_version.channels)
    services.case_transition(case=file(kiosk, own[0], channel="kiosk"), name="COMPLETE_IMMEDIATE", actor=None)
    bundle = Bundle.objects.get(code="startup-one")
    services.bundle_submit(bundle=bundle, actor=users["enterprise"], channel="web",
                           applicant=services.Applicant(type="enterprise", name=own[1].name, enterprise=own[1],
                                                        phone="13800001111"))
    return count + 2
