from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from gaoxin.accounts.views import LoginView, LogoutView
from gaoxin.appeals import views as appeal_views
from gaoxin.assist import views as assist_views
from gaoxin.benefits import views as benefit_views
from gaoxin.cases import views as case_views
from gaoxin.catalog import views as catalog_views
from gaoxin.core import views as core_views
from gaoxin.enterprises import views as enterprise_views
from gaoxin.evaluation import views as evaluation_views
from gaoxin.portal import views as portal_views
from gaoxin.stations import views as station_views

urlpatterns = [
    path("", portal_views.home, name="home"),
    path("accounts/login/", LoginView.as_view(), name="login"),
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", core_views.healthz, name="healthz"),
    path("enterprises/", enterprise_views.enterprise_index, name="enterprise_index"),
    path("enterprises/<int:pk>/", enterprise_views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/import/", enterprise_views.registry_import, name="registry_import"),
    path("enterprises/export/", enterprise_views.registry_export, name="registry_export"),
    path("tools/deadline/", core_views.deadline_calculator, name="deadline_calculator"),
    path("calendar/", core_views.calendar_index, name="calendar_index"),
    path("calendar/add-year/", core_views.calendar_year_add, name="calendar_year_add"),
    path("calendar/<int:year>/", core_views.calendar_year, name="calendar_year"),
    path("calendar/<int:year>/day/", core_views.calendar_day_edit, name="calendar_day_edit"),
    path("calendar/<int:year>/confirm/", core_views.calendar_year_confirm, name="calendar_year_confirm"),
    path("audit/", core_views.audit_list, name="audit_list"),
    path("evaluation/", evaluation_views.cycle_index, name="evaluation_index"),
    path("evaluation/report/", evaluation_views.enterprise_report, name="evaluation_my_report"),
    path("evaluation/new/", evaluation_views.cycle_create, name="evaluation_create"),
    path("evaluation/<int:pk>/", evaluation_views.cycle_detail, name="evaluation_cycle"),
    path("evaluation/<int:pk>/populate/", evaluation_views.cycle_populate, name="evaluation_populate"),
    path("evaluation/<int:pk>/transition/", evaluation_views.cycle_transition, name="evaluation_transition"),
    path("evaluation/<int:pk>/collect/", evaluation_views.cycle_collect, name="evaluation_collect"),
    path("evaluation/<int:pk>/collect/<int:unit_id>/template.xlsx", evaluation_views.department_template,
         name="evaluation_template"),
    path("evaluation/<int:pk>/collect/<int:unit_id>/upload/", evaluation_views.department_upload,
         name="evaluation_upload"),
    path("evaluation/<int:pk>/report/", evaluation_views.enterprise_report, name="evaluation_report"),
    path("evaluation/<int:pk>/participants/<int:participant_id>/flag/", evaluation_views.participant_flag,
         name="evaluation_flag"),
    path("jobs/<int:pk>/", core_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", core_views.job_download, name="job_download"),
    # Public guides ("码上查、立下载、网上办"): no log-in.
    path("guide/", catalog_views.guide_index, name="guide_index"),
    path("guide/zones/<slug:zone>/qr-sheet/", catalog_views.zone_qr_sheet, name="guide_zone_qr_sheet"),
    path("guide/bundles/<slug:code>/", catalog_views.bundle_detail, name="guide_bundle"),
    path("guide/bundles/<slug:code>/form/", catalog_views.bundle_form, name="guide_bundle_form"),
    path("guide/<str:code>/", catalog_views.guide_detail, name="guide_detail"),
    path("guide/<str:code>/poster/", catalog_views.guide_poster, name="guide_poster"),
    path("guide/<str:code>/poster.pdf", catalog_views.guide_poster, {"pdf": True}, name="guide_poster_pdf"),
    path("guide/<str:code>/qr.<str:fmt>", catalog_views.guide_qr, name="guide_qr"),
    path("guide/<str:code>/materials/<int:material_id>/<str:kind>/", catalog_views.guide_download, name="guide_download"),
    # Catalogue maintenance (administrators).
    path("catalog/manage/", catalog_views.manage_index, name="catalog_manage"),
    path("catalog/manage/new/", catalog_views.manage_create, name="catalog_create"),
    path("catalog/manage/import/", catalog_views.manage_import, name="catalog_import"),
    path("catalog/manage/export/", catalog_views.manage_export, name="catalog_export"),
    path("catalog/manage/<str:code>/", catalog_views.manage_item, name="catalog_item"),
    path("catalog/manage/<str:code>/draft/", catalog_views.manage_new_draft, name="catalog_new_draft"),
    path("catalog/manage/<str:code>/status/", catalog_views.manage_status, name="catalog_status"),
    path("catalog/manage/<str:code>/v<int:number>/edit/", catalog_views.manage_edit, name="catalog_edit"),
    path("catalog/manage/<str:code>/v<int:number>/publish/", catalog_views.manage_publish, name="catalog_publish"),
    # Cases (办件).
    path("guide/<str:code>/apply/", case_views.apply_online, name="case_apply"),
    path("guide/bundles/<slug:code>/apply/", case_views.bundle_apply, name="bundle_apply"),
    path("cases/intake/<str:code>/", case_views.window_intake, name="case_intake"),
    path("cases/", case_views.case_queue, name="case_queue_all"),
    path("cases/queue/<slug:queue>/", case_views.case_queue, name="case_queue"),
    path("cases/rectifications/", case_views.rectification_list, name="rectification_list"),
    path("cases/rectifications/<int:pk>/", case_views.rectification_update, name="rectification_update"),
    path("cases/<str:number>/", case_views.case_detail, name="case_detail"),
    path("cases/<str:number>/act/", case_views.case_act, name="case_act"),
    path("cases/<str:number>/tolerance/", case_views.case_accept_tolerance, name="case_accept_tolerance"),
    path("cases/<str:number>/accept-package/", case_views.case_accept_package, name="case_accept_package"),
    path("cases/<str:number>/supply/<int:material_id>/", case_views.case_supply, name="case_supply"),
    path("cases/<str:number>/review/", case_views.case_review, name="case_review"),
    path("cases/<str:number>/materials/", case_views.case_add_materials, name="case_add_materials"),
    path("cases/<str:number>/notice/<slug:kind>/", case_views.case_notice, name="case_notice"),
    path("cases/<str:number>/notice/<slug:kind>/pdf/", case_views.case_notice, {"pdf": True}, name="case_notice_pdf"),
    path("track/", case_views.track, name="track"),
    # Enterprise benefits (惠企政策).
    path("policies/", benefit_views.policy_index, name="policy_index"),
    path("policies/mine/", benefit_views.my_policies, name="my_policies"),
    path("policies/new/", benefit_views.policy_edit, name="policy_new"),
    path("policies/statistics/", benefit_views.statistics, name="benefit_statistics"),
    path("policies/applications/", benefit_views.application_list, name="benefit_applications"),
    path("policies/applications/<str:number>/", benefit_views.application_detail, name="benefit_application"),
    path("policies/applications/<str:number>/act/", benefit_views.application_act, name="benefit_application_act"),
    path("policies/profile/<int:pk>/", benefit_views.profile_edit, name="profile_edit"),
    path("policies/<slug:code>/", benefit_views.policy_detail, name="policy_detail"),
    path("policies/<slug:code>/edit/", benefit_views.policy_edit, name="policy_edit"),
    path("policies/<slug:code>/publish/", benefit_views.policy_publish, name="policy_publish"),
    path("policies/<slug:code>/apply/", benefit_views.application_create, name="benefit_apply"),
    path("notifications/", case_views.notification_list, name="notification_list"),
    # Enterprise appeals (企业诉求).
    path("appeals/", appeal_views.appeal_index, name="appeal_index"),
    path("appeals/new/", appeal_views.appeal_new, name="appeal_new"),
    path("appeals/statistics/", appeal_views.appeal_statistics, name="appeal_statistics"),
    path("appeals/<str:number>/", appeal_views.appeal_detail, name="appeal_detail"),
    path("appeals/<str:number>/act/", appeal_views.appeal_act, name="appeal_act"),
    # Stations (驿站), 帮代办 and project approval chains.
    path("stations/", station_views.station_index, name="station_index"),
    path("stations/figures/", station_views.centre_figures, name="centre_figures"),
    path("stations/<slug:code>/", station_views.station_detail, name="station_detail"),
    path("stations/<slug:code>/log/", station_views.station_log, name="station_log"),
    path("stations/<slug:code>/events/", station_views.station_event, name="station_event"),
    path("stations/<slug:code>/liaison/", station_views.station_liaison, name="station_liaison"),
    path("assist/", assist_views.order_index, name="order_index"),
    path("assist/new/", assist_views.order_new, name="order_new"),
    path("assist/projects/", assist_views.project_index, name="project_index"),
    path("assist/projects/<int:pk>/", assist_views.project_detail, name="project_detail"),
    path("assist/projects/<int:pk>/steps/<int:step_id>/", assist_views.project_file_step, name="project_file_step"),
    path("assist/projects/<int:pk>/milestones/", assist_views.project_milestones, name="project_milestones"),
    path("assist/<str:number>/", assist_views.order_detail, name="order_detail"),
    path("assist/<str:number>/act/", assist_views.order_act, name="order_act"),
    path("api/", include("gaoxin.api_urls")),
    path("django-admin/", admin.site.urls),
]
