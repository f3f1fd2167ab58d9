from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("o/<str:token>/", views.order, name="order"),
    path("o/<str:token>/request/", views.new_request, name="request"),
    path("o/<str:token>/appointment/", views.move_appointment, name="move"),
    path("<slug:org_code>/find/", views.find, name="find"),
]
