from typing import Any

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from shouhou.core import navigation


@login_required
def dashboard(request):
    """Number cards, then the panels of the user's roles (trends for managers, today's queue for a
    clerk, today's visits for a technician), each with its chart, its numbers as a table and
    the list behind it."""
    cards = navigation.dashboard_cards(request.user)
    panels = navigation.dashboard_panels(request.user)
    return render(request, "core/dashboard.html", {"cards": cards, "panels": panels})


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


BADGE_SECONDS = 30  # the counts may lag half a minute; every page load would count them again


@login_required
def nav_badges(request: HttpRequest) -> HttpResponse:
    """The menu's count badges, fetched by the page frame after load (out-of-band swaps), so a
    page's own queries stay what they are; cached briefly per user."""
    from django.core.cache import cache

    key = f"shouhou:nav-badges:{request.user.pk}"
    counts = cache.get(key)
    if counts is None:
        counts = navigation.badge_counts(request.user)
        cache.set(key, counts, BADGE_SECONDS)
    response = render(request, "core/_badges.html", {"counts": counts})
    response["Cache-Control"] = "private, max-age=0"
    return response


SEARCH_MIN = 2  # one character matches half the customers
SEARCH_MAX = 80


@login_required
def search(request: HttpRequest) -> HttpResponse:
    """The header's global search: order number, phone (or its last four digits), customer name,
    serial number. Each app answers with what the user may see; one exact hit opens directly."""
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    q = " ".join((request.GET.get("q") or "").split())[:SEARCH_MAX]
    groups: list[dict[str, Any]] = []
    error = ""
    if q and len(q) < SEARCH_MIN:
        error = _("Type at least %(n)d characters.") % {"n": SEARCH_MIN}
    elif q:
        for provider in navigation.search_providers():
            hits = provider(user=request.user, q=q)
            if hits:
                groups.append({"kind": hits[0]["kind"], "hits": hits})
        exact = [h for g in groups for h in g["hits"] if h.get("exact")]
        if len(exact) == 1:
            return redirect(exact[0]["url"])
    return render(request, "core/search.html", {"q": q, "groups": groups, "error": error})
