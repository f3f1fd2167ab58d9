from django.urls import path

from . import views

app_name = "frontdesk"
urlpatterns = [
    path("", views.contact_list, name="contacts"),
    path("new/", views.contact_create, name="contact_create"),
    path("lookup/", views.lookup, name="lookup"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact_detail"),
    path("contacts/<int:pk>/<slug:name>/", views.contact_action, name="contact_action"),
    path("handovers/", views.handover_list, name="handovers"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover_detail"),
    path("handovers/<int:pk>/<slug:name>/", views.handover_action, name="handover_action"),
    path("reservations/", views.reservation_list, name="reservations"),
    path("reservations/new/", views.reservation_create, name="reservation_create"),
    path("reservations/<int:pk>/", views.reservation_detail, name="reservation_detail"),
    path("reservations/<int:pk>/<slug:name>/", views.reservation_action, name="reservation_action"),
    path("returns/", views.return_list, name="returns"),
    path("returns/new/", views.return_create, name="return_create"),
    path("returns/<int:pk>/", views.return_detail, name="return_detail"),
    path("returns/<int:pk>/send-back/", views.return_send_back, name="return_send_back"),
    path("summary/", views.summary, name="summary"),
    path("summary/export/", views.summary_export, name="summary_export"),
    path("language/", views.language_report, name="language"),
]
