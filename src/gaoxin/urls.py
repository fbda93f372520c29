from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from gaoxin.accounts.views import LoginView, LogoutView
from gaoxin.core import views as core_views
from gaoxin.enterprises import views as enterprise_views
from gaoxin.portal import views as portal_views

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
    path("jobs/<int:pk>/", core_views.job_detail, name="job_detail"),
    path("jobs/<int:pk>/download/", core_views.job_download, name="job_download"),
    path("api/", include("gaoxin.api_urls")),
    path("django-admin/", admin.site.urls),
]
