"""motcua.core.postgresql reads timestamptz with psycopg's C loader when Django wants UTC:
the same values as Django's own loader, aware in datetime.UTC."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's loaders"),
]

VALUES = [
    "2026-12-08 01:02:03.123456+07",
    "2026-12-31 23:59:59.999999+00",
    "1900-01-01 00:00:00-00:17:30",  # an offset in minutes and seconds (historical LMT)
    "0001-01-01 00:00:00+00",
    "2026-03-29 02:30:00 Europe/Paris",
]


def read(sql_values: list[str]) -> list[datetime.datetime | None]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT v::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
            [sql_values],
        )
        return [row[0] for row in cursor.fetchall()]


def test_the_connection_reads_timestamps_with_the_c_loader():
    from psycopg import pq

    from motcua.core.postgresql.base import UtcTimestamptzLoader, _c_timestamptz_loader

    if _c_timestamptz_loader() is None:
        pytest.skip("psycopg without its C implementation")
    connection.ensure_connection()
    oid = 1184  # timestamptz
    assert connection.connection.adapters.get_loader(oid, pq.Format.TEXT) is UtcTimestamptzLoader
    with connection.cursor() as cursor:  # the connection is in UTC: the C method, not ours
        cursor.execute("SELECT now()")
        loader = cursor.cursor._tx.get_loader(oid, pq.Format.TEXT)
        assert "_parse" not in vars(loader) and "CLoader" in repr(loader.load)


def test_the_values_are_djangos_to_the_microsecond_and_aware_in_utc(monkeypatch):
    from django.db.backends.postgresql.psycopg_any import register_tzloader

    ours = read(VALUES)
    assert all(v.tzinfo is datetime.UTC for v in ours)
    assert ours[0] == datetime.datetime(2026, 12, 7, 18, 2, 3, 123456, tzinfo=datetime.UTC)
    with connection.cursor() as cursor:  # Django's own loader on this cursor
        register_tzloader(datetime.UTC, cursor.cursor)
        cursor.execute(
            "SELECT v::timestamptz FROM unnest(%s::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n",
            [VALUES],
        )
        djangos = [row[0] for row in cursor.fetchall()]
    assert ours == djangos and [v.tzinfo for v in ours] == [v.tzinfo for v in djangos]
    assert read([None]) == [None]  # type: ignore[list-item]


def test_a_model_reads_back_the_moment_it_saved():
    from motcua.identity.models import User

    user = User.objects.create(username="thoigian")
    again = User.objects.get(pk=user.pk).date_joined
    assert again == user.date_joined and again.tzinfo is datetime.UTC
