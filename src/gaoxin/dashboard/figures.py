"""The figure registry (platform.md §7, services.md §14, benefits.md §5.5): every figure a leader is shown is
declared here once — id, Chinese name, formula in words, unit, the records it is computed from, the dimensions it
can be broken down by and whether higher is better. Thresholds are configuration (GAOXIN_FIGURE_THRESHOLDS).

A figure is one of four kinds over the records of its source dated in the period:
- count: how many records (`where`);
- share: the part of them matching `numerator`, in % (a numerator may be an expression, e.g. 基本满意 weighted);
- mean: the mean of `value` over them;
- sum: the sum of `value` over them.
Each is stored per day and dimension key as a numerator and a denominator (dashboard.models.FigureDay), so a
period of any length is a sum of small rows, whatever the number of records behind it.

Evaluation figures are not daily: they come from the released tiers of a data year (`TIER_FIGURES`)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, TruncDate
from django.db.models.lookups import GreaterThanOrEqual, IsNull, LessThanOrEqual

SECTIONS = {
    "cases": "政务服务办件",
    "stations": "驿站与帮代办",
    "talent": "人才与用工",
    "appeals": "企业诉求",
    "benefits": "惠企政策",
    "green": "绿色制造",
    "chains": "产业链",
}

DIMENSIONS = {"department": "部门", "station": "驿站", "channel": "渠道", "category": "类别", "park": "园区",
              "chain": "产业链", "window": "窗口"}


@dataclass(frozen=True)
class Source:
    """Records a group of figures is computed from: a model, the date that places a record in a period, the
    paths of its dimensions, how a viewer's records are scoped and how one record is shown in a drill-down."""

    id: str
    name: str
    model: str  # app_label.Model
    date: str
    dimensions: dict[str, str]
    scope: Callable  # (user) -> QuerySet of the records the viewer may open
    columns: tuple[tuple[str, str], ...]  # (label, path) shown for each record
    link: Callable | None = None  # (record) -> url of its page
    related: tuple[str, ...] = ()
    # Values a drill-down row shows that are not a path from the record: {name: expression over the records the
    # scope and the figure's filter give} (a payment's chain: the membership the figure joined).
    annotations: Callable[[], dict] | None = None
    # A date computed from the record instead of the field `date` (which still gives its type): a live session
    # held is dated by its actual start, one not held by its planned start.
    date_expression: Callable[[], object] | None = None

    @property
    def model_class(self):
        from django.apps import apps

        return apps.get_model(self.model)

    def date_field(self):
        """The date field, followed through relations when the date is a path (a chain problem dated by its
        appeal's registration: `appeal__received_at`)."""
        model, parts = self.model_class, self.date.split("__")
        for part in parts[:-1]:
            model = model._meta.get_field(part).related_model
        return model._meta.get_field(parts[-1])

    def date_value(self):
        """The record's date (or time) as an expression: the computed one, else the field."""
        return self.date_expression() if self.date_expression else F(self.date)

    def day_expression(self):
        model_field = self.date_field()
        if isinstance(model_field, DateTimeField):
            return TruncDate(self.date_value())
        if isinstance(model_field, DateField):
            return self.date_value()
        raise TypeError(f"{self.id}: {self.date} is not a date")

    def in_period(self, start, end) -> Q:
        if self.date_expression:
            day = self.day_expression()
            return Q(GreaterThanOrEqual(day, start)) & Q(LessThanOrEqual(day, end))
        model_field = self.date_field()
        if isinstance(model_field, DateTimeField):
            return Q(**{f"{self.date}__date__gte": start, f"{self.date}__date__lte": end})
        return Q(**{f"{self.date}__gte": start, f"{self.date}__lte": end})

    def dated(self) -> Q:
        """The records that have a date at all."""
        return Q(IsNull(self.date_value(), False)) if self.date_expression else Q(**{f"{self.date}__isnull": False})

    def newest_first(self) -> tuple:
        """A drill-down's order: by the date, newest first, then the newest record."""
        return (self.date_value().desc(), "-pk") if self.date_expression else (f"-{self.date}", "-pk")


@dataclass(frozen=True)
class Figure:
    id: str
    name: str
    section: str
    source: Source
    kind: str  # count | share | mean | sum
    unit: str
    formula: str
    where: Q | Callable = field(default_factory=Q)  # a Q, or a callable returning one (a subquery over a model)
    numerator: Q | Callable | None = None  # share: a Q, or a callable returning an expression to sum
    value: Callable | None = None  # mean / sum: a callable returning the expression
    higher_is_better: bool | None = True
    word: str = ""  # the unit in a sentence ("次", "件", "个")
    dimensions: tuple[str, ...] | None = None  # default: every dimension of the source

    @property
    def where_q(self) -> Q:
        return self.where() if callable(self.where) else self.where

    @property
    def dims(self) -> tuple[str, ...]:
        return tuple(self.source.dimensions) if self.dimensions is None else self.dimensions

    @property
    def threshold(self) -> dict:
        """{"min": x} or {"max": x}, or {} (GAOXIN_FIGURE_THRESHOLDS)."""
        return dict(settings.GAOXIN_FIGURE_THRESHOLDS.get(self.id, {}))

    def numerator_expression(self):
        """What a record adds to a share's numerator: 1 or 0 for a condition (a Q, or a callable returning one: SUM
        of a boolean does not exist in PostgreSQL), else the callable's expression (e.g. 基本满意 weighted)."""
        numerator = self.numerator() if callable(self.numerator) else self.numerator
        if isinstance(numerator, Q):
            return Case(When(numerator, then=Value(1)), default=Value(0), output_field=IntegerField())
        return numerator

    def value_expression(self):
        if self.kind == "count":
            return Value(1)
        if self.kind == "share":
            return self.numerator_expression()
        return self.value()

    def result(self, num, den):
        """The figure's value from its summed numerator and denominator (None: no records)."""
        if self.kind == "count":
            return int(num or 0)
        if self.kind == "sum":
            total = round(float(num or 0), 2)
            return int(total) if total.is_integer() else total
        if not den:
            return None
        if self.kind == "share":
            return round(float(num) * 100 / float(den), 1)
        return round(float(num) / float(den), 2)

    def definition(self) -> dict:
        return {"id": self.id, "name": self.name, "section": SECTIONS[self.section], "unit": self.unit,
                "formula": self.formula, "source": self.source.name, "date": self.source.date, "kind": self.kind,
                "dimensions": [DIMENSIONS[d] for d in self.dims], "threshold": self.threshold}


# --- sources -------------------------------------------------------------------------------------------------

def _cases_scope(user):
    from gaoxin.cases.permissions import cases_visible_to

    return cases_visible_to(user)


def _case_link(case):
    from django.urls import reverse

    return reverse("case_detail", args=[case.number])


_CASE_DIMS = {"department": "department_id", "station": "station_id", "channel": "channel",
              "park": "enterprise__park_area_id"}
_CASE_COLUMNS = (("办件编号", "number"), ("事项", "item__name"), ("部门", "department__name"), ("渠道", "channel"),
                 ("申请人", "applicant_name"), ("收件日期", "received_on"), ("受理日期", "accepted_on"),
                 ("办结日期", "decided_on"), ("办结期限", "due_date"))


def _case_source(id_, name, date):
    return Source(id_, name, "cases.Case", date, _CASE_DIMS, _cases_scope, _CASE_COLUMNS, _case_link,
                  ("item", "department"))


CASES_ACCEPTED = _case_source("case_accepted", "办件（按受理日期）", "accepted_on")
CASES_RECEIVED = _case_source("case_received", "办件（按收件日期）", "received_on")
CASES_DECIDED = _case_source("case_decided", "办件（按办结日期）", "decided_on")


def _reviews_scope(user):
    from gaoxin.cases.models import Review

    return Review.objects.filter(case__in=_cases_scope(user))


BAD_REVIEWS = Source(
    "bad_review", "差评（按评价日期）", "cases.Review", "created_at",
    {"department": "case__department_id", "channel": "case__channel"}, _reviews_scope,
    (("办件编号", "case__number"), ("事项", "case__item__name"), ("部门", "case__department__name"),
     ("评价", "level"), ("整改状态", "rectification__status"), ("评价时间", "created_at")),
    lambda review: _case_link(review.case), ("case", "case__item", "case__department", "rectification"))


def _services_scope(user):
    from gaoxin.stations.permissions import station_services_visible_to

    return station_services_visible_to(user)


STATION_SERVICES = Source(
    "station_service", "驿站服务台账（按服务日期）", "stations.StationService", "provided_on",
    {"station": "station_id", "category": "category", "park": "enterprise__park_area_id"}, _services_scope,
    (("驿站", "station__name"), ("服务日期", "provided_on"), ("类别", "category"), ("企业", "enterprise__name"),
     ("服务内容", "description"), ("结果", "outcome"), ("解决用工人次", "jobs_filled")),
    None, ("station", "enterprise"))


def _orders_scope(user):
    from gaoxin.assist.permissions import orders_visible_to

    return orders_visible_to(user)


def _order_link(order):
    from django.urls import reverse

    return reverse("order_detail", args=[order.number])


ASSIST_ORDERS = Source(
    "assist_order", "帮代办订单（按下单日期）", "assist.AssistOrder", "requested_at",
    {"station": "station_id", "channel": "channel", "park": "enterprise__park_area_id"}, _orders_scope,
    (("订单编号", "number"), ("企业", "enterprise__name"), ("渠道", "channel"), ("驿站", "station__name"),
     ("状态", "status"), ("下单时间", "requested_at")),
    _order_link, ("enterprise", "station"))


def _projects_scope(user):
    from gaoxin.assist.permissions import projects_visible_to

    return projects_visible_to(user)


def _project_link(project):
    from django.urls import reverse

    return reverse("project_detail", args=[project.pk])


PROJECTS = Source(
    "project_permit", "入园项目（按取得施工许可日期）", "assist.Project", "construction_permit_on",
    {"park": "enterprise__park_area_id"}, _projects_scope,
    (("项目名称", "name"), ("企业", "enterprise__name"), ("拿地（交地）日期", "land_delivered_on"),
     ("取得施工许可日期", "construction_permit_on")),
    _project_link, ("enterprise",))


def _appeals_scope(user):
    from gaoxin.appeals.permissions import appeals_visible_to

    return appeals_visible_to(user)


def _appeal_link(appeal):
    from django.urls import reverse

    return reverse("appeal_detail", args=[appeal.number])


APPEALS = Source(
    "appeal", "企业诉求（按登记日期）", "appeals.Appeal", "received_at",
    {"department": "lead_id", "station": "station_id", "category": "category", "park": "enterprise__park_area_id"},
    _appeals_scope,
    (("诉求编号", "number"), ("标题", "title"), ("企业", "enterprise__name"), ("主办单位", "lead__name"),
     ("状态", "status"), ("办结日期", "resolved_on"), ("满意度", "satisfaction")),
    _appeal_link, ("enterprise", "lead"))


def _applications_scope(user):
    from gaoxin.benefits.permissions import applications_visible_to

    return applications_visible_to(user)


def _application_link(application):
    from django.urls import reverse

    return reverse("benefit_application", args=[application.number])


APPLICATIONS = Source(
    "benefit_application", "政策兑现申请（按申请日期）", "benefits.BenefitApplication", "created_at",
    {"department": "policy__issuer_id", "park": "enterprise__park_area_id"}, _applications_scope,
    (("申请编号", "number"), ("政策", "policy__title"), ("企业", "enterprise__name"), ("状态", "status"),
     ("拨付金额（万元）", "amount_paid"), ("申请时间", "created_at")),
    _application_link, ("policy", "enterprise"))


def _payments_scope(user):
    from gaoxin.benefits.models import ApplicationEvent

    return ApplicationEvent.objects.filter(application__in=_applications_scope(user))


PAYMENTS = Source(
    "benefit_payment", "政策资金拨付（按拨付日期）", "benefits.ApplicationEvent", "at",
    {"department": "application__policy__issuer_id", "park": "application__enterprise__park_area_id"},
    _payments_scope,
    (("申请编号", "application__number"), ("政策", "application__policy__title"), ("企业", "application__enterprise__name"),
     ("拨付金额（万元）", "application__amount_paid"), ("拨付时间", "at")),
    lambda event: _application_link(event.application), ("application__policy", "application__enterprise"))


def _matches_scope(user):
    from gaoxin.benefits.models import MatchResult
    from gaoxin.benefits.permissions import policies_visible_to

    return MatchResult.objects.filter(policy__in=policies_visible_to(user))


PUSHES = Source(
    "benefit_push", "政策精准推送（按推送日期）", "benefits.MatchResult", "told_at",
    {"department": "policy__issuer_id", "park": "enterprise__park_area_id"}, _matches_scope,
    (("政策", "policy__title"), ("企业", "enterprise__name"), ("比对结果", "verdict"), ("推送时间", "told_at")),
    None, ("policy", "enterprise"))

def _hires_scope(user):
    from gaoxin.talent.permissions import hires_visible_to

    return hires_visible_to(user)


def _hire_link(hire):
    from django.urls import reverse

    return reverse("talent_demand", args=[hire.demand.number])


HIRES = Source(
    "talent_hire", "到岗记录（按企业确认日期）", "talent.Hire", "confirmed_on",
    {"station": "station_id", "park": "demand__enterprise__park_area_id"}, _hires_scope,
    (("姓名", "name"), ("企业", "demand__enterprise__name"), ("岗位", "demand__post"), ("到岗日期", "hired_on"),
     ("经办驿站", "station__name"), ("状态", "status")),
    _hire_link, ("demand__enterprise", "station"))


def _demands_scope(user):
    from gaoxin.talent.permissions import demands_visible_to

    return demands_visible_to(user)


def _demand_link(demand):
    from django.urls import reverse

    return reverse("talent_demand", args=[demand.number])


DEMANDS = Source(
    "talent_demand", "用工需求（按发布日期）", "talent.JobDemand", "created_at",
    {"park": "enterprise__park_area_id"}, _demands_scope,
    (("需求编号", "number"), ("企业", "enterprise__name"), ("岗位", "post"), ("需求人数", "quantity"),
     ("已到岗", "filled"), ("状态", "status"), ("发布时间", "created_at")),
    _demand_link, ("enterprise",))

def _recognitions_scope(user):
    from gaoxin.talent.models import Recognition
    from gaoxin.talent.permissions import talents_visible_to

    return Recognition.objects.filter(talent__in=talents_visible_to(user))


def _recognition_link(recognition):
    from django.urls import reverse

    return reverse("talent_person", args=[recognition.talent_id])


_RECOGNITION_COLUMNS = (("人才", "talent__name"), ("工作单位", "talent__employer__name"), ("称号", "title__name"),
                        ("层次", "tier__name"), ("认定日期", "recognised_on"), ("状态", "status"))
# Recognitions by tier and by title: the same records, the 类别 dimension read from the tier or the title.
RECOGNITIONS = Source(
    "talent_recognition", "人才认定（按认定日期，类别为人才层次）", "talent.Recognition", "recognised_on",
    {"category": "tier__name", "park": "talent__employer__park_area_id"}, _recognitions_scope,
    _RECOGNITION_COLUMNS, _recognition_link, ("talent__employer", "title", "tier"))
RECOGNITION_TITLES = Source(
    "talent_recognition_title", "人才认定（按认定日期，类别为人才称号）", "talent.Recognition", "recognised_on",
    {"category": "title__name", "park": "talent__employer__park_area_id"}, _recognitions_scope,
    _RECOGNITION_COLUMNS, _recognition_link, ("talent__employer", "title", "tier"))


def _leases_scope(user):
    from gaoxin.talentcare.permissions import leases_visible_to

    return leases_visible_to(user)


def _lease_link(lease):
    from django.urls import reverse

    return reverse("talentcare_lease", args=[lease.pk])


LEASES = Source(
    "talentcare_lease", "人才公寓租约（按起租日期）", "talentcare.Lease", "start_on",
    {"park": "unit__building__park_id"}, _leases_scope,
    (("房源", "unit__number"), ("楼栋", "unit__building__name"), ("人才", "talent__name"), ("起租日期", "start_on"),
     ("到期日期", "end_on"), ("个人承担月租金（元）", "subsidised_rent"), ("状态", "status")),
    _lease_link, ("unit__building", "talent"))


def _pairings_scope(user):
    from gaoxin.talentcare.permissions import pairings_visible_to

    return pairings_visible_to(user)


def _pairing_link(pairing):
    from django.urls import reverse

    return reverse("talentcare_pairing", args=[pairing.pk])


PAIRINGS = Source(
    "talentcare_pairing", "领导结对联系人才（按结对日期）", "talentcare.Pairing", "since", {}, _pairings_scope,
    (("人才", "talent__name"), ("联系领导", "leader__full_name"), ("结对日期", "since"), ("结束日期", "ended_on")),
    _pairing_link, ("talent", "leader"))

def _talent_payments_scope(user):
    from gaoxin.benefits.models import TalentInstalment
    from gaoxin.benefits.permissions import talent_claims_visible_to

    return TalentInstalment.objects.filter(claim__in=talent_claims_visible_to(user).values("pk"))


def _talent_claim_link(instalment):
    from django.urls import reverse

    return reverse("talent_claim", args=[instalment.claim.number])


TALENT_PAYMENTS = Source(
    "talent_benefit_payment", "人才待遇拨付（按拨付日期）", "benefits.TalentInstalment", "paid_on",
    {"park": "claim__enterprise__park_area_id"}, _talent_payments_scope,
    (("申领编号", "claim__number"), ("人才", "claim__talent__name"), ("事项", "claim__item__name"), ("期次", "seq"),
     ("金额（元）", "amount"), ("拨付日期", "paid_on")),
    _talent_claim_link, ("claim__talent", "claim__item"))

def _green_labels_scope(user):
    from gaoxin.green.permissions import labels_visible_to

    return labels_visible_to(user)


def _green_label_link(label):
    from django.urls import reverse

    return reverse("green_label", args=[label.pk])


GREEN_LABELS = Source(
    "green_label", "绿色与智能制造称号（按登记时间，类别为级别）", "green.GreenLabel", "created_at",
    {"category": "level", "park": "enterprise__park_area_id"}, _green_labels_scope,
    (("企业", "enterprise__name"), ("称号类别", "kind"), ("级别", "level"), ("名称", "title"), ("认定年度", "year"),
     ("状态", "status")),
    _green_label_link, ("enterprise",))

def _green_loans_scope(user):
    from gaoxin.green.permissions import responses_visible_to

    return responses_visible_to(user)


def _green_loan_link(response):
    from django.urls import reverse

    return reverse("green_need", args=[response.need_id])


GREEN_LOANS = Source(
    "green_loan", "绿色金融对接的银行放款（按放款日期）", "green.BankResponse", "disbursed_on",
    {"park": "need__enterprise__park_area_id"}, _green_loans_scope,
    (("企业", "need__enterprise__name"), ("银行", "bank__name"), ("放款金额（元）", "disbursed_amount"),
     ("放款日期", "disbursed_on"), ("绿色项目", "need__is_green")),
    _green_loan_link, ("need__enterprise", "bank"))


def _pool_movements_scope(user):
    from gaoxin.green.selectors import movement_list

    return movement_list(user=user)


POOL_MOVEMENTS = Source(
    "green_pool_movement", "风险补偿资金池收支（按日期）", "green.PoolMovement", "occurred_on",
    {"park": "loan__need__enterprise__park_area_id"}, _pool_movements_scope,
    (("类别", "kind"), ("企业", "loan__need__enterprise__name"), ("金额（元）", "amount"), ("日期", "occurred_on")),
    None, ("loan__need__enterprise",))

# --- industry chains (issue 20 item 4): the problems tagged with each chain and the policies paid to its firms, per
# chain; a firm on two nodes of a chain counted once, a firm on two chains counted for each (so the total over the
# chain dimension is the sum of the chains'). Sales, tax and the per-mu tier spread are yearly evaluation figures: on
# the chain page and the dashboard's chains panel (dashboard.selectors.chains).


def _chain_problems_scope(user):
    from gaoxin.appeals.permissions import appeals_visible_to
    from gaoxin.chains.models import ChainAppeal
    from gaoxin.chains.permissions import can_view_chain_members

    if not can_view_chain_members(user):
        return ChainAppeal.objects.none()
    return ChainAppeal.objects.filter(appeal__in=appeals_visible_to(user))


def _chain_problem_link(tag):
    return _appeal_link(tag.appeal)


_CHAIN_PROBLEM_COLUMNS = (("产业链", "chain__name"), ("诉求编号", "appeal__number"), ("标题", "appeal__title"),
                          ("企业", "appeal__enterprise__name"), ("状态", "appeal__status"),
                          ("办结日期", "appeal__resolved_on"))
CHAIN_PROBLEMS = Source(
    "chain_problem", "产业链问题（标记为产业链问题的诉求，按诉求登记日期）", "chains.ChainAppeal", "appeal__received_at",
    {"chain": "chain_id", "park": "appeal__enterprise__park_area_id"}, _chain_problems_scope,
    _CHAIN_PROBLEM_COLUMNS, _chain_problem_link, ("chain", "appeal__enterprise"))
CHAIN_PROBLEMS_SOLVED = Source(
    "chain_problem_solved", "产业链问题（按诉求办结日期）", "chains.ChainAppeal", "appeal__resolved_on",
    {"chain": "chain_id", "park": "appeal__enterprise__park_area_id"}, _chain_problems_scope,
    _CHAIN_PROBLEM_COLUMNS, _chain_problem_link, ("chain", "appeal__enterprise"))

_MEMBER = "application__enterprise__chain_memberships__"


def _chain_member():
    """The payment's firm is a confirmed 链主 or 配套 of the chain (the joined membership), taken once per chain: the
    membership with the smallest id among the firm's confirmed local ones on that chain."""
    from gaoxin.chains.models import LOCAL_ROLES, Membership, MembershipStatus

    local = {"status": MembershipStatus.CONFIRMED, "role__in": [str(r) for r in LOCAL_ROLES]}
    earlier = Membership.objects.filter(chain_id=OuterRef(f"{_MEMBER}chain_id"),
                                        enterprise_id=OuterRef("application__enterprise_id"),
                                        pk__lt=OuterRef(f"{_MEMBER}pk"), **local)
    return Q(to_status="paid", **{f"{_MEMBER}{k}": v for k, v in local.items()}) & ~Q(Exists(earlier))


def _chain_payments_scope(user):
    from gaoxin.chains.permissions import can_view_chain_members

    return _payments_scope(user) if can_view_chain_members(user) else _payments_scope(user).none()


CHAIN_PAYMENTS = Source(
    "chain_payment", "链上企业政策资金拨付（按拨付日期）", "benefits.ApplicationEvent", "at",
    {"chain": f"{_MEMBER}chain_id"}, _chain_payments_scope,
    # A payment to a firm on two chains counts on each: its drill-down row per chain says which.
    (("产业链", "chain_name"), ("申请编号", "application__number"), ("政策", "application__policy__title"), ("企业", "application__enterprise__name"),
     ("拨付金额（万元）", "application__amount_paid"), ("拨付时间", "at")),
    lambda event: _application_link(event.application), ("application__policy", "application__enterprise"),
    annotations=lambda: {"chain_name": F(f"{_MEMBER}chain__name")})

SOURCES = {s.id: s for s in (CHAIN_PROBLEMS, CHAIN_PROBLEMS_SOLVED, CHAIN_PAYMENTS, GREEN_LABELS, GREEN_LOANS, POOL_MOVEMENTS, HIRES, DEMANDS, RECOGNITIONS, RECOGNITION_TITLES, LEASES, PAIRINGS, TALENT_PAYMENTS, CASES_ACCEPTED, CASES_RECEIVED, CASES_DECIDED, BAD_REVIEWS, STATION_SERVICES,
                             ASSIST_ORDERS, PROJECTS, APPEALS, APPLICATIONS, PAYMENTS, PUSHES)}


# --- innovation competitions (platform.md §6, benefits.md §8) ---------------------------------------------------

def _competition_registrations_scope(user):
    from gaoxin.competitions.permissions import registrations_visible_to

    return registrations_visible_to(user)


def _competition_registration_link(registration):
    from django.urls import reverse

    return reverse("competition_registration", args=[registration.pk])


_REGISTRATION_COLUMNS = (("届次", "edition__name"), ("企业", "enterprise__name"), ("行业赛道", "track__name"),
                         ("参赛项目", "project"), ("状态", "status"))
COMPETITION_INVITES = Source(
    "competition_invite", "创新创业大赛邀请参赛的企业（按邀请时间，类别为行业赛道）", "competitions.Registration",
    "invited_at", {"category": "track__name", "park": "enterprise__park_area_id"}, _competition_registrations_scope,
    _REGISTRATION_COLUMNS, _competition_registration_link, ("edition", "enterprise", "track"))
COMPETITION_ENTRIES = Source(
    "competition_entry", "创新创业大赛报名（按报名答复时间，类别为行业赛道）", "competitions.Registration",
    "answered_at", {"category": "track__name", "park": "enterprise__park_area_id"}, _competition_registrations_scope,
    _REGISTRATION_COLUMNS, _competition_registration_link, ("edition", "enterprise", "track"))


def _competition_sessions_scope(user):
    from gaoxin.competitions.permissions import sessions_visible_to

    return sessions_visible_to(user)


def _competition_session_link(session):
    from django.urls import reverse

    return reverse("competition_session", args=[session.pk])


COMPETITION_SESSIONS = Source(
    "competition_session", "创新创业大赛培训与模拟路演（按活动日期）", "competitions.CoachingSession", "held_on", {},
    _competition_sessions_scope, (("届次", "edition__name"), ("名称", "title"), ("日期", "held_on"),
                                  ("地点", "place")), _competition_session_link, ("edition",))


def _competition_awards_scope(user):
    from gaoxin.competitions.permissions import awards_visible_to

    return awards_visible_to(user)


COMPETITION_AWARDS = Source(
    "competition_award", "创新创业大赛获奖（按获奖日期，类别为行业赛道）", "competitions.Award", "awarded_on",
    {"category": "registration__track__name", "park": "registration__enterprise__park_area_id"},
    _competition_awards_scope,
    (("届次", "registration__edition__name"), ("企业", "registration__enterprise__name"),
     ("行业赛道", "registration__track__name"), ("奖项", "level__name"), ("获奖日期", "awarded_on")),
    lambda award: _competition_registration_link(award.registration),
    ("registration__edition", "registration__enterprise", "registration__track", "level"))


def _competition_follow_ups_scope(user):
    from gaoxin.competitions.models import FollowUp
    from gaoxin.competitions.permissions import registrations_visible_to

    return FollowUp.objects.filter(award__registration__in=registrations_visible_to(user))


def _competition_follow_up_link(follow_up):
    from django.urls import reverse

    return reverse("competition_follow_up", args=[follow_up.pk])


COMPETITION_FOLLOW_UPS = Source(
    "competition_follow_up", "创新创业大赛获奖后跟踪（按填报日期）", "competitions.FollowUp", "recorded_on",
    {"category": "award__registration__track__name", "park": "award__registration__enterprise__park_area_id"},
    _competition_follow_ups_scope,
    (("企业", "award__registration__enterprise__name"), ("奖项", "award__level__name"), ("跟踪节点（月）", "months"),
     ("对接投资机构", "investor_contacts"), ("新增融资（万元）", "financing"), ("填报日期", "recorded_on")),
    _competition_follow_up_link, ("award__registration__enterprise", "award__level"))
SECTIONS["competitions"] = "创新创业大赛"
SOURCES.update({s.id: s for s in (COMPETITION_INVITES, COMPETITION_ENTRIES, COMPETITION_SESSIONS, COMPETITION_AWARDS,
                                  COMPETITION_FOLLOW_UPS)})


# --- 智能微厅 and the hall's queue (platform.md §1, issue 23 item 9): visits at the terminals and who left without
# doing anything, tickets taken and the wait before a window called them. Neither belongs to a firm or a department:
# staff read them.

def _staff_only(label: str):
    """A scope for records of no firm or department: staff read them all, anyone else none."""
    def scope(user):
        from django.apps import apps

        from gaoxin.accounts.permissions import is_staff_role

        model = apps.get_model(label)
        return model.objects.all() if is_staff_role(user) else model.objects.none()
    return scope


KIOSK_VISITS = Source(
    "kiosk_visit", "智能微厅自助终端登录（按登录时间，类别为到达的步骤）", "kiosk.Visit", "started_at",
    {"category": "last_step"}, _staff_only("kiosk.Visit"),
    (("终端", "terminal__name"), ("地点", "terminal__location"), ("办事人", "person_name"),
     ("登录时间", "started_at"), ("退出时间", "ended_at"), ("到达的步骤", "last_step")), None, ("terminal",))
TICKETS = Source(
    "queue_ticket", "排队取号（按取号日期，类别为专区）", "kiosk.Ticket", "issued_on",
    {"category": "zone__name", "window": "window_id"},
    _staff_only("kiosk.Ticket"), (("号码", "number"), ("专区", "zone__name"), ("叫号窗口", "window_label"),
                                  ("取号日期", "issued_on"), ("状态", "status"), ("等候", "waited_text")),
    None, ("zone", "window"))
KIOSK_COVERAGE = Source(
    "kiosk_coverage", "已发布的即办事项（每天一次，按日期）", "kiosk.CoverageDay", "day",
    {"department": "department_id"}, _staff_only("kiosk.CoverageDay"),
    (("日期", "day"), ("事项", "item__name"), ("部门", "department__name"), ("自助办理", "kiosk_text")), None,
    ("item", "department"))
SECTIONS["kiosk"] = "智能微厅与排队"
SOURCES.update({s.id: s for s in (KIOSK_VISITS, TICKETS, KIOSK_COVERAGE)})


# --- 云导办 (platform.md §2, issue 23 item 9): sessions booked and what each ended with.

def _guidance_scope(user):
    from gaoxin.guidance.permissions import sessions_visible_to

    return sessions_visible_to(user)


def _guidance_link(session):
    from django.urls import reverse

    return reverse("guidance_session", args=[session.number])


GUIDANCE_SESSIONS = Source(
    "guidance_session", "云导办预约（按导办时间，类别为导办结果）", "guidance.GuidanceSession", "starts_at",
    {"department": "department_id", "category": "outcome"}, _guidance_scope,
    (("预约编号", "number"), ("事项", "item__name"), ("部门", "department__name"), ("导办时间", "starts_at"),
     ("状态", "status"), ("导办结果", "outcome")), _guidance_link, ("item", "department"))
SECTIONS["guidance"] = "云导办"
SOURCES.update({GUIDANCE_SESSIONS.id: GUIDANCE_SESSIONS})



# --- 云直播 and 云资讯 (platform.md §2, issue 23 items 8 and 9): questions asked in live sessions and where each
# ended (answered in the stream or in writing, turned into an appeal with the asker's consent), sessions held, and
# the reach of targeted notices (the firms that opened what was delivered to them).

def _live_questions_scope(user):
    from gaoxin.live.permissions import questions_visible_to

    return questions_visible_to(user)


def _live_question_link(question):
    from django.urls import reverse

    return reverse("live_question", args=[question.pk])


def _live_session_link(session):
    from django.urls import reverse

    return reverse("live_session", args=[session.pk])


def _news_deliveries_scope(user):
    from gaoxin.news.models import Delivery
    from gaoxin.news.permissions import articles_managed_by

    return Delivery.objects.filter(article__in=articles_managed_by(user))


LIVE_QUESTIONS = Source(
    "live_question", "云直播提问（按提问时间）", "live.Question", "asked_at", {"department": "session__department_id"},
    _live_questions_scope, (("问题", "text"), ("直播", "session__title"), ("提问时段", "phase"), ("提问时间", "asked_at"),
                            ("处理结果", "status")), _live_question_link, ("session",))
LIVE_SESSIONS = Source(
    "live_session", "云直播场次（开播的按实际开播时间，未开播的按计划开始时间）", "live.LiveSession", "starts_at",
    {"department": "department_id"}, _staff_only("live.LiveSession"),
    (("直播", "title"), ("主办单位", "department__name"), ("实际开播时间", "started_at"), ("计划开始时间", "starts_at"),
     ("状态", "status")), _live_session_link, ("department",),
    date_expression=lambda: Coalesce("started_at", "starts_at"))
NEWS_DELIVERIES = Source(
    "news_delivery", "云资讯定向通知送达企业（按送达时间）", "news.Delivery", "delivered_at",
    {"department": "article__department_id"}, _news_deliveries_scope,
    (("通知", "article__title"), ("企业", "enterprise__name"), ("送达时间", "delivered_at"), ("首次阅读时间", "read_at")),
    None, ("article", "enterprise"))
SECTIONS["portal"] = "云直播与云资讯"
SOURCES.update({s.id: s for s in (LIVE_QUESTIONS, LIVE_SESSIONS, NEWS_DELIVERIES)})

def _visit_without_action():
    from gaoxin.kiosk.models import Action

    return Case(When(Exists(Action.objects.filter(visit=OuterRef("pk"))), then=Value(0)), default=Value(1),
                output_field=IntegerField())


# --- expressions used by several figures -----------------------------------------------------------------------

def working_days_between(start: str, end: str):
    """Working days after `start` up to and including `end`, counted in the editable working-day calendar
    (core.CalendarDay): a make-up working day counts as one."""
    from gaoxin.core.models import CalendarDay

    days = (CalendarDay.objects.filter(is_workday=True, date__gt=OuterRef(start), date__lte=OuterRef(end))
            .order_by().values("is_workday").annotate(n=Count("date")).values("n"))
    return Coalesce(Subquery(days, output_field=IntegerField()), 0)


def working_days_used():
    """Working days from acceptance to decision (the acceptance day not counted), minus suspensions."""
    return ExpressionWrapper(working_days_between("accepted_on", "decided_on") - F("suspended_days"),
                             output_field=IntegerField())


def _land_to_permit_met():
    """拿地即开工: the construction permit within GAOXIN_LAND_TO_PERMIT_WORKDAYS working days of the land (0: the
    same day)."""
    from django.db.models.lookups import LessThanOrEqual

    gap = working_days_between("land_delivered_on", "construction_permit_on")
    return Case(When(LessThanOrEqual(gap, Value(settings.GAOXIN_LAND_TO_PERMIT_WORKDAYS)), then=Value(1)),
                default=Value(0), output_field=IntegerField())


def speed_up():
    statutory = Cast("version__statutory_limit", FloatField())
    return ExpressionWrapper(Value(100.0) * (Value(1.0) - Cast(working_days_used(), FloatField()) / statutory),
                             output_field=FloatField())


def _good_rating():
    return Q(review__level__gte=settings.GAOXIN_GOOD_RATING_MIN_LEVEL)


def _satisfied_appeal():
    w = settings.GAOXIN_APPEAL_BASIC_SATISFIED_WEIGHT
    return Case(When(satisfaction__gte=4, then=Value(1.0)), When(satisfaction=3, then=Value(float(w))),
                default=Value(0.0), output_field=FloatField())


def _contacted():
    from gaoxin.talentcare.models import Contact

    return Q(Exists(Contact.objects.filter(pairing=OuterRef("pk"))))


def _owed_material():
    from gaoxin.cases.models import CaseMaterial

    # A supplied material keeps `owed` (it was owed at acceptance) and gains `supplied_on`.
    return Exists(CaseMaterial.objects.filter(case=OuterRef("pk"), owed=True, supplied_on__isnull=True))


def _corrected():
    from gaoxin.cases.models import CaseEvent

    return Exists(CaseEvent.objects.filter(case=OuterRef("pk"), transition="REQUEST_CORRECTION"))


ACCEPTED = Q(accepted_on__isnull=False)
CLOSED = Q(decided_on__isnull=False, accepted_on__isnull=False)
ONLINE_CHANNELS = ("web", "mobile")

FIGURES: list[Figure] = [
    # Cases (services.md §14).
    Figure("cases.received", "收件量", "cases", CASES_RECEIVED, "count", "件", "统计期内收件（接件）的办件数", word="件"),
    Figure("cases.accepted", "受理量", "cases", CASES_ACCEPTED, "count", "件", "统计期内受理的办件数（受理日期在期内）",
           ACCEPTED, word="件"),
    Figure("cases.closed", "办结量", "cases", CASES_DECIDED, "count", "件", "统计期内作出办理决定的办件数（办结日期在期内）",
           CLOSED, word="件"),
    Figure("cases.on_time_rate", "按时办结率", "cases", CASES_DECIDED, "share", "%",
           "期内办结的办件中，在办结期限（已扣除特别程序暂停）当日或之前办结的比例", CLOSED,
           Q(due_date__isnull=True) | Q(decided_on__lte=F("due_date"))),
    Figure("cases.overdue", "超时办结件", "cases", CASES_DECIDED, "count", "件", "期内办结、但晚于办结期限的办件数",
           CLOSED & Q(decided_on__gt=F("due_date")), higher_is_better=False, word="件"),
    Figure("cases.avg_workdays", "平均办结用时", "cases", CASES_DECIDED, "mean", "个工作日",
           "期内办结办件从受理到办结的工作日数（受理当日不计，扣除暂停）的平均值", CLOSED, value=working_days_used,
           higher_is_better=False),
    Figure("cases.avg_promised", "平均承诺时限", "cases", CASES_DECIDED, "mean", "个工作日",
           "期内办结办件承诺办结时限的平均值", CLOSED, value=lambda: F("promised_limit"), higher_is_better=None),
    Figure("cases.speed_up", "实际提速率", "cases", CASES_DECIDED, "mean", "%",
           "每件：1 − 实际用时 ÷ 法定办结时限（工作日），再对期内办结办件取平均",
           CLOSED & Q(version__statutory_limit__gt=0), value=speed_up),
    Figure("cases.same_day", "即办件占比（当日办结）", "cases", CASES_DECIDED, "share", "%",
           "期内办结的办件中，受理当日办结的比例", CLOSED, Q(decided_on=F("accepted_on"))),
    Figure("cases.first_time", "一次办成率", "cases", CASES_DECIDED, "share", "%",
           "期内办结的办件中，未要求补正材料、一次办成的比例", CLOSED, lambda: Case(
               When(_corrected(), then=Value(0)), default=Value(1), output_field=IntegerField())),
    Figure("cases.online_share", "网办率（零跑动）", "cases", CASES_ACCEPTED, "share", "%",
           "期内受理的办件中，经网上办理、掌上办理渠道提交的比例", ACCEPTED, Q(channel__in=ONLINE_CHANNELS),
           dimensions=("department", "station", "park")),
    Figure("cases.kiosk_share", "自助办理率", "cases", CASES_ACCEPTED, "share", "%",
           "期内受理的办件中，经自助终端（智能微厅）提交的比例", ACCEPTED, Q(channel="kiosk"),
           dimensions=("department", "park")),
    Figure("kiosk.immediate_share", "即办件自助办结率", "kiosk", CASES_ACCEPTED, "share", "%",
           "期内受理的即办件中，在自助终端（智能微厅）当场办结的比例", ACCEPTED & Q(version__case_type="immediate"),
           Q(channel="kiosk"), dimensions=("department", "park")),
    Figure("kiosk.visits", "自助终端登录人次", "kiosk", KIOSK_VISITS, "count", "人次",
           "期内在智能微厅自助终端登录（刷身份证或手机扫码）的人次", word="人次"),
    Figure("kiosk.drop_off", "登录未办理离开率", "kiosk", KIOSK_VISITS, "share", "%",
           "期内已结束的终端登录中，没有办结任何事项、也没有转帮代办或请驿站联系就退出（含超时自动退出）的比例",
           Q(ended_at__isnull=False), _visit_without_action, higher_is_better=False),
    Figure("kiosk.left_at_step", "未办理离开（按步骤）", "kiosk", KIOSK_VISITS, "count", "人次",
           "期内已结束、没有办结任何事项也没有转帮代办或请驿站联系的终端登录，按离开前到达的步骤分类"
           "（登录后未选事项、查看事项、填写申请、填写帮代办或驿站联系）",
           Q(ended_at__isnull=False) & ~Q(last_step="finished"), higher_is_better=False, word="人次"),
    Figure("kiosk.coverage", "即办事项自助覆盖率", "kiosk", KIOSK_COVERAGE, "share", "%",
           "已发布、现行版本为即办件的事项中，现行版本开通自助终端（智能微厅）办理的比例；每天按当天的事项清单记一次"
           "（计划任务每 15 分钟更新当天），一段时期为各天合计", Q(), Q(kiosk_enabled=True)),
    Figure("queue.tickets", "取号量", "kiosk", TICKETS, "count", "个", "期内在大厅取号的号码数（含闭厅时作废的）", word="个",
           dimensions=("category",)),
    Figure("queue.avg_wait", "平均等候时长", "kiosk", TICKETS, "mean", "分钟",
           "期内取号并被叫号的号码，从取号到叫号的等候分钟数的平均值（闭厅时仍未办结而作废的号码不计）；可按专区、窗口分解",
           Q(waited_seconds__isnull=False) & ~Q(status="void"),
           value=lambda: ExpressionWrapper(F("waited_seconds") / 60.0, output_field=FloatField()),
           higher_is_better=False),
    Figure("guidance.booked", "云导办预约", "guidance", GUIDANCE_SESSIONS, "count", "次",
           "导办时间在期内的云导办预约数（含已取消、未到场的）", higher_is_better=None, word="次",
           dimensions=("department",)),
    Figure("guidance.outcomes", "云导办办结（按导办结果）", "guidance", GUIDANCE_SESSIONS, "count", "次",
           "导办时间在期内、已办结的云导办，按导办结果分类：已解答、新增常见问题、发起申请、转帮代办、转诉求",
           Q(status="closed") & ~Q(outcome=""), word="次"),
    Figure("guidance.no_show", "云导办未到场率", "guidance", GUIDANCE_SESSIONS, "share", "%",
           "导办时间在期内、已导办或登记未到场的预约中，预约人未到场的比例",
           Q(status__in=["held", "closed", "no_show"]), Q(status="no_show"), higher_is_better=False,
           dimensions=("department",)),
    Figure("cases.tolerance", "容缺受理量", "cases", CASES_ACCEPTED, "count", "件", "期内以容缺方式受理的办件数",
           ACCEPTED & Q(tolerance=True), word="件"),
    Figure("cases.tolerance_supplied", "容缺材料补齐率", "cases", CASES_ACCEPTED, "share", "%",
           "期内容缺受理的办件中，欠缺材料已全部补齐的比例", ACCEPTED & Q(tolerance=True),
           lambda: Case(When(_owed_material(), then=Value(0)), default=Value(1), output_field=IntegerField())),
    Figure("cases.rated", "评议率", "cases", CASES_DECIDED, "share", "%", "期内办结的办件中，申请人作出好差评的比例",
           CLOSED, Q(review__isnull=False)),
    Figure("cases.good_rate", "好评率", "cases", CASES_DECIDED, "share", "%",
           "期内办结且已评价的办件中，评价在设定等级以上（默认“基本满意”以上）的比例",
           CLOSED & Q(review__isnull=False), _good_rating),
    Figure("cases.bad_fixed", "差评整改率", "cases", BAD_REVIEWS, "share", "%",
           "期内收到的差评中，已整改、已解释说明或已回访的比例", Q(level__lte=2),
           Q(rectification__isnull=False) & ~Q(rectification__status="open")),
    # Stations and 帮代办 (services.md §10, §7).
    Figure("stations.services", "驿站服务", "stations", STATION_SERVICES, "count", "次", "期内驿站服务台账登记的服务次数",
           word="次"),
    Figure("stations.on_the_spot", "驿站现场解决率", "stations", STATION_SERVICES, "share", "%",
           "期内驿站服务中，在驿站现场解决的比例（目标 90%）", Q(), Q(outcome="on_the_spot")),
    Figure("stations.problems", "解决企业实际问题", "stations", STATION_SERVICES, "count", "个",
           "期内驿站服务中，标记为解决企业实际问题的次数", Q(problem=True), word="个"),
    Figure("stations.escalated", "转部门办理", "stations", STATION_SERVICES, "count", "次",
           "期内驿站服务中，转部门办理的次数", Q(outcome="escalated"), higher_is_better=None, word="次"),
    Figure("stations.jobs", "解决用工", "stations", HIRES, "count", "人次",
           "期内经驿站登记、企业确认到岗的人数（由到岗记录计算，不再手填）", Q(confirmed_on__isnull=False, station__isnull=False),
           word="人次"),
    Figure("assist.orders", "帮代办订单", "stations", ASSIST_ORDERS, "count", "件", "期内企业下单的帮代办订单数",
           word="次"),
    Figure("assist.land_to_start", "拿地即开工达成率", "stations", PROJECTS, "share", "%",
           "期内取得施工许可、且已记录拿地日期的项目中，拿地后规定工作日内（默认为拿地当日）取得施工许可的比例",
           Q(land_delivered_on__isnull=False), _land_to_permit_met),
    # Talent and employment (platform.md §3).
    Figure("talent.demand_places", "新增用工需求", "talent", DEMANDS, "sum", "人", "期内企业发布（或代为登记）的用工需求人数之和",
           value=lambda: F("quantity"), higher_is_better=None, word="人"),
    Figure("talent.hires", "确认到岗", "talent", HIRES, "count", "人", "期内企业确认到岗的人数（由到岗记录计算）",
           Q(confirmed_on__isnull=False), word="人"),
    Figure("talent.retention", "到岗留存率", "talent", HIRES, "share", "%",
           "期内确认到岗的人员中，至今未离职的比例", Q(confirmed_on__isnull=False), ~Q(status="left")),
    Figure("talent.recognised", "新认定人才（按层次）", "talent", RECOGNITIONS, "count", "人",
           "期内认定的人才称号数（含认定批次和人才办直接登记的认定），按人才层次分类", word="人"),
    Figure("talent.recognised_titles", "新认定人才（按称号）", "talent", RECOGNITION_TITLES, "count", "人",
           "期内认定的人才称号数（含认定批次和人才办直接登记的认定），按人才称号分类", word="人"),
    # Talent apartments, services and pairing (platform.md §3, talentcare).
    Figure("talent.apartment_move_ins", "人才公寓入住", "talent", LEASES, "count", "套",
           "期内起租（新入住）的人才公寓租约数；当前入住率见“人才服务保障”总览", word="套"),
    Figure("talent.paired", "新增结对联系人才", "talent", PAIRINGS, "count", "人",
           "期内安排领导结对联系的人才数（结对联系人才全覆盖见“人才服务保障”）", word="人"),
    Figure("talent.paired_contacted", "结对人才已联系率", "talent", PAIRINGS, "share", "%",
           "期内结对的人才中，已有联系记录的比例", Q(), _contacted),
    Figure("talent.service_appeals", "人才服务诉求", "talent", APPEALS, "count", "件",
           "期内登记的人才服务诉求（住房保障、就医绿色通道、子女入学、配偶就业等，标为“人才服务”的诉求）",
           ~Q(talent_service=""), higher_is_better=None, word="件"),
    # Talent benefits paid (benefits.md §6.2): instalments of the talent benefit ledger.
    Figure("talent.benefits_paid", "人才待遇拨付", "talent", TALENT_PAYMENTS, "count", "笔",
           "期内拨付的人才待遇分期笔数（购房、租房、生活补贴、个税奖补、购车补贴）", Q(status="paid"), word="笔"),
    Figure("talent.benefits_paid_amount", "人才待遇拨付金额", "talent", TALENT_PAYMENTS, "sum", "万元",
           "期内拨付的人才待遇金额之和（万元）", Q(status="paid"),
           value=lambda: Coalesce(F("amount"), Value(0), output_field=FloatField()) / Value(10000.0)),
    # Green manufacturing (benefits.md §7.1–7.2): labels registered by the economic bureau, by level.
    Figure("green.factories", "绿色工厂（按级别）", "green", GREEN_LABELS, "count", "家",
           "期内登记的绿色工厂称号数（国家级、省级、市级；不含已撤销）", Q(kind="green_factory") & ~Q(status="revoked"),
           word="家", dimensions=("category", "park")),
    Figure("green.smart", "智能车间与智能工厂（按级别）", "green", GREEN_LABELS, "count", "个",
           "期内登记的智能车间、智能工厂称号数（按级别；不含已撤销）",
           Q(kind__in=["smart_workshop", "smart_factory"]) & ~Q(status="revoked"), word="个",
           dimensions=("category", "park")),
    # Green finance (benefits.md §7.3–7.4): loans disbursed on the finance board, subsidies paid from the risk pool.
    Figure("green.loans", "绿色贷款笔数", "green", GREEN_LOANS, "count", "笔",
           "期内放款的绿色项目贷款笔数（融资需求标有绿色项目类别；含其后违约的）",
           Q(status__in=["disbursed", "defaulted", "compensated"]) & Q(need__is_green=True), word="笔"),
    Figure("green.loan_amount", "绿色贷款金额", "green", GREEN_LOANS, "sum", "万元",
           "期内放款的绿色项目贷款金额之和（万元）",
           Q(status__in=["disbursed", "defaulted", "compensated"]) & Q(need__is_green=True),
           value=lambda: Coalesce(F("disbursed_amount"), Value(0), output_field=FloatField()) / Value(10000.0)),
    Figure("green.loan_share", "绿色贷款占比", "green", GREEN_LOANS, "share", "%",
           "期内绿色金融对接放款的贷款中，绿色项目贷款的笔数占比",
           Q(status__in=["disbursed", "defaulted", "compensated"]), Q(need__is_green=True)),
    Figure("green.subsidies_paid", "贴息拨付金额", "green", POOL_MOVEMENTS, "sum", "万元",
           "期内从风险补偿资金池拨付的贷款贴息之和（万元）", Q(kind="subsidy"),
           value=lambda: Coalesce(F("amount"), Value(0), output_field=FloatField()) / Value(10000.0)),
    # Industry chains (issue 20 item 4; platform.md §4): per chain.
    Figure("chains.problems", "产业链问题", "chains", CHAIN_PROBLEMS, "count", "件",
           "期内登记、由链长或专班标记为本产业链问题的企业诉求数（按产业链）", higher_is_better=None, word="件",
           dimensions=("chain", "park")),
    Figure("chains.solved", "产业链问题已解决", "chains", CHAIN_PROBLEMS_SOLVED, "count", "件",
           "期内办结（已办结待确认或企业已确认）的产业链问题数（按产业链）", Q(appeal__status__in=["resolved", "closed"]),
           word="件", dimensions=("chain", "park")),
    Figure("chains.paid", "链上企业政策兑现", "chains", CHAIN_PAYMENTS, "count", "件",
           "期内完成资金拨付的政策兑现申请中，申请企业为本产业链已确认的链主或配套企业的件数（按产业链；同一企业在一条链的多个节点只计一次）",
           _chain_member, word="件", dimensions=("chain",)),
    Figure("chains.paid_amount", "链上企业政策兑现金额", "chains", CHAIN_PAYMENTS, "sum", "万元",
           "上述拨付的金额之和（万元，按产业链）", _chain_member,
           value=lambda: Coalesce(F("application__amount_paid"), Value(0), output_field=FloatField()),
           dimensions=("chain",)),
    # Appeals (benefits.md §5.5).
    Figure("appeals.received", "诉求登记量", "appeals", APPEALS, "count", "件", "期内登记的企业诉求数",
           higher_is_better=None, word="件"),
    Figure("appeals.response_rate", "响应率", "appeals", APPEALS, "share", "%",
           "期内登记且已到响应期限的诉求中，在响应时限内签收或联系企业的比例", Q(responded_on_time__isnull=False),
           Q(responded_on_time=True)),
    Figure("appeals.solve_rate", "解决率", "appeals", APPEALS, "share", "%",
           "期内登记且已回访的诉求中，企业确认“已解决”的比例", Q(solved_confirmed__isnull=False),
           Q(solved_confirmed=True)),
    Figure("appeals.satisfaction", "满意率", "appeals", APPEALS, "share", "%",
           "期内登记且已评价的诉求中，（非常满意 + 满意 + 权重 × 基本满意）÷ 已评价数（基本满意的权重默认为 1）",
           Q(satisfaction__isnull=False), _satisfied_appeal),
    Figure("appeals.on_time", "诉求按时办结率", "appeals", APPEALS, "share", "%",
           "期内登记且已办结的诉求中，在办结期限内办结的比例", Q(resolved_on__isnull=False),
           Q(resolve_by__isnull=True) | Q(resolved_on__lte=F("resolve_by"))),
    Figure("appeals.return_rate", "退单率", "appeals", APPEALS, "share", "%",
           "期内登记且已派单的诉求中，至少被退单一次的比例", Q(dispatched_on__isnull=False), Q(returns__gt=0),
           higher_is_better=False),
    Figure("appeals.reopen_rate", "重办率", "appeals", APPEALS, "share", "%",
           "期内登记且已办结的诉求中，被要求重新办理的比例", Q(resolved_on__isnull=False), Q(reopen_count__gt=0),
           higher_is_better=False),
    # Benefits (benefits.md §3).
    Figure("benefits.pushed", "政策精准推送", "benefits", PUSHES, "count", "次", "期内向符合条件的企业推送政策的次数",
           Q(told_at__isnull=False), word="次"),
    Figure("benefits.applied", "政策兑现申请", "benefits", APPLICATIONS, "count", "件", "期内企业提交或确认的政策兑现申请数",
           word="件"),
    Figure("benefits.auto_share", "免申即享占比", "benefits", APPLICATIONS, "share", "%",
           "期内政策兑现申请中，免申即享政策（企业确认即可，无需申报）的比例", Q(), Q(policy__mode="auto")),
    Figure("benefits.paid", "政策兑现", "benefits", PAYMENTS, "count", "件", "期内完成资金拨付的申请数", Q(to_status="paid"),
           word="件"),
    Figure("benefits.paid_amount", "兑现金额", "benefits", PAYMENTS, "sum", "万元", "期内拨付金额之和（万元）",
           Q(to_status="paid"), value=lambda: Coalesce(F("application__amount_paid"), Value(0),
                                                      output_field=FloatField())),
    # Innovation competitions (platform.md §6, benefits.md §8; issue 22 item 7).
    Figure("competitions.candidates", "邀请参赛企业", "competitions", COMPETITION_INVITES, "count", "家",
           "期内科技局从推荐名单邀请参加创新创业大赛的企业数", word="家"),
    Figure("competitions.registrations", "报名参赛企业", "competitions", COMPETITION_ENTRIES, "count", "家",
           "期内报名参赛的企业数（含资格已审核、已退赛的；按报名答复时间）",
           Q(status__in=["registered", "checked", "withdrawn"]), word="家"),
    Figure("competitions.sessions", "大赛培训与模拟路演", "competitions", COMPETITION_SESSIONS, "count", "场",
           "期内举办的专题培训、商业计划书辅导和“8+7”模拟路演场次", word="场"),
    Figure("competitions.awards", "大赛获奖（按赛道）", "competitions", COMPETITION_AWARDS, "count", "项",
           "期内参赛企业获得的奖项数，按行业赛道分类", word="项"),
    Figure("competitions.financing", "获奖后新增融资", "competitions", COMPETITION_FOLLOW_UPS, "sum", "万元",
           "期内填报的获奖后 6 个月、12 个月跟踪中，企业新增融资金额之和（万元）", Q(recorded_on__isnull=False),
           value=lambda: Coalesce(F("financing"), Value(0), output_field=FloatField())),
    # 云直播 and 云资讯 (platform.md §2: every question from a session or a stream is traced to its outcome and counted).
    Figure("live.questions", "云直播提问", "portal", LIVE_QUESTIONS, "count", "条",
           "期内在云直播直播前和直播中收到的提问数（不含答复前提问人撤回的）", ~Q(status="withdrawn"),
           higher_is_better=None, word="条"),
    Figure("live.answered", "云直播提问已解答", "portal", LIVE_QUESTIONS, "count", "条",
           "期内提问中，已在直播中解答或书面答复的条数", Q(status__in=["answered_live", "answered_written"]), word="条"),
    Figure("live.answer_rate", "云直播提问解答率", "portal", LIVE_QUESTIONS, "share", "%",
           "期内已处理的提问（不含仍待解答的和提问人撤回的）中，在直播中解答或书面答复的比例",
           ~Q(status__in=["pending", "withdrawn"]),
           Q(status__in=["answered_live", "answered_written"])),
    Figure("live.escalated", "云直播提问转为诉求", "portal", LIVE_QUESTIONS, "count", "条",
           "期内提问中，未能解答、经提问企业同意转为企业诉求的条数", Q(status="escalated"), higher_is_better=None,
           word="条"),
    Figure("live.sessions_held", "云直播场次", "portal", LIVE_SESSIONS, "count", "场",
           "实际开播时间在期内、已开播并结束的直播场次（已结束或已发布回放）", Q(status__in=["ended", "replay"]), word="场"),
    Figure("news.reach", "定向通知阅读率", "portal", NEWS_DELIVERIES, "share", "%",
           "期内送达企业的云资讯定向通知中，企业用户已打开阅读的比例（每家企业每份通知计一次）", Q(),
           Q(read_at__isnull=False)),
]

BY_ID = {f.id: f for f in FIGURES}
if len(BY_ID) != len(FIGURES):
    raise ValueError("duplicate figure ids")

# Evaluation (evaluation.md): firms per final tier in the latest released data year, from the released tiers.
TIER_FIGURES = {"A": "A类企业", "B": "B类企业", "C": "C类企业", "D": "D类企业"}


def definitions_version() -> str:
    """A short hash of every figure's definition (formula text, filters, thresholds): a stored report names the
    version of the definitions it was computed with, so a changed formula is visible later."""
    text = json.dumps([[f.id, f.kind, f.formula, f.source.id, f.source.date,
                        str(f.where) if not callable(f.where) else f.where.__name__, str(f.numerator)
                        if not callable(f.numerator) else f.numerator.__name__, f.threshold] for f in FIGURES],
                      ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:12]
