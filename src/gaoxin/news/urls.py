from django.urls import path

from . import views

urlpatterns = [
    path("", views.news_index, name="news_index"),
    path("manage/", views.news_manage, name="news_manage"),
    path("new/", views.news_new, name="news_new"),
    path("<int:pk>/", views.news_detail, name="news_detail"),
    path("<int:pk>/edit/", views.news_edit, name="news_edit"),
    path("<int:pk>/act/", views.news_act, name="news_act"),
    path("<int:pk>/receipts/", views.news_receipts, name="news_receipts"),
    path("<int:pk>/poster/", views.news_poster, name="news_poster"),
    path("<int:pk>/poster.pdf", views.news_poster_pdf, name="news_poster_pdf"),
]
