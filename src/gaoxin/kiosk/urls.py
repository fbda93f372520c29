from django.urls import path

from . import views, views_queue

urlpatterns = [
    path("", views.home, name="kiosk_home"),
    path("activate/", views.activate, name="kiosk_activate"),
    path("guest/", views.guest, name="kiosk_guest"),
    path("logout/", views.logout, name="kiosk_logout"),
    path("handoff/", views.handoff_start, name="kiosk_handoff"),
    path("handoff/wait/", views.handoff_wait, name="kiosk_handoff_wait"),
    path("handoff/<str:token>/", views.handoff_confirm, name="kiosk_handoff_confirm"),
    path("ticket/", views_queue.ticket_take, name="kiosk_ticket_take"),
    path("ticket/<int:pk>/", views_queue.ticket_slip, name="kiosk_ticket"),
    path("items/", views.items, name="kiosk_items"),
    path("items/<str:code>/", views.item, name="kiosk_item"),
    path("items/<str:code>/assist/", views.assist, name="kiosk_assist"),
    path("items/<str:code>/station/", views.station_call, name="kiosk_station_call"),
    path("cases/<str:number>/", views.done, name="kiosk_done"),
    path("cases/<str:number>/receipt/", views.receipt, name="kiosk_receipt"),
    path("cases/<str:number>/notice/", views.notice, name="kiosk_notice"),
    path("orders/<str:number>/", views.order_done, name="kiosk_order_done"),
]
