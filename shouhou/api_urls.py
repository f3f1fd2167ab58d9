"""/api/v1/: one router; each app's api.py has `register(router)` adding its viewsets."""

from importlib import import_module

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from shouhou.core import api_views

API_APPS = [
    "org",
    "customers",
    "catalog",
    "sales",
    "workdays",
    "staff",
    "workorders",
    "callbacks",
    "promises",
    "complaints",
    "delivery",
    "performance",
    "frontdesk",
    "dealers",
    "parts",
    "roster",
    "lostfound",
    "maintenance",
]

router = DefaultRouter()
extra_urls = []
for app in API_APPS:
    module = import_module(f"shouhou.{app}.api")
    module.register(router)
    extra_urls += getattr(module, "extra_urls", [])

urlpatterns = [
    path("auth/token/", api_views.obtain_token, name="api-token"),
    path("auth/token/rotate/", api_views.rotate_token, name="api-token-rotate"),
    path("me/", api_views.me, name="api-me"),
    *extra_urls,
    path("", include(router.urls)),
]
