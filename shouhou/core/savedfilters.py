"""Saved filters: a user names the filters of a list and finds them again as links above it.

A saved filter is the list's query string (only the parameters the list declares, never a
cursor), so opening it is opening a bookmark: the filters live in the URL. Each list has a key
("workorders", "callbacks"...). An app mounts the two views in its own `urls.py`:

    path("filters/", savedfilters.save_view(LIST), name="filter_save"),
    path("filters/<int:pk>/delete/", savedfilters.delete_view(LIST), name="filter_delete"),

with `LIST = savedfilters.SavedList(key="workorders", url_name="workorders:list", params=(...))`,
and its list template includes `core/_saved_filters.html` with `saved_filters` (from
`saved_filter_list`), `filter_save_url` and `filter_delete_name` in the context.

Services and selectors use the scoped manager (the request's organisation); a saved filter is
its owner's only: any other id, another organisation's included, is a 404.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .audit import audit_record, snapshot
from .errors import DomainError, NotFoundError, ValidationFailed
from .models import SavedFilter

MAX_PER_LIST = 30
NAME_MAX = SavedFilter._meta.get_field("name").max_length or 60
QUERY_MAX = SavedFilter._meta.get_field("query").max_length or 1000


@dataclass(frozen=True)
class SavedList:
    """A list whose filters can be saved: its key, its URL name and its filter parameters."""

    key: str
    url_name: str
    params: Sequence[str]

    def clean_query(self, data: QueryDict | dict[str, Any]) -> str:
        """The list's own filter parameters of `data`, non-empty, in a stable order."""
        pairs: list[tuple[str, str]] = []
        for name in self.params:
            values = data.getlist(name) if isinstance(data, QueryDict) else [data.get(name)]
            pairs += [(name, str(v).strip()) for v in values if v not in (None, "")]
        return urlencode(pairs)

    def url(self, query: str = "") -> str:
        base = reverse(self.url_name)
        return f"{base}?{query}" if query else base


# Selectors -----------------------------------------------------------------------------------
def saved_filter_list(*, user: Any, list_key: str) -> list[SavedFilter]:
    """The user's saved filters of one list, by name."""
    if user is None or not user.is_authenticated:
        return []
    return list(SavedFilter.objects.filter(user_id=user.pk, list_key=list_key).order_by("name"))


def saved_filter_get(*, user: Any, pk: Any) -> SavedFilter:
    """One of the user's own saved filters; any other id is a 404."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise NotFoundError() from exc
    user_pk = getattr(user, "pk", None)
    if user_pk is None:
        raise NotFoundError()
    found = SavedFilter.objects.filter(pk=pk, user_id=user_pk).first()
    if found is None:
        raise NotFoundError()
    return found


# Services ------------------------------------------------------------------------------------
def saved_filter_save(*, by: Any, saved_list: SavedList, name: str, query: str) -> SavedFilter:
    """Save the list's filters under `name` (a name the user already has for this list is
    overwritten: saving twice is one filter)."""
    name = (name or "").strip()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Give the filter a name.")]
    elif len(name) > NAME_MAX:
        errors["name"] = [_("At most %(n)d characters.") % {"n": NAME_MAX}]
    if len(query) > QUERY_MAX:
        errors["query"] = [_("These filters are too long to save.")]
    if errors:
        raise ValidationFailed(_("The filter was not saved."), fields=errors)
    with transaction.atomic():
        existing = (
            SavedFilter.objects.select_for_update()
            .filter(user_id=by.pk, list_key=saved_list.key, name=name)
            .first()
        )
        if existing is not None:
            before = snapshot(existing)
            existing.query = query
            existing.save(update_fields=["query", "updated_at"])
            audit_record(
                actor=by,
                action="shouhou.saved_filter.updated",
                obj=existing,
                before=before,
                after=snapshot(existing),
            )
            return existing
        count = SavedFilter.objects.filter(user_id=by.pk, list_key=saved_list.key).count()
        if count >= MAX_PER_LIST:
            raise ValidationFailed(
                _("At most %(n)d saved filters per list: delete one first.") % {"n": MAX_PER_LIST},
                fields={"name": [_("Too many saved filters.")]},
            )
        created = SavedFilter.objects.create(
            organisation_id=by.organisation_id,
            user=by,
            list_key=saved_list.key,
            name=name,
            query=query,
        )
        audit_record(
            actor=by, action="shouhou.saved_filter.created", obj=created, after=snapshot(created)
        )
        return created


def saved_filter_delete(*, by: Any, saved_filter: SavedFilter) -> None:
    if saved_filter.user_id != getattr(by, "pk", None):
        raise NotFoundError()
    with transaction.atomic():
        before = snapshot(saved_filter)
        audit_record(
            actor=by, action="shouhou.saved_filter.deleted", obj=saved_filter, before=before
        )
        SavedFilter.objects.filter(pk=saved_filter.pk).delete()


# Views ---------------------------------------------------------------------------------------
def _back(saved_list: SavedList, query: str) -> HttpResponse:
    return redirect(saved_list.url(query))


def save_view(
    saved_list: SavedList, *, can_use: Callable[[Any], bool] | None = None
) -> Callable[..., HttpResponse]:
    """POST `name` and the list's filters: save them, back to the list with those filters."""

    @login_required
    @require_POST
    def view(request: HttpRequest) -> HttpResponse:
        from .errors import PermissionDeniedError

        if can_use is not None and not can_use(request.user):
            raise PermissionDeniedError()
        query = saved_list.clean_query(request.POST)
        try:
            saved = saved_filter_save(
                by=request.user,
                saved_list=saved_list,
                name=request.POST.get("name", ""),
                query=query,
            )
        except DomainError as exc:
            msgs = [str(exc.message)] + [m for ms in exc.fields.values() for m in ms]
            messages.error(request, " ".join(dict.fromkeys(msgs)))
        else:
            messages.success(request, _("Filter saved: %(name)s.") % {"name": saved.name})
        return _back(saved_list, query)

    return view


def delete_view(saved_list: SavedList) -> Callable[..., HttpResponse]:
    """POST: delete one of the user's saved filters (another's id: 404)."""

    @login_required
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        from django.http import Http404

        try:
            saved = saved_filter_get(user=request.user, pk=pk)
        except NotFoundError as exc:
            raise Http404() from exc
        saved_filter_delete(by=request.user, saved_filter=saved)
        messages.success(request, _("Filter deleted: %(name)s.") % {"name": saved.name})
        return _back(saved_list, "")

    return view


def context(
    saved_list: SavedList, request: HttpRequest, *, save_url_name: str, delete_url_name: str
) -> dict[str, Any]:
    """What `core/_saved_filters.html` needs: the user's saved filters of this list (one
    query), and the current filters as the hidden fields of the "save" form."""
    rows = saved_filter_list(user=request.user, list_key=saved_list.key)
    current = saved_list.clean_query(request.GET)
    for row in rows:
        row.url = saved_list.url(row.query)  # type: ignore[attr-defined]
        row.is_current = row.query == current  # type: ignore[attr-defined]
    return {
        "saved_filters": rows,
        "filter_save_url": reverse(save_url_name),
        "filter_delete_name": delete_url_name,
        "filter_current": list(QueryDict(current).lists()),
    }
