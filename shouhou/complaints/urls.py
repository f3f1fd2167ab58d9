from django.urls import path

from . import views

app_name = "complaints"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("approvals/", views.approvals, name="approvals"),
    path("statistics/", views.statistics, name="statistics"),
    path("notifications/", views.notifications, name="notifications"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/edit/", views.case_edit, name="edit"),
    path("<int:pk>/inspect/", views.case_inspect, name="inspect"),
    path("<int:pk>/responsibility/", views.case_responsibility, name="responsibility"),
    path("<int:pk>/submit/", views.case_submit, name="submit"),
    path("<int:pk>/sign/", views.case_sign, name="sign"),
    path("<int:pk>/carry-out/", views.case_carry_out, name="carry_out"),
    path("<int:pk>/close/", views.case_close, name="close"),
    path("<int:pk>/refuse/", views.case_refuse, name="refuse"),
    path("<int:pk>/repair-items/", views.case_repair_item, name="repair_item"),
    path("<int:pk>/claim/", views.case_claim, name="claim"),
    path("<int:pk>/penalties/", views.case_penalty, name="penalty"),
]
