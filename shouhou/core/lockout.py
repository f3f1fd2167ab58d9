"""What a locked-out caller sees (django-axes' AXES_LOCKOUT_CALLABLE): the JSON error shape with
429 on /api/, a readable page with 429 everywhere else."""

from __future__ import annotations

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def _minutes(request) -> int:
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_response(request, original_response=None, credentials=None):
    from django.conf import settings

    minutes = _minutes(request)
    message = _(
        "Too many failed logins. This account is locked for %(minutes)s minutes from this "
        "address; try again later or ask an administrator to unlock it."
    ) % {"minutes": minutes}
    if request.path.startswith("/api/"):
        resp = JsonResponse(
            {
                "error": {
                    "code": "locked_out",
                    "message": message,
                    "fields": {},
                    "retry_after_seconds": minutes * 60,
                }
            },
            status=429,
        )
    else:
        resp = render(
            request,
            "core/locked_out.html",
            {"message": message, "failure_limit": settings.AXES_FAILURE_LIMIT},
            status=429,
        )
    if minutes:
        resp["Retry-After"] = str(minutes * 60)
    return resp
