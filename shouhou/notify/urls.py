from django.urls import path

from . import views

app_name = "notify"
urlpatterns = [
    path("", views.messages, name="messages"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
