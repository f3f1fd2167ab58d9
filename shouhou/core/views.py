from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.shortcuts import render

from shouhou.core import navigation


@login_required
def dashboard(request):
    cards = navigation.dashboard_cards(request.user)
    return render(request, "core/dashboard.html", {"cards": cards})


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
