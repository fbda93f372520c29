"""Demo cases in every interesting state, filed through the same services as real ones."""

from __future__ import annotations

import random

from django.conf import settings
from django.core.files.base import ContentFile

from gaoxin.accounts.models import User
from gaoxin.catalog.models import Bundle, ServiceItem
from gaoxin.core.validators import id_check_char

from . import application, services
from .models import Case

RECIPIENTS = ["王磊", "李娜", "张伟", "刘洋"]


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
    decided, posted = 0, False
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
            services.case_transition(
                case=case, name="REFUSE", actor=officer(case),
                reason="拟建项目位于规划控制区内，用地性质与控制性详细规划不符。",
                opinion="经现场核查和材料审查，申请事项不符合法定条件。",
                legal_basis="《中华人民共和国行政许可法》第三十八条第二款")
            continue
        decided += 1
        case = services.case_transition(
            case=case, name="APPROVE", actor=officer(case),
            opinion="申请材料齐全、符合法定形式，经审查符合法定条件、标准。",
            licence_number=f"湘高新许字〔{services.today().year}〕第{decided:04d}号",
            legal_basis="《中华人民共和国行政许可法》第三十八条第一款",
            # The first decision carries a scan of the result, as an officer attaches it.
            result_file=ContentFile(b"%PDF-1.4 demo licence", name="许可证.pdf") if decided == 1 else None)
        if stage == "decided":
            continue
        method = rng.choice(["window", "post"])
        postal = {}
        if method == "post" or not posted:  # at least one result goes by post (邮寄送达)
            method, posted = "post", True
            postal = {"postal_recipient": RECIPIENTS[decided % len(RECIPIENTS)], "postal_phone": case.contact_phone,
                      "postal_address": case.enterprise.address or "湖南省湘潭市岳塘区芙蓉中路9号",
                      "tracking_number": f"SF14{decided:02d}{case.number[-9:]}"}
        case = services.case_transition(case=case, name="DELIVER", actor=clerk, method=method, **postal)
        level = rng.choice([5, 5, 5, 4, 4, 3, 2])
        services.review_submit(case=case, level=level, comment="窗口排队时间较长" if level <= 2 else "", actor=None)
    # A 容缺 case, as in the source: premises documents owed until completion acceptance.
    tolerant = next(i for i in items if i.current_version.tolerance_allowed)
    case = file(tolerant, own[0])
    owed = [cm.material_id for cm in case.materials.all() if cm.material.necessity == "tolerance"]
    if owed:
        services.case_transition(case=case, name="ACCEPT_TOLERANCE", actor=clerk, owed=owed, commitment=True,
                                 supply_days=3)
        count += 1
    # A 即办件 at the kiosk and a 企业开办一件事 package.
    kiosk = next(i for i in items if i.current_version.case_type == "immediate" and "kiosk" in i.current_version.channels)
    services.case_transition(case=file(kiosk, own[0], channel="kiosk"), name="COMPLETE_IMMEDIATE", actor=None)
    bundle = Bundle.objects.get(code="startup-one")
    services.bundle_submit(bundle=bundle, actor=users["enterprise"], channel="web",
                           applicant=services.Applicant(type="enterprise", name=own[1].name, enterprise=own[1],
                                                        phone="13800001111"),
                           **_bundle_answers(bundle, "enterprise"))
    build_demo_founder(bundle)
    return count + 3


# A natural person who registered themself and applied for 企业开办 before having a firm.
FOUNDER = {"username": "founder", "full_name": "孙悦", "id_body": "43030219900315202", "phone": "13907320001"}


def _bundle_answers(bundle, applicant_type: str) -> dict:
    """The combined form as a demo applicant fills it: the first situation of each item that has
    several (有限责任公司 for 企业设立登记) and one small PDF per required material of the set."""
    parts = application.bundle_parts(bundle)
    chosen = {p.item.pk: p.situations[0] if p.situations else None for p in parts}
    groups = application.material_groups(bundle, parts, chosen, applicant_type)
    files = {g.key: ContentFile(b"%PDF-1.4 demo material", name=f"{g.name}.pdf") for g in groups if g.required}
    return {"situations": chosen, "files": files}


def build_demo_founder(bundle):
    from gaoxin.accounts.services import user_register_citizen

    id_number = FOUNDER["id_body"] + id_check_char(FOUNDER["id_body"])
    founder = user_register_citizen(full_name=FOUNDER["full_name"], id_number=id_number, phone=FOUNDER["phone"],
                                    password="Lanshan-qiao-88")
    # Self-registered people log in with their phone; the demo gives this one a memorable name and the demo
    # zone's shared password (set directly: the password rules refuse it outside the demo).
    founder.set_password(settings.GAOXIN_DEMO_PASSWORD)
    User.objects.filter(pk=founder.pk).update(username=FOUNDER["username"], password=founder.password)
    applicant = services.Applicant(type="citizen", name=founder.full_name, id_number=founder.id_number,
                                   phone=founder.phone)
    return services.bundle_submit(bundle=bundle, actor=founder, channel="web", applicant=applicant,
                                  note="拟设立：湘潭星火智能科技有限公司（有限责任公司）",
                                  **_bundle_answers(bundle, "citizen"))
