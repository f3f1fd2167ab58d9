"""gzip for the JSON answers of the API, and only for them.

A list page of the API is 40 KB of JSON that compresses to a tenth; agents on a branch office's
line feel that. HTML pages are left alone: they carry the CSRF token (and the user's data) next to
text an attacker can make the page reflect, which is what BREACH reads through compression.
Static files are compressed once at `collectstatic` by WhiteNoise (gzip and brotli), not here.
The token endpoints are excluded for the same reason as the pages: their answer is a secret.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.middleware.gzip import GZipMiddleware

# Answers that carry a secret (an API token) are never compressed.
SECRET_PATHS = ("/api/v1/auth/",)


def compressible(request: HttpRequest, response: HttpResponseBase) -> bool:
    """A JSON answer of the API that carries no secret, when API_GZIP is on."""
    if not getattr(settings, "API_GZIP", True):
        return False
    path = request.path
    if not path.startswith("/api/") or path.startswith(SECRET_PATHS):
        return False
    return response.get("Content-Type", "").split(";")[0].strip().endswith("json")


class ApiGZipMiddleware(GZipMiddleware):
    """Django's GZipMiddleware (with its BREACH padding) for `compressible` answers only."""

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        if not compressible(request, response):
            return response
        return super().process_response(request, response)
