from django.urls import path

from . import views_queue

urlpatterns = [
    path("", views_queue.desk, name="queue_desk"),
    path("call/", views_queue.desk_call, name="queue_call"),
    path("tickets/<int:pk>/act/", views_queue.desk_act, name="queue_act"),
    path("screen/", views_queue.screen, name="queue_screen"),
    path("station-calls/", views_queue.station_calls, name="kiosk_station_calls"),
    path("station-calls/<int:pk>/handled/", views_queue.station_call_handled, name="kiosk_station_call_handled"),
]
