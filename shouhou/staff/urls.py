from django.urls import path

from . import views

app_name = "staff"
urlpatterns = [
    path("", views.staff_list, name="list"),
    path("new/", views.staff_create, name="create"),
    path("me/", views.me, name="me"),
    path("onboarding/", views.onboarding, name="onboarding"),
    path("fines/", views.fines, name="fines"),
    path("fines/new/", views.fine_create, name="fine_create"),
    path("training/", views.training, name="training"),
    path("training/new/", views.training_create, name="training_create"),
    path("training/<int:pk>/", views.training_detail, name="training_detail"),
    path("conduct/", views.conduct, name="conduct"),
    path("reports/", views.reports, name="reports"),
    path("reports/<slug:name>.xlsx", views.report_xlsx, name="report_xlsx"),
    path("permits/<int:pk>/print/", views.permit_print, name="permit_print"),
    path("permits/<int:pk>/<slug:action>/", views.permit_action, name="permit_action"),
    path("<int:pk>/", views.staff_detail, name="detail"),
    path("<int:pk>/step/", views.staff_step, name="step"),
    path("<int:pk>/documents/", views.staff_document, name="document"),
    path("<int:pk>/assessments/", views.staff_assessment, name="assessment"),
    path("<int:pk>/leave/", views.staff_leave, name="leave"),
    path("<int:pk>/renew/", views.permit_renew, name="renew"),
    path("<int:pk>/ledger/", views.staff_ledger, name="ledger"),
    path("<int:pk>/ledger/pay/", views.ledger_pay, name="ledger_pay"),
    path("<int:pk>/ledger/charge/", views.ledger_charge, name="ledger_charge"),
    path("<int:pk>/ledger/refund/", views.ledger_refund, name="ledger_refund"),
]
