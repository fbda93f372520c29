"""The demo zone's industry chains: three chains drawn over the demo registry's divisions and product words
(demo.INDUSTRY_WORDS), each led by the demo leader with a task force of the industry and economic bureaus; the
registry's suggestions refreshed, the first firms of each node confirmed (one 链主 per chain), the rest left for the
task force to confirm; one node per chain has no local firm (a 补链 gap), and the gaps have investment targets in
several states (one started, linked to a demo approval-chain project; one dropped). The demo enterprise's first firm
is on a chain, so its user sees its own membership."""

from __future__ import annotations

from gaoxin.enterprises.models import Industry

from . import services
from .models import MemberRole, Membership, MembershipStatus

# (code, name, description, [(segment, node name, divisions, finer codes, keywords)])
CHAINS = [
    ("new-energy", "新能源装备产业链", "储能、电工电气与新能源汽车部件，链主带动上下游本地配套", [
        ("up", "电工新材料", ["30", "26"], "", "新材料 陶瓷 玻璃纤维"),
        ("up", "氢能核心材料", ["26"], "", "氢能 质子膜"),
        ("mid", "电工电气装备", ["38"], "", "电工 电气 电缆"),
        ("mid", "储能系统", ["38"], "", "储能 新能源"),
        ("down", "新能源汽车部件", ["36"], "", "新能源汽车部件 汽车零部件"),
    ]),
    ("intelligent-equipment", "智能制造装备产业链", "机器人与智能装备，精密零部件本地配套，工业软件与检测服务", [
        ("up", "精密零部件", ["34"], "", "轴承 液压 精密机械"),
        ("up", "数控系统", ["34", "35"], "", "数控"),
        ("mid", "工业机器人", ["35"], "", "机器人"),
        ("mid", "智能装备", ["35"], "", "智能装备 重工 矿山装备"),
        ("down", "检测与仪器", ["40"], "", "仪器仪表 检测设备"),
        ("down", "工业软件", ["65"], "", "软件 信息技术"),
    ]),
    ("electronics", "电子信息产业链", "半导体、光电与汽车电子", [
        ("up", "半导体材料", ["39"], "", "半导体 微电子"),
        ("mid", "光电器件", ["39"], "", "光电"),
        ("mid", "集成电路设计", ["65"], "", "芯片 集成电路"),
        ("down", "汽车电子", ["36"], "", "汽车电子"),
    ]),
]
CONFIRM_PER_NODE = 2


def build_demo_chains(*, admin, leader, taskforce, enterprise_firm=None, today=None) -> dict:
    """taskforce: [(user, duty, phone)], on every chain. A task-force meeting of the first chain a month before
    `today` gave two actions: one past its deadline (flagged), one in progress with a note."""
    industries = {i.code: i for i in Industry.objects.all()}
    counts = {"chains": 0, "confirmed": 0, "suggested": 0}
    for code, name, description, nodes in CHAINS:
        chain = services.chain_create(actor=admin, code=code, name=name, description=description, chief=leader)
        for user, duty, phone in taskforce:
            services.taskforce_add(actor=admin, chain=chain, user=user, duty=duty, phone=phone)
        for order, (segment, node_name, divisions, finer, keywords) in enumerate(nodes):
            services.node_create(actor=admin, chain=chain, segment=segment, name=node_name, sort_order=order,
                                 industries=[industries[d] for d in divisions if d in industries],
                                 industry_codes=finer, keywords=keywords)
        services.chain_refresh(chain=chain, actor=leader)
        lead_given = False
        for node in chain.nodes.order_by("segment", "sort_order", "pk"):
            suggested = list(Membership.objects.filter(node=node, status=MembershipStatus.SUGGESTED)
                             .select_related("chain", "node", "enterprise").order_by("enterprise__name", "pk"))
            for membership in suggested[:CONFIRM_PER_NODE]:
                role = MemberRole.SUPPORT
                if node.segment == "mid" and not lead_given:
                    role, lead_given = MemberRole.LEAD, True
                services.membership_transition(membership=membership, name="CONFIRM", actor=leader, role=role)
                counts["confirmed"] += 1
        counts["chains"] += 1
        counts["suggested"] += Membership.objects.filter(chain=chain, status=MembershipStatus.SUGGESTED).count()
    if enterprise_firm is not None:
        from .models import Chain

        chain = Chain.objects.get(code=CHAINS[0][0])
        node = chain.nodes.order_by("segment", "sort_order", "pk").filter(segment="down").first()
        held = Membership.objects.filter(node=node, enterprise=enterprise_firm).select_related(
            "chain", "node", "enterprise").first()
        if held is None:
            services.membership_add(actor=leader, node=node, enterprise=enterprise_firm, role=MemberRole.SUPPORT)
        elif held.status == MembershipStatus.SUGGESTED:
            services.membership_transition(membership=held, name="CONFIRM", actor=leader, role=MemberRole.SUPPORT)
    if today is not None:
        import datetime as dt

        from gaoxin.accounts.models import OrgUnit

        from .models import Chain

        chain = Chain.objects.get(code=CHAINS[0][0])
        meeting = services.meeting_record(
            actor=leader, chain=chain, title="新能源装备产业链专班第三次调度会", held_on=today - dt.timedelta(days=30),
            minutes="听取储能系统节点企业用电、用工诉求；研究氢能核心材料补链招商方向。", actions=[
                {"title": "协调储能系统节点企业新增专用变压器报装", "owner_unit": OrgUnit.objects.filter(
                    code="development").first(), "owner_user": None, "workdays": 5},
                {"title": "梳理氢能核心材料目标企业名单并开展首轮对接", "owner_unit": None,
                 "owner_user": taskforce[-1][0], "workdays": 60},
            ])
        progress = meeting.actions.get(workdays=60)
        services.action_note_add(actor=taskforce[-1][0], action=progress, note="已梳理目标企业 6 家，完成 2 家电话对接")
        counts["meetings"] = 1
        counts["targets"] = build_demo_targets(worker=taskforce[-1][0], today=today)
    counts["problems"] = tag_demo_problems(chief=leader)
    return counts


def tag_demo_problems(*, chief, per_chain: int = 3) -> int:
    """The chain chief marks the latest appeals of each chain's firms as the chain's problems (solved ones too, so
    the appeals-solved figure shows)."""
    from gaoxin.appeals.models import Appeal

    from .models import Chain
    from .selectors import member_firm_ids

    tagged = 0
    for chain in Chain.objects.order_by("pk"):
        for appeal in (Appeal.objects.filter(enterprise_id__in=member_firm_ids(chain))
                       .order_by("-received_at", "-pk")[:per_chain]):
            services.appeal_tag(actor=chief, chain=chain, appeal=appeal)
            tagged += 1
    return tagged


# (chain code, target, region, contact, phone, [(days ago, channel, note)], steps, drop reason)
TARGETS = [
    ("new-energy", "苏州氢源新材料科技有限公司", "江苏省苏州市", "周经理", "13912345601",
     [(40, "fair", "长三角氢能产业招商推介会上初步接洽"), (20, "visit", "专班赴苏州考察质子膜产线")],
     ["CONTACT", "VISIT", "NEGOTIATE"], ""),
    ("new-energy", "上海膜材科技股份有限公司", "上海市嘉定区", "吴总", "13812345602",
     [(60, "phone", "电话对接，企业近期无扩产计划")], ["CONTACT"], "企业三年内无异地扩产计划"),
    ("intelligent-equipment", "深圳数智控制系统有限公司", "广东省深圳市", "陈总监", "13712345603",
     [(90, "hosted", "企业来区考察园区标准厂房"), (45, "online", "就数控系统生产基地选址线上会谈")],
     ["CONTACT", "VISIT", "NEGOTIATE", "SIGN", "START"], ""),
    ("intelligent-equipment", "杭州工软信息技术有限公司", "浙江省杭州市", "林经理", "13612345604",
     [(10, "phone", "首轮电话对接，寄送园区招商手册")], ["CONTACT"], ""),
    ("electronics", "无锡芯材半导体有限公司", "江苏省无锡市", "", "", [], [], ""),
    ("electronics", "合肥光谷电子有限公司", "安徽省合肥市", "许经理", "13512345605",
     [(30, "visit", "专班上门拜访，介绍园区配套政策")], ["CONTACT", "VISIT"], ""),
]


def build_demo_targets(*, worker, today) -> int:
    """The investment targets of the demo chains, on each chain's gap nodes (else its last node)."""
    import datetime as dt

    from gaoxin.assist.models import Project

    from .models import Chain
    from .selectors import chain_map

    made = 0
    for code, name, region, contact, phone, contacts, steps, dropped in TARGETS:
        chain = Chain.objects.get(code=code)
        gaps = chain_map(chain=chain, show_firms=False)["gaps"]
        node = chain.nodes.get(pk=gaps[0]["id"]) if gaps else chain.nodes.order_by("segment", "sort_order").last()
        target = services.target_create(actor=worker, chain=chain, node=node, name=name, region=region,
                                        contact_name=contact, contact_phone=phone)
        for days, channel, note in contacts:
            services.target_contact_add(actor=worker, target=target, contacted_on=today - dt.timedelta(days=days),
                                        channel=channel, note=note)
        for step in steps:
            project = None
            if step == "START":
                project = Project.objects.filter(chain_targets__isnull=True).order_by("-created_at", "-pk").first()
                if project is None:
                    break
            target = services.target_transition(target=target, name=step, actor=worker, project=project)
        if dropped:
            services.target_transition(target=target, name="DROP", actor=worker, reason=dropped)
        made += 1
    return made
