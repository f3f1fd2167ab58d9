from django.urls import path

from . import views

app_name = "maintenance"

urlpatterns = [
    path("", views.board, name="board"),
    path("plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("visits/mine/", views.my_visits, name="my_visits"),
    path("orders/<int:pk>/steps/", views.visit_steps, name="visit_steps"),
    path("steps/report/", views.steps_report, name="steps_report"),
    path("duties/", views.my_duties, name="my_duties"),
    path("duties/items/<int:pk>/tick/", views.duty_tick, name="duty_tick"),
    path("duties/board/", views.duty_board, name="duty_board"),
]
