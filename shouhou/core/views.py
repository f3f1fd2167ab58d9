from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
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


def _platform_admin(user: Any) -> bool:
    """Job runs are the installation's, across every organisation (their counts name other
    organisations' work): only the platform administrator (a superuser) sees them."""
    return bool(user.is_authenticated and user.is_active and user.is_superuser)


@login_required
def job_runs(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import PermissionDenied

    from shouhou.core.jobrunner import expire_abandoned_runs, job_runs_list

    if not _platform_admin(request.user):
        raise PermissionDenied
    expire_abandoned_runs()  # a run whose runner died shows as failed, not "running"
    status = request.GET.get("status", "")
    try:
        runs = job_runs_list(status=status)
    except ValueError:
        from django.http import HttpResponseBadRequest

        return HttpResponseBadRequest("unknown status")
    return render(request, "core/job_runs.html", {"runs": runs, "status": status})
