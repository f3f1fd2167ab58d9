"""Helpers for pages: show a domain error on the form it came from, keep what was typed."""

from django import forms
from django.http import Http404

from .errors import DomainError, NotFoundError
from .idempotency import request_hash, run_idempotent


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Attach the error's field messages to matching form fields, the rest to the form."""
    placed = False
    for field, messages in exc.fields.items():
        target = field if field in form.fields else None
        for m in messages:
            form.add_error(target, m)
            placed = True
    if not placed or exc.fields == {}:
        form.add_error(None, str(exc.message))


class IdempotentFormMixin(forms.Form):
    """A hidden key rendered with the form: a double-clicked submit is acted on once."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)


def submit_idempotent(request, form: forms.Form, *, scope: str, action, render=None):
    """Run a page form's `action` once per hidden idempotency key (a double-clicked submit).

    `action()` returns `(status, body)` as for `run_idempotent` (or `(status, obj)` with
    `render(obj, status) -> body`: only a pointer to `obj` is kept). Returns the body, or None
    after attaching the domain error to the form (re-render it). An object of another
    organisation (NotFoundError) is a 404 page, as a forged id in the URL would be.
    """

    items = sorted(
        (k, v)
        for k, values in request.POST.lists()
        if k not in ("csrfmiddlewaretoken", "idempotency_key")
        for v in values
    )
    try:
        _status, body, _replayed = run_idempotent(
            user=request.user,
            scope=scope,
            key=form.cleaned_data.get("idempotency_key"),
            action=action,
            render=render,
            fingerprint=request_hash(*(f"{k}={v}" for k, v in items)),
        )
    except NotFoundError as exc:
        raise Http404(str(exc.message)) from exc
    except DomainError as exc:
        add_domain_error(form, exc)
        return None
    return body
