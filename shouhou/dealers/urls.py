from django.urls import path

from . import views

app_name = "dealers"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.dealer, name="dealer"),
    path("<int:pk>/statement.xlsx", views.statement, name="statement"),
    path("<int:pk>/<slug:name>/", views.dealer_action, name="dealer_action"),
    path("cards/<int:pk>/receive/", views.card_receive, name="card_receive"),
    path("tasks/<int:pk>/<slug:name>/", views.task_action, name="task_action"),
    path("repairs/<int:pk>/", views.repair, name="repair"),
    path("repairs/<int:pk>/<slug:name>/", views.repair_action, name="repair_action"),
    path("notices/<int:pk>/", views.notice, name="notice"),
    path("notices/<int:pk>/confirm/", views.notice_confirm, name="notice_confirm"),
    path("claims/", views.claim_list, name="claims"),
    path("claims/new/", views.claim_new, name="claim_new"),
    path("claims/<int:pk>/", views.claim_detail, name="claim"),
    path("claims/<int:pk>/claim.xlsx", views.claim_xlsx, name="claim_xlsx"),
    path("claims/<int:pk>/<slug:name>/", views.claim_action, name="claim_action"),
    path("claim-ack/<str:token>/", views.claim_ack, name="claim_ack"),
]
