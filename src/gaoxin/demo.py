"""A realistic synthetic demo zone, deterministic for a given seed.

Modelled on the Xiangtan High-tech Zone of the source article: its departments, the
service centre with three hall zones, the six stations (金荣, 中南, 新松, 万洋众创城,
东方金谷, 家家美商圈) each with a "1+1+X" team, and industrial enterprises with land,
qualifications and contacts. Everything is generated; no real enterprise is described.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.conf import settings
from django.contrib.auth.hashers import make_password

from gaoxin.accounts.models import EnterpriseMembership, OrgAssignment, OrgKind, OrgUnit, Position, Role, User
from gaoxin.core.audit_chain import sealing_deferred
from gaoxin.core.validators import USCC_ALPHABET, uscc_check_char
from gaoxin.enterprises.models import (
    Contact,
    Enterprise,
    EnterpriseStatus,
    LandKind,
    LandParcel,
    ParkArea,
    Qualification,
    QualificationKind,
    QualificationLevel,
    SizeGroup,
)

DEMO_PASSWORD = settings.GAOXIN_DEMO_PASSWORD

DEPARTMENTS = [
    ("tax", "国家税务总局湘潭高新区税务局", "税务"),
    ("natural-resources", "自然资源和规划分局", "自然资源"),
    ("ecology", "生态环境分局", "生态环境"),
    ("emergency", "应急管理局", "应急管理"),
    ("statistics", "统计局", "统计"),
    ("market", "市场监督管理局", "市场监管"),
    ("hrss", "人力资源和社会保障局", "人社"),
    ("housing", "住房和城乡建设局", "住建"),
    ("development", "发展和改革局", "发改"),
    ("science", "科技局", "科技"),
    ("industry", "工业和信息化局", "工信"),
    ("economic", "经济发展局", "经发"),
    ("finance", "财政局", "财政"),
    ("provident-fund", "住房公积金管理中心高新区管理部", "公积金"),
    ("public-security", "公安分局", "公安"),
    ("archives", "档案馆", "档案"),
]
STATIONS = [
    ("jinrong", "金荣政务服务驿站", "金荣·湘潭国际工业园"),
    ("zhongnan", "中南政务服务驿站", "中南智造产业园"),
    ("xinsong", "新松政务服务驿站", "新松机器人产业园"),
    ("wanyang", "万洋众创城政务服务驿站", "万洋众创城"),
    ("dongfang", "东方金谷政务服务驿站", "东方金谷产业园"),
    ("jiajiamei", "家家美商圈政务服务驿站", "家家美商圈"),
]
# Division -> words that fit its products; weighted towards the zone's manufacturing base.
INDUSTRY_WORDS = {
    "38": ["电工", "电气", "新能源", "储能", "电缆"], "35": ["智能装备", "重工", "机器人", "矿山装备"],
    "34": ["机械", "精密机械", "液压", "轴承"], "39": ["电子", "微电子", "光电", "半导体"],
    "36": ["汽车零部件", "汽车电子", "新能源汽车部件"], "30": ["新材料", "陶瓷", "玻璃纤维"],
    "26": ["化工", "新材料", "涂料"], "33": ["金属制品", "钢结构", "五金"], "29": ["塑胶", "橡胶制品"],
    "27": ["生物医药", "制药"], "40": ["仪器仪表", "检测设备"], "31": ["特钢", "钢管"],
    "65": ["软件", "信息技术", "数字科技"], "73": ["科技研发", "检测技术"], "72": ["企业管理", "供应链管理"],
    "51": ["贸易", "商贸"], "14": ["食品"], "21": ["家居", "智宅家居"],
}
# Where the public reaches a department (the talent office's notices tell objectors where to write and call).
DEPARTMENT_CONTACTS = {
    "hrss": {"address": "湘潭高新区晓塘路9号高新区人力资源服务中心2楼", "phone": "0731-58581120"},
    "science": {"address": "湘潭高新区管委会4楼", "phone": "0731-58581080"},
}
DIVISION_WEIGHTS = {
    "38": 14, "35": 12, "34": 10, "39": 9, "36": 8, "30": 7, "26": 5, "33": 7, "29": 4, "27": 3, "40": 3, "31": 2,
    "65": 5, "73": 3, "72": 2, "51": 2, "14": 2, "21": 2,
}
NAME_HEADS = "博湘华昭盘九韶金天宏泰瑞恒蓝益鼎晟远景顺和信达创新源汇通宇星凯锐德嘉中南云岳楚麓锦鸿"
NAME_TAILS = "越益恒兴达盛通泰源宇科辉拓航瑞峰川岭湖江城润升联驰能成安嘉隆捷美维讯鑫"
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉鹏宇浩然婷雪琳晨阳"
TITLES = ["总经理", "财务负责人", "行政主管", "办公室主任", "项目经理"]
STREETS = ["芙蓉大道", "晓塘路", "板塘路", "东风路", "白石路", "湘江北路", "杨柳路", "吉安路", "高新路", "宝安路"]


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return rng.choice(["138", "139", "150", "151", "173", "186", "189"]) + f"{rng.randrange(10**8):08d}"


def make_uscc(rng: random.Random, region: str) -> str:
    body = "91" + region + "MA4" + "".join(rng.choice(USCC_ALPHABET) for _ in range(6))
    return body + uscc_check_char(body)


class DemoAlreadySeeded(Exception):
    pass


@sealing_deferred()  # thousands of small commits: the audit chain is sealed once, at the end
def build_demo_zone(*, seed: int = 42, enterprises: int = 300, history: int = 5000, today: dt.date | None = None) -> dict:
    """Create the demo zone. Refuses when the demo administrator already exists."""
    if User.objects.filter(username="admin").exists():
        raise DemoAlreadySeeded
    rng = random.Random(seed)
    today = today or dt.date(2026, 11, 1)
    region = settings.GAOXIN_REGION_CODE

    admin_unit = OrgUnit.objects.create(code="admin", name="湘潭高新区管委会", short_name="管委会", kind=OrgKind.ADMINISTRATION)
    centre = OrgUnit.objects.create(code="centre", name="湘潭高新区政务服务中心", short_name="政务服务中心",
                                    kind=OrgKind.CENTRE, parent=admin_unit, phone="0731-58580000")
    depts = {
        code: OrgUnit.objects.create(code=code, name=name, short_name=short, kind=OrgKind.DEPARTMENT,
                                     parent=admin_unit, sort_order=i, **DEPARTMENT_CONTACTS.get(code, {}))
        for i, (code, name, short) in enumerate(DEPARTMENTS)
    }
    parks = {}
    stations = {}
    for i, (code, name, park) in enumerate(STATIONS):
        stations[code] = OrgUnit.objects.create(code=f"station-{code}", name=name, short_name=name[:-6] or name,
                                                kind=OrgKind.STATION, parent=centre, sort_order=i, address=park)
        parks[code] = ParkArea.objects.create(code=code, name=park)

    # Two partner banks of the green finance board (green app), each with a loan officer (role 银行).
    banks = [OrgUnit.objects.create(code=code, name=name, short_name=short, kind=OrgKind.BANK, sort_order=i)
             for i, (code, name, short) in enumerate([("bank-xtb", "湘潭银行高新支行", "湘潭银行"),
                                                      ("bank-ccb", "建设银行湘潭高新支行", "建设银行")])]
    # Hashing every demo password with argon2 (~0.2 s each) would dominate the run time: hash once, copy.
    password_hash = make_password(DEMO_PASSWORD)

    def user(username, full_name, role, org, **extra):
        return User(username=username, full_name=full_name, role=role, org_unit=org, phone=_phone(rng),
                    password=password_hash, **extra)

    people = [
        user("admin", "周敏", Role.ZONE_ADMIN, admin_unit, is_staff=True, is_superuser=True),
        user("clerk", "李娜", Role.WINDOW_CLERK, centre),
        user("officer", "王强", Role.DEPT_OFFICER, depts["market"]),
        user("agent", "陈杰", Role.AGENT, centre),
        user("station", "刘洋", Role.STATION_OFFICER, stations["jinrong"]),
        user("enterprise", "张伟", Role.ENTERPRISE, None),
        user("leader", "赵建国", Role.LEADER, admin_unit),
        # A talent's own log-in (role 人才), bound to the registry by the ID number in the talent demo.
        user("talent", "欧阳博文", Role.TALENT, None),
        user("bank", "罗建（湘潭银行客户经理）", Role.BANK, banks[0]),
        user("bank2", "钱程（建设银行客户经理）", Role.BANK, banks[1]),
    ]
    for code, dept in depts.items():
        people.append(user(f"officer-{code}", _person(rng), Role.DEPT_OFFICER, dept))
    team = []
    for code, station in stations.items():
        head = user(f"{code}-head", f"{_person(rng)}", Role.STATION_OFFICER, station)
        specialist = user(f"{code}-window", f"{_person(rng)}", Role.STATION_OFFICER, station)
        guides = [user(f"{code}-guide{i}", f"{_person(rng)}", Role.AGENT, centre) for i in (1, 2)]
        people += [head, specialist, *guides]
        team += [(station, head, Position.HEAD), (station, specialist, Position.WINDOW_SPECIALIST)]
        team += [(station, g, Position.MOBILE_GUIDE) for g in guides]
    team.append((depts["market"], people[2], Position.HEAD))  # "officer" heads 市场监管局: its own dashboard view
    User.objects.bulk_create(people)
    by_name = {u.username: u for u in User.objects.all()}
    OrgAssignment.objects.bulk_create(
        [OrgAssignment(org_unit=s, user=by_name[u.username], position=pos, since=dt.date(2022, 6, 15)) for s, u, pos in team]
    )

    from gaoxin.catalog.demo_data import build_demo_catalog

    catalog = build_demo_catalog(actor=by_name["admin"])

    divisions = list(DIVISION_WEIGHTS)
    weights = [DIVISION_WEIGHTS[d] for d in divisions]
    park_list = list(parks.values())
    used_codes, used_names = set(), set()
    ents = []
    for i in range(enterprises):
        division = rng.choices(divisions, weights)[0]
        code = make_uscc(rng, region)
        while code in used_codes:
            code = make_uscc(rng, region)
        used_codes.add(code)
        base = rng.choice(["湖南", "湘潭", "湖南", "湘潭高新"]) + rng.choice(NAME_HEADS) + rng.choice(NAME_TAILS)
        name = base + rng.choice(INDUSTRY_WORDS[division]) + rng.choice(["有限公司", "有限公司", "股份有限公司", "科技有限公司"])
        if name in used_names:
            name = name.replace("有限公司", f"（{i}）有限公司", 1)
        used_names.add(name)
        manufacturing = int(division) <= 43
        ents.append(Enterprise(
            uscc=code, name=name, legal_representative=_person(rng), industry_id=division,
            industry_code=division + rng.choice("123456789") + rng.choice("0123456789") if rng.random() < 0.6 else "",
            size_group=SizeGroup.ABOVE if rng.random() < (0.55 if manufacturing else 0.25) else SizeGroup.BELOW,
            registered_on=today - dt.timedelta(days=rng.randrange(200, 9000)),
            registered_capital=Decimal(rng.choice([50, 100, 200, 500, 1000, 2000, 5000, 10000])),
            address=f"湘潭高新区{rng.choice(STREETS)}{rng.randrange(1, 300)}号",
            park_area=rng.choice(park_list),
            status=EnterpriseStatus.OPERATING if rng.random() < 0.97 else EnterpriseStatus.CANCELLED,
            power_account=f"07320{i:07d}" if manufacturing else "",
            water_account=f"XTGS{i:06d}" if manufacturing else "",
            gas_account=f"XTRQ{i:06d}" if manufacturing and rng.random() < 0.6 else "",
        ))
    Enterprise.objects.bulk_create(ents, batch_size=5000)
    ents = list(Enterprise.objects.order_by("id"))

    parcels, quals, contacts = [], [], []
    for n, e in enumerate(ents):
        manufacturing = int(e.industry_id) <= 43
        if manufacturing or rng.random() < 0.2:
            for p in range(1 if rng.random() < 0.8 else 2):
                area = Decimal(rng.randrange(3_000, 120_000 if e.size_group == SizeGroup.ABOVE else 30_000))
                parcels.append(LandParcel(enterprise=e, kind=LandKind.OWN, area_m2=area,
                                          parcel_no=f"XTGX-{2005 + rng.randrange(20)}-{n:05d}{p}",
                                          certificate_no=f"湘({2010 + rng.randrange(16)})湘潭市不动产权第{rng.randrange(10**7):07d}号"))
        if rng.random() < 0.2:
            parcels.append(LandParcel(enterprise=e, kind=LandKind.LEASED_IN, area_m2=Decimal(rng.randrange(500, 8000)),
                                      counterparty=rng.choice(park_list).name + "标准厂房"))
        if rng.random() < 0.08 and parcels and parcels[-1].enterprise is e and parcels[-1].kind == LandKind.OWN:
            parcels.append(LandParcel(enterprise=e, kind=LandKind.LEASED_OUT, area_m2=(parcels[-1].area_m2 / 5).quantize(Decimal(1)),
                                      counterparty=ents[rng.randrange(len(ents))].name))
        for kind, chance, years, level in (
            (QualificationKind.HNTE, 0.35, 3, ""), (QualificationKind.TECH_SME, 0.3, 1, ""),
            (QualificationKind.INNOVATIVE_SME, 0.15, 3, ""), (QualificationKind.SRDI, 0.1, 3, QualificationLevel.PROVINCIAL),
            (QualificationKind.LITTLE_GIANT, 0.02, 3, QualificationLevel.NATIONAL),
            (QualificationKind.GREEN_FACTORY, 0.06, 0, None),
        ):
            if rng.random() < chance:
                start = today - dt.timedelta(days=rng.randrange(30, 365 * (years or 4) + 200))
                lvl = level if level is not None else rng.choice(QualificationLevel.values[1:])
                quals.append(Qualification(
                    enterprise=e, kind=kind, level=lvl, cert_no=f"{kind[:2].upper()}{start.year}{rng.randrange(10**5):05d}",
                    valid_from=start, valid_to=(start + dt.timedelta(days=365 * years - 1)) if years else None,
                ))
        contacts.append(Contact(enterprise=e, name=_person(rng), title=rng.choice(TITLES), phone=_phone(rng), is_primary=True))
        if rng.random() < 0.4:
            contacts.append(Contact(enterprise=e, name=_person(rng), title=rng.choice(TITLES), phone=_phone(rng)))
    LandParcel.objects.bulk_create(parcels, batch_size=5000)
    Qualification.objects.bulk_create(quals, batch_size=5000)
    Contact.objects.bulk_create(contacts, batch_size=5000)
    EnterpriseMembership.objects.bulk_create([
        EnterpriseMembership(user=by_name["enterprise"], enterprise=e, is_manager=True) for e in ents[:2]
    ])
    from gaoxin.cases.demo_data import build_demo_cases

    cases = build_demo_cases(rng=rng, enterprises=ents[:200])
    from gaoxin.benefits import services as benefit_services
    from gaoxin.benefits.demo_data import (
        build_demo_policies,
        build_demo_restricted_industries,
        build_demo_talent_benefits,
        demo_dispute,
        demo_facts,
        mark_supplied_facts,
    )
    from gaoxin.benefits.models import ProfileFact

    ProfileFact.objects.bulk_create(demo_facts(rng, [(e.pk, e.size_group) for e in ents]), batch_size=5000)
    build_demo_restricted_industries(ents[1])  # the demo enterprise's second firm makes cement: refused P5, told why
    mark_supplied_facts()
    policies = build_demo_policies(actor=by_name["admin"])
    for policy in policies:
        benefit_services.policy_publish(policy=policy, actor=by_name["admin"])
    demo_dispute(by_name["enterprise"], ents[0])
    from gaoxin.appeals.demo_data import build_demo_appeals

    build_demo_appeals(rng=rng, enterprises=ents[:2])
    from gaoxin.assist.demo_data import build_demo_assist

    build_demo_assist(rng=rng, enterprises=ents[:200], today=today)
    from gaoxin.stations.demo_data import build_demo_station_log, build_demo_training

    build_demo_station_log(rng=rng, enterprises=ents[:200], today=today)
    build_demo_training(today=today, admin=by_name["admin"])
    from gaoxin.evaluation.demo_data import build_demo_evaluation

    build_demo_evaluation(seed=seed, today=today, admin=by_name["admin"], enterprise_user=by_name["enterprise"])
    from gaoxin.cases.history import generate_history

    history_count = generate_history(n=history, seed=seed)
    appeal_count = benefit_counts = None
    if history:
        # The year's appeals and benefits beside the cases (dated like them, before the real today); the demo
        # enterprise's two firms keep only their live records.
        from gaoxin.appeals.history import generate_appeal_history
        from gaoxin.benefits.history import generate_benefit_history

        own = {e.pk for e in ents[:2]}
        appeal_count = generate_appeal_history(
            enterprises=[e for e in ents if e.pk not in own and e.status == EnterpriseStatus.OPERATING], seed=seed)
        benefit_counts = generate_benefit_history(seed=seed, exclude=own)
    from gaoxin.talent.demo_data import build_demo_talent

    build_demo_talent(rng=rng, enterprises=ents[2:200], office=by_name["officer-hrss"], station_officer=by_name["station"],
                      enterprise_user=by_name["enterprise"], admin=by_name["admin"], today=today)
    from gaoxin.talent.demo_data import build_demo_registry

    build_demo_registry(rng=rng, enterprises=ents[2:200], office=by_name["officer-hrss"],
                        enterprise_user=by_name["enterprise"], talent_user=by_name["talent"],
                        reviewers=[by_name["officer-science"], by_name["officer-industry"]], today=today)
    from gaoxin.talentcare.demo_data import build_demo_talentcare

    build_demo_talentcare(rng=rng, office=by_name["officer-hrss"], leader=by_name["leader"], admin=by_name["admin"],
                          enterprises=ents[2:60], today=today)
    from gaoxin.chains.demo_data import build_demo_chains

    build_demo_chains(admin=by_name["admin"], leader=by_name["leader"], enterprise_firm=ents[0], today=today,
                      taskforce=[(by_name["officer-industry"], "专班牵头（工信）", "0731-58581001"),
                                 (by_name["officer-economic"], "招商与要素保障（经发）", "0731-58581002")])
    from gaoxin.competitions.demo_data import build_demo_competitions

    build_demo_competitions(office=by_name["officer-science"], today=today, enterprise_firm=ents[0],
                            judges=[by_name["officer-industry"], by_name["officer-finance"], by_name["officer-economic"],
                                    by_name["officer-statistics"]])
    from gaoxin.green.demo_data import build_demo_green

    build_demo_green(office=by_name["officer-economic"], enterprises=ents[2:200], enterprise_firm=ents[0], today=today,
                     enterprise_user=by_name["enterprise"])
    from gaoxin.green.demo_data import build_demo_finance

    build_demo_finance(enterprise_user=by_name["enterprise"], firms=ents[:2], others=ents[2:12],
                       bankers=[by_name["bank"], by_name["bank2"]], finance=by_name["officer-finance"], today=today)
    from gaoxin.dashboard.demo_data import build_demo_dashboard

    build_demo_talent_benefits(office=by_name["officer-hrss"], finance=by_name["officer-finance"],
                               enterprise_user=by_name["enterprise"], enterprises=ents[2:40], today=today)
    from gaoxin.proactive.demo_data import build_demo_proactive

    build_demo_proactive(admin=by_name["admin"], station_user=by_name["station"], enterprises=ents[:200], today=today,
                         seed=seed)
    from gaoxin.kiosk.demo_data import build_demo_kiosk

    build_demo_kiosk(rng=rng, enterprise_firm=ents[0], enterprises=ents[2:200], clerk=by_name["clerk"], today=today)
    from gaoxin.guidance.demo_data import build_demo_guidance

    build_demo_guidance(enterprise_user=by_name["enterprise"], founder=User.objects.get(username="founder"),
                        firms=ents[:2], clerk=by_name["clerk"], officer=by_name["officer"], today=today)
    from gaoxin.news.demo_data import build_demo_news

    build_demo_news(users=by_name, enterprises=ents, today=today, rng=random.Random(seed + 23))
    from gaoxin.live.demo_data import build_demo_live

    build_demo_live(users=by_name, firms=ents[:2], today=today)
    build_demo_dashboard(admin=by_name["admin"], leader=by_name["leader"], today=today)
    return {"cases": cases, "history": history_count, "appeal_history": appeal_count, "benefit_history": benefit_counts,
            "policies": len(policies), "enterprises": len(ents), "parcels": len(parcels), "qualifications": len(quals), "users": len(people),
            "items": catalog["items"], "bundles": catalog["bundles"]}


DEMO_LOGINS = [
    ("admin", "管委会管理员", "企业名录导入导出、事项清单、惠企政策、亩产评价周期、工作日历、审计日志"),
    ("clerk", "窗口人员", "受理队列、容缺受理、期限预警、企业查询、叫号（排队取号、各窗口等候时间）"),
    ("officer", "部门工作人员（市场监管局负责人）", "本部门审查队列、差评整改、企业诉求办理、本部门驾驶舱与排名"),
    ("agent", "帮代办专员", "帮代办订单、项目审批链（四即）、企业查询"),
    ("station", "驿站专员（金荣驿站）", "驿站服务台账、活动、企业诉求登记、为企业登记用工需求和到岗；主动服务：企业一户式档案、春风行动走访（登记走访、需求一键转诉求/帮代办/用工）、驿站片区指标"),
    ("enterprise", "企业用户（绑定2家企业）", "网上申报、我的办件、好差评、亩产填报与异议、用工需求与到岗确认；只能看到本企业"),
    ("founder", "创业者（自然人注册，尚无企业）", "以个人名义一表申请“企业开办一件事”（已提交一件待受理）；企业登记后自动绑定"),
    ("leader", "领导（只读）", "领导驾驶舱（指标、钻取、月度报告、订阅）、期限预警、诉求三率、亩产评价（只读，审批调档）、企业档案、产业链链长（确认链上企业建议）"),
    ("officer-tax", "税务局人员（亩产评价数据部门）", "生成模板并上报税收和销售数据、处理企业对本部门数据的异议"),
    ("officer-hrss", "人社局人员（人才办）", "用工需求、对接活动（签到二维码、签约意向）、到岗确认与回访、校企合作协议、缺工指数；"
     "云资讯：发给规上企业的用工摸底定向通知（送达、已读、未读企业）"),
    ("talent", "人才（本人账号，车城人才 C 类）", "我的人才档案、认定与证明材料；在开放的认定批次中申报（领军人才认定正在申报）"),
    ("officer-science", "科技局人员（大赛组织部门、人才认定评审专家）",
     "创新创业大赛：届次与规则、推荐名单与邀请、报名审核、本区评审；人才认定批次进入评审后为通过形式审查的申报评分（演示批次已评审完毕、正在公示）"),
    ("bank", "合作银行客户经理（湘潭银行高新支行）", "绿色金融对接：推送给本行的融资需求、按期响应、授信与放款；看不到其他银行的响应"),
    ("bank2", "合作银行客户经理（建设银行湘潭高新支行）", "同上，另一家银行：看不到湘潭银行的响应"),
    ("officer-finance", "财政局人员", "绿色金融对接（全部需求与银行响应）、风险补偿资金池与贴息、人才待遇拨付"),
    ("officer-economic", "经济发展局人员", "亩产效益评价周期：测算、调档申请、公示、异议处理、发布与结果名单；绿色与智能制造称号、绿色评价测算"),
    ("officer-industry", "工信局人员（产业链专班牵头、大赛评委）",
     "产业链：链上企业建议的确认、链长会议与任务进展、招商目标对接；创新创业大赛本区评审打分"),
]
