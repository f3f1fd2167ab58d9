"""Domain errors: a machine code, an HTTP status and a translatable message.

Services raise these; the API's exception handler and the page views turn them into the one
error shape of ARCHITECTURE.md. Never raise a bare Exception for something a user did.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    status = 400
    code = "invalid"
    default_message = _("The request could not be processed.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        fields: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.fields = {
            k: [str(m) for m in (v if isinstance(v, list | tuple) else [v])]
            for k, v in (fields or {}).items()
        }
        self.extra = extra or {}
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body = {"code": self.code, "message": str(self.message), "fields": self.fields}
        body.update(self.extra)
        return body


class ValidationFailed(DomainError):
    status = 400
    code = "invalid"
    default_message = _("Some fields are not valid.")


class PermissionDeniedError(DomainError):
    status = 403
    code = "permission_denied"
    default_message = _("You are not allowed to do this.")


class NotFoundError(DomainError):
    status = 404
    code = "not_found"
    default_message = _("Not found.")


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = _("This conflicts with the current data.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This action is not allowed in the current state.")


class DuplicateError(Conflict):
    code = "duplicate"
    default_message = _("This record already exists.")
