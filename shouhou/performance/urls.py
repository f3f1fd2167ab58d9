from django.urls import path

from . import views

app_name = "performance"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("month.xlsx", views.export, name="export"),
    path("close/", views.close, name="close"),
    path("reopen/", views.reopen, name="reopen"),
    path("exclusions/", views.exclude, name="exclude"),
    path("exclusions/<int:pk>/revoke/", views.revoke, name="revoke"),
    path("me/", views.me, name="me"),
    path("technicians/<int:pk>/", views.technician, name="technician"),
    path("technicians/<int:pk>/orders/<slug:rate>/", views.orders, name="orders"),
    path("targets/", views.targets, name="targets"),
    path("settings/", views.settings_page, name="settings"),
]
