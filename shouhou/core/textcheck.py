"""Checks of what staff write (issue 21.3, seed 000 三): a registry, so that a note on a work
order or a callback record is checked against the front desk's language guidance without
workorders or callbacks knowing the front desk (it sits above them; see docs/architecture.md).

A higher app registers a checker once at start-up (`register_text_check(fn)`, the front desk's
`language_note`). A service that saves a text a person wrote calls
`check_text(by=, where=, obj=, text=)` inside its transaction: each checker may record what it
found (the front desk counts a warning per person and month) and returns
`{"forbidden": [...], "preferred": [...]}`. A warning never refuses the save.

What was found in the current request is kept (a context variable, reset per request by
`TextCheckMiddleware`) so that the answer can say it whatever path drew it:
- a page action gets a warning message on the page it redirects to (the middleware adds it);
- an API serializer reads `warnings_for(obj)` into its `language_warnings` field.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

Result = dict[str, list[str]]
Checker = Callable[..., Result]

_checkers: list[Checker] = []
_found: ContextVar[dict[tuple[str, Any], Result] | None] = ContextVar(
    "textcheck_found", default=None
)


def empty() -> Result:
    return {"forbidden": [], "preferred": []}


def register_text_check(fn: Checker) -> None:
    """Add a checker (called with `by, where, obj, text, now`); registering twice is harmless."""
    if fn not in _checkers:
        _checkers.append(fn)


def _key(obj: Any) -> tuple[str, Any]:
    return (
        (obj._meta.label_lower, obj.pk) if hasattr(obj, "_meta") else (type(obj).__name__, id(obj))
    )


def check_text(*, by: Any, where: str, obj: Any, text: str, now: Any = None) -> Result:
    """Run every checker over `text` written by `by` on `obj`; what they found, merged.

    Nothing is checked for an empty text, a text no person wrote (a job, the customer on the
    portal) or when no checker is registered."""
    if not (text or "").strip() or not getattr(by, "is_authenticated", False) or not _checkers:
        return empty()
    result = empty()
    for fn in _checkers:
        found = fn(by=by, where=where, obj=obj, text=text, now=now)
        for name in ("forbidden", "preferred"):
            result[name] += [p for p in found.get(name, []) if p not in result[name]]
    if result["forbidden"]:
        found_now = _found.get()
        if found_now is None:
            found_now = {}
            _found.set(found_now)
        found_now[_key(obj)] = result
    return result


def warnings_for(obj: Any) -> Result:
    """What a check found on `obj` in this request (empty when nothing or not checked)."""
    found_now = _found.get() or {}
    return found_now.get(_key(obj), empty())


def found_in_request() -> list[Result]:
    """What the checks found in this request, each distinct finding once (a callback's comment
    that also becomes the re-issued order's note is one warning, not two)."""
    seen: dict[tuple[str, ...], Result] = {}
    for result in (_found.get() or {}).values():
        seen.setdefault(tuple(result["forbidden"]), result)
    return list(seen.values())


def warning_text(result: Result) -> str:
    return _(
        "Saved, but it says %(bad)s — phrases customers do not want to hear. Say instead: %(good)s"
    ) % {
        "bad": "、".join(f"“{p}”" for p in result["forbidden"]),
        "good": "、".join(f"“{p}”" for p in result["preferred"]),
    }


@extend_schema_field(
    {
        "type": "object",
        "properties": {
            "forbidden": {"type": "array", "items": {"type": "string"}},
            "preferred": {"type": "array", "items": {"type": "string"}},
        },
    }
)
class LanguageWarningsField(serializers.ReadOnlyField):
    """`language_warnings` of an answer: the forbidden phrases the note just saved contains and
    what to say instead (both empty when clean, and on a plain read)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Result:
        return warnings_for(value)


class TextCheckMiddleware:
    """Start each request with nothing found; after a page's form was saved, show what the
    checks found as a warning on the next page (the API says it in the body instead)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _found.set(None)
        try:
            response = self.get_response(request)
            if not request.path.startswith("/api/") and hasattr(request, "_messages"):
                for result in found_in_request():
                    messages.warning(request, warning_text(result))
            return response
        finally:
            _found.reset(token)
