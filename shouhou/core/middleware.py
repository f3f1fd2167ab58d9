from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from .listing import finish_api_response


def scope_for_user(user: Any) -> AbstractContextManager[None]:
    """The django-scopes context for what `user` may see: their organisation, or nothing.

    Superusers without an organisation (site operators) see every organisation.
    """
    if user is not None and user.is_authenticated:
        if getattr(user, "organisation_id", None):
            return scope(organisation=user.organisation_id)
        if user.is_superuser:
            return scopes_disabled()
    # An empty list filters to nothing: anonymous pages cannot read scoped data by accident.
    return scope(organisation=[])


def organisation_scope(organisation: Any) -> AbstractContextManager[None]:
    """The scope of one organisation (an instance or an id), for code that knows the
    organisation without a logged-in user: the public links (the signed token names it) and
    jobs that work one organisation at a time. No organisation (None) reads nothing, never
    everything: django-scopes treats a None value as "no filter"."""
    org_id = getattr(organisation, "pk", organisation)
    return scope(organisation=org_id if org_id is not None else [])


def _token_user(request: HttpRequest) -> Any:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not header.startswith("Token "):
        return None
    from rest_framework.authtoken.models import Token

    token = Token.objects.select_related("user").filter(key=header[6:].strip()).first()
    return token.user if token and token.user.is_active else None


# Paths a logged-in account without an organisation (a site operator) may still use.
_ORGLESS_PATHS = (
    "/admin/",
    "/accounts/",
    "/i18n/",
    "/jsi18n/",
    "/static/",
    "/media/",
    "/healthz",
    "/api/schema/",
    "/api/docs/",
    "/api/v1/auth/",
    "/api/v1/me/",
    "/workorders/r/",
    "/callbacks/feedback/",
    "/workorders/p/",
)


class OrganisationScopeMiddleware:
    """Activate the user's organisation scope for the whole request (session or API token).

    Work pages and the API act for one organisation; an account that belongs to none (the
    site operator's superuser) is sent to the admin instead of getting half-working pages.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user if request.user.is_authenticated else _token_user(request)
        if (
            user is not None
            and user.is_authenticated
            and not user.organisation_id
            and not request.path.startswith(_ORGLESS_PATHS)
        ):
            return _no_organisation(request)
        with scope_for_user(user):
            response = self.get_response(request)
        if request.path.startswith("/api/"):
            # DRF authenticated a token user itself; the session user is request.user.
            user = user or getattr(request, "user", None)
            response = finish_api_response(request, user, response)
        return response


def _no_organisation(request: HttpRequest) -> HttpResponse:
    from django.http import JsonResponse
    from django.shortcuts import render
    from django.utils.translation import gettext as _

    message = _(
        "Your account belongs to no organisation. Use the administration site, or ask "
        "an administrator to assign you to an organisation."
    )
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "no_organisation", "message": message, "fields": {}}}, status=403
        )
    return render(request, "core/no_organisation.html", {"message": message}, status=403)


class DomainErrorMiddleware:
    """A domain error that escapes a page view becomes a page with its status and message.

    Views handle the errors they expect (a form shown again with the message); anything else —
    a forbidden role (403), an id from another organisation (404), a state conflict (409) —
    lands here instead of becoming a 500.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import JsonResponse
        from django.shortcuts import render

        from .errors import DomainError, ValidationFailed

        if isinstance(exception, OverflowError):
            # A number in the URL beyond what the database stores (?technician=1e30 typed
            # out): the request is wrong, not the server (SQLite raises this at the query).
            exception = ValidationFailed(_("A number in the request is out of range."))
        if not isinstance(exception, DomainError):
            return None
        if request.path.startswith("/api/"):
            return JsonResponse({"error": exception.as_dict()}, status=exception.status)
        return render(request, "core/error.html", {"error": exception}, status=exception.status)
