"""Set-based writes for jobs: the column part of an `INSERT INTO ... SELECT ...`."""

from __future__ import annotations

from typing import Any

from django.db import connection, models


def insert_select_columns(
    model: type[models.Model], exprs: dict[str, tuple[str, list[Any]]], *, now: Any
) -> tuple[list[str], list[str], list[Any]]:
    """Columns, SELECT expressions and their parameters for inserting `model` rows.

    `exprs` maps a column to (SQL over the source rows, params); every other column gets its
    model default (created_at/updated_at: `now`), so a job's INSERT keeps working when a column
    with a default is added to the model. Names are quoted from the model's metadata and every
    value is a parameter.
    """
    cols: list[str] = []
    sql: list[str] = []
    params: list[Any] = []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.generated:  # the database computes a generated column
            continue
        cols.append(connection.ops.quote_name(f.column or f.attname))
        if f.column in exprs:
            expr, p = exprs[f.column]
            sql.append(expr)
            params.extend(p)
            continue
        if f.name in ("created_at", "updated_at"):
            value = now
        elif f.has_default():
            value = f.get_default()
        elif f.null:
            value = None
        elif f.empty_strings_allowed:
            value = ""
        else:  # pragma: no cover - a new required column must be given in `exprs`
            raise ValueError(f"no value for {model.__name__}.{f.name}")
        sql.append("%s")
        params.append(f.get_db_prep_save(value, connection))
    return cols, sql, params
