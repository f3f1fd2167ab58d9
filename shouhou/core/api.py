"""API plumbing shared by every app: the error shape, idempotent creates, scoped lookups."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework import serializers
from rest_framework import status as http
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError
from .idempotency import request_hash, run_idempotent

log = logging.getLogger(__name__)


def _flatten(detail) -> dict:
    if isinstance(detail, dict):
        out = {}
        for k, v in detail.items():
            if isinstance(v, dict):
                for sub, msgs in _flatten(v).items():
                    out[f"{k}.{sub}"] = msgs
            elif isinstance(v, list) and v and isinstance(v[0], dict):
                for i, item in enumerate(v):
                    for sub, msgs in _flatten(item).items():
                        out[f"{k}.{i}.{sub}"] = msgs
            else:
                out[k] = [str(m) for m in (v if isinstance(v, list) else [v])]
        return out
    if isinstance(detail, list):
        return {"non_field_errors": [str(m) for m in detail]}
    return {"non_field_errors": [str(detail)]}


def error_response(
    status: int, code: str, message: str, fields: dict | None = None, **extra
) -> Response:
    body = {"code": code, "message": str(message), "fields": fields or {}}
    body.update(extra)
    return Response({"error": body}, status=status)


BIGINT_MAX = 2**63 - 1  # the largest id or integer the databases store (BigAutoField)


class IntegerIn(serializers.IntegerField):
    """An integer input bounded to what the database stores: a larger one is a 400 with the
    field's name, not an OverflowError (SQLite) or an out-of-range DataError (PostgreSQL) when
    the filter or the row reaches the database. Every API's integer inputs use it."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("max_value", BIGINT_MAX)
        kwargs.setdefault("min_value", -BIGINT_MAX)
        super().__init__(**kwargs)


def exception_handler(exc, context):
    """Turn every error into {"error": {"code", "message", "fields"}} with the right status."""
    if isinstance(exc, DomainError):
        body = exc.as_dict()
        return Response({"error": body}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        fields = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        return error_response(400, "invalid", _("Some fields are not valid."), fields)
    if isinstance(exc, Http404 | drf_exceptions.NotFound):
        return error_response(404, "not_found", _("Not found."))
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(403, "permission_denied", _("You are not allowed to do this."))
    if isinstance(exc, drf_exceptions.ValidationError):
        return error_response(400, "invalid", _("Some fields are not valid."), _flatten(exc.detail))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    detail = getattr(exc, "detail", "")
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    message = detail if isinstance(detail, str) else _("The request could not be processed.")
    if isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
        response.status_code = http.HTTP_401_UNAUTHORIZED if response.status_code == 401 else 403
    response.data = {"error": {"code": code, "message": str(message), "fields": {}}}
    return response


class IdempotentCreateMixin:
    """`create` honours the Idempotency-Key header: a replay returns the first response.

    A viewset that defines `idempotent_create(request) -> (status, obj)` and
    `idempotent_render(obj, status) -> dict` keeps only a pointer to the object it made and
    renders the answer from it (also on a replay), refusing the same key with a different
    request body (409 `idempotency_key_reused`); otherwise the first answer is stored and
    replayed.
    """

    def create(self, request, *args, **kwargs):
        render = getattr(self, "idempotent_render", None)
        if render is not None:

            def action():
                return self.idempotent_create(request)

        else:

            def action():
                resp = super(IdempotentCreateMixin, self).create(request, *args, **kwargs)
                return resp.status_code, resp.data

        status, body, replayed = run_idempotent(
            user=request.user,
            scope=f"api:{request.path}",
            key=request.headers.get("Idempotency-Key"),
            action=action,
            render=render,
            fingerprint=request_hash(request.body),
        )
        response = Response(body, status=status)
        if replayed:
            response["Idempotent-Replayed"] = "true"
        return response
