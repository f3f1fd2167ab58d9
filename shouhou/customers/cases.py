"""The records of a service case, from the apps that keep them (registry).

A service case (`models.ServiceCase`) lives in the customers app because every app whose records
join it (work orders, complaints and their returns and exchanges) may import customers; the
customers app imports none of them. So each of those apps registers, from its `AppConfig.ready`,
how to read its records of a case: `register_case_records(CaseRecords(...))`. `case_records`
reads every registered kind in one UNION query, in time order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, F, QuerySet, Value


@dataclass(frozen=True)
class CaseRecords:
    """How one app's records of a case are read.

    `rows(case_id)` returns a queryset of the app's rows of that case with the annotations
    `rec_id`, `rec_number`, `rec_at` (when the record was received), `rec_kind` (the record's
    own kind code), `rec_status` and `rec_text` (what the customer said); `url(pk)` is the
    record's page; `kind_label(code)` and `status_label(code)` name its kind and status."""

    source: str
    rows: Callable[[int], QuerySet]
    url: Callable[[int], str]
    # A label may be a lazy translation; the history renders it with str().
    kind_label: Callable[[str], object]
    status_label: Callable[[str], object]


_SOURCES: dict[str, CaseRecords] = {}
COLUMNS = ("rec_source", "rec_id", "rec_number", "rec_at", "rec_kind", "rec_status", "rec_text")
TEXT_CHARS = 200


def register_case_records(records: CaseRecords) -> None:
    _SOURCES[records.source] = records


def record_columns(
    *, id="pk", number="number", at, kind="kind", status="status", text="description"
) -> dict:
    """The annotations a `CaseRecords.rows` queryset gives (the same names for every app, so
    that the UNION lines up; the columns behind them have the same types: big integer, short
    text, aware time, text)."""
    return {
        "rec_id": F(id),
        "rec_number": F(number),
        "rec_at": F(at),
        "rec_kind": F(kind),
        "rec_status": F(status),
        "rec_text": F(text),
    }


def case_records(case_id: int) -> list[dict]:
    """Every record of the case in time order (one query): source, id, number, at, kind and
    status (codes and labels), text (shortened) and url."""
    sources = list(_SOURCES.values())
    if not sources:
        return []
    parts = [
        src.rows(case_id)
        .annotate(rec_source=Value(src.source, output_field=CharField()))
        .order_by()
        .values_list(*COLUMNS)
        for src in sources
    ]
    qs = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    out = []
    for source, pk, number, at, kind, status, text in qs.order_by("rec_at", "rec_id"):
        src = _SOURCES[source]
        text = text or ""
        out.append(
            {
                "source": source,
                "id": pk,
                "number": number,
                "at": at,
                "kind": kind,
                "kind_label": str(src.kind_label(kind)),
                "status": status,
                "status_label": str(src.status_label(status)),
                "text": text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…",
                "url": src.url(pk),
            }
        )
    return out
