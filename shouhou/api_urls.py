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

# Object ids are numbers: a path with anything else is not a URL of ours (404 from the resolver,
# never a 500 from a view that casts it). Viewsets that look up by another key say so.
for _prefix, _viewset, _basename in router.registry:
    if (
        "lookup_value_regex" not in vars(_viewset)
        and getattr(_viewset, "lookup_field", "pk") == "pk"
    ):
        setattr(_viewset, "lookup_value_regex", r"\d+")  # noqa: B010 (not every viewset declares it)

urlpatterns = [
    path("auth/token/", api_views.obtain_token, name="api-token"),
    path("auth/token/rotate/", api_views.rotate_token, name="api-token-rotate"),
    path("me/", api_views.me, name="api-me"),
    *extra_urls,
    path("", include(router.urls)),
]
