"""Django's PostgreSQL backend, with a cheaper check of the pool's connections and
timestamps read in C (issue 18).

Settings' ``ENGINE`` for PostgreSQL. Timestamps: Django reads every ``timestamptz`` through
a loader of its own, a subclass of psycopg's pure-Python one, to set the time zone it wants
(3.3 µs a value against 0.2 µs for psycopg's C loader: 0.2 ms of CPU for an inbox page of
20 rows, 90 ms for an export of 10,000). When Django wants UTC and the connection's time zone
is UTC (``USE_TZ``, no ``TIME_ZONE`` for the database: ours), psycopg's C loader gives the
very same values, ``datetime.timezone.utc`` and all, so the connections get it instead.

The pool: Django's own check (``CONN_HEALTH_CHECKS``, which
hands psycopg_pool ``ConnectionPool.check_connection``) sends an empty query at every
check-out: a round trip at the start of every request, the lookup's second one for its single
query. Django passes the pool's ``check`` itself and refuses another, hence this backend.

It asks the socket first, which costs no round trip: an idle connection has nothing to read,
so anything readable (PostgreSQL's "terminating connection" on a restart or a
``pg_terminate_backend``, the end of the stream when the server went away) means it must be
tested; then the full check runs, and a dead connection goes back to the pool, which replaces
it, and the next one is taken, as psycopg_pool's own check does. A connection that is closed
or not idle gets the full check too.

What it cannot see without a round trip is a connection cut silently (no FIN or RST yet, a
firewall's idle timeout): the request's first query then fails and the admission control
answers 503 with Retry-After (docs/overload.md), nothing saved. The pool's ``max_idle`` (ten
minutes) retires idle connections, so such a connection is seldom lent.
"""

from __future__ import annotations

import datetime
import functools
import select
from typing import Any

import psycopg
from django.conf import settings
from django.db.backends.postgresql import base
from psycopg import adapt, postgres, pq
from psycopg.types.datetime import TimestamptzLoader
from psycopg_pool import ConnectionPool

_TROUBLE = select.POLLIN | select.POLLERR | select.POLLHUP | select.POLLNVAL


def looks_sound(conn: Any) -> bool:
    """Idle, open, and nothing waiting on its socket: fit to lend without asking the server."""
    if conn.closed or conn.info.transaction_status != pq.TransactionStatus.IDLE:
        return False
    poller = select.poll()
    poller.register(conn.fileno(), _TROUBLE)
    return not poller.poll(0)


def is_alive(conn: Any) -> bool:
    """The socket's answer, or the server's when the socket shows trouble."""
    if looks_sound(conn):
        return True
    try:
        ConnectionPool.check_connection(conn)
    except psycopg.Error:
        return False
    return True


@functools.cache  # asked at every cursor's first timestamp: found once a process
def _c_timestamptz_loader() -> type | None:
    """psycopg's C loader of ``timestamptz`` (its default one when its C implementation,
    ``psycopg[binary]``, is installed), None without it."""
    oid = postgres.types["timestamptz"].oid
    loader = psycopg.adapters.get_loader(oid, pq.Format.TEXT)
    return None if loader is None or loader is TimestamptzLoader else loader


class UtcTimestamptzLoader(adapt.Loader):
    """``timestamptz`` read by psycopg's C loader on a connection whose time zone is UTC.
    ``timezone`` is what Django's ``create_cursor`` compares to decide whether a cursor needs
    its own loader; ``load`` is the C loader's own method, called without a Python frame."""

    timezone = datetime.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        loader = _c_timestamptz_loader()
        connection = getattr(context, "connection", None)
        zone = connection.info.parameter_status("TimeZone") if connection is not None else None
        if loader is not None and zone in ("UTC", "Etc/UTC"):
            self.load = loader(oid, context).load  # type: ignore[method-assign]
        else:  # a connection not (yet) in UTC: Django's own reading (the method below)
            self._parse = TimestamptzLoader(oid, context).load

    def load(self, data: Any) -> datetime.datetime:
        return self._parse(data).replace(tzinfo=self.timezone)  # type: ignore[no-any-return]


@functools.lru_cache(maxsize=4)
def _with_c_timestamps(template: adapt.AdaptersMap) -> adapt.AdaptersMap:
    adapters = adapt.AdaptersMap(template)
    adapters.register_loader("timestamptz", UtcTimestamptzLoader)  # type: ignore[type-abstract]
    return adapters


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        context = params.get("context")
        utc = settings.USE_TZ and self.timezone is datetime.UTC
        if context is not None and utc and _c_timestamptz_loader() is not None:
            params["context"] = _with_c_timestamps(context)
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        connection = super().get_new_connection(conn_params)
        pool = self.pool  # type: ignore[attr-defined]  # django-stubs lacks 5.1's pool
        if pool is None:
            return connection
        # Each dead one is replaced by the pool; past as many as it holds, the last one's
        # error is the request's (a 503 from the admission control).
        for _ in range(pool.max_size):
            if is_alive(connection):
                return connection
            pool.putconn(connection)
            connection = super().get_new_connection(conn_params)
        try:
            ConnectionPool.check_connection(connection)
        except BaseException:
            # Back to the pool, which drops it: Django never saw it, so nobody else would
            # return it, and the pool would count it as lent for good (after max_size such
            # requests, none would get a connection even with the database back).
            pool.putconn(connection)
            raise
        return connection
