"""Home pages: the public home for visitors (办事指南, 办件查询, 公示公告) and one per role for
staff and enterprises, whose cards link only to what the role can open."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role
from gaoxin.benefits import permissions as benefit_perms
from gaoxin.benefits.selectors import publicity_list
from gaoxin.cases import permissions as case_perms
from gaoxin.cases.forms import TrackForm
from gaoxin.chains import permissions as chain_perms
from gaoxin.dashboard import permissions as dashboard_perms
from gaoxin.enterprises.permissions import enterprises_visible_to
from gaoxin.evaluation import permissions as evaluation_perms
from gaoxin.green import permissions as green_perms
from gaoxin.live import permissions as live_perms
from gaoxin.live import selectors as live_selectors
from gaoxin.news import permissions as news_perms
from gaoxin.news import selectors as news_selectors
from gaoxin.talent import permissions as talent_perms
from gaoxin.talentcare import permissions as talentcare_perms

from . import selectors

# Cards per role: (title, description, url name). A card whose page the role may not open is a defect
# the demo walk reports; pages still to be built have no card.
_CARDS = {
    Role.ZONE_ADMIN: [
        ("企业档案", "一企一档：查询、导入、导出企业名录", "enterprise_index"),
        ("事项清单维护", "办事指南草稿、发布、版本与清单导入导出", "catalog_manage"),
        ("工作日历", "录入国务院节假日通知，维护调休安排", "calendar_index"),
        ("审计日志", "查看所有状态变更记录", "audit_list"),
        ("惠企政策", "政策库、规则、匹配推送与兑现统计", "policy_index"),
        ("亩产效益评价", "评价周期、数据采集、测算、公示、发布与差别化政策", "evaluation_index"),
        ("服务成效", "驿站服务、解决问题、帮代办与审批提速", "centre_figures"),
        ("期限计算", "按工作日计算办理期限", "deadline_calculator"),
        ("领导驾驶舱", "全区指标、部门排名、月度报告生成与发布", "dashboard"),
        ("人才与用工", "用工需求、对接活动、到岗回访、校企合作", "talent_index"),
    ],
    Role.WINDOW_CLERK: [
        ("企业查询", "查询企业档案、资质与用地", "enterprise_index"),
        ("办事指南", "事项材料清单、空白表格、二维码海报", "guide_index"),
        ("期限计算", "受理日期 + 工作日时限 → 到期日", "deadline_calculator"),
        ("受理队列", "一窗受理、补正、容缺受理", "case_intake_queue"),
        ("即将到期", "预警与超期办件", "case_at_risk"),
        ("企业诉求", "登记企业诉求、派单给主办单位", "appeal_index"),
        ("帮代办订单", "指派专员、跟踪代办进度", "order_index"),
        ("叫号", "排队取号、叫号与各窗口等候时间", "queue_desk"),
    ],
    Role.DEPT_OFFICER: [
        ("审批队列", "本部门待审办件", "case_review_queue"),
        ("企业诉求", "本部门主办或协办的企业诉求", "appeal_index"),
        ("差评整改", "本部门差评整改与回访", "rectification_list"),
        ("政策兑现", "本部门政策的申请审核与拨付", "benefit_applications"),
        ("企业查询", "查询企业档案", "enterprise_index"),
        ("期限计算", "按工作日计算办理期限", "deadline_calculator"),
    ],
    Role.AGENT: [
        ("帮代办订单", "您点单、我来办：我负责的代办订单", "order_index"),
        ("项目审批链", "重点项目“四即”节点与审批进度", "project_index"),
        ("代办办件", "我为企业提交的办件", "case_mine"),
        ("办事指南", "事项、一件事与材料清单", "guide_index"),
        ("企业查询", "查询企业档案", "enterprise_index"),
    ],
    Role.STATION_OFFICER: [
        ("驿站服务台账", "记录驿站服务、活动与部门联络", "station_index"),
        ("微厅联系请求", "智能微厅办不了、请本驿站电话联系的办事人", "kiosk_station_calls"),
        ("企业诉求", "为企业登记诉求、跟踪办理", "appeal_index"),
        ("帮代办下单", "为企业预约帮代办服务", "order_index"),
        ("用工服务", "为企业登记用工需求和到岗人员", "talent_index"),
        ("办事指南", "为企业查询事项与材料", "guide_index"),
        ("企业查询", "查询企业档案", "enterprise_index"),
    ],
    Role.ENTERPRISE: [
        ("我的企业", "查看本企业档案、资质与用地", "enterprise_index"),
        ("办事指南", "码上查、立下载：材料清单与空白表格", "guide_index"),
        ("我的办件", "网上申报的进度、补正与评价", "case_mine"),
        ("我可享受的政策", "应知尽知、应享尽享：自动比对与测算", "my_policies"),
        ("企业诉求", "提出诉求，跟踪办理并评价", "appeal_index"),
        ("帮代办", "您点单、我来办：预约免费代办", "order_index"),
        ("亩产效益评价", "数据填报、核实确认、异议与本企业评价报告", "evaluation_my_report"),
        ("用工与人才", "发布用工需求、确认到岗、校企合作", "talent_index"),
        ("云资讯", "新闻、通知公告、政策解读，以及发给本企业的定向通知", "news_index"),
        ("云直播", "“小高说政务”直播预告与回放；直播前、直播中提问，查看我的提问和答复", "live_index"),
        ("云导办", "预约视频导办：导办人员在线讲解办事流程、材料和填写要点；我的预约与导办结果", "guidance_about"),
    ],
    Role.LEADER: [
        ("领导驾驶舱", "办件、驿站、诉求、政策、亩产指标，环比同比，逐项钻取，月度报告", "dashboard"),
        ("服务成效", "驿站服务、解决问题、帮代办与审批提速", "centre_figures"),
        ("亩产效益评价", "全区概览、评价结果、调档审批", "evaluation_summary"),
        ("诉求三率", "各部门和驿站的响应率、解决率、满意率", "appeal_statistics"),
        ("政策兑现统计", "匹配、推送、申请、拨付", "benefit_statistics"),
        ("人才与用工", "缺工指数、对接活动、到岗与留存", "talent_index"),
        ("超期预警", "即将到期与超期办件", "case_at_risk"),
        ("企业档案", "全区企业概况", "enterprise_index"),
    ],
    Role.BANK: [
        ("绿色金融对接", "企业推送给本行的融资需求：按期响应、授信、放款与不予授信的原因", "green_finance"),
        ("惠企政策", "高新贷等金融产品与惠企政策", "policy_index"),
    ],
    Role.TALENT: [
        ("我的人才档案", "登记信息、人才认定与证明材料", "talent_me"),
        ("人才认定申报", "开放中的认定批次、我的申报与进度", "talent_rounds"),
        ("办事指南", "码上查、立下载：材料清单与空白表格", "guide_index"),
    ],
}


# Cards for a duty some users of a role have (the economic bureau runs the evaluation, data departments supply it).
_DUTY_CARDS = [
    (talent_perms.is_talent_office, ("人才与用工", "用工需求、对接活动、到岗回访、校企合作", "talent_index")),
    (talent_perms.is_talent_office, ("人才库与人才认定", "登记人才、认定批次、形式审查、公示与异议", "talent_registry")),
    (talent_perms.reviews_rounds, ("人才认定评审", "为通过形式审查的人才认定申报评分", "talent_rounds")),
    (benefit_perms.can_view_talent_ledger, ("人才待遇", "购房、租房、生活补贴、个税奖补、购车补贴：申领审核、分期拨付与追回台账",
                                             "talent_benefits")),
    (lambda u: benefit_perms.talent_of(u) is not None, ("我的人才待遇", "可申领的补贴、我的申领与分期发放", "talent_benefits")),
    (talentcare_perms.is_office, ("人才服务保障", "人才公寓配租与租约、结对联系、人才服务诉求", "talentcare_index")),
    (talentcare_perms.is_leader, ("结对联系人才", "我结对联系的人才、最近联系与待联系提醒", "talentcare_mine")),
    (talentcare_perms.can_use_own_page, ("我的人才服务", "申请人才公寓、查看排队与租约、提出住房就医入学需求", "talentcare_me")),
    (chain_perms.works_on_a_chain, ("我的产业链", "链长、专班：确认链上企业建议、补链方向、链上诉求与用工", "chain_list")),
    (dashboard_perms.is_department_head, ("本部门驾驶舱", "本部门办件、诉求、政策指标与部门排名", "dashboard")),
    (green_perms.can_post_need, ("绿色金融对接", "发布融资需求，选择推送的银行和共享的内容，查看银行响应", "green_finance")),
    (green_perms.reads_all_finance, ("绿色金融对接", "企业融资需求、银行响应与放款、风险补偿资金池与贴息", "green_finance")),
    (evaluation_perms.can_view_evaluation, ("亩产效益评价", "评价周期、数据上报、异议处理与结果", "evaluation_index")),
    (news_perms.can_manage_news, ("云资讯管理", "撰写、发布新闻、通知公告与政策解读；定向通知的送达与阅读回执",
                                  "news_manage")),
    (live_perms.can_host, ("云直播管理", "安排直播、章节与回放；处理直播前和直播中收到的提问", "live_manage")),
]

# Cards of an enterprise user that need a bound firm (a founder without one does not see them).
FIRM_ONLY_CARDS = frozenset({"enterprise_index", "my_policies", "appeal_index", "order_index", "evaluation_my_report",
                             "talent_index"})

_QUEUE_URLS = {"case_intake_queue": "intake", "case_review_queue": "review", "case_mine": "mine",
               "case_at_risk": "at_risk"}


def _url(name: str) -> str:
    if name in _QUEUE_URLS:
        return reverse("case_queue", args=[_QUEUE_URLS[name]])
    return reverse(name)


@login_not_required
def home(request):
    user = request.user
    if not user.is_authenticated:
        return public_home(request)
    perms.user_facts(user)  # the org unit and every room's facts the cards below ask about, in one query
    stats = {}
    if perms.is_staff_role(user):
        stats["enterprises"] = enterprises_visible_to(user).count()
    elif not (talent_perms.is_talent(user) or perms.has_role(user, Role.BANK)):  # they act for themself or a bank
        stats["my_enterprises"] = list(enterprises_visible_to(user).values("id", "name"))
    firmless = "my_enterprises" in stats and not stats["my_enterprises"]
    cards = [(t, d, _url(u)) for t, d, u in _CARDS.get(user.role, []) if not (firmless and u in FIRM_ONLY_CARDS)]
    cards += [(t, d, _url(u)) for predicate, (t, d, u) in _DUTY_CARDS if predicate(user) and t not in
              {title for title, _d, _u in cards}]
    citizen = not stats.get("my_enterprises") and case_perms.can_apply_as_citizen(user)
    return render(request, "portal/home.html", {
        "cards": cards, "stats": stats, "citizen": citizen,
        "bundles": selectors.published_bundles() if citizen else [],
    })


def public_home(request):
    """What a visitor sees first: find a guide, track a case, read the public notices."""
    return render(request, "portal/public_home.html", {
        "track_form": TrackForm(), "notices": selectors.public_notices(limit=5),
        "news": news_selectors.latest_public(limit=5), "live": live_selectors.upcoming(limit=3),
        "bundles": selectors.published_bundles(), "centre": selectors.centre(),
    })


@login_not_required
def notices(request):
    """公示公告: evaluation results on notice or released, and policy awards on publicity."""
    return render(request, "portal/notices.html", {"notices": selectors.public_notices(), "centre": selectors.centre()})


@login_not_required
def policy_publicity(request, code: str):
    """One policy's awards on public notice: firm, approved amount and the last day for objections."""
    rows = list(publicity_list(policy_code=code))
    if not rows:
        raise Http404("该政策当前没有公示中的兑现名单")
    return render(request, "portal/policy_publicity.html", {"policy": rows[0].policy, "rows": rows,
                                                            "centre": selectors.centre()})
