"""The demo's 主动服务: each station serves its park (the 金荣/中南/… stations and their parks), a key-firm list (three
picked by hand, the 规上高新技术企业 by rule), and a 春风行动 campaign of the 金荣 station: its targets by rule, assigned
to the station's 1+1+X team, 50 visits (or as many as there are targets), the needs found turned into appeals,
帮代办 orders and job demands through the rooms' services, a few settled on the spot and the rest still open."""

from __future__ import annotations

import datetime as dt
import random

from gaoxin.accounts.models import OrgKind, OrgUnit, Position
from gaoxin.enterprises.models import ParkArea

from . import services
from .models import Campaign

NEEDS = [
    ("融资需求：扩产需流动资金贷款约500万元", "appeal", "financing"),
    ("厂区周边道路照明不足，夜班员工出行不便", "appeal", "facilities"),
    ("希望了解研发费用加计扣除的申报口径", "settle", ""),
    ("新建厂房需办理施工许可，请代办", "order", ""),
    ("急需招聘焊工和数控操作工各5名", "demand", ""),
    ("外贸订单增加，希望对接出口信保政策", "appeal", "market"),
    ("员工子女入学咨询", "settle", ""),
    ("变更经营范围，请帮办营业执照变更", "order", ""),
    ("用电增容申请进度慢", "appeal", "business_env"),
    ("希望参加高校招聘对接会，招聘技术员", "demand", ""),
    ("申报高新技术企业认定有疑问", "open", ""),
    ("厂房租金较高，希望了解标准厂房租赁政策", "open", ""),
]


def build_demo_proactive(*, admin, station_user, enterprises, today: dt.date, seed: int = 42) -> dict:
    rng = random.Random(seed)
    stations = list(OrgUnit.objects.filter(kind=OrgKind.STATION).order_by("sort_order"))
    parks = {p.name: p for p in ParkArea.objects.all()}
    for s in stations:
        if s.address in parks:
            services.area_set(actor=admin, park=parks[s.address], station=s, since=dt.date(2022, 6, 15))
    for firm in enterprises[2:5]:
        services.key_firm_add(actor=admin, enterprise=firm, reason=rng.choice(
            ["纳税百强企业", "重点招商引资项目企业", "产业链链主企业"]))
    try:
        services.key_firm_add_by_rule(actor=admin, rule="size_group == 'ABOVE' and has('高新技术企业')",
                                      reason="规上高新技术企业")
    except Exception:  # a tiny zone may have none
        pass
    home = station_user.org_unit
    park = home.address
    campaign = services.campaign_create(
        actor=station_user, name="春风行动·入企走访（金荣片区）",
        rule=f"park == '{park}' or has('专精特新中小企业')", description="问需解难、政策上门：走访片区企业和专精特新企业",
        starts_on=today - dt.timedelta(days=45), ends_on=today + dt.timedelta(days=45))
    team = [a.user for a in home.assignments.select_related("user").order_by("position", "user_id")
            if a.position in (Position.HEAD, Position.WINDOW_SPECIALIST, Position.MOBILE_GUIDE)] + [station_user]
    targets = list(campaign.targets.select_related("enterprise").order_by("enterprise__name", "pk"))
    # The station officer of the demo log-in keeps the first firms (its own work list); the team shares the rest.
    chunks = {station_user: targets[:12]}
    rest = targets[12:]
    for i, member in enumerate([m for m in team if m != station_user]):
        chunks[member] = rest[i::len(team) - 1]
    for member, mine in chunks.items():
        if mine:
            services.campaign_assign(actor=station_user, campaign=campaign, targets=mine, assignee=member)
    assignee = {t.pk: m for m, mine in chunks.items() for t in mine}
    visited = [t for t in targets if t.pk in assignee][:50]
    converted = {"appeal": 0, "order": 0, "demand": 0, "settle": 0}
    policies = list(__import__("gaoxin.benefits.models", fromlist=["Policy"]).Policy.objects
                    .filter(status="published", subject="enterprise").order_by("code")[:4])
    # The demo log-in's first firm keeps one open need to turn into work (the journey does it).
    for n, target in enumerate(visited):
        who = assignee[target.pk]
        found = [NEEDS[(n * 7 + k) % len(NEEDS)] for k in range(1 + (n % 3 == 0))] if n % 2 == 0 else []
        visit = services.visit_record(
            actor=who, target=target, visited_on=today - dt.timedelta(days=40 - (n * 37) % 40),
            people_met=rng.choice(["总经理", "副总经理", "财务总监", "人事经理", "办公室主任"]) + " " +
            rng.choice("王李张刘陈杨赵黄周吴") + "某", summary=rng.choice(
                ["生产经营正常，订单饱满", "企业正在扩产，关注用地和融资", "新产品研发顺利，关注人才引进"]),
            needs=[d for d, _, _ in found], policies=rng.sample(policies, k=min(len(policies), 1 + n % 2)))
        for need, (_, kind, category) in zip(visit.needs.order_by("id"), found, strict=True):
            if n == 0 or kind == "open":
                continue
            contact = target.enterprise.contacts.order_by("-is_primary", "id").first()
            params = {"contact_name": contact.name if contact else "企业联系人",
                      "contact_phone": contact.phone if contact else "13800000000"}
            if kind == "appeal":
                services.need_transition(need=need, name="TO_APPEAL", actor=who, category=category,
                                         request_type="help", **params)
            elif kind == "order":
                services.need_transition(need=need, name="TO_ORDER", actor=who, **params)
            elif kind == "demand":
                services.need_transition(need=need, name="TO_DEMAND", actor=who, post="焊工", quantity=5,
                                         skill_level="skilled", pay_min=5000, pay_max=8000,
                                         location=target.enterprise.address[:100] or "园区")
            else:
                services.need_transition(need=need, name="SETTLE", actor=who, reason="走访时当场讲解政策口径")
            converted[kind] += 1
    coachings = _coachings(rng=rng, coaches=[station_user, *team[:2]], firms=[t.enterprise for t in visited[:16]],
                           policies=policies, today=today)
    return {"campaign": campaign.pk, "targets": len(targets), "visits": len(visited), "coachings": coachings,
            **converted}


def _coachings(*, rng, coaches, firms, policies, today: dt.date) -> int:
    """点对点政策辅导 of the visited firms: one or two policies each, by the station's staff, over the last weeks."""
    if not policies:
        return 0
    made = 0
    for n, firm in enumerate(firms):
        for policy in rng.sample(policies, k=min(len(policies), 1 + n % 2)):
            services.coaching_record(
                actor=coaches[n % len(coaches)], enterprise=firm, policy=policy,
                coached_on=today - dt.timedelta(days=(n * 5) % 40), method=rng.choice(["visit", "phone", "window"]),
                people_met=rng.choice(["财务总监", "总经理", "办公室主任"]) + " " + rng.choice("王李张刘陈") + "某",
                content=rng.choice(["逐条讲解申报条件，核对企业已有数据，提示补充研发费用辅助账",
                                    "说明申报时间和所需材料，约定材料齐全后由驿站帮代办提交",
                                    "讲解政策口径，企业暂不符合营业收入条件，明年再评估"]))
            made += 1
    return made


def demo_campaign() -> Campaign | None:
    return Campaign.objects.order_by("pk").first()
