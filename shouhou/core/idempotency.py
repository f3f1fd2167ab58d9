"""Idempotent creates: the same key from the same user on the same endpoint acts once.

Used by API creates (the `Idempotency-Key` header) and by HTML forms (a hidden
`idempotency_key` rendered with the form), so a double-clicked submit makes one record.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .errors import Conflict, ValidationFailed
from .models import IdempotencyKey


def run_idempotent(
    *, user, scope: str, key: str | None, action: Callable[[], tuple[int, dict]]
) -> tuple[int, dict, bool]:
    """Run `action` once per (user, scope, key); return (status, body, replayed).

    The key row and the action's writes commit together: if the action fails, nothing is kept
    and the client may retry with the same key.
    """
    if not key:
        status, body = action()
        return status, body, False
    key = key.strip()
    if len(key) > 200:
        raise ValidationFailed(fields={"Idempotency-Key": [_("At most 200 characters.")]})
    existing = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
    if existing is not None:
        return _replay(_wait_until_answered(existing))
    try:
        with transaction.atomic():
            row = IdempotencyKey.objects.create(user=user, scope=scope, key=key)
            status, body = action()
            row.status_code, row.response = status, body
            row.save(update_fields=["status_code", "response"])
            return status, body, False
    except IntegrityError:
        # Another request with the same key won the race; answer with what it stored.
        existing = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
        if existing is None:
            raise
        return _replay(_wait_until_answered(existing))


def _wait_until_answered(row: IdempotencyKey, *, seconds: float = 5.0) -> IdempotencyKey:
    """A double click can arrive while the first request is still writing: give it a moment to
    finish so the second gets the first one's answer rather than an error."""
    deadline = time.monotonic() + seconds
    while row.status_code is None and time.monotonic() < deadline:
        time.sleep(0.1)
        row = IdempotencyKey.objects.filter(pk=row.pk).first() or row
    return row


def _replay(row: IdempotencyKey) -> tuple[int, dict, bool]:
    if row.status_code is None:
        raise Conflict(_("The same request is still being processed."), code="request_in_progress")
    return row.status_code, row.response, True
