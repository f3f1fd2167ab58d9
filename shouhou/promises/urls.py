from django.urls import path

from . import views

app_name = "promises"
urlpatterns = [
    path("", views.counter, name="counter"),
    path("rules/", views.rule_list, name="rules"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision"),
]
