"""The page helpers every app's views share (role check, 404 for ids the user may not see, and
the actions posted from a detail page)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from shouhou.core.errors import DomainError, NotFoundError
from shouhou.core.forms import add_domain_error


def reader(can_read: Callable[..., bool]) -> Callable[[HttpRequest], None]:
    """`check(request)`: 403 unless `can_read(user)` (an app's `selectors.can_read`)."""

    def check(request: HttpRequest) -> None:
        if not can_read(request.user):
            raise PermissionDenied

    return check


def get_or_404(getter: Callable, **kwargs):
    """`getter(**kwargs)` (a selector's `<entity>_get`); its NotFoundError becomes a 404."""
    try:
        return getter(**kwargs)
    except NotFoundError as exc:
        raise Http404 from exc


def detail_action(
    *,
    check: Callable[[HttpRequest], None],
    load: Callable[[HttpRequest, object], object],
    detail: Callable[..., HttpResponse],
    success: str,
) -> Callable[..., HttpResponse]:
    """`act(request, pk, form_name, form, call)` for the forms of a detail page.

    `call(obj, cleaned_data)` runs the service; then back to the `success` page of the object.
    A domain error is shown next to the form's field and the detail page is drawn again (400)
    with the form as it was typed (`detail(request, obj, status=400, <form_name>=form)`).
    """

    def act(request: HttpRequest, pk, form_name: str, form, call) -> HttpResponse:
        check(request)
        obj = load(request, pk)
        if form.is_valid():
            try:
                call(obj, form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                return redirect(success, pk=obj.pk)
        return detail(request, load(request, pk), status=400, **{form_name: form})

    return act
