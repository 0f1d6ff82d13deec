"""Dossier codes: ``<agency electronic ID>-<yyMMdd>-<NNNN>``, unique per agency and day."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.db.models import Model

from motcua.identity.models import Agency

from .models import DossierCodeSequence


def next_dossier_code(agency: Agency, day: date) -> str:
    """The next code for ``agency`` on ``day``.

    One statement creates the day's counter or increments it and returns the new number
    (an upsert with RETURNING: PostgreSQL, and SQLite from 3.35). It locks the row until its
    transaction ends, and concurrent callers queue on that row (PostgreSQL) or on the write
    lock (SQLite); each gets the next number, and a number is never handed out twice.
    Called outside a transaction (submit_dossier does when it can), the statement is its own
    transaction and the row is locked for that statement only; the number is then spent even
    if the dossier is not saved (ADR 0010).
    """
    number = next_in_sequence(DossierCodeSequence, agency_id=agency.pk, day=day)
    # Four digits as in every real example; a 10,000th dossier in a day widens, never wraps.
    return f"{agency.electronic_id}-{day:%y%m%d}-{number:04d}"


def next_in_sequence(model: type[Model], **key: int | date) -> int:
    """The next number of the counter row of ``model`` identified by ``key`` (its unique
    columns), created at 1 or incremented by one statement; see next_dossier_code for why
    it never hands a number out twice. Used for dossier codes, document numbers and receipt
    numbers: every counter of the project has the shape (key columns…, last)."""
    q = connection.ops.quote_name
    table = q(model._meta.db_table)
    last = q("last")
    columns = ", ".join(q(name) for name in key)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}, {last}) "
            f"VALUES ({', '.join(['%s'] * len(key))}, 1) "
            f"ON CONFLICT ({columns}) DO UPDATE SET {last} = {table}.{last} + 1 RETURNING {last}",
            list(key.values()),
        )
        (number,) = cursor.fetchone()
    return int(number)
