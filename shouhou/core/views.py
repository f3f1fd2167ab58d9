from importlib import import_module

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render

# Apps that may offer dashboard cards through `selectors.dashboard_cards(user)`.
DASHBOARD_APPS = [
    "customers",
    "sales",
    "staff",
    "workorders",
    "callbacks",
    "complaints",
    "delivery",
    "performance",
]


@login_required
def dashboard(request):
    cards = []
    for app in DASHBOARD_APPS:
        try:
            selectors = import_module(f"shouhou.{app}.selectors")
        except ModuleNotFoundError:
            continue
        fn = getattr(selectors, "dashboard_cards", None)
        if fn:
            cards.extend(fn(user=request.user))
    return render(request, "core/dashboard.html", {"cards": cards})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
