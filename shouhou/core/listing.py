"""List rows for the API (issue 26): summary representations, `?fields=` / `?expand=`, and
conditional GET for lists.

A list endpoint returns a summary row (what a list shows: long text cut by `truncate`, phones
masked), the detail endpoint the full record. A summary serializer mixes in `ShapedSerializer`
and may declare `expandable`: extra detail fields a client asks for with `?expand=`
(`?expand=description` gives the full description instead of the cut one). `?fields=` keeps a
subset of the summary fields (`id` is always kept). An unknown name is a 400 naming `fields`
(or `expand`). `shape_parameters(Serializer)` documents both in the OpenAPI schema.

`SummaryListMixin.list_response(queryset, Serializer)` pages the queryset, computes the page's
validator from the rows it fetched (`rows_etag`: each row's id and `updated_at`, those of the
related rows the row shows, the next cursor, who asks and in which language) and answers
`304 Not Modified` to a matching `If-None-Match` without serialising anything; otherwise it
serialises the shaped rows and sends the validator as `ETag`. It is correct because every
change of a row moves its `updated_at`: `OrgScopedModel`'s managers also set it on
`QuerySet.update()` (see `core.models.TouchingQuerySet`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django.utils import timezone, translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.response import Response

from .errors import ValidationFailed
from .phones import mask_phone

SUMMARY_TEXT_CHARS = 80
ELLIPSIS = "…"


def truncate(text: str | None, limit: int = SUMMARY_TEXT_CHARS) -> str:
    """`text` cut to `limit` characters, the last one an ellipsis when something was cut."""
    text = text or ""
    if len(text) <= limit:
        return text
    return text[: limit - 1] + ELLIPSIS


def fields_without(fields: Sequence[str], *omit: str) -> list[str]:
    """A summary row's fields: the detail serializer's `fields` less `omit`, in the same order.

    Deriving the row from the detail keeps the two from drifting apart (a field added to the
    detail shows in the list unless it is left out here); a name in `omit` that the detail
    does not have fails at import, so a rename cannot silently put a long field back."""
    unknown = [name for name in omit if name not in fields]
    if unknown:
        raise ValueError(f"fields_without: not among the fields: {unknown}")
    return [name for name in fields if name not in omit]


class TruncatedText(serializers.CharField):
    """A long text of a list row: its first `SUMMARY_TEXT_CHARS` characters."""

    def __init__(self, limit: int = SUMMARY_TEXT_CHARS, **kwargs: Any) -> None:
        self.limit = limit
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", f"The first {limit} characters (the detail has all).")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return truncate(str(value) if value is not None else "", self.limit)


class MaskedPhone(serializers.CharField):
    """A phone number in a list row: 138****1234 (the detail shows what the role may see)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("read_only", True)
        kwargs.setdefault("help_text", "Masked: 138****1234.")
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> str:
        return mask_phone(str(value)) if value else ""


# ?fields= and ?expand= ---------------------------------------------------------------------
@dataclass(frozen=True)
class Shape:
    fields: frozenset[str] | None = None  # None: every summary field
    expand: tuple[str, ...] = ()

    def key(self) -> str:
        return f"{sorted(self.fields) if self.fields is not None else '*'}|{self.expand}"


def _names(raw: str | None) -> list[str]:
    return [n.strip() for n in (raw or "").split(",") if n.strip()]


class ShapedSerializer(serializers.Serializer[Any]):
    """Mixin of a list row serializer (put it first: `class XListOut(ShapedSerializer,
    serializers.ModelSerializer)`): `context["shape"]` picks the fields.

    `expandable` maps a name to a factory of its field (a field instance is bound to one
    serializer, so each serializer gets a new one); an expanded field replaces the summary
    field of the same name (the full text instead of the cut one)."""

    expandable: ClassVar[dict[str, Callable[[], serializers.Field[Any, Any, Any, Any]]]] = {}
    _summary_names: ClassVar[list[str]]

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        fields = super().get_fields()
        shape: Shape | None = self.context.get("shape")
        if shape is None:
            return fields
        for name in shape.expand:
            fields[name] = self.expandable[name]()
        if shape.fields is not None:
            keep = shape.fields | {"id"} | set(shape.expand)
            fields = {k: v for k, v in fields.items() if k in keep}
        return fields

    @classmethod
    def summary_names(cls) -> list[str]:
        if "_summary_names" not in cls.__dict__:
            cls._summary_names = list(cls().get_fields())
        return cls._summary_names


def parse_shape(request: Any, serializer_class: type[ShapedSerializer]) -> Shape:
    """The shape `?fields=` and `?expand=` ask for; unknown names are a 400 naming the
    parameter."""
    params = request.query_params if hasattr(request, "query_params") else request.GET
    wanted, expand = _names(params.get("fields")), _names(params.get("expand"))
    if not wanted and not expand:
        return Shape()
    known = set(serializer_class.summary_names())
    errors: dict[str, list[str]] = {}
    unknown = [n for n in wanted if n not in known]
    if unknown:
        errors["fields"] = [
            _("Unknown field(s): %(names)s. Known: %(known)s.")
            % {"names": ", ".join(unknown), "known": ", ".join(sorted(known))}
        ]
    bad = [n for n in expand if n not in serializer_class.expandable]
    if bad:
        errors["expand"] = [
            _("Cannot expand: %(names)s. Possible: %(known)s.")
            % {
                "names": ", ".join(bad),
                "known": ", ".join(sorted(serializer_class.expandable)) or "-",
            }
        ]
    if errors:
        raise ValidationFailed(fields=errors)
    return Shape(frozenset(wanted) if wanted else None, tuple(dict.fromkeys(expand)))


def shape_parameters(serializer_class: type[ShapedSerializer]) -> list[OpenApiParameter]:
    """The OpenAPI description of `?fields=` and `?expand=` for a list of these rows."""
    names = ", ".join(f"`{n}`" for n in serializer_class.summary_names())
    params = [
        OpenApiParameter(
            "fields",
            str,
            description=f"Comma-separated subset of the row's fields ({names}); `id` is always "
            "included. An unknown name is a 400 naming `fields`.",
        )
    ]
    if serializer_class.expandable:
        extra = ", ".join(f"`{n}`" for n in serializer_class.expandable)
        params.append(
            OpenApiParameter(
                "expand",
                str,
                description=f"Comma-separated detail fields to add to each row ({extra}); an "
                "expanded text is given in full. An unknown name is a 400 naming `expand`.",
            )
        )
    params.append(
        OpenApiParameter(
            "If-None-Match",
            str,
            location=OpenApiParameter.HEADER,
            description="The `ETag` of an earlier answer: 304 without a body when nothing in "
            "the page changed.",
        )
    )
    return params


# Conditional GET ---------------------------------------------------------------------------
def scope_key(request: Any) -> str:
    """Who asks, for what, in which language: part of every validator, so one user's or
    organisation's ETag never matches another's answer."""
    user = request.user
    return "|".join(
        [
            str(getattr(user, "pk", "")),
            str(getattr(user, "organisation_id", "")),
            translation.get_language() or "",
            request.get_full_path(),
            # Rows may say "overdue" or "today" relative to the date: a new day, new answers.
            timezone.localdate().isoformat(),
        ]
    )


def _stamp(obj: Any) -> str:
    if obj is None:
        return "-"
    if not hasattr(type(obj), "updated_at"):
        # A row without a change time (a user account): what a list shows of it, its name.
        return f"{obj.pk}={obj}"
    stamp = obj.updated_at
    return f"{obj.pk}@{stamp.timestamp() if stamp else ''}"


def rows_etag(
    request: Any,
    rows: Iterable[Any],
    *,
    related: Sequence[str] = (),
    values: Sequence[str] = (),
    extra: str = "",
) -> str:
    """A weak validator of a list page from the rows already fetched: no query, no
    serialisation. `related`: dotted paths of related rows the list row shows (`customer`,
    `technician`), whose `updated_at` must be loaded with the row (select_related/only);
    `values`: attributes computed against the clock (`is_overdue`), whose values go in as
    they are, since time changes them without a write."""
    h = hashlib.blake2b(digest_size=16)
    h.update(scope_key(request).encode())
    h.update(extra.encode())
    for row in rows:
        h.update(_stamp(row).encode())
        for path in related:
            obj = row
            for part in path.split("."):
                obj = getattr(obj, part, None)
                if obj is None:
                    break
            if obj is not None and hasattr(obj, "all") and hasattr(obj, "model"):
                # A to-many relation shown in the row (its prefetched lines): every one.
                for item in obj.all():
                    h.update(_stamp(item).encode())
                continue
            h.update(_stamp(obj).encode())
        for name in values:
            h.update(f"|{getattr(row, name)!r}".encode())
        h.update(b";")
    return f'W/"{h.hexdigest()}"'


def if_none_match(request: Any, etag: str) -> bool:
    header = request.META.get("HTTP_IF_NONE_MATCH", "")
    if not header:
        return False
    tags = {t.strip() for t in header.split(",")}
    bare = etag.removeprefix("W/")
    return etag in tags or bare in tags or "*" in tags


def not_modified(etag: str) -> Response:
    response = Response(status=304)
    response["ETag"] = etag
    return response


class SummaryListMixin:
    """`list_response` for a viewset's list action (see the module's docstring)."""

    #: dotted paths of related rows a list row shows; their `updated_at` is in the validator.
    list_related: ClassVar[Sequence[str]] = ()
    #: attributes of a row computed against the clock (see `rows_etag`).
    list_values: ClassVar[Sequence[str]] = ()

    def list_response(
        self,
        queryset: Any,
        serializer_class: type[ShapedSerializer],
        *,
        context: dict[str, Any] | None = None,
        related: Sequence[str] | None = None,
        values: Sequence[str] | None = None,
        paginate: bool = True,
        etag: bool = True,
        prepare: Callable[[Shape, Any], Any] | None = None,
        extra: str = "",
    ) -> Response:
        """`prepare(shape, queryset)` may load what the expanded fields need; `extra`: what
        else the rows depend on (a setting they are computed with) for the validator."""
        request = self.request  # type: ignore[attr-defined]
        shape = parse_shape(request, serializer_class)
        if prepare is not None:
            queryset = prepare(shape, queryset)
        paginator = getattr(self, "paginator", None) if paginate else None
        rows = (
            self.paginate_queryset(queryset)  # type: ignore[attr-defined]
            if paginator is not None
            else None
        )
        if rows is None:
            rows = list(queryset)
            paginator = None
        if not etag:
            ctx = {"request": request, "shape": shape, **(context or {})}
            data = serializer_class(rows, many=True, context=ctx).data
            return (
                self.get_paginated_response(data)  # type: ignore[attr-defined]
                if paginator is not None
                else Response(data)
            )
        related = self.list_related if related is None else related
        page_state = repr(getattr(paginator, "next_values", None)) if paginator else ""
        validator = rows_etag(
            request,
            rows,
            related=related,
            values=self.list_values if values is None else values,
            extra=f"{shape.key()}|{page_state}|{extra}",
        )
        if if_none_match(request, validator):
            return not_modified(validator)
        ctx = {"request": request, "shape": shape, **(context or {})}
        data = serializer_class(rows, many=True, context=ctx).data
        response = (
            self.get_paginated_response(data)  # type: ignore[attr-defined]
            if paginator is not None
            else Response(data)
        )
        response["ETag"] = validator
        return response


def finish_api_response(request: Any, user: Any, response: Any) -> Any:
    """Every authenticated API answer: `Cache-Control: private` (a shared proxy must not keep
    one user's data for another) and `Vary` on what picks the answer. A successful GET that
    set no validator of its own (a detail) gets a weak ETag of its body, scoped to the user,
    and 304 for a matching `If-None-Match`: the body is rendered, but not sent again."""
    if user is None or not user.is_authenticated:
        return response
    if not response.has_header("Cache-Control"):
        response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ("Authorization", "Cookie", "Accept-Language"))
    if (
        request.method in ("GET", "HEAD")
        and response.status_code == 200
        and not response.streaming
        and not response.has_header("ETag")
        and response.get("Content-Type", "").startswith("application/json")
    ):
        h = hashlib.blake2b(digest_size=16)
        h.update(f"{user.pk}|{getattr(user, 'organisation_id', '')}|".encode())
        h.update(response.content)
        etag = f'W/"{h.hexdigest()}"'
        response["ETag"] = etag
        if if_none_match(request, etag):
            response.status_code = 304
            response.content = b""
            del response["Content-Type"]
    return response
