from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from gaoxin.appeals.api import AppealViewSet
from gaoxin.assist.api import OrderViewSet
from gaoxin.benefits import api as benefit_api
from gaoxin.cases.api import CaseViewSet
from gaoxin.catalog import api as catalog_api
from gaoxin.chains import api as chain_api
from gaoxin.competitions import api as competition_api
from gaoxin.core import api as core_api
from gaoxin.dashboard import api as dashboard_api
from gaoxin.enterprises.api import EnterpriseViewSet
from gaoxin.evaluation.api import CycleViewSet, ObjectionViewSet, TierPolicyViewSet
from gaoxin.green import api as green_api
from gaoxin.guidance import api as guidance_api
from gaoxin.kiosk import api as kiosk_api
from gaoxin.live import api as live_api
from gaoxin.news import api as news_api
from gaoxin.proactive import api as proactive_api
from gaoxin.stations.api import StationLogViewSet, TrainingSessionViewSet
from gaoxin.talent import api as talent_api
from gaoxin.talentcare import api as talentcare_api

router = DefaultRouter()
router.include_format_suffixes = False
router.register("enterprises", EnterpriseViewSet, basename="enterprise")
router.register("catalog/items", catalog_api.ItemViewSet, basename="catalog-item")
router.register("catalog/zones", catalog_api.ZoneViewSet, basename="catalog-zone")
router.register("catalog/bundles", catalog_api.BundleViewSet, basename="catalog-bundle")
router.register("catalog/manage/items", catalog_api.ManagedItemViewSet, basename="catalog-managed-item")
router.register("cases", CaseViewSet, basename="case")
router.register("appeals", AppealViewSet, basename="appeal")
router.register("assist-orders", OrderViewSet, basename="assist-order")
router.register("station-logs", StationLogViewSet, basename="station-log")
router.register("training-sessions", TrainingSessionViewSet, basename="training-session")
router.register("evaluation-cycles", CycleViewSet, basename="evaluation-cycle")
router.register("evaluation-objections", ObjectionViewSet, basename="evaluation-objection")
router.register("evaluation-tier-policies", TierPolicyViewSet, basename="evaluation-tier-policy")
router.register("policies", benefit_api.PolicyViewSet, basename="policy")
router.register("policy-matches", benefit_api.MyMatchViewSet, basename="policy-match")
router.register("benefit-applications", benefit_api.ApplicationViewSet, basename="benefit-application")
router.register("talent-benefit-claims", benefit_api.TalentClaimViewSet, basename="talent-benefit-claim")
router.register("talent-benefit-payments", benefit_api.TalentPaymentViewSet, basename="talent-benefit-payment")
router.register("job-demands", talent_api.DemandViewSet, basename="talent-demand")
router.register("hires", talent_api.HireViewSet, basename="talent-hire")
router.register("talents", talent_api.TalentViewSet, basename="talent-registry")
router.register("recognition-rounds", talent_api.RoundViewSet, basename="talent-round")
router.register("talent-apartments", talentcare_api.UnitViewSet, basename="talentcare-unit")
router.register("talent-leases", talentcare_api.LeaseViewSet, basename="talentcare-lease")
router.register("chains", chain_api.ChainViewSet, basename="chain")
router.register("chain-targets", chain_api.TargetViewSet, basename="chain-target")
router.register("competition-registrations", competition_api.RegistrationViewSet,
                basename="competition-registration")
router.register("competition-results", competition_api.RoundResultViewSet, basename="competition-result")
router.register("competition-awards", competition_api.AwardViewSet, basename="competition-award")
router.register("competitions", competition_api.EditionViewSet, basename="competition")
router.register("green-labels", green_api.GreenLabelViewSet, basename="green-label")
router.register("carbon-grades", green_api.CarbonGradeViewSet, basename="carbon-grade")
router.register("finance-needs", green_api.FinanceNeedViewSet, basename="finance-need")
router.register("bank-responses", green_api.BankResponseViewSet, basename="bank-response")
router.register("risk-pool-movements", green_api.PoolMovementViewSet, basename="pool-movement")
router.register("green-scores", green_api.ScorecardResultViewSet, basename="green-score")
router.register("green-score-objections", green_api.ScoreObjectionViewSet, basename="green-score-objection")
router.register("green-subsidy-terms", green_api.SubsidyTermsViewSet, basename="green-subsidy-terms")
router.register("campaigns", proactive_api.CampaignViewSet, basename="campaign")
router.register("campaign-visits", proactive_api.VisitViewSet, basename="campaign-visit")
router.register("policy-coachings", proactive_api.CoachingViewSet, basename="policy-coaching")
router.register("key-firms", proactive_api.KeyFirmViewSet, basename="key-firm")
router.register("guidance/slots", guidance_api.SlotViewSet, basename="guidance-slot")
router.register("guidance/sessions", guidance_api.SessionViewSet, basename="guidance-session")
router.register("guidance/faqs", guidance_api.FaqViewSet, basename="guidance-faq")
router.register("news", news_api.ArticleViewSet, basename="news-article")
router.register("news-receipts", news_api.ReceiptViewSet, basename="news-receipt")
router.register("live/sessions", live_api.LiveSessionViewSet, basename="live-session")
router.register("live/questions", live_api.QuestionViewSet, basename="live-question")

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/workdays/due-date/", core_api.due_date, name="api_due_date"),
    path("v1/jobs/<int:pk>/", core_api.job_status, name="api_job_status"),
    path("v1/figures/", dashboard_api.figure_definitions, name="api_figures"),
    path("v1/queue/", kiosk_api.queue_status, name="api_queue_status"),
    path("v1/figures/<str:figure_id>/", dashboard_api.figure_value, name="api_figure_value"),
    path("schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # The split view serves its start-up script as a file of its own (no inline script: Content-Security-Policy).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api_schema"), name="api_docs"),
]
