"""Idempotent creates: the same key from the same user on the same endpoint acts once.

Used by API creates (the `Idempotency-Key` header) and by HTML forms (a hidden
`idempotency_key` rendered with the form), so a double-clicked submit makes one record.

A key seen before is answered from its row. Otherwise the key row is written once, at the
end of the action's transaction, with the answer: either a
pointer to the object the action made (when the caller gives `render`, the answer is rendered
from the object, also on a replay) or the answer itself. Two requests with the same key racing
each other: the second one's INSERT of the key waits for the first transaction and fails on the
unique constraint, its own writes roll back, and it answers with what the first one stored.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextvars import ContextVar

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from .errors import Conflict, ValidationFailed
from .models import IdempotencyKey

_in_action: ContextVar[bool] = ContextVar("shouhou_idempotent_action", default=False)


def service_atomic():
    """`transaction.atomic()` for a service's own transaction. Run as the action of
    `run_idempotent`, whose transaction ends with the action either way, it needs no savepoint
    of its own (two queries saved); anywhere else it is a plain atomic block."""
    return transaction.atomic(savepoint=not _in_action.get())


def request_hash(*parts) -> str:
    """A SHA-256 of what identifies a request's content (body bytes, sorted form items...)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode())
        h.update(b"\0")
    return h.hexdigest()


def run_idempotent(
    *,
    user,
    scope: str,
    key: str | None,
    action: Callable[[], tuple[int, object]],
    render: Callable[[object, int], dict] | None = None,
    fingerprint: str = "",
) -> tuple[int, dict, bool]:
    """Run `action` once per (user, scope, key); return (status, body, replayed).

    Without `render`, `action()` returns (status, body) and the body is stored. With `render`,
    `action()` returns (status, obj): only a pointer to `obj` is stored and the body is
    `render(obj, status)`, the first time and on every replay; such a replay whose
    `fingerprint` (see `request_hash`) differs from the first request's is refused (409).

    The key row and the action's writes commit together: if the action fails, nothing is kept
    and the client may retry with the same key.
    """
    if not key:
        status, result = action()
        return status, (render(result, status) if render else result), False
    key = key.strip()
    if len(key) > 200:
        raise ValidationFailed(fields={"Idempotency-Key": [_("At most 200 characters.")]})
    existing = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
    if existing is not None:
        return _replay(_wait_until_answered(existing), render=render, fingerprint=fingerprint)
    try:
        with transaction.atomic():
            token = _in_action.set(True)
            try:
                status, result = action()
            finally:
                _in_action.reset(token)
            row = IdempotencyKey(
                user=user, scope=scope, key=key, status_code=status, request_hash=fingerprint
            )
            if render is None:
                row.response = result
            else:
                row.content_type = ContentType.objects.get_for_model(
                    result, for_concrete_model=False
                )
                row.object_id = str(result.pk)
            row.save(force_insert=True)
    except IntegrityError:
        # The key was used before (or another request with the same key won the race):
        # answer with what the first one stored.
        # A double click's twin can meet the first request's row before that row is readable
        # here (SQLite's shared cache in tests): give the first request a moment to commit.
        deadline = time.monotonic() + 5.0
        existing = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
        while existing is None and time.monotonic() < deadline:
            time.sleep(0.1)
            existing = IdempotencyKey.objects.filter(user=user, scope=scope, key=key).first()
        if existing is None:
            raise Conflict(
                _("The same request is still being processed."), code="request_in_progress"
            ) from None
        return _replay(_wait_until_answered(existing), render=render, fingerprint=fingerprint)
    return status, (render(result, status) if render else result), False


def _wait_until_answered(row: IdempotencyKey, *, seconds: float = 5.0) -> IdempotencyKey:
    """A key row written before the answer (by an older version) may still be waiting for it:
    give the first request a moment to finish so the second gets its answer."""
    deadline = time.monotonic() + seconds
    while row.status_code is None and time.monotonic() < deadline:
        time.sleep(0.1)
        row = IdempotencyKey.objects.filter(pk=row.pk).first() or row
    return row


def _replay(row: IdempotencyKey, *, render=None, fingerprint: str = "") -> tuple[int, dict, bool]:
    if row.status_code is None:
        raise Conflict(_("The same request is still being processed."), code="request_in_progress")
    # Refused only where the answer is rendered from the object (the work-order intake): the
    # other endpoints keep replaying the first answer whatever the body, as they always did.
    if render is not None and fingerprint and row.request_hash and fingerprint != row.request_hash:
        raise Conflict(
            _("This idempotency key was already used for a different request."),
            code="idempotency_key_reused",
        )
    if row.content_type_id and render is not None:
        obj = row.content_type.get_object_for_this_type(pk=row.object_id)
        return row.status_code, render(obj, row.status_code), True
    return row.status_code, row.response, True
