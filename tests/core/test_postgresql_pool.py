"""The pool's check (motcua.core.postgresql): no round trip for a sound idle connection; a
connection the server ended is found, replaced, and never lent."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from motcua.core.postgresql.base import is_alive, looks_sound

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's"),
]


def _terminate(pid: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])


def _until_it_shows(conn) -> None:
    for _ in range(100):  # the server's farewell takes a moment to reach the socket
        if not looks_sound(conn):
            return
        time.sleep(0.02)


@pytest.fixture
def conn():
    params = {k: v for k, v in connection.get_connection_params().items()
              if k not in ("cursor_factory", "context", "server_side_binding")}  # fmt: skip
    with psycopg.connect(**params, autocommit=True) as opened:
        yield opened


@pytest.fixture
def round_trips(monkeypatch):
    """The full checks that ran (they still run)."""
    ran: list[object] = []
    full = ConnectionPool.check_connection

    def counted(conn) -> None:
        ran.append(conn)
        full(conn)

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(counted))
    return ran


def test_a_sound_idle_connection_is_lent_without_a_round_trip(conn, round_trips):
    assert is_alive(conn)
    assert round_trips == []


def test_a_connection_the_server_ended_is_tested_and_refused(conn, round_trips):
    _terminate(conn.info.backend_pid)
    _until_it_shows(conn)
    assert not is_alive(conn)
    assert round_trips == [conn]


def test_a_connection_inside_a_transaction_is_not_taken_as_sound(conn):
    conn.autocommit = False
    conn.execute("SELECT 1")
    assert not looks_sound(conn)
    conn.rollback()
    conn.autocommit = True
    assert looks_sound(conn)


def test_a_closed_connection_is_never_lent(conn):
    conn.close()
    assert not is_alive(conn)


@pytest.mark.django_db(transaction=True)
def test_the_pool_replaces_a_connection_the_server_ended_before_lending_it():
    from django.db.utils import ConnectionHandler

    database = {**connection.settings_dict, "ENGINE": "motcua.core.postgresql",
                "CONN_HEALTH_CHECKS": False, "CONN_MAX_AGE": 0,
                "OPTIONS": {"pool": {"min_size": 1, "max_size": 2}}}  # fmt: skip
    pooled = ConnectionHandler({"default": database})["default"]
    try:
        pooled.ensure_connection()
        first = pooled.connection.info.backend_pid
        raw = pooled.connection
        pooled.close()  # back to the pool, as at the end of a request
        _terminate(first)
        _until_it_shows(raw)
        with pooled.cursor() as cursor:  # the next request
            cursor.execute("SELECT pg_backend_pid()")
            assert cursor.fetchone()[0] != first
        pooled.close()
    finally:
        pooled.close_pool()


class _Pool:
    """As much of psycopg_pool as the backend uses: lends, takes back, counts."""

    max_size = 2

    def __init__(self) -> None:
        self.lent: list[object] = []
        self.returned: list[object] = []

    def getconn(self) -> object:
        self.lent.append(object())
        return self.lent[-1]

    def putconn(self, conn: object) -> None:
        self.returned.append(conn)


def test_a_connection_that_fails_the_last_check_goes_back_to_the_pool(monkeypatch):
    # The database down: every connection fails its check. Each must go back (the pool then
    # drops it and opens another); one kept would be lost to the pool for good, and after
    # max_size such requests no request could get a connection even once the database is up.
    from django.db.backends.postgresql import base as django_base

    from motcua.core.postgresql import base as ours

    pool = _Pool()
    monkeypatch.setattr(django_base.DatabaseWrapper, "get_new_connection",
                        lambda self, params: pool.getconn())  # fmt: skip
    monkeypatch.setattr(ours, "is_alive", lambda conn: False)

    def refuse(conn) -> None:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(ConnectionPool, "check_connection", staticmethod(refuse))

    class Wrapper(ours.DatabaseWrapper):
        pool = None  # the instance's, below, instead of Django's property

    wrapper = Wrapper.__new__(Wrapper)
    wrapper.pool = pool
    with pytest.raises(psycopg.OperationalError):
        wrapper.get_new_connection({})
    assert len(pool.lent) == pool.max_size + 1
    assert pool.returned == pool.lent
