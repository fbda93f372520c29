from django.urls import path

from . import views_queue

urlpatterns = [
    path("", views_queue.desk, name="queue_desk"),
    path("call/", views_queue.desk_call, name="queue_call"),
    path("tickets/<int:pk>/act/", views_queue.desk_act, name="queue_act"),
    path("screen/", views_queue.screen, name="queue_screen"),
]
