"""Writing and clearing many rows at once, for rebuilds over millions of rows.

On PostgreSQL rows go in through ``COPY … FROM STDIN`` (psycopg adapts each Python value
itself), which skips what ``bulk_create`` spends most of its time on over millions of rows: a
model instance per row and each value prepared field by field (a rebuild of the Decision 766
index spent 40 % of its time there). Elsewhere (SQLite, the embedded default) ``bulk_create``.
Only for plain columns (numbers, text, dates, booleans, foreign keys by id): no field that
transforms its value on the way to the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def columns_of(model: type[models.Model]) -> list[str]:
    """The attribute names of the model's stored fields, its automatic key left out."""
    return [
        f.attname
        for f in model._meta.concrete_fields
        if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
    ]


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]
) -> int:
    """Insert ``rows`` (tuples of values in the order of ``fields``, attribute names) into the
    model's table; returns how many. Every stored field without a value here must be nullable
    or left to the database: give them all (``columns_of``)."""
    if connection.vendor != "postgresql":
        objects = [model(**dict(zip(fields, row, strict=True))) for row in rows]
        model._default_manager.bulk_create(objects, batch_size=2000)
        return len(objects)
    by_attname = {f.attname: f.column for f in model._meta.concrete_fields}
    quote = connection.ops.quote_name
    columns = ", ".join(quote(by_attname[name]) for name in fields)
    count = 0
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: Django's wrapper does not offer COPY
        with raw.copy(f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def delete_where(model: type[models.Model], **equal: Any) -> None:
    """``DELETE FROM table WHERE column = value AND …`` without Django's deletion collector
    (which reads what it deletes first, for signals and cascades): only for tables that nothing
    references and that no signal watches."""
    quote = connection.ops.quote_name
    by_name = {f.name: f.column for f in model._meta.concrete_fields}
    by_name.update({f.attname: f.column for f in model._meta.concrete_fields})
    where = " AND ".join(f"{quote(by_name[name])} = %s" for name in equal)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {quote(model._meta.db_table)} WHERE {where}", list(equal.values())
        )
