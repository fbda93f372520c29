"""The cross-tenant walk (CONVENTIONS §5): every page, action, download and API route that addresses an
object is requested, by GET and by POST (and PATCH on the API), for an object that another enterprise,
department, station or agent owns. The outsider must not be able to tell the object from one that does not
exist: the answer is the same refusal (404, or 403 where the role may not use the route at all) as for a
made-up id, never a page, a redirect or a file — and nothing is written.

The walk enumerates the URLconf and the OpenAPI schema: a new route with parameters fails
`test_every_route_is_walked` until it has an entry below (or an exemption with its reason)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable

import pytest
from django.db.models import Model, QuerySet
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse


def _walk_urlconf(patterns=None, prefix=""):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk_urlconf(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


PARAMETERISED = sorted({name for route, name in _walk_urlconf()
                        if ("<" in route or "(?P" in route) and not route.startswith("django-admin")})


@dataclass(frozen=True)
class Route:
    """objects(): the candidates (querysets of owned things); kwargs(obj): the URL's parameters;
    sees(user): the objects this user may address (a queryset or a predicate)."""

    objects: Callable[[], QuerySet]
    kwargs: Callable[[Model], dict]
    sees: Callable
    public: bool = False  # the object's existence is public: a 403 is as good as a 404

    def outside(self, user) -> Model | None:
        seen = self.sees(user)
        candidates = self.objects()
        if isinstance(seen, QuerySet):
            return candidates.exclude(pk__in=seen.values("pk")).order_by("pk").first()
        return next((o for o in candidates.order_by("pk")[:400] if not seen(o)), None)


def _or_none(scope, model):
    """A scoper that answers None for users outside the room: nothing visible."""
    return model.objects.none() if scope is None else scope


def _visible(scoper):
    return lambda user: scoper(user)


def _tables():
    """Built lazily (the rooms' permissions import their models)."""
    from gaoxin.accounts.models import OrgKind, OrgUnit
    from gaoxin.appeals.models import Appeal
    from gaoxin.appeals.permissions import appeals_visible_to
    from gaoxin.assist.models import AssistOrder, Project
    from gaoxin.assist.permissions import orders_visible_to, projects_visible_to
    from gaoxin.benefits.models import BenefitApplication, FactDispute, Policy
    from gaoxin.benefits.permissions import applications_visible_to, can_manage_policy, disputes_visible_to
    from gaoxin.cases.models import Case, Rectification
    from gaoxin.cases.permissions import cases_visible_to, rectifications_visible_to
    from gaoxin.core.models import Job, Notification
    from gaoxin.dashboard.models import MonthlyReport, Subscription
    from gaoxin.dashboard.permissions import reports_visible_to
    from gaoxin.enterprises.models import Enterprise
    from gaoxin.enterprises.permissions import enterprises_visible_to
    from gaoxin.evaluation.models import Objection, Participant
    from gaoxin.evaluation.permissions import can_view_report_card, objections_visible_to
    from gaoxin.stations.models import StationService, TrainingSession
    from gaoxin.stations.permissions import can_log_at_station, trainings_visible_to
    from gaoxin.talent.models import Hire, JobDemand, SchoolAgreement
    from gaoxin.talent.permissions import (
        APPEAL_DONE,
        agreements_visible_to,
        can_manage_events,
        demands_visible_to,
        hires_visible_to,
        talent_appeals_for_demand,
    )
    from gaoxin.talentcare import permissions as talentcare_perms
    from gaoxin.talentcare.models import ApartmentUnit, Contact, HousingApplication, Lease, Pairing

    case = Route(lambda: Case.objects.all(), lambda c: {"number": c.number}, _visible(cases_visible_to))
    case_with_file = Route(lambda: Case.objects.filter(materials__file__gt="").distinct(),
                           lambda c: {"number": c.number, "material_id": c.materials.exclude(file="").first().material_id},
                           _visible(cases_visible_to))
    appeal = Route(lambda: Appeal.objects.all(), lambda a: {"number": a.number}, _visible(appeals_visible_to))
    order = Route(lambda: AssistOrder.objects.all(), lambda o: {"number": o.number}, _visible(orders_visible_to))
    project = Route(lambda: Project.objects.all(), lambda p: {"pk": p.pk}, _visible(projects_visible_to))
    application = Route(lambda: BenefitApplication.objects.all(), lambda a: {"number": a.number},
                        _visible(applications_visible_to))
    firm = Route(lambda: Enterprise.objects.all(), lambda e: {"pk": e.pk}, _visible(enterprises_visible_to))
    participant = Route(lambda: Participant.objects.all(), lambda p: {"pk": p.cycle_id, "participant_id": p.pk},
                        lambda u: (lambda p: can_view_report_card(u, p.cycle, p)))
    objection = Route(lambda: Objection.objects.all(), lambda o: {"pk": o.cycle_id, "objection_id": o.pk},
                      _visible(objections_visible_to))
    # A station is known to all staff (the station list): logging at another's is refused (403), not hidden.
    station = Route(lambda: OrgUnit.objects.filter(kind=OrgKind.STATION),
                    lambda s: {"code": s.code}, lambda u: (lambda s: can_log_at_station(u, s)), public=True)
    report = Route(lambda: MonthlyReport.objects.all(), lambda r: {"token": f"{r.month:%Y-%m}"},
                   _visible(reports_visible_to))
    mine = lambda model: Route(lambda: model.objects.all(), lambda o: {"pk": o.pk},  # noqa: E731
                               lambda u: model.objects.filter(**{"user" if model is Notification else "created_by": u}))
    return {
        "case_detail": case, "case_act": case, "case_accept_tolerance": case, "case_accept_package": case,
        "case_review": case, "case_register_firm": case, "case_add_materials": case, "case_deliver": case,
        "case_result_file": case, "case_material_file": case_with_file, "case_supply": case_with_file,
        "case_decide": Route(case.objects, lambda c: {"number": c.number, "outcome": "approve"}, case.sees),
        "case_notice": Route(case.objects, lambda c: {"number": c.number, "kind": "acceptance"}, case.sees),
        "case_notice_pdf": Route(case.objects, lambda c: {"number": c.number, "kind": "acceptance"}, case.sees),
        "case-detail": case, "case-transition": case,
        "rectification_update": Route(lambda: Rectification.objects.all(), lambda r: {"pk": r.pk},
                                      _visible(rectifications_visible_to)),
        "appeal_detail": appeal, "appeal_act": appeal, "appeal-detail": appeal, "appeal-transition": appeal,
        "appeal_chain_tag": appeal,  # 标记为产业链问题: refused (403) to all but chain managers, then the appeal's scope
        "order_detail": order, "order_act": order, "order_file_case": order, "assist-order-detail": order,
        "assist-order-transition": order,
        "order_file": Route(order.objects, lambda o: {"number": o.number, "kind": "commission"}, order.sees),
        "order_visit_file": Route(lambda: AssistOrder.objects.filter(visits__attachment__gt="").distinct(),
                                  lambda o: {"number": o.number, "file_id": o.visits.exclude(attachment="").first().pk},
                                  order.sees),
        "project_detail": project, "project_milestones": project,
        "project_file_step": Route(lambda: Project.objects.filter(steps__isnull=False).distinct(),
                                   lambda p: {"pk": p.pk, "step_id": p.steps.first().pk}, project.sees),
        "benefit_application": application, "benefit_application_act": application,
        "benefit-application-detail": application, "benefit-application-transition": application,
        "profile_edit": firm, "enterprise_detail": firm, "enterprise-detail": firm,
        "fact_dispute_act": Route(lambda: FactDispute.objects.all(), lambda d: {"pk": d.pk},
                                  _visible(disputes_visible_to)),
        "policy_edit": Route(lambda: Policy.objects.filter(status="published"), lambda p: {"code": p.code},
                             lambda u: (lambda p: can_manage_policy(u, p)), public=True),
        "policy_publish": Route(lambda: Policy.objects.filter(status="published"), lambda p: {"code": p.code},
                                lambda u: (lambda p: can_manage_policy(u, p)), public=True),
        "evaluation_card": participant,
        "evaluation_objection_decide": objection, "evaluation_evidence": objection,
        "evaluation-objection-detail": Route(objection.objects, lambda o: {"pk": o.pk}, objection.sees),
        "evaluation-objection-decide": Route(objection.objects, lambda o: {"pk": o.pk}, objection.sees),
        "station_log": station, "station_event": station,
        # 人员培训: a session is read by administrators, leaders, who attended it and its station's staff; its attendees
        # changed by an administrator or the organising station's head (403 for others who may read it).
        **dict.fromkeys(("training_session", "training_attendee_add", "training_attendee_remove",
                         "training-session-detail"),
                        Route(lambda: TrainingSession.objects.all(), lambda t: {"pk": t.pk},
                              _visible(trainings_visible_to))),
        "job_detail": mine(Job), "job_download": mine(Job), "api_job_status": mine(Job),
        "notification_open": mine(Notification),
        **dict.fromkeys(("report_detail", "report_edit", "report_publish", "report_print", "report_pdf",
                         "report_excel"), report),
        **dict.fromkeys(("talent_demand", "talent_demand_act", "talent_hire_new", "talent-demand-detail",
                         "talent-demand-transition", "talent-demand-hires"),
                        Route(lambda: JobDemand.objects.all(), lambda d: {"number": d.number},
                              _visible(demands_visible_to))),
        # The résumé left at an event's check-in: the talent office only.
        "talent_checkin_resume": Route(
            lambda: __import__("gaoxin.talent.models", fromlist=["CheckIn"]).CheckIn.objects.exclude(resume=""),
            lambda c: {"pk": c.pk}, lambda u: (lambda c: can_manage_events(u))),
        # Only an appeal still being handled may become a demand (a closed one is refused to everyone).
        "talent_appeal_demand": Route(lambda: Appeal.objects.filter(category="talent", enterprise__isnull=False)
                                      .exclude(status__in=APPEAL_DONE),
                                      lambda a: {"number": a.number},
                                      lambda u: _or_none(talent_appeals_for_demand(u), Appeal)),
        "station_log_demand": Route(lambda: StationService.objects.filter(category="hiring", enterprise__isnull=False),
                                    lambda s: {"pk": s.pk}, lambda u: (lambda s: can_log_at_station(u, s.station))),
        **dict.fromkeys(("talent_hire_act", "talent-hire-detail", "talent-hire-transition"),
                        Route(lambda: Hire.objects.all(), lambda h: {"pk": h.pk}, _visible(hires_visible_to))),
        **dict.fromkeys(("talent_agreement", "talent_agreement_activity", "talent_agreement_act"),
                        Route(lambda: SchoolAgreement.objects.all(), lambda a: {"pk": a.pk},
                              _visible(agreements_visible_to))),
        **dict.fromkeys(("talentcare_unit", "talentcare_unit_act", "talentcare-unit-detail"),
                        Route(lambda: ApartmentUnit.objects.all(), lambda u: {"pk": u.pk},
                              _visible(talentcare_perms.units_visible_to))),
        **dict.fromkeys(("talentcare_application", "talentcare_application_act"),
                        Route(lambda: HousingApplication.objects.all(), lambda a: {"pk": a.pk},
                              _visible(talentcare_perms.applications_visible_to))),
        **dict.fromkeys(("talentcare_lease", "talentcare_lease_act", "talentcare-lease-detail"),
                        Route(lambda: Lease.objects.all(), lambda a: {"pk": a.pk},
                              _visible(talentcare_perms.leases_visible_to))),
        **dict.fromkeys(("talentcare_pairing", "talentcare_contact_new", "talentcare_pairing_end"),
                        Route(lambda: Pairing.objects.all(), lambda p: {"pk": p.pk},
                              _visible(talentcare_perms.pairings_visible_to))),
        "talentcare_contact_appeal": Route(
            lambda: Contact.objects.all(), lambda c: {"pk": c.pk},
            lambda u: Contact.objects.filter(pairing__in=talentcare_perms.pairings_visible_to(u))),
        "dashboard_subscription_remove": Route(lambda: Subscription.objects.all(), lambda s: {"pk": s.pk},
                                               lambda u: Subscription.objects.filter(user=u)),
        **_talent_benefit_routes(),
        **_talent_registry_routes(),
        **_chain_routes(),
        **_green_routes(),
        **_competition_routes(),
        **_news_routes(),
        **_guidance_routes(),
        **_live_routes(),
        **_proactive_routes(),
    }


def _chain_routes() -> dict:
    """产业链: a chain is public, its management is the chief's, the task force's and the administrator's (403 for
    others, as for every user of a public object); a membership is addressed only on a chain the user manages."""
    from gaoxin.chains import permissions as chain_perms
    from gaoxin.chains.models import (
        ActionItem,
        Chain,
        ChainAppeal,
        InvestmentTarget,
        Meeting,
        Membership,
        TaskForceMember,
    )

    manage = Route(lambda: Chain.objects.all(), lambda c: {"code": c.code},
                   lambda u: (lambda c: chain_perms.can_manage_chain(u, c)), public=True)
    return {
        **dict.fromkeys(("chain_node_new", "chain_member_new", "chain_refresh", "chain_taskforce_add"), manage),
        "chain_chief": Route(manage.objects, manage.kwargs, lambda u: (lambda c: chain_perms.can_create_chain(u)),
                             public=True),
        "chain_taskforce_remove": Route(lambda: TaskForceMember.objects.select_related("chain"),
                                        lambda m: {"code": m.chain.code, "pk": m.pk},
                                        lambda u: (lambda m: chain_perms.can_manage_chain(u, m.chain)), public=True),
        "chain_membership_act": Route(lambda: Membership.objects.all(), lambda m: {"pk": m.pk},
                                      lambda u: Membership.objects.filter(chain__in=chain_perms.managed_chains(u))),
        "chain_meeting_new": manage,
        "chain_meeting": Route(lambda: Meeting.objects.select_related("chain"),
                               lambda m: {"code": m.chain.code, "pk": m.pk},
                               lambda u: Meeting.objects.all() if chain_perms.can_view_chain_members(u)
                               else Meeting.objects.none()),
        **dict.fromkeys(("chain_action_note", "chain_action_act"),
                        Route(lambda: ActionItem.objects.all(), lambda a: {"pk": a.pk},
                              _visible(chain_perms.actions_actable_by))),
        # Investment targets: staff read them (a firm is refused the room's staff pages), only the chain's chief and
        # task force work them; a firm never sees one, not even through the API.
        "chain_targets": Route(manage.objects, manage.kwargs,
                               lambda u: (lambda c: chain_perms.can_view_chain_members(u)), public=True),
        "chain_target_new": Route(manage.objects, manage.kwargs,
                                  lambda u: (lambda c: chain_perms.can_add_target(u, c)), public=True),
        **dict.fromkeys(("chain_target", "chain-target-detail"),
                        Route(lambda: InvestmentTarget.objects.all(), lambda t: {"pk": t.pk},
                              _visible(chain_perms.targets_visible_to))),
        # Problems: tagging an appeal and untagging it are the chain's management (the appeal itself is checked
        # against the tagger's appeal scope by the service).
        "chain_problem_tag": manage,
        "chain_problem_untag": Route(lambda: ChainAppeal.objects.select_related("chain"),
                                     lambda t: {"code": t.chain.code, "pk": t.pk},
                                     lambda u: (lambda t: chain_perms.can_manage_chain(u, t.chain)), public=True),
        **dict.fromkeys(("chain_target_contact", "chain_target_act"),
                        Route(lambda: InvestmentTarget.objects.all(), lambda t: {"pk": t.pk},
                              _visible(chain_perms.targets_workable_by))),
    }


def _proactive_routes() -> dict:
    """主动服务: the 一户式 view is for every member of staff (its tabs cut by each room's scoper, see its tests); a
    campaign is known to all staff and managed by its organiser (403 to others); a target, a visit's need and turning
    it into work only for who the campaign assigns them to; the key-firm list is the administrator's."""
    from gaoxin.enterprises.models import Enterprise
    from gaoxin.proactive import permissions as proactive_perms
    from gaoxin.proactive.models import Campaign, CampaignTarget, Coaching, KeyFirm, Need, Visit

    campaign = Route(lambda: Campaign.objects.all(), lambda c: {"pk": c.pk}, _visible(proactive_perms.campaigns_visible_to))
    manage = Route(campaign.objects, campaign.kwargs,
                   lambda u: (lambda c: proactive_perms.can_manage_campaign(u, c)), public=True)
    need = Route(lambda: Need.objects.all(), lambda n: {"pk": n.pk}, _visible(proactive_perms.needs_visible_to))
    return {
        "firm_view": Route(lambda: Enterprise.objects.all(), lambda e: {"pk": e.pk},
                           lambda u: Enterprise.objects.all() if proactive_perms.can_view_firm_view(u)
                           else Enterprise.objects.none()),
        # 登记政策辅导 for a firm: staff who coach (any firm: explaining a policy is no firm's secret), nobody else.
        "coaching_new": Route(lambda: Enterprise.objects.all(), lambda e: {"pk": e.pk},
                              lambda u: Enterprise.objects.all() if proactive_perms.can_coach(u)
                              else Enterprise.objects.none()),
        "campaign_detail": campaign, "campaign_assign": manage, "campaign_act": manage, "campaign-detail": campaign,
        "campaign-visit-detail": Route(lambda: Visit.objects.all(), lambda v: {"pk": v.pk},
                                       _visible(proactive_perms.visits_visible_to)),
        "policy-coaching-detail": Route(lambda: Coaching.objects.all(), lambda c: {"pk": c.pk},
                                        _visible(proactive_perms.coachings_visible_to)),
        "key-firm-detail": Route(lambda: KeyFirm.objects.filter(removed_at__isnull=True), lambda k: {"pk": k.pk},
                                 lambda u: KeyFirm.objects.all() if proactive_perms.can_view_key_firms(u)
                                 else KeyFirm.objects.none()),
        "campaign_target": Route(lambda: CampaignTarget.objects.all(), lambda t: {"pk": t.pk},
                                 lambda u: proactive_perms.targets_visible_to(u)),
        "campaign_need": need, "campaign_need_act": need,
        "key_firm_remove": Route(lambda: KeyFirm.objects.filter(removed_at__isnull=True), lambda k: {"pk": k.pk},
                                 lambda u: KeyFirm.objects.all() if proactive_perms.can_manage_key_firms(u)
                                 else KeyFirm.objects.none()),
    }


def _news_routes() -> dict:
    """云资讯: an article is opened by whoever may read it (a draft by its unit, a targeted notice by the firms it was
    delivered to and by staff: another firm gets a 404 as for one that does not exist); editing, publishing and the
    read receipts by the unit that wrote it (and the administrator and leaders)."""
    from gaoxin.news import permissions as news_perms
    from gaoxin.news.models import Article

    read = Route(lambda: Article.objects.all(), lambda a: {"pk": a.pk}, _visible(news_perms.articles_readable_by))
    manage = Route(lambda: Article.objects.all(), lambda a: {"pk": a.pk}, _visible(news_perms.articles_managed_by))
    return {
        **dict.fromkeys(("news_detail", "news_poster", "news_poster_pdf", "news-article-detail"), read),
        **dict.fromkeys(("news_edit", "news_act", "news_receipts"), manage),
        "news-receipt-detail": Route(lambda: Article.objects.exclude(rule=""), lambda a: {"pk": a.pk},
                                     _visible(news_perms.articles_managed_by)),
    }


def _guidance_routes() -> dict:
    """云导办: a firm never addresses another firm's (or person's) booking, a department only its items' sessions;
    the FAQ is kept by the centre and by a department for its own items."""
    from gaoxin.cases.models import Case
    from gaoxin.cases.permissions import cases_visible_to
    from gaoxin.guidance import permissions as guidance_perms
    from gaoxin.guidance.models import FaqEntry, GuidanceSession

    session = Route(lambda: GuidanceSession.objects.all(), lambda s: {"number": s.number},
                    _visible(guidance_perms.sessions_visible_to))
    faq = Route(lambda: FaqEntry.objects.all(), lambda f: {"pk": f.pk}, _visible(guidance_perms.faqs_managed_by))
    return {
        **dict.fromkeys(("guidance_session", "guidance_session_act", "guidance_apply", "guidance-session-detail"),
                        session),
        **dict.fromkeys(("guidance_faq_edit", "guidance_faq_status"), faq),
        "guidance_book_case": Route(lambda: Case.objects.filter(item__isnull=False), lambda c: {"number": c.number},
                                    _visible(cases_visible_to)),
    }


def _live_routes() -> dict:
    """云直播: a session is public (its page, its question form), so managing one outside the user's unit is refused
    like any use of a public object (403 or 404); a question's details, its moderation and its consent are the
    asker's firm's, the session's hosts' and leaders' only: another firm or unit gets a 404."""
    from gaoxin.live import permissions as live_perms
    from gaoxin.live.models import Chapter, LiveSession, Question

    hosted = Route(lambda: LiveSession.objects.all(), lambda s: {"pk": s.pk},
                   lambda u: LiveSession.objects.filter(pk__in=[s.pk for s in LiveSession.objects.all()
                                                                if live_perms.can_edit_session(u, s)]), public=True)
    question = Route(lambda: Question.objects.all(), lambda q: {"pk": q.pk},
                     _visible(live_perms.questions_visible_to))
    return {
        **dict.fromkeys(("live_edit", "live_session_act", "live_chapter_add"), hosted),
        "live_chapter_remove": Route(lambda: Chapter.objects.all(), lambda c: {"pk": c.session_id, "chapter": c.pk},
                                     lambda u: Chapter.objects.filter(session__in=hosted.sees(u)), public=True),
        **dict.fromkeys(("live_question", "live_question_act", "live-question-detail"), question),
    }


def _competition_routes() -> dict:
    """创新创业大赛: a registration is read by the organising department, leaders and its own firm; another firm's, or
    any for other staff, is a 404 (page, step, API)."""
    from gaoxin.competitions import permissions as competition_perms
    from gaoxin.competitions.models import (
        CoachingSession,
        FollowUp,
        JudgingRound,
        Registration,
        ResultObjection,
        RoundResult,
    )

    registration = Route(lambda: Registration.objects.all(), lambda r: {"pk": r.pk},
                         _visible(competition_perms.registrations_visible_to))
    round = Route(lambda: JudgingRound.objects.all(), lambda r: {"pk": r.pk},
                  _visible(competition_perms.rounds_visible_to))
    score = Route(lambda: JudgingRound.objects.all(),
                  lambda r: {"pk": r.pk, "entry": r.edition.registrations.order_by("pk").first().pk},
                  _visible(competition_perms.rounds_visible_to))
    # Results on notice are read by whoever may use the room; deciding objections is the bureau's; a follow-up of
    # an award is its firm's and the bureau's.
    office = lambda u: competition_perms.can_manage_competitions(u)  # noqa: E731
    return {**dict.fromkeys(("competition_registration", "competition_registration_act",
                             "competition-registration-detail", "competition_award_new"), registration),
            "competition_round": round, "competition_score": score, "competition_round_act": round,
            "competition_judge_new": round,
            **dict.fromkeys(("competition_session", "competition_session_timer"), Route(
                lambda: CoachingSession.objects.all(), lambda c: {"pk": c.pk},
                _visible(competition_perms.sessions_visible_to))),
            "competition_round_notice": Route(lambda: JudgingRound.objects.all(), lambda r: {"pk": r.pk},
                                              _visible(competition_perms.published_rounds_visible_to)),
            "competition-result-detail": Route(
                lambda: RoundResult.objects.all(), lambda r: {"pk": r.pk},
                lambda u: RoundResult.objects.filter(round__in=competition_perms.published_rounds_visible_to(u))),
            "competition_objection_act": Route(
                lambda: ResultObjection.objects.all(), lambda o: {"pk": o.pk},
                lambda u: ResultObjection.objects.all() if office(u) else ResultObjection.objects.none()),
            "competition-award-detail": Route(lambda: __import__("gaoxin.competitions.models", fromlist=["Award"])
                                              .Award.objects.all(), lambda a: {"pk": a.pk},
                                              _visible(competition_perms.awards_visible_to)),
            "competition_follow_up": Route(
                lambda: FollowUp.objects.all(), lambda f: {"pk": f.pk},
                lambda u: FollowUp.objects.filter(award__registration__in=competition_perms.registrations_visible_to(u)))}


def _green_routes() -> dict:
    """绿色制造: a label is read by staff and its own firm; another firm's label is a 404 (page, action, API)."""
    from gaoxin.green import permissions as green_perms
    from gaoxin.green.models import (
        BankResponse,
        FinanceNeed,
        GreenLabel,
        PoolMovement,
        ScorecardResult,
        ScoreObjection,
        SubsidyTermsVersion,
    )
    from gaoxin.green.selectors import movement_list

    label = Route(lambda: GreenLabel.objects.all(), lambda lb: {"pk": lb.pk}, _visible(green_perms.labels_visible_to))
    # 绿色金融: a need is read by its firm, the banks it was shared with and the finance office; a bank's response by
    # its bank (never another bank), the firm and the office.
    need = Route(lambda: FinanceNeed.objects.all(), lambda n: {"pk": n.pk}, _visible(green_perms.needs_visible_to))
    response = Route(lambda: BankResponse.objects.all(), lambda r: {"pk": r.pk},
                     _visible(green_perms.responses_visible_to))
    return {**dict.fromkeys(("green_label", "green_label_act", "green-label-detail"), label),
            **dict.fromkeys(("green_need", "green_need_act", "finance-need-detail"), need),
            **dict.fromkeys(("green_response_act", "green_subsidy_pay", "bank-response-detail"), response),
            # A firm's green scorecard result: staff and the firm itself.
            **dict.fromkeys(("green_score", "green-score-detail", "green_score_object"),
                            Route(lambda: ScorecardResult.objects.all(), lambda r: {"pk": r.pk},
                                  _visible(green_perms.scorecard_results_visible_to))),
            # An objection to a grade: decided by the economic bureau only; its evidence opened by the bureau and the
            # firm itself.
            "green_score_objection_decide": Route(
                lambda: ScoreObjection.objects.all(), lambda o: {"pk": o.pk},
                lambda u: ScoreObjection.objects.all() if green_perms.can_decide_score_objection(u)
                else ScoreObjection.objects.none()),
            "green_score_objection_evidence": Route(lambda: ScoreObjection.objects.all(), lambda o: {"pk": o.pk},
                                                    _visible(green_perms.score_evidence_visible_to)),
            # Read through the API as the objections list: staff and the firm itself.
            "green-score-objection-detail": Route(lambda: ScoreObjection.objects.all(), lambda o: {"pk": o.pk},
                                                  _visible(green_perms.score_objections_visible_to)),
            # The subsidy terms: whoever reads the pool page (the finance office, leaders), no one else.
            "green-subsidy-terms-detail": Route(
                lambda: SubsidyTermsVersion.objects.all(), lambda t: {"pk": t.pk},
                lambda u: SubsidyTermsVersion.objects.all() if green_perms.can_view_pool(u)
                else SubsidyTermsVersion.objects.none()),
            # The risk pool's movements are the finance office's and leaders' only.
            "pool-movement-detail": Route(lambda: PoolMovement.objects.all(), lambda m: {"pk": m.pk},
                                          _visible(lambda user: movement_list(user=user)))}


def _talent_registry_routes() -> dict:
    """The talent registry and recognition rounds (人才库、人才认定): talents, their evidence and recognitions,
    rounds, applications and objections, each addressed by an outsider gets the same answer as a made-up id."""
    from gaoxin.talent import permissions as talent_perms
    from gaoxin.talent.models import (
        Recognition,
        RecognitionRound,
        RoundApplication,
        RoundObjection,
        Talent,
        TalentEvidence,
    )

    talent = Route(lambda: Talent.objects.all(), lambda t: {"pk": t.pk},
                   _visible(talent_perms.talents_visible_to))
    round = Route(lambda: RecognitionRound.objects.all(), lambda r: {"pk": r.pk},
                  _visible(talent_perms.rounds_visible_to))
    application = Route(lambda: RoundApplication.objects.all(), lambda a: {"pk": a.pk},
                        _visible(talent_perms.applications_visible_to))
    return {
        **dict.fromkeys(("talent_person", "talent_person_edit", "talent_evidence_add", "talent_recognition_add",
                         "talent_account_open", "talent-registry-detail"), talent),
        "talent_recognition_act": Route(lambda: Recognition.objects.all(), lambda r: {"pk": r.pk},
                                        lambda u: Recognition.objects.filter(
                                            talent__in=talent_perms.talents_visible_to(u))
                                        if talent_perms.can_manage_registry(u) else Recognition.objects.none()),
        "talent_evidence": Route(lambda: TalentEvidence.objects.all(), lambda e: {"pk": e.pk},
                                 _visible(talent_perms.evidence_visible_to)),
        **dict.fromkeys(("talent_round", "talent_round_act", "talent_round_apply", "talent-round-detail"), round),
        **dict.fromkeys(("talent_application", "talent_application_act", "talent_application_score",
                         "talent_application_evidence"), application),
        "talent_objection_act": Route(lambda: RoundObjection.objects.all(), lambda o: {"pk": o.pk},
                                      lambda u: RoundObjection.objects.filter(
                                          application__in=talent_perms.applications_visible_to(u))
                                      if talent_perms.can_manage_rounds(u) else RoundObjection.objects.none()),
    }


def _talent_benefit_routes() -> dict:
    """人才待遇: a person's page and claim form by the registry id, a claim by its number (API too)."""
    from gaoxin.benefits.models import TalentClaim
    from gaoxin.benefits.permissions import benefit_people_visible_to, talent_claims_visible_to
    from gaoxin.talent.models import Talent

    person = Route(lambda: Talent.objects.all(), lambda t: {"pk": t.pk}, _visible(benefit_people_visible_to))
    claim = Route(lambda: TalentClaim.objects.all(), lambda c: {"number": c.number}, _visible(talent_claims_visible_to))
    return {"talent_benefit_person": person, "talent_benefit_claim_new": person, "talent_person_facts": person,
            "talent_claim": claim, "talent_claim_act": claim, "talent-benefit-claim-detail": claim}


# Routes with parameters that address nothing a tenant owns, each with why.
EXEMPT = {
    **{name: "公开的办事指南与事项清单（无需登录）" for name in (
        "guide_zone_qr_sheet", "guide_bundle", "guide_bundle_form", "guide_detail", "guide_poster", "guide_poster_pdf",
        "guide_qr", "guide_download", "catalog-item-detail", "catalog-zone-detail", "catalog-bundle-detail",
        "case_apply", "bundle_apply")},
    **{name: "事项清单维护：仅管委会管理员，不属于任何企业或部门" for name in (
        "catalog_synonym_edit", "catalog_synonym_delete", "catalog_item", "catalog_keywords", "catalog_new_draft",
        "catalog_status", "catalog_edit", "catalog_publish", "catalog-managed-item-detail",
        "catalog-managed-item-transition")},
    **{name: "工作日历：仅管委会管理员，全区共用" for name in ("calendar_year", "calendar_day_edit", "calendar_year_confirm")},
    "case_intake": "窗口接件：参数是公开事项的编码",
    "case_queue": "参数是队列名称；队列内容按用户范围筛选（见办件的列表测试）",
    "policy_publicity": "惠企政策兑现公示：公开页面",
    "policy_detail": "已发布的政策全区公开；草稿只对主管部门可见（见惠企政策测试）",
    "benefit_apply": "参数是政策编号；申请的企业由表单按用户范围选择",
    "policy-detail": "已发布的政策全区公开", "policy-matches": "参数是政策编号；匹配结果按用户范围筛选",
    "station_detail": "驿站页面对所有工作人员开放（台账的知情范围见驿站测试）",
    "station_liaison": "部门联络员：仅管委会管理员",
    "evaluation-tier-policy-detail": "差别化政策表：全区共用，只读或管理员维护",
    **{name: "评价周期是全区公开的（公示、公告）；按角色整体允许或拒绝，不属于某一企业或部门" for name in (
        "evaluation_cycle", "evaluation_populate", "evaluation_transition", "evaluation_collect", "evaluation_report",
        "evaluation_confirm", "evaluation_object", "evaluation_objections", "evaluation_adjustments",
        "evaluation_adjustment_upload", "evaluation_score", "evaluation_results", "evaluation_notice",
        "evaluation_notice_print", "evaluation_release_export", "evaluation-cycle-detail",
        "evaluation-cycle-adjustments", "evaluation-cycle-participants", "evaluation-cycle-results",
        "evaluation-cycle-score", "evaluation-cycle-transition")},
    **{name: "参数是指标编号：指标定义全区共用；部门负责人只能打开有部门维度的指标，其记录按各业务的可见范围筛选（见驾驶舱测试）"
       for name in ("dashboard_figure", "api_figure_value")},
    **{name: "对接活动向所有企业和工作人员公布；报名只能为本企业、登记签约意向和签到二维码按角色（见人才测试）"
       for name in ("talent_event", "talent_event_register", "talent_event_intent", "talent_event_programme",
                    "talent_event_qr")},
    "talent_checkin": "公开签到页：参数是活动签到二维码中的随机令牌",
    **{name: "人才认定公示（公开页面与打印版，身份证号码脱敏）；公示期内任何登录用户均可对公示对象提出异议"
       for name in ("talent_round_notice", "talent_round_notice_print", "talent_objection_new")},
    **{name: "产业链的名称、节点、链长和补链方向全区公开；链上企业与各清单按角色和各业务的查看范围筛选，企业只看到本企业（见产业链测试）"
       for name in ("chain_detail", "chain-detail")},
    **{name: "创新创业大赛的届次与参赛规则全区公开（工作人员和企业均可查看）；维护仅科技局和管委会管理员（按角色拒绝）"
       for name in ("competition_detail", "competition-detail", "competition_rules", "competition_track_new",
                    "competition_stage_new", "competition_award_level_new", "competition_invite",
                    "competition_round_new", "competition_session_new", "competition_notice_new")},
    "talent_item_edit": "人才待遇事项参数与层次金额：全区共用，仅人才办维护（按角色拒绝）",
    "evaluation_flag": "标记不参评：仅经济发展局（按角色拒绝）",
    "evaluation_regrade": "申请调档：仅经济发展局（按角色拒绝）",
    "evaluation_regrade_decide": "审批调档：仅领导（按角色拒绝）",
    "evaluation_template": "部门模板：部门只能下载本部门的模板（见亩产采集测试）",
    "evaluation_upload": "部门上报：部门只能上传本部门的数据（见亩产采集测试）",
    **{name: "智能微厅：只在登记的自助终端上、凭本次刷身份证登录使用（账号无关）；参数是公开事项的编码"
       for name in ("kiosk_item", "kiosk_assist", "kiosk_station_call")},
    **{name: "智能微厅：办件回执与代办订单只对办理它的那一次终端登录可见，其他登录与其他浏览器均不可见（见智能微厅测试）"
       for name in ("kiosk_done", "kiosk_receipt", "kiosk_notice", "kiosk_order_done")},
    "kiosk_handoff_confirm": "手机扫码登录：参数是终端屏幕上的一次性令牌（只存摘要，限时、限一次、限一个账号），不指向任何企业的数据（见扫码登录测试）",
    "kiosk_ticket": "智能微厅号票：只对取号的那台终端、当天可见（见取号测试）",
    "kiosk_station_call_handled": "智能微厅联系请求：只有被请求的驿站的专员与中心窗口人员、管理员可见、可登记，其他驿站 404，其他角色按角色拒绝（见驿站联系测试）",
    "queue_act": "叫号：号码不属于任何企业或部门，窗口人员与管理员均可操作，其他角色按角色拒绝（见取号测试）",
    "guidance_book": "预约导办：参数是公开事项的编码（办事指南公开）；预约只记在本人和本企业名下（见云导办测试）",
    "guidance-faq-detail": "常见问题公开（已发布的条目任何人可查）；维护按单位（见云导办测试）",
    **{name: "云直播的场次、章节和公开的解答任何人可看，直播前和直播中任何人可提问（提问人信息不公开；见云直播测试）"
       for name in ("live_session", "live_ask", "live-session-detail")},
}


def test_every_route_is_walked():
    """A new route with parameters must be walked (or exempted with its reason)."""
    walked = set(_tables()) | set(EXEMPT)
    missing = [name for name in PARAMETERISED if name not in walked]
    assert not missing, f"routes not in the cross-tenant walk: {missing}"
    stale = sorted(walked - set(PARAMETERISED))
    assert not stale, f"walk entries for routes that no longer exist: {stale}"


def test_every_api_operation_is_walked():
    """The OpenAPI schema's paths with parameters all resolve to walked or exempted routes."""
    from django.urls import resolve
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    names = set()
    for path in schema["paths"]:
        if "{" not in path:
            continue
        names.add(resolve(re.sub(r"\{[^}]+\}", "1", path)).url_name)
    walked = set(_tables()) | set(EXEMPT)
    assert names and names <= walked, sorted(names - walked)


def _nonexistent(kwargs: dict) -> dict:
    return {k: (987654321 if isinstance(v, int) else "NOSUCH0000000001") for k, v in kwargs.items()}


def _status(client, method, url):
    if method == "GET":
        return client.get(url).status_code
    if method == "PATCH":
        return client.patch(url, {}, content_type="application/json").status_code
    return client.post(url, {}).status_code


@pytest.mark.django_db
def test_no_outsider_can_tell_or_touch_anothers_objects(django_capture_on_commit_callbacks):
    from gaoxin.accounts.models import User
    from gaoxin.core.models import AuditEvent
    from gaoxin.demo import build_demo_zone

    with django_capture_on_commit_callbacks(execute=True):  # messages are written after commit
        build_demo_zone(seed=7, enterprises=40, history=30)
        _complete_the_zone()
    outsiders = {name: User.objects.get(username=name)
                 for name in ("enterprise", "officer", "officer-tax", "station", "agent", "wanyang-head", "bank2")}
    tables = _tables()
    checked, leaks, unexercised = 0, [], []
    for name, route in sorted(tables.items()):
        exercised = False
        for who, user in outsiders.items():
            obj = route.outside(user)
            if obj is None:
                continue
            exercised = True
            client = Client()
            client.force_login(user)
            kwargs = route.kwargs(obj)
            url, ghost = reverse(name, kwargs=kwargs), reverse(name, kwargs=_nonexistent(kwargs))
            methods = ["GET", "POST"] + (["PATCH"] if url.startswith("/api/") else [])
            for method in methods:
                before = AuditEvent.objects.count()
                got, expected = _status(client, method, url), _status(client, method, ghost)
                checked += 1
                refused = got in (403, 404, 405) if route.public else (got == expected and got >= 400)
                if not refused or AuditEvent.objects.count() != before:
                    leaks.append(f"{who} {method} {url}: {got}（不存在的对象 {expected}）")
        if not exercised:
            unexercised.append(name)
    print(f"\ncross-tenant walk: {len(tables)} routes, {checked} requests by {len(outsiders)} outsiders")
    assert not leaks, "\n".join(leaks)
    assert not unexercised, f"no object outside an outsider's scope in the demo for: {unexercised}"


def _complete_the_zone():
    """The small demo zone lacks a few kinds of objects; add them the way users would."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gaoxin.accounts.models import User
    from gaoxin.assist import services as assist_services
    from gaoxin.assist.models import AssistOrder
    from gaoxin.benefits import services
    from gaoxin.benefits.models import BenefitApplication, Policy

    order = AssistOrder.objects.filter(status="in_progress").order_by("pk").first()
    if not order.visits.exclude(attachment="").exists():  # a signed 中止单 brought back from a visit
        assist_services.order_log_visit(order=order, actor=order.agent, kind="door", note="上门收取材料",
                                        attachment=SimpleUploadedFile("签收单.pdf", b"%PDF-1.4 demo", "application/pdf"))
    if not BenefitApplication.objects.exists():
        policy = Policy.objects.filter(status="published", mode="apply").first()
        for user in User.objects.filter(role="enterprise", enterprise_memberships__isnull=False).distinct()[:3]:
            firm = user.enterprises.first()
            services.application_create(policy=policy, enterprise=firm, actor=user, bank_account="湘潭银行 6222 0012 3456 7890",
                                        amount=None)
