"""Django's PostgreSQL backend, with a cheaper check of the pool's connections (issue 18).

Settings' ``ENGINE`` when the pool is on. Django's own check (``CONN_HEALTH_CHECKS``, which
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

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq
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


class DatabaseWrapper(base.DatabaseWrapper):
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
