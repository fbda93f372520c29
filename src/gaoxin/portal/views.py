"""Home page per role: cards that later capabilities fill."""

from django.shortcuts import render
from django.urls import reverse

from gaoxin.accounts import permissions as perms
from gaoxin.accounts.models import Role
from gaoxin.accounts.permissions import enterprises_visible_to

# Cards per role: (title, description, url name or None while the capability is being built).
_CARDS = {
    Role.ZONE_ADMIN: [
        ("企业档案", "一企一档：查询、导入、导出企业名录", "enterprise_index"),
        ("事项清单维护", "办事指南草稿、发布、版本与清单导入导出", "catalog_manage"),
        ("工作日历", "录入国务院节假日通知，维护调休安排", "calendar_index"),
        ("审计日志", "查看所有状态变更记录", "audit_list"),
        ("惠企政策", "政策库、规则、匹配推送与兑现统计", "policy_index"),
        ("亩产效益评价", "评价周期、数据采集、测算、公示、发布与差别化政策", "evaluation_index"),
        ("期限计算", "按工作日计算办理期限", "deadline_calculator"),
    ],
    Role.WINDOW_CLERK: [
        ("企业查询", "查询企业档案、资质与用地", "enterprise_index"),
        ("办事指南", "事项材料清单、空白表格、二维码海报", "guide_index"),
        ("期限计算", "受理日期 + 工作日时限 → 到期日", "deadline_calculator"),
        ("受理队列", "一窗受理、补正、容缺受理", "case_intake_queue"),
        ("即将到期", "预警与超期办件", "case_at_risk"),
    ],
    Role.DEPT_OFFICER: [
        ("审批队列", "本部门待审办件", "case_review_queue"),
        ("差评整改", "本部门差评整改与回访", "rectification_list"),
        ("政策兑现", "本部门政策的申请审核与拨付", "benefit_applications"),
        ("企业查询", "查询企业档案", "enterprise_index"),
        ("期限计算", "按工作日计算办理期限", "deadline_calculator"),
    ],
    Role.AGENT: [
        ("帮代办订单", "您点单、我来办（建设中）", None),
        ("代办办件", "我为企业提交的办件", "case_mine"),
        ("办事指南", "事项、一件事与材料清单", "guide_index"),
        ("企业查询", "查询企业档案", "enterprise_index"),
    ],
    Role.STATION_OFFICER: [
        ("驿站服务台账", "记录驿站服务（建设中）", None),
        ("办事指南", "为企业查询事项与材料", "guide_index"),
        ("企业查询", "查询企业档案", "enterprise_index"),
    ],
    Role.ENTERPRISE: [
        ("我的企业", "查看本企业档案、资质与用地", "enterprise_index"),
        ("办事指南", "码上查、立下载：材料清单与空白表格", "guide_index"),
        ("我的办件", "网上申报的进度、补正与评价", "case_mine"),
        ("我可享受的政策", "应知尽知、应享尽享：自动比对与测算", "my_policies"),
        ("亩产效益评价", "数据填报、核实确认、异议与本企业评价报告", "evaluation_my_report"),
    ],
    Role.LEADER: [
        ("企业档案", "全区企业概况", "enterprise_index"),
        ("超期预警", "即将到期与超期办件", "case_at_risk"),
        ("政策兑现统计", "匹配、推送、申请、拨付", "benefit_statistics"),
        ("亩产效益评价", "全区概览、评价结果、调档审批", "evaluation_summary"),
        ("领导驾驶舱", "政务服务与亩产效益统计（建设中）", None),
    ],
}


_QUEUE_URLS = {"case_intake_queue": "intake", "case_review_queue": "review", "case_mine": "mine",
               "case_at_risk": "at_risk"}


def _url(name: str | None) -> str | None:
    if name is None:
        return None
    if name in _QUEUE_URLS:
        return reverse("case_queue", args=[_QUEUE_URLS[name]])
    return reverse(name)


def home(request):
    user = request.user
    cards = [(t, d, _url(u)) for t, d, u in _CARDS.get(user.role, [])]
    stats = {}
    if perms.is_staff_role(user):
        stats["enterprises"] = enterprises_visible_to(user).count()
    else:
        stats["my_enterprises"] = list(enterprises_visible_to(user).values("id", "name"))
    return render(request, "portal/home.html", {"cards": cards, "stats": stats})
