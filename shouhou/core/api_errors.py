"""Every error answer under /api/ has the JSON error shape, whoever produced it.

DRF's exception handler covers the views; this middleware covers what happens around them:
Django's own 400/403/404/405/500 pages (a CSRF failure, a URL that matches nothing,
`RequestDataTooBig`), and bodies larger than DATA_UPLOAD_MAX_MEMORY_SIZE, refused with 413
before anything reads them (DRF's JSON parser reads the stream, which Django does not limit).
"""

from __future__ import annotations

from django.conf import settings
from django.http import JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"

_CODES = {
    400: ("bad_request", lambda: _("The request could not be processed.")),
    401: ("not_authenticated", lambda: _("Log in or send a valid token.")),
    403: ("permission_denied", lambda: _("You are not allowed to do this.")),
    404: ("not_found", lambda: _("Not found.")),
    405: ("method_not_allowed", lambda: _("This method is not allowed here.")),
    413: ("too_large", lambda: _("The request body is too large.")),
    500: ("server_error", lambda: _("Something went wrong on our side; it has been logged.")),
}


def error_json(status: int, **extra) -> JsonResponse:
    code, message = _CODES.get(status, ("error", lambda: _("The request could not be processed.")))
    body = {"code": code, "message": str(message()), "fields": {}}
    body.update(extra)
    return JsonResponse({"error": body}, status=status)


def _too_large(request) -> bool:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return False
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > limit
    except ValueError:
        return True


class ApiErrorShapeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(API_PREFIX):
            return self.get_response(request)
        if _too_large(request) and "multipart/form-data" not in request.META.get(
            "CONTENT_TYPE", ""
        ):
            return error_json(413, max_bytes=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        response = self.get_response(request)
        if response.status_code >= 400 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            replaced = error_json(response.status_code)
            for header in ("Retry-After", "Allow", "WWW-Authenticate"):
                if header in response:
                    replaced[header] = response[header]
            return replaced
        return response
