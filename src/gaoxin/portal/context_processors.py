"""Role-aware navigation for the base layout."""

import functools

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import get_script_prefix, reverse
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import permissions as perms
from gaoxin.assist import permissions as assist_perms
from gaoxin.benefits import permissions as benefit_perms
from gaoxin.cases import permissions as case_perms
from gaoxin.catalog import permissions as catalog_perms
from gaoxin.chains import permissions as chain_perms
from gaoxin.competitions import permissions as competition_perms
from gaoxin.core import permissions as core_perms
from gaoxin.core.models import Notification
from gaoxin.dashboard import permissions as dashboard_perms
from gaoxin.evaluation import permissions as evaluation_perms
from gaoxin.green import permissions as green_perms
from gaoxin.guidance import permissions as guidance_perms
from gaoxin.proactive import permissions as proactive_perms
from gaoxin.stations import permissions as station_perms
from gaoxin.talent import permissions as talent_perms
from gaoxin.talentcare import permissions as talentcare_perms


def _unread_notices():
    return Coalesce(Subquery(Notification.objects.filter(user=OuterRef("pk"), read_at__isnull=True).order_by()
                             .values("user").annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
                    Value(0))


# The header's unread count, read with the user's org unit and the rooms' facts (a reviewer of a talent round, a
# chain chief, a department head…) in one query per request: accounts.permissions.user_facts.
perms.register_user_fact("unread_notices", _unread_notices)


@functools.cache
def _public_items(prefix: str) -> tuple:
    """A visitor's menu: the same for every visitor under one script prefix (the labels translate when shown), so
    made once, not by eight `reverse` calls on every public page (the public tracking page under load; issue 17)."""
    return ((_("首页"), reverse("home"), "home"), (_("办事指南"), reverse("guide_index"), "guide"),
            (_("办件查询"), reverse("track"), "track"), (_("公示公告"), reverse("public_notices"), "notices"),
            (_("云资讯"), reverse("news_index"), "news"), (_("云直播"), reverse("live_index"), "live"),
            (_("云导办"), reverse("guidance_about"), "guidance"), (_("常见问题"), reverse("guidance_faq"), "guidance_faq"))


def navigation(request):
    user = getattr(request, "user", None)
    large = request.COOKIES.get("gx_large_text") == "1"
    if not (user and user.is_authenticated):
        return {"nav_items": _public_items(get_script_prefix()), "large_text": large}
    facts = perms.user_facts(user)  # first: the predicates below then read the org unit and facts without a query
    items = [(_("首页"), reverse("home"), "home"), (_("办事指南"), reverse("guide_index"), "guide")]
    items.append((_("企业档案") if perms.is_staff_role(user) else _("我的企业"), reverse("enterprise_index"), "enterprises"))
    items.append((_("我的办件") if case_perms.can_apply_online(user) else _("办件"), reverse("case_queue_all"), "cases"))
    items.append((_("惠企政策"), reverse("policy_index"), "policies"))
    if benefit_perms.can_use_talent_benefits(user):
        items.append((_("人才待遇"), reverse("talent_benefits"), "talent_benefits"))
    items.append((_("企业诉求"), reverse("appeal_index"), "appeals"))
    items.append((_("云资讯"), reverse("news_index"), "news"))
    items.append((_("云直播"), reverse("live_index"), "live"))
    if guidance_perms.can_view_sessions(user):
        items.append((_("云导办"), reverse("guidance_sessions"), "guidance"))
    if assist_perms.can_view_orders(user):
        items.append((_("帮代办"), reverse("order_index"), "assist"))
    if station_perms.can_view_stations(user):
        items.append((_("驿站"), reverse("station_index"), "stations"))
    if proactive_perms.can_view_campaigns(user):
        items.append((_("主动服务"), reverse("campaign_list"), "proactive"))
    if talent_perms.can_view_talent(user):
        items.append((_("人才用工"), reverse("talent_index"), "talent"))
    elif talent_perms.is_talent(user):
        items.append((_("我的人才档案"), reverse("talent_me"), "talent"))
        items.append((_("人才认定"), reverse("talent_rounds"), "talent_rounds"))
    elif talent_perms.is_round_reviewer(user):
        items.append((_("人才认定评审"), reverse("talent_rounds"), "talent_rounds"))
    if talentcare_perms.can_view_housing(user):
        items.append((_("人才服务"), reverse("talentcare_index"), "talentcare"))
    elif talentcare_perms.can_use_own_page(user):
        items.append((_("我的人才服务"), reverse("talentcare_me"), "talentcare"))
    if chain_perms.can_view_chains(user):
        items.append((_("产业链"), reverse("chain_list"), "chains"))
    if competition_perms.can_view_competitions(user):
        items.append((_("创新创业大赛"), reverse("competition_list"), "competitions"))
    if green_perms.can_view_green(user):
        items.append((_("绿色制造"), reverse("green_labels"), "green"))
    if green_perms.can_use_finance(user):
        items.append((_("绿色金融"), reverse("green_finance"), "green_finance"))
    if dashboard_perms.can_view_dashboard(user):
        items.append((_("驾驶舱"), reverse("dashboard"), "dashboard"))
    if evaluation_perms.can_view_evaluation(user):
        items.append((_("亩产评价"), reverse("evaluation_index"), "evaluation"))
    elif evaluation_perms.can_report_evaluation_data(user):
        items.append((_("亩产填报"), reverse("evaluation_my_report"), "evaluation"))
    if core_perms.can_use_deadline_calculator(user):
        items.append((_("期限计算"), reverse("deadline_calculator"), "deadline"))
    if catalog_perms.can_manage_catalog(user):
        items.append((_("事项维护"), reverse("catalog_manage"), "catalog"))
    if core_perms.can_manage_calendar(user):
        items.append((_("工作日历"), reverse("calendar_index"), "calendar"))
    if core_perms.can_view_audit(user):
        items.append((_("审计日志"), reverse("audit_list"), "audit"))
    if case_perms.can_apply_online(user) and not perms.firm_ids_of(user):
        # A person without a bound firm (a founder): only what serves them, not empty firm pages.
        items = [item for item in items if item[2] not in FIRM_ONLY]
    if talent_perms.is_talent(user):
        # A talent (人才) acts for themself, not for a firm: no firm pages.
        items = [item for item in items if item[2] not in TALENT_HIDDEN]
    if perms.has_role(user, "bank"):
        # A partner bank's loan officer uses the finance board only (and the public guides and policies).
        items = [item for item in items if item[2] in BANK_SHOWN]
    return {"nav_items": items, "large_text": large, "unread_notifications": facts.get("unread_notices", 0)}


# Navigation a talent's own log-in (role 人才) does not get: the firm-side pages.
TALENT_HIDDEN = frozenset({"enterprises", "cases", "appeals", "assist"})

# Navigation a partner bank's log-in (role 银行) gets.
BANK_SHOWN = frozenset({"home", "guide", "policies", "green_finance", "news"})

# Navigation of an enterprise user that needs a bound firm.
FIRM_ONLY = frozenset({"enterprises", "policies", "appeals", "assist", "evaluation", "talent"})
