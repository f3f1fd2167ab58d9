"""Keyset (cursor) pagination for the API lists that grow without bound.

`KeysetPagination` pages over the queryset's own ordering (the selector's `order_by`, with the
primary key added as the last tie-break): a page is "the next `page_size` rows after the last
row of the previous page", so page 500 costs what page 1 costs when an index matches the
ordering, and no page runs a COUNT. The cursor is an opaque token holding the last row's sort
values. DRF's own `CursorPagination` keys on the first ordering field only (plus an offset),
which cannot serve orderings such as "re-issued first, then newest".

When every ordering column is a plain column of the listed table and all run the same way, the
condition is one row-value comparison, `(a, b, id) < (%s, %s, %s)`, which PostgreSQL and SQLite
answer from a matching index; other orderings (annotations, related columns, mixed directions,
NULLs) get the equivalent OR-of-ANDs condition.

Query parameters: `cursor` (from the previous page's `next`), `page_size` (default 50, at most
200). Answer: `{"next": url or null, "page_size": n, "results": [...]}`.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from decimal import Decimal
from operator import attrgetter

from django.db import connection
from django.db.models import Q
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .errors import ValidationFailed

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _encode_value(v):
    if isinstance(v, dt.datetime):
        return {"dt": v.isoformat()}
    if isinstance(v, dt.date):
        return {"d": v.isoformat()}
    if isinstance(v, Decimal):
        return {"n": str(v)}
    return v


def _decode_value(v):
    if isinstance(v, dict):
        if "dt" in v:
            return parse_datetime(v["dt"])
        if "d" in v:
            return parse_date(v["d"])
        if "n" in v:
            return Decimal(v["n"])
    return v


def _ordering(queryset) -> list[tuple[str, bool]]:
    """[(field path, descending)], ending with the primary key."""
    names = list(queryset.query.order_by) or list(queryset.model._meta.ordering)
    out = []
    for name in names:
        if not isinstance(name, str):
            raise TypeError("keyset pagination needs orderings by field name")
        desc = name.startswith("-")
        out.append((name.lstrip("-"), desc))
    pk = queryset.model._meta.pk.name
    if not any(n in (pk, "pk") for n, _d in out):
        out.append((pk, out[-1][1] if out else False))
    return out


class KeysetPagination(BasePagination):
    page_size = DEFAULT_PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE
    cursor_query_param = "cursor"
    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw in (None, ""):
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationFailed(
                fields={self.page_size_query_param: [_("A whole number of at least 1.")]}
            )
        return min(size, self.max_page_size)

    def _decode_cursor(self, raw: str) -> list:
        try:
            values = json.loads(base64.urlsafe_b64decode(raw.encode() + b"=" * (-len(raw) % 4)))
            assert isinstance(values, list)
        except Exception:  # noqa: BLE001 - any malformed cursor is the client's error
            raise ValidationFailed(
                fields={self.cursor_query_param: [_("Invalid cursor.")]}
            ) from None
        return [_decode_value(v) for v in values]

    @staticmethod
    def _encode_cursor(values: list) -> str:
        raw = json.dumps([_encode_value(v) for v in values], separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    def _after(self, queryset, ordering, values):
        """Rows after `values` in `ordering`."""
        model = queryset.model
        concrete = {f.name: f for f in model._meta.concrete_fields}
        concrete["pk"] = model._meta.pk
        simple = (
            all(name in concrete for name, _d in ordering)
            and len({d for _n, d in ordering}) == 1
            and all(v is not None for v in values)
            and not any(name in queryset.query.annotations for name, _d in ordering)
        )
        if simple:
            fields = [concrete[name] for name, _d in ordering]
            table = connection.ops.quote_name(model._meta.db_table)
            cols = ", ".join(f"{table}.{connection.ops.quote_name(f.column)}" for f in fields)
            marks = ", ".join(["%s"] * len(fields))
            op = "<" if ordering[0][1] else ">"
            # A generated column's values are those of its output field (a datetime's
            # UTC text on SQLite).
            preps = [getattr(f, "output_field", f) if f.generated else f for f in fields]
            params = [
                f.get_db_prep_value(v, connection) for f, v in zip(preps, values, strict=True)
            ]
            # Column names come from the model's metadata; the values are query parameters.
            return queryset.extra(where=[f"({cols}) {op} ({marks})"], params=params)  # noqa: S610
        return queryset.filter(self._after_q(ordering, values))

    @staticmethod
    def _after_q(ordering, values) -> Q:
        # PostgreSQL sorts NULL as the largest value, SQLite as the smallest.
        nulls_large = connection.vendor == "postgresql"
        never = Q(pk__in=[])
        cond, equal = never, Q()
        for (name, desc), v in zip(ordering, values, strict=True):
            if v is None:
                # After NULL come the non-NULL values when NULLs sort first in this direction.
                nulls_first = nulls_large == desc
                strict = Q(**{f"{name}__isnull": False}) if nulls_first else never
                same = Q(**{f"{name}__isnull": True})
            else:
                strict = Q(**{f"{name}__{'lt' if desc else 'gt'}": v})
                if nulls_large != desc:  # NULLs sort last here: they come after any value
                    strict |= Q(**{f"{name}__isnull": True})
                same = Q(**{name: v})
            cond |= equal & strict
            equal &= same
        return cond

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        ordering = _ordering(queryset)
        raw = request.query_params.get(self.cursor_query_param)
        if raw:
            values = self._decode_cursor(raw)
            if len(values) != len(ordering):
                raise ValidationFailed(fields={self.cursor_query_param: [_("Invalid cursor.")]})
            queryset = self._after(queryset, ordering, values)
        rows = list(queryset[: size + 1])
        self.page_size_used = size
        self.next_values = None
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            self.next_values = [
                attrgetter(name.replace("__", "."))(last) if name != "pk" else last.pk
                for name, _d in ordering
            ]
            self.next_values = [getattr(v, "pk", v) for v in self.next_values]
        return rows

    def get_next_link(self):
        if self.next_values is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(
            url, self.cursor_query_param, self._encode_cursor(self.next_values)
        )

    def get_first_link(self):
        return remove_query_param(self.request.build_absolute_uri(), self.cursor_query_param)

    def get_paginated_response(self, data):
        return Response(
            {"next": self.get_next_link(), "page_size": self.page_size_used, "results": data}
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "page_size": {"type": "integer"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "The `next` link of the previous page holds it.",
                "schema": {"type": "string"},
            },
            {
                "name": self.page_size_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page (default {DEFAULT_PAGE_SIZE}, at most {MAX_PAGE_SIZE}).",
                "schema": {"type": "integer"},
            },
        ]
