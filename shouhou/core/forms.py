"""Helpers for pages: show a domain error on the form it came from, keep what was typed."""

from django import forms

from .errors import DomainError


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
