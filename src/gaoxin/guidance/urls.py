from django.urls import path

from . import views

urlpatterns = [
    path("", views.session_list, name="guidance_sessions"),
    path("about/", views.about, name="guidance_about"),
    path("book/<str:code>/", views.book, name="guidance_book"),
    path("book-case/<str:number>/", views.book_for_case, name="guidance_book_case"),
    path("faq/", views.faq_index, name="guidance_faq"),
    path("faq/manage/", views.faq_manage, name="guidance_faq_manage"),
    path("faq/manage/new/", views.faq_new, name="guidance_faq_new"),
    path("faq/manage/<int:pk>/", views.faq_edit, name="guidance_faq_edit"),
    path("faq/manage/<int:pk>/status/", views.faq_status, name="guidance_faq_status"),
    path("sessions/<str:number>/", views.session_detail, name="guidance_session"),
    path("sessions/<str:number>/act/", views.session_act, name="guidance_session_act"),
    path("sessions/<str:number>/apply/", views.session_apply, name="guidance_apply"),
]
