from django.urls import path

from . import views

urlpatterns = [
    path("", views.live_index, name="live_index"),
    path("manage/", views.live_manage, name="live_manage"),
    path("manage/new/", views.live_new, name="live_new"),
    path("questions/", views.live_questions, name="live_questions"),
    path("questions/<int:pk>/", views.live_question, name="live_question"),
    path("questions/<int:pk>/act/", views.live_question_act, name="live_question_act"),
    path("mine/", views.live_mine, name="live_mine"),
    path("<int:pk>/", views.live_session, name="live_session"),
    path("<int:pk>/ask/", views.live_ask, name="live_ask"),
    path("<int:pk>/edit/", views.live_edit, name="live_edit"),
    path("<int:pk>/act/", views.live_session_act, name="live_session_act"),
    path("<int:pk>/chapters/", views.live_chapter_add, name="live_chapter_add"),
    path("<int:pk>/chapters/<int:chapter>/remove/", views.live_chapter_remove, name="live_chapter_remove"),
]
